//! The household binding form: building, unit, room. Used from an invite
//! link (with the building, or the whole household, filled in) and from
//! the "me" page.

use crate::api;
use crate::components::ui;
use crate::i18n::{Key, t};
use crate::prefs::use_lang;
use crate::routes;
use crate::session::use_session;
use crate::submit::Submit;
use api_types::households::NewHouseholdRequest;
use api_types::places::CompoundDetail;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

stylance::import_crate_style!(style, "src/components/household_form.module.css");

/// Asks to bind the signed-in resident to a household of `compound`.
#[component]
pub fn HouseholdForm(
    /// The compound with its buildings and their units.
    compound: CompoundDetail,
    /// A building fixed by an invite link.
    building: Option<i64>,
    /// Unit and room fixed by a household invite link.
    household: Option<(String, String)>,
    /// The invite link's token.
    invite_token: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let buildings: Vec<(i64, String, Vec<String>)> = compound
        .grids
        .into_iter()
        .flat_map(|g| g.buildings)
        .filter(|b| building.is_none_or(|id| id == b.id))
        .map(|b| (b.id, b.name, b.units))
        .collect();
    let fixed = household.is_some();
    let (fixed_unit, fixed_room) = household.unwrap_or_default();
    let chosen_building = RwSignal::new(buildings.first().map(|b| b.0).unwrap_or_default());
    let unit = RwSignal::new(fixed_unit);
    let room = RwSignal::new(fixed_room);
    let error = RwSignal::new(None::<String>);
    let navigate = StoredValue::new_local(use_navigate());
    // One request, however often a flaky network makes the resident send it.
    let sending = Submit::new();
    let units_of = {
        let buildings = buildings.clone();
        move |id: i64| {
            buildings
                .iter()
                .find(|b| b.0 == id)
                .map(|b| b.2.clone())
                .unwrap_or_default()
        }
    };
    if unit.get_untracked().is_empty() {
        unit.set(
            units_of(chosen_building.get_untracked())
                .first()
                .cloned()
                .unwrap_or_default(),
        );
    }
    let submit = move || {
        if room.get_untracked().trim().is_empty() {
            error.set(Some(t(lang, Key::RoomInvalid).to_owned()));
            return;
        }
        let request = NewHouseholdRequest {
            building_id: chosen_building.get_untracked(),
            unit: unit.get_untracked(),
            room: room.get_untracked().trim().to_owned(),
            invite_token: invite_token.clone(),
        };
        error.set(None);
        sending.run(
            // The "me" page shows the request and its state: the person is
            // asked for again before the button is free.
            move |key| async move {
                let filed = api::request_household(&request, &key, lang).await?;
                Ok((filed, api::current_person(lang).await.ok()))
            },
            move |answer| match answer {
                Ok((_, person)) => {
                    if let Some(person) = person {
                        session.person.set(Some(person));
                    }
                    navigate.with_value(|navigate| navigate(routes::ME, Default::default()));
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    let units_view = move || {
        units_of(chosen_building.get())
            .into_iter()
            .map(|name| view! { <option value=name.clone()>{name.clone()}</option> })
            .collect_view()
    };
    view! {
            <form
                class=style::form
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit();
                }
            >
                <label class=ui::label for="household-building">{t(lang, Key::Building)}</label>
                <select
                    id="household-building"
                    class=ui::input
                    disabled=building.is_some()
                    on:change=move |ev| {
                        let id = event_target_value(&ev).parse().unwrap_or_default();
                        chosen_building.set(id);
                        unit.set(String::new());
                    }
                >
                    {buildings
                        .iter()
                        .map(|(id, name, _)| view! { <option value=id.to_string()>{name.clone()}</option> })
                        .collect_view()}
                </select>
                <label class=ui::label for="household-unit">{t(lang, Key::Unit)}</label>
                <select
                    id="household-unit"
                    class=ui::input
                    disabled=fixed
                    prop:value=move || unit.get()
                    on:change=move |ev| unit.set(event_target_value(&ev))
                >
                    {units_view}
                </select>
                <label class=ui::label for="household-room">{t(lang, Key::Room)}</label>
                <input
                    id="household-room"
                    class=ui::input
                    inputmode="numeric"
                    placeholder="301"
                    readonly=fixed
                    bind:value=room
                />
                {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
                <button type="submit" class=ui::primary disabled=move || sending.pending()>
                    {t(lang, Key::Submit)}
                </button>
            </form>
    }
}
