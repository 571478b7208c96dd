//! `/households/new`: a resident links their household in their compound.

use crate::api;
use crate::components::household_form::HouseholdForm;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::{Key, t, title};
use crate::load::load;
use crate::prefs::{use_lang, use_prefs, use_title};
use crate::routes;
use leptos::prelude::*;
use leptos_router::components::A;

stylance::import_crate_style!(style, "src/pages/invite.module.css");

/// `/households/new`.
#[component]
pub fn HouseholdNewPage() -> impl IntoView {
    let lang = use_lang();
    let prefs = use_prefs();
    use_title(move || title(lang, t(lang, Key::BindHousehold)));
    let compound = load(move || {
        let mine = prefs.compound.get();
        async move {
            match mine {
                Some(mine) => api::get_compound(mine.id, lang).await.map(Some),
                None => Ok(None),
            }
        }
    });
    view! {
        <section class=style::panel>
            <h1 class=style::title>{t(lang, Key::BindHousehold)}</h1>
            <p class=ui::hint>{t(lang, Key::BindHint)}</p>
            {move || compound.pending().then(Loading)}
            {move || {
                compound
                    .get()
                    .map(|loaded| match loaded {
                        Ok(Some(detail)) => {
                            view! {
                                <p class=style::place>{detail.summary.name.clone()}</p>
                                <HouseholdForm compound=detail building=None household=None invite_token=None />
                            }
                                .into_any()
                        }
                        Ok(None) => {
                            view! {
                                <A href=routes::HOME attr:class=ui::primary>
                                    {t(lang, Key::ChooseCompoundFirst)}
                                </A>
                            }
                                .into_any()
                        }
                        Err(error) => {
                            view! { <LoadError error on_retry=Callback::new(move |()| compound.reload()) /> }
                                .into_any()
                        }
                    })
            }}
        </section>
    }
}
