//! The bottom navigation, in reach of one thumb. Only pages that exist are
//! linked.

use crate::api;
use crate::i18n::{Key, t};
use crate::prefs::use_lang;
use crate::routes;
use crate::session::use_session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

stylance::import_crate_style!(style, "src/components/bottom_nav.module.css");

/// The navigation bar at the bottom of every page.
#[component]
pub fn BottomNav() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    // Unread notices, asked once the person is known to be signed in.
    let unread = RwSignal::new(0_i64);
    Effect::new(move || {
        if session.person.with(|p| matches!(p, Some(Some(_)))) {
            spawn_local(async move {
                if let Ok(count) = api::unread(lang).await {
                    unread.set(count.unread);
                }
            });
        }
    });
    view! {
        <nav class=style::nav aria-label=t(lang, Key::NavLabel)>
            <A href=routes::HOME exact=true attr:class=style::item>
                <svg class=style::icon viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M3 11.5 12 4l9 7.5M5.5 9.5V20h5v-6h3v6h5V9.5" />
                </svg>
                <span>{t(lang, Key::NavHome)}</span>
            </A>
            <A href=routes::NOTICES attr:class=style::item>
                <svg class=style::icon viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0" />
                </svg>
                <span>{t(lang, Key::NavNotices)}</span>
                {move || {
                    let n = unread.get();
                    (n > 0).then(|| view! { <span class=style::badge>{if n > 99 { "99+".to_owned() } else { n.to_string() }}</span> })
                }}
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
