//! The top bar: the resident's compound (or the portal's name), and the two
//! switches elderly residents need most — large text and language.

use crate::i18n::{Key, t};
use crate::prefs::{use_lang, use_prefs};
use crate::routes;
use api_types::Lang;
use leptos::prelude::*;
use leptos_router::components::A;

stylance::import_crate_style!(style, "src/components/top_bar.module.css");

/// The bar at the top of every page.
#[component]
pub fn TopBar() -> impl IntoView {
    let prefs = use_prefs();
    let lang = use_lang();
    let heading = move || match prefs.compound.get() {
        Some(mine) => mine.name,
        None => t(lang, Key::Brand).to_owned(),
    };
    let toggle_lang = move |_| {
        prefs.lang.update(|l| {
            *l = match l {
                Lang::Zh => Lang::En,
                Lang::En => Lang::Zh,
            }
        })
    };
    view! {
        <header class=style::bar>
            <A href=routes::HOME attr:class=style::home>
                <span class=style::mark aria-hidden="true">"邻"</span>
                <span class=style::heading>{heading}</span>
            </A>
            <div class=style::switches>
                <button
                    type="button"
                    class=style::switch
                    aria-pressed=move || prefs.large_text.get().to_string()
                    title=t(lang, Key::LargeText)
                    on:click=move |_| prefs.large_text.update(|on| *on = !*on)
                >
                    {t(lang, Key::LargeTextShort)}
                </button>
                <button
                    type="button"
                    class=style::switch
                    lang=match lang {
                        Lang::Zh => "en",
                        Lang::En => "zh-CN",
                    }
                    on:click=toggle_lang
                >
                    {t(lang, Key::SwitchLanguage)}
                </button>
            </div>
        </header>
    }
}
