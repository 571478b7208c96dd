//! `/affairs/new?compound=`: filing a micro-affair in about a minute —
//! what kind, one line, details, where, photos. The unfinished form is kept
//! on the phone, a retry never files twice, and similar open affairs are
//! offered first so a neighbour can say "me too" instead.

use crate::affair_text::{W, w};
use crate::api;
use crate::components::affair_card::AffairCard;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::{Key, t, title};
use crate::load::load;
use crate::pages::photos::PhotoPicker;
use crate::prefs::{storage, use_lang, use_prefs, use_title};
use crate::routes;
use crate::session::use_session;
use crate::submit::Submit;
use api_types::affairs::{Affair, Category, NewAffair};
use api_types::places::CompoundDetail;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};

use crate::pages::affair_style as style;

/// `/affairs/new`.
#[component]
pub fn AffairNewPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let prefs = use_prefs();
    let query = use_query_map();
    use_title(move || title(lang, w(lang, W::FileTitle)));
    let compound = move || {
        query
            .read()
            .get("compound")
            .and_then(|c| c.parse::<i64>().ok())
            .or_else(|| prefs.compound.get().map(|c| c.id))
    };
    view! {
        <h1 class=style::title>{w(lang, W::FileTitle)}</h1>
        {move || match (session.person.get(), compound()) {
            (None, _) => ().into_any(),
            (Some(None), _) => {
                let location = window().location();
                let path = location.pathname().unwrap_or_default()
                    + &location.search().unwrap_or_default();
                view! {
                    <p>{w(lang, W::SignInToFile)}</p>
                    <A
                        href=format!("{}?next={}", routes::SIGN_IN, String::from(js_sys::encode_uri_component(&path)))
                        attr:class=ui::primary
                    >
                        {t(lang, Key::SignIn)}
                    </A>
                }
                    .into_any()
            }
            (Some(Some(_)), None) => view! { <p>{w(lang, W::NoCompound)}</p> }.into_any(),
            (Some(Some(_)), Some(id)) => view! { <FileForm compound_id=id /> }.into_any(),
        }}
    }
}

/// The unfinished form, as kept on the phone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Draft {
    category_id: Option<i64>,
    title: String,
    description: String,
    building_id: Option<i64>,
    unit: String,
    in_common_area: bool,
    common_area: String,
    urgent: bool,
    private: Option<bool>,
    photo_ids: Vec<i64>,
    /// The submission's `Idempotency-Key`, kept with it so a retry after a
    /// lost answer (or a closed web view) cannot file twice.
    key: String,
}

fn draft_key(compound_id: i64) -> String {
    format!("linli.affair_draft.{compound_id}")
}

fn read_draft(compound_id: i64) -> Draft {
    storage()
        .and_then(|s| s.get_item(&draft_key(compound_id)).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

#[component]
fn FileForm(compound_id: i64) -> impl IntoView {
    let lang = use_lang();
    let setup = load(move || async move {
        let detail = api::get_compound(compound_id, lang).await?;
        let categories = api::list_categories(detail.summary.street_id, lang).await?;
        Ok((detail, categories))
    });
    view! {
        {move || setup.pending().then(Loading)}
        {move || {
            setup
                .get()
                .map(|result| match result {
                    Ok((detail, categories)) => view! { <Form compound_id detail categories /> }.into_any(),
                    Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| setup.reload()) /> }.into_any(),
                })
        }}
    }
}

