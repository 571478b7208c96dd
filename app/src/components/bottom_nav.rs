//! The bottom navigation, in reach of one thumb. Only pages that exist are
//! linked.

use crate::i18n::{Key, t};
use crate::prefs::use_lang;
use crate::routes;
use leptos::prelude::*;
use leptos_router::components::A;

stylance::import_crate_style!(style, "src/components/bottom_nav.module.css");

/// The navigation bar at the bottom of every page.
#[component]
pub fn BottomNav() -> impl IntoView {
    let lang = use_lang();
    view! {
        <nav class=style::nav aria-label=t(lang, Key::NavLabel)>
            <A href=routes::HOME exact=true attr:class=style::item>
                <svg class=style::icon viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M3 11.5 12 4l9 7.5M5.5 9.5V20h5v-6h3v6h5V9.5" />
                </svg>
                <span>{t(lang, Key::NavHome)}</span>
            </A>
            <A href=routes::ME attr:class=style::item>
                <svg class=style::icon viewBox="0 0 24 24" aria-hidden="true">
                    <circle cx="12" cy="8" r="4" />
                    <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7" />
                </svg>
                <span>{t(lang, Key::NavMe)}</span>
            </A>
        </nav>
    }
}
