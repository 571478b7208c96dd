//! What an unknown path, or a record that does not exist, shows.

use crate::i18n::{Key, t, title};
use crate::prefs::{use_lang, use_title};
use crate::routes;
use leptos::prelude::*;
use leptos_router::components::A;

stylance::import_crate_style!(style, "src/pages/not_found.module.css");

/// The page for a path or record that does not exist.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let lang = use_lang();
    use_title(move || title(lang, t(lang, Key::NotFound)));
    view! {
        <section class=style::page>
            <h1 class=style::title>{t(lang, Key::NotFound)}</h1>
            <p>{t(lang, Key::NotFoundHint)}</p>
            <A href=routes::HOME attr:class=style::home>{t(lang, Key::BackHome)}</A>
        </section>
    }
}
