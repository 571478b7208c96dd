//! `/station`: the desk for station members, grid workers and community
//! staff — the affair queue, household links to confirm, and invite links
//! to share.

use crate::affair_text::{W, w};
use crate::api;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::{Key, t, title};
use crate::load::load;
use crate::pages::queue::AffairQueue;
use crate::prefs::{use_lang, use_title};
use crate::routes;
use crate::session::use_session;
use crate::submit::Submit;
use api_types::households::{HouseholdRequest, Invite, NewInvite};
use leptos::prelude::*;
use leptos_router::components::A;

stylance::import_crate_style!(style, "src/pages/station.module.css");

/// `/station`.
#[component]
pub fn StationPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    use_title(move || title(lang, t(lang, Key::StationDesk)));
    move || match session.person.get() {
        None => ().into_any(),
        Some(None) => view! {
            <A href=format!("{}?next=/station", routes::SIGN_IN) attr:class=ui::primary>
                {t(lang, Key::SignIn)}
            </A>
        }
        .into_any(),
        Some(Some(me)) => {
            let compounds: Vec<(i64, String)> = me
                .roles
                .iter()
                .filter(|r| r.role == "station_member")
                .map(|r| (r.place_id, r.place_name.clone()))
                .collect();
            let handles = me.roles.iter().any(|r| {
                matches!(
                    r.role.as_str(),
                    "station_member" | "grid_worker" | "community_staff" | "department_liaison"
                )
            });
            view! {
                <h1 class=style::title>{t(lang, Key::StationDesk)}</h1>
                {handles
                    .then(|| {
                        view! {
                            <A href="/station/figures" attr:class=ui::primary>
                                {w(lang, W::Figures)}
                            </A>
                            <AffairQueue />
                        }
                    })}
                <PendingRequests />
                {compounds
                    .into_iter()
                    .map(|(id, name)| view! { <InviteDesk compound_id=id compound_name=name /> })
                    .collect_view()}
            }
            .into_any()
        }
    }
}

/// The household links waiting for this person's decision.
#[component]
fn PendingRequests() -> impl IntoView {
    let lang = use_lang();
    let pending = load(move || api::pending_household_requests(lang));
    let refetch = Callback::new(move |()| pending.reload());
    view! {
        <section class=style::panel>
            <h2 class=style::panel_title>{t(lang, Key::PendingRequests)}</h2>
            {move || pending.pending().then(Loading)}
            {move || {
                pending
                    .get()
                    .map(|result| match result {
                        Ok(page) if page.items.is_empty() => {
                            view! { <p class=ui::hint>{t(lang, Key::NoPending)}</p> }.into_any()
                        }
                        Ok(page) => {
                            page.items
                                .into_iter()
                                .map(|request| view! { <RequestCard request on_decided=refetch /> })
                                .collect_view()
                                .into_any()
                        }
                        Err(error) => view! { <LoadError error on_retry=refetch /> }.into_any(),
                    })
            }}
        </section>
    }
}

