//! `/me`: the resident's settings and their compound.

use crate::i18n::{Key, t, title};
use crate::prefs::{use_lang, use_prefs, use_title};
use crate::routes;
use api_types::Lang;
use leptos::prelude::*;
use leptos_router::components::A;

stylance::import_crate_style!(style, "src/pages/me.module.css");

/// `/me`.
#[component]
pub fn MePage() -> impl IntoView {
    let prefs = use_prefs();
    let lang = use_lang();
    use_title(move || title(lang.get(), t(lang.get(), Key::NavMe)));
    let choice = move |option: Lang, label: &'static str| {
        view! {
            <button
                type="button"
                class=style::option
                lang=option.tag()
                aria-pressed=move || (prefs.lang.get() == option).to_string()
                on:click=move |_| prefs.lang.set(option)
            >
                {label}
            </button>
        }
    };
    view! {
        <h1 class=style::title>{move || t(lang.get(), Key::NavMe)}</h1>
        <section class=style::panel>
            <h2 class=style::panel_title>{move || t(lang.get(), Key::MyCompound)}</h2>
            {move || match prefs.compound.get() {
                Some(mine) => {
                    view! {
                        <div class=style::row>
                            <A href=routes::compound(mine.id) attr:class=style::compound>{mine.name}</A>
                            <A href=routes::HOME attr:class=style::link>{move || t(lang.get(), Key::Change)}</A>
                        </div>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <p class=style::strong>{move || t(lang.get(), Key::NoCompoundChosen)}</p>
                        <p class=style::hint>{move || t(lang.get(), Key::ChooseCompoundHint)}</p>
                    }
                        .into_any()
                }
            }}
        </section>
        <section class=style::panel>
            <h2 class=style::panel_title>{move || t(lang.get(), Key::Settings)}</h2>
            <div class=style::setting role="group" aria-labelledby="setting-language">
                <p id="setting-language" class=style::strong>{move || t(lang.get(), Key::Language)}</p>
                <div class=style::options>{choice(Lang::Zh, "中文")} {choice(Lang::En, "English")}</div>
            </div>
            <label class=style::toggle>
                <span>
                    <span class=style::strong>{move || t(lang.get(), Key::LargeText)}</span>
                    <span class=style::hint>{move || t(lang.get(), Key::LargeTextHint)}</span>
                </span>
                <input
                    type="checkbox"
                    role="switch"
                    class=style::switch
                    prop:checked=move || prefs.large_text.get()
                    on:change=move |ev| prefs.large_text.set(event_target_checked(&ev))
                />
            </label>
        </section>
    }
}