#[component]
fn Form(compound_id: i64, detail: CompoundDetail, categories: Vec<Category>) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let saved = read_draft(compound_id);
    let draft = RwSignal::new(saved);
    // Every change is kept on the phone at once.
    Effect::new(move || {
        let json = serde_json::to_string(&draft.get()).unwrap_or_default();
        if let Some(s) = storage() {
            let _ = s.set_item(&draft_key(compound_id), &json);
        }
    });
    let photo_ids = RwSignal::new(draft.get_untracked().photo_ids);
    Effect::new(move || {
        let ids = photo_ids.get();
        draft.update(|d| d.photo_ids = ids);
    });
    let categories = StoredValue::new(categories);
    let category = move || {
        let id = draft.with(|d| d.category_id);
        categories.with_value(|all| all.iter().find(|c| Some(c.id) == id).cloned())
    };
    let private = move || {
        draft
            .with(|d| d.private)
            .unwrap_or_else(|| category().is_some_and(|c| c.private_default))
    };
    let similar = RwSignal::new(Vec::<Affair>::new());
    let look_for_similar = move || {
        let (category_id, text) = draft.with(|d| (d.category_id, d.title.trim().to_owned()));
        let Some(category_id) = category_id else {
            return;
        };
        if text.chars().count() < 2 {
            similar.set(Vec::new());
            return;
        }
        spawn_local(async move {
            if let Ok(found) = api::similar_affairs(compound_id, category_id, &text, lang).await {
                similar.set(found);
            }
        });
    };
    let errors = RwSignal::new(Vec::<String>::new());
    let sending = Submit::new();
    let buildings: Vec<(i64, String)> = detail
        .grids
        .iter()
        .flat_map(|g| g.buildings.iter().map(|b| (b.id, b.name.clone())))
        .collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut d = draft.get_untracked();
        if d.key.is_empty() {
            d.key = api::new_idempotency_key();
            draft.update(|x| x.key = d.key.clone());
        }
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let affair = NewAffair {
            compound_id,
            category_id: d.category_id.unwrap_or(0),
            title: d.title.clone(),
            description: d.description.clone(),
            building_id: if d.in_common_area {
                None
            } else {
                d.building_id
            },
            unit: if d.in_common_area {
                None
            } else {
                text(&d.unit)
            },
            common_area: if d.in_common_area {
                text(&d.common_area)
            } else {
                None
            },
            urgent: d.urgent,
            private: d.private,
            photo_ids: d.photo_ids.clone(),
        };
        let mut problems = Vec::new();
        if d.category_id.is_none() {
            problems.push(api_types::Rule::Required.message(w(lang, W::Category), lang));
        }
        if let Err(fields) = affair.validate() {
            problems.extend(fields.into_iter().map(|f| {
                let label = match f.field.as_str() {
                    "title" => w(lang, W::TitleLabel),
                    "description" => w(lang, W::Description),
                    "building_id" | "common_area" => w(lang, W::Where),
                    "unit" => w(lang, W::Unit),
                    _ => w(lang, W::Photos),
                };
                f.rule.message(label, lang)
            }));
        }
        errors.set(problems.clone());
        if !problems.is_empty() {
            return;
        }
        let navigate = navigate.clone();
        // The draft's key, kept on the phone with what was typed: a retry
        // after a reload is the same affair.
        sending.run(
            move |_| async move { api::file_affair(&affair, &d.key, lang).await },
            move |answer| match answer {
                Ok(filed) => {
                    if let Some(s) = storage() {
                        let _ = s.remove_item(&draft_key(compound_id));
                    }
                    navigate(&format!("/affairs/{}", filed.id), Default::default());
                }
                Err(e) => errors.set(vec![e.text(lang)]),
            },
        );
    };
    view! {
        <form class=style::panel on:submit=submit novalidate>
            <p class=ui::hint>{w(lang, W::DraftKept)}</p>
            <fieldset class=style::group>
                <legend class=ui::label>{w(lang, W::Category)}</legend>
                <div class=style::choices>
                    {categories
                        .get_value()
                        .into_iter()
                        .map(|c| {
                            let id = c.id;
                            view! {
                                <button
                                    type="button"
                                    class=style::choice
                                    aria-pressed=move || (draft.with(|d| d.category_id) == Some(id)).to_string()
                                    on:click=move |_| {
                                        draft.update(|d| d.category_id = Some(id));
                                        look_for_similar();
                                    }
                                >
                                    {c.name}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                {move || category().and_then(|c| c.hint).map(|h| view! { <p class=style::advice role="note">{h}</p> })}
            </fieldset>
            <label class=ui::label for="affair-title">{w(lang, W::TitleLabel)}</label>
            <input
                id="affair-title"
                class=ui::input
                maxlength="40"
                placeholder=w(lang, W::TitleHint)
                prop:value=move || draft.with(|d| d.title.clone())
                on:input=move |ev| draft.update(|d| d.title = event_target_value(&ev))
                on:change=move |_| look_for_similar()
            />
            <Show when=move || !similar.with(Vec::is_empty)>
                <section class=style::panel aria-live="polite">
                    <h2 class=style::panel_title>{w(lang, W::SimilarTitle)}</h2>
                    <p class=ui::hint>{w(lang, W::SimilarHint)}</p>
                    {move || similar.get().into_iter().map(|affair| view! { <SimilarAffair affair /> }).collect_view()}
                </section>
            </Show>
            <label class=ui::label for="affair-description">{w(lang, W::Description)}</label>
            <textarea
                id="affair-description"
                class=style::textarea
                maxlength="1000"
                prop:value=move || draft.with(|d| d.description.clone())
                on:input=move |ev| draft.update(|d| d.description = event_target_value(&ev))
            ></textarea>
            <fieldset class=style::group>
                <legend class=ui::label>{w(lang, W::Where)}</legend>
                <label class=style::check>
                    <input
                        type="checkbox"
                        prop:checked=move || draft.with(|d| d.in_common_area)
                        on:change=move |ev| draft.update(|d| d.in_common_area = event_target_checked(&ev))
                    />
                    {w(lang, W::OrCommonArea)}
                </label>
                <Show
                    when=move || draft.with(|d| d.in_common_area)
                    fallback=move || {
                        let buildings = buildings.clone();
                        view! {
                            <label class=ui::label for="affair-building">{w(lang, W::Building)}</label>
                            <select
                                id="affair-building"
                                class=ui::input
                                on:change=move |ev| {
                                    let id = event_target_value(&ev).parse().ok();
                                    draft.update(|d| d.building_id = id);
                                }
                            >
                                <option value="">{w(lang, W::ChooseBuilding)}</option>
                                {buildings
                                    .into_iter()
                                    .map(|(id, name)| {
                                        view! {
                                            <option value=id.to_string() selected=move || draft.with(|d| d.building_id == Some(id))>
                                                {name}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                            <label class=ui::label for="affair-unit">{w(lang, W::Unit)}</label>
                            <input
                                id="affair-unit"
                                class=ui::input
                                maxlength="40"
                                prop:value=move || draft.with(|d| d.unit.clone())
                                on:input=move |ev| draft.update(|d| d.unit = event_target_value(&ev))
                            />
                        }
                    }
                >
                    <label class=ui::label for="affair-area">{w(lang, W::CommonArea)}</label>
                    <input
                        id="affair-area"
                        class=ui::input
                        maxlength="40"
                        placeholder=w(lang, W::CommonAreaHint)
                        prop:value=move || draft.with(|d| d.common_area.clone())
                        on:input=move |ev| draft.update(|d| d.common_area = event_target_value(&ev))
                    />
                </Show>
            </fieldset>
            <PhotoPicker ids=photo_ids />
            <label class=style::check>
                <input
                    type="checkbox"
                    prop:checked=move || draft.with(|d| d.urgent)
                    on:change=move |ev| draft.update(|d| d.urgent = event_target_checked(&ev))
                />
                {w(lang, W::Urgent)}
            </label>
            <label class=style::check>
                <input
                    type="checkbox"
                    prop:checked=private
                    on:change=move |ev| draft.update(|d| d.private = Some(event_target_checked(&ev)))
                />
                {w(lang, W::Private)}
            </label>
            <p class=ui::hint>{w(lang, W::PrivateHint)}</p>
            {move || {
                let problems = errors.get();
                (!problems.is_empty())
                    .then(|| {
                        view! {
                            <div class=ui::error role="alert">
                                {problems.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                            </div>
                        }
                    })
            }}
            <button type="submit" class=ui::primary disabled=move || sending.pending()>
                {move || if sending.pending() { w(lang, W::Submitting) } else { w(lang, W::Submit) }}
            </button>
        </form>
    }
}

/// A similar open affair, with "me too" instead of filing again.
#[component]
fn SimilarAffair(affair: Affair) -> impl IntoView {
    let lang = use_lang();
    let id = affair.id;
    let seconds = RwSignal::new(affair.seconds);
    let seconded = RwSignal::new(affair.seconded || affair.mine);
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let second = move |_| {
        sending.run(
            move |key| async move { api::second_affair(id, &key, lang).await },
            move |answer| match answer {
                Ok(s) => {
                    seconds.set(s.seconds);
                    seconded.set(true);
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <AffairCard affair />
        <p class=style::meta>{move || format!("{} {}", seconds.get(), w(lang, W::Seconds))}</p>
        {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        <button type="button" class=style::secondary disabled=move || seconded.get() on:click=second>
            {move || if seconded.get() { w(lang, W::MeTooDone) } else { w(lang, W::MeToo) }}
        </button>
    }
}
