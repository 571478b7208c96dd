//! `/invites/:token`: an invite link opened from a WeChat group. The
//! resident signs in (and comes back here) and finds the form filled in.

use crate::api;
use crate::components::household_form::HouseholdForm;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::{Key, t, title};
use crate::load::load;
use crate::pages::not_found::NotFoundPage;
use crate::prefs::{use_lang, use_title};
use crate::routes;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

stylance::import_crate_style!(style, "src/pages/invite.module.css");

/// `/invites/:token`.
#[component]
pub fn InvitePage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let params = use_params_map();
    use_title(move || title(lang, t(lang, Key::InviteTitle)));
    let token = move || params.read().get("token").unwrap_or_default();
    let invite = load(move || {
        let token = token();
        async move {
            let invite = api::get_invite(&token, lang).await?;
            let compound = api::get_compound(invite.compound_id, lang).await?;
            Ok::<_, api::ApiError>((invite, compound))
        }
    });
    view! {
        {move || invite.pending().then(Loading)}
        {move || {
            invite
                .get()
                .map(|loaded| match loaded {
                    Err(e) if e.is_not_found() => view! { <NotFoundPage /> }.into_any(),
                    Err(error) => {
                        view! { <LoadError error on_retry=Callback::new(move |()| invite.reload()) /> }
                            .into_any()
                    }
                    Ok((invite, compound)) => {
                        let place = match (&invite.unit, &invite.room) {
                            (Some(unit), Some(room)) => {
                                format!("{} {} {unit} {room}", invite.compound_name, invite.building_name)
                            }
                            _ => format!("{} {}", invite.compound_name, invite.building_name),
                        };
                        let household = invite.unit.clone().zip(invite.room.clone());
                        let next = format!("{}?next={}", routes::SIGN_IN, invite.path);
                        view! {
                            <section class=style::panel>
                                <h1 class=style::title>{t(lang, Key::InviteTitle)}</h1>
                                <p class=style::place>{place}</p>
                                {move || {
                                    if !invite.usable {
                                        return view! { <p class=ui::hint>{t(lang, Key::InviteUnusable)}</p> }
                                            .into_any();
                                    }
                                    match session.person.get() {
                                        None => ().into_any(),
                                        Some(None) => {
                                            view! {
                                                <p class=ui::hint>{t(lang, Key::BindHint)}</p>
                                                <A href=next.clone() attr:class=ui::primary>
                                                    {t(lang, Key::SignInToContinue)}
                                                </A>
                                            }
                                                .into_any()
                                        }
                                        Some(Some(_)) => {
                                            view! {
                                                <HouseholdForm
                                                    compound=compound.clone()
                                                    building=Some(invite.building_id)
                                                    household=household.clone()
                                                    invite_token=Some(invite.token.clone())
                                                />
                                            }
                                                .into_any()
                                        }
                                    }
                                }}
                            </section>
                        }
                            .into_any()
                    }
                })
        }}

    }
}