/// One request: who, where, and the two decisions.
#[component]
fn RequestCard(
    /// The request.
    request: HouseholdRequest,
    /// Runs after a decision.
    on_decided: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let id = request.id;
    let rejecting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let decide = move |reason: Option<String>| {
        sending.run(
            move |key| async move { api::decide_household_request(id, reason, &key, lang).await },
            move |answer| match answer {
                Ok(_) => on_decided.run(()),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    let reject = move |_| {
        let text = reason.get_untracked();
        if text.trim().is_empty() {
            error.set(Some(t(lang, Key::ReasonRequired).to_owned()));
        } else {
            decide(Some(text));
        }
    };
    let (name, phone) = request
        .requester
        .map(|r| (r.name, r.phone))
        .unwrap_or_default();
    let place = format!(
        "{} {} {} {}",
        request.compound_name, request.building_name, request.unit, request.room
    );
    view! {
        <article class=style::card>
            <p class=style::who>{name.clone()}</p>
            <a class=style::phone href=format!("tel:{phone}")>{phone.clone()}</a>
            <p class=style::place>{place}</p>
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
            <Show
                when=move || rejecting.get()
                fallback=move || {
                    view! {
                        <div class=style::actions>
                            <button type="button" class=ui::primary on:click=move |_| decide(None)>
                                {t(lang, Key::Approve)}
                            </button>
                            <button type="button" class=style::secondary on:click=move |_| rejecting.set(true)>
                                {t(lang, Key::Reject)}
                            </button>
                        </div>
                    }
                }
            >
                <label class=ui::label for=format!("reason-{id}")>{t(lang, Key::RejectReason)}</label>
                <input id=format!("reason-{id}") class=ui::input bind:value=reason />
                <button type="button" class=style::secondary on:click=reject>
                    {t(lang, Key::Reject)}
                </button>
            </Show>
        </article>
    }
}

/// Making and listing the invite links of one compound.
#[component]
fn InviteDesk(
    /// The compound.
    compound_id: i64,
    /// Its name.
    compound_name: String,
) -> impl IntoView {
    let lang = use_lang();
    let compound = load(move || api::get_compound(compound_id, lang));
    let invites = load(move || api::list_invites(compound_id, lang));
    let building = RwSignal::new(0i64);
    let unit = RwSignal::new(String::new());
    let room = RwSignal::new(String::new());
    let created = RwSignal::new(None::<Invite>);
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let create = move |_| {
        let room_text = room.get_untracked().trim().to_owned();
        let household = !room_text.is_empty();
        let invite = NewInvite {
            building_id: building.get_untracked(),
            unit: household.then(|| unit.get_untracked()),
            room: household.then_some(room_text),
            expires_in_days: None,
            max_uses: None,
        };
        sending.run(
            move |key| async move { api::create_invite(&invite, &key, lang).await },
            move |answer| match answer {
                Ok(new) => {
                    created.set(Some(new));
                    invites.reload();
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <section class=style::panel>
            <h2 class=style::panel_title>{format!("{} · {}", compound_name, t(lang, Key::Invites))}</h2>
            {move || compound.pending().then(Loading)}
            {move || {
                compound
                    .get()
                    .and_then(Result::ok)
                    .map(|detail| {
                        let buildings: Vec<_> = detail.grids.into_iter().flat_map(|g| g.buildings).collect();
                        if let Some(first) = buildings.first().filter(|_| building.get_untracked() == 0) {
                            building.set(first.id);
                            unit.set(first.units.first().cloned().unwrap_or_default());
                        }
                        let mut units: Vec<String> = Vec::new();
                        for name in buildings.iter().flat_map(|b| b.units.iter()) {
                            if !units.contains(name) {
                                units.push(name.clone());
                            }
                        }
                        view! {
                            <label class=ui::label for="invite-building">{t(lang, Key::Building)}</label>
                            <select
                                id="invite-building"
                                class=ui::input
                                on:change=move |ev| building.set(event_target_value(&ev).parse().unwrap_or_default())
                            >
                                {buildings
                                    .iter()
                                    .map(|b| view! { <option value=b.id.to_string()>{b.name.clone()}</option> })
                                    .collect_view()}
                            </select>
                            <label class=ui::label for="invite-unit">{t(lang, Key::Unit)}</label>
                            <select id="invite-unit" class=ui::input on:change=move |ev| unit.set(event_target_value(&ev))>
                                {units
                                    .into_iter()
                                    .map(|u| view! { <option value=u.clone()>{u.clone()}</option> })
                                    .collect_view()}
                            </select>
                            <label class=ui::label for="invite-room">
                                {t(lang, Key::InviteRoom)}
                            </label>
                            <input id="invite-room" class=ui::input inputmode="numeric" bind:value=room />
                        }
                    })
            }}
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
            <button type="button" class=ui::primary on:click=create>
                {t(lang, Key::MakeInvite)}
            </button>
            {move || created.get().map(|invite| view! { <InviteLink invite /> })}
            <ul class=style::invites>
                {move || {
                    invites
                        .get()
                        .and_then(Result::ok)
                        .map(|page| {
                            page.items
                                .into_iter()
                                .map(|i| {
                                    let scope = match (&i.unit, &i.room) {
                                        (Some(u), Some(r)) => format!("{} {u} {r}", i.building_name),
                                        _ => format!("{} · {}", i.building_name, t(lang, Key::WholeBuilding)),
                                    };
                                    view! {
                                        <li>
                                            {scope} " · " {t(lang, Key::InviteUsed)} " "
                                            {format!("{}/{}", i.uses, i.max_uses)}
                                        </li>
                                    }
                                })
                                .collect_view()
                        })
                }}
            </ul>
        </section>
    }
}

/// A new invite's full link, ready to copy into a WeChat group.
#[component]
fn InviteLink(
    /// The invite.
    invite: Invite,
) -> impl IntoView {
    let lang = use_lang();
    let origin = window().location().origin().unwrap_or_default();
    let link = format!("{origin}{}", invite.path);
    let copied = RwSignal::new(false);
    let copy = {
        let link = link.clone();
        move |_| {
            let _ = window().navigator().clipboard().write_text(&link);
            copied.set(true);
        }
    };
    view! {
        <div class=style::link_box>
            <output class=style::link>{link.clone()}</output>
            <button type="button" class=style::secondary on:click=copy>
                {move || t(lang, if copied.get() { Key::Copied } else { Key::CopyLink })}
            </button>
        </div>
    }
}
