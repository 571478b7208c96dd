//! `/affairs`: what the resident reported in their compound, and the way
//! to report something new.

use crate::affair_text::{W, w};
use crate::api;
use crate::components::affair_card::AffairCard;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::{Key, t, title};
use crate::load::load;
use crate::prefs::{use_lang, use_prefs, use_title};
use crate::routes;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::pages::affair_style as style;

/// `/affairs`.
#[component]
pub fn MyAffairsPage() -> impl IntoView {
    let lang = use_lang();
    let prefs = use_prefs();
    let session = use_session();
    use_title(move || title(lang, w(lang, W::MyAffairs)));
    let compound = move || prefs.compound.get().map(|c| c.id);
    let mine = load(move || {
        let (compound, signed_in) = (compound(), session.person.get().flatten().is_some());
        async move {
            match compound.filter(|_| signed_in) {
                Some(id) => api::my_affairs(id, lang).await.map(|p| p.items),
                None => Ok(Vec::new()),
            }
        }
    });
    view! {
        <h1 class=style::title>{w(lang, W::MyAffairs)}</h1>
        <A href="/affairs/new" attr:class=ui::primary>{w(lang, W::FileNew)}</A>
        {move || match (session.person.get(), compound()) {
            (Some(None), _) => {
                view! {
                    <p>{w(lang, W::SignInToFile)}</p>
                    <A href=format!("{}?next=/affairs", routes::SIGN_IN) attr:class=style::secondary>{t(lang, Key::SignIn)}</A>
                }
                    .into_any()
            }
            (_, None) => view! { <p class=ui::hint>{w(lang, W::NoCompound)}</p> }.into_any(),
            _ => ().into_any(),
        }}
        {move || mine.pending().then(Loading)}
        <section class=style::list>
            {move || {
                mine.get()
                    .map(|result| match result {
                        Ok(items) if items.is_empty() => view! { <p class=ui::hint>{w(lang, W::NoAffairs)}</p> }.into_any(),
                        Ok(items) => items.into_iter().map(|affair| view! { <AffairCard affair /> }).collect_view().into_any(),
                        Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| mine.reload()) /> }.into_any(),
                    })
            }}
        </section>
    }
}
