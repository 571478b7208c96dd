//! `/consultations?compound=`: the compound's topics; `/consultations/new`:
//! proposing one (a station head's is adopted at once).

use crate::api;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::consult_text::{C, c, scope_label, state_label};
use crate::i18n::{Key, t, title};
use crate::load::load;
use crate::pages::affair_style as style;
use crate::pages::photos::PhotoPicker;
use crate::prefs::{use_lang, use_prefs, use_title};
use crate::routes;
use crate::session::use_session;
use crate::submit::Submit;
use api_types::consultations::{Asks, Meeting, NewTopic, Scope};
use api_types::places::CompoundDetail;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The compound in `?compound=`, else the resident's own.
fn compound_of_page() -> impl Fn() -> Option<i64> + Copy {
    let query = use_query_map();
    let prefs = use_prefs();
    move || {
        query
            .read()
            .get("compound")
            .and_then(|c| c.parse::<i64>().ok())
            .or_else(|| prefs.compound.get().map(|c| c.id))
    }
}

/// `/consultations`.
#[component]
pub fn ConsultationsPage() -> impl IntoView {
    let lang = use_lang();
    let compound = compound_of_page();
    use_title(move || title(lang, c(lang, C::Consultations)));
    let list = load(move || {
        let id = compound();
        async move {
            match id {
                Some(id) => api::consultations(id, lang).await.map(|p| p.items),
                None => Ok(Vec::new()),
            }
        }
    });
    view! {
        <h1 class=style::title>{c(lang, C::Consultations)}</h1>
        <p class=ui::hint>{c(lang, C::Intro)}</p>
        {move || match compound() {
            Some(id) => {
                view! {
                    <A href=format!("/consultations/new?compound={id}") attr:class=ui::primary>
                        {c(lang, C::Propose)}
                    </A>
                }
                    .into_any()
            }
            None => view! { <p>{c(lang, C::ChooseCompound)}</p> }.into_any(),
        }}
        {move || list.pending().then(Loading)}
        <section class=style::list>
            {move || {
                list.get()
                    .map(|result| match result {
                        Ok(items) if items.is_empty() => view! { <p class=ui::hint>{c(lang, C::NoTopics)}</p> }.into_any(),
                        Ok(items) => {
                            items
                                .into_iter()
                                .map(|topic| {
                                    view! {
                                        <A href=format!("/consultations/{}", topic.id) attr:class=style::card>
                                            <div class=style::badges>
                                                <span class=style::badge>{state_label(lang, topic.state)}</span>
                                                <span class=style::badge>{scope_label(lang, topic.scope)}</span>
                                            </div>
                                            <p class=style::card_title>{topic.title}</p>
                                            {topic.decision.map(|d| view! { <p class=style::meta>{d}</p> })}
                                        </A>
                                    }
                                })
                                .collect_view()
                                .into_any()
                        }
                        Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| list.reload()) /> }.into_any(),
                    })
            }}
        </section>
    }
}

/// `/consultations/new?compound=`.
#[component]
pub fn NewTopicPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let compound = compound_of_page();
    use_title(move || title(lang, c(lang, C::NewTitle)));
    view! {
        <h1 class=style::title>{c(lang, C::NewTitle)}</h1>
        {move || match (session.person.get(), compound()) {
            (None, _) => ().into_any(),
            (Some(None), _) => {
                let location = window().location();
                let path = location.pathname().unwrap_or_default() + &location.search().unwrap_or_default();
                view! {
                    <p>{c(lang, C::SignInToTakePart)}</p>
                    <A
                        href=format!("{}?next={}", routes::SIGN_IN, String::from(js_sys::encode_uri_component(&path)))
                        attr:class=ui::primary
                    >
                        {t(lang, Key::SignIn)}
                    </A>
                }
                    .into_any()
            }
            (Some(Some(_)), None) => view! { <p>{c(lang, C::ChooseCompound)}</p> }.into_any(),
            (Some(Some(_)), Some(id)) => {
                let detail = load(move || api::get_compound(id, lang));
                view! {
                    {move || detail.get().map(|r| match r {
                        Ok(detail) => view! { <TopicForm detail /> }.into_any(),
                        Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| detail.reload()) /> }.into_any(),
                    })}
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn TopicForm(detail: CompoundDetail) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let compound_id = detail.summary.id;
    let title_text = RwSignal::new(String::new());
    let background = RwSignal::new(String::new());
    let building = RwSignal::new(None::<i64>);
    let days = RwSignal::new("7".to_owned());
    let meeting_at = RwSignal::new(String::new());
    let meeting_place = RwSignal::new(String::new());
    let capacity = RwSignal::new("30".to_owned());
    let money = RwSignal::new(String::new());
    let hours = RwSignal::new(String::new());
    let materials = RwSignal::new(String::new());
    let venue = RwSignal::new(false);
    let photo_ids = RwSignal::new(Vec::<i64>::new());
    let errors = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    let sending = Submit::new();
    let buildings: Vec<(i64, String)> = detail
        .grids
        .iter()
        .flat_map(|g| g.buildings.iter().map(|b| (b.id, b.name.clone())))
        .collect();
    let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>().unwrap_or(0);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let when = meeting_at.get_untracked();
        let topic = NewTopic {
            compound_id,
            scope: if building.get_untracked().is_some() {
                Scope::Building
            } else {
                Scope::Compound
            },
            building_id: building.get_untracked(),
            title: title_text.get_untracked(),
            background: background.get_untracked(),
            photo_ids: photo_ids.get_untracked(),
            discussion_days: number(days),
            // The phone's datetime-local value, in China time.
            meeting: (!when.is_empty()).then(|| Meeting {
                at: format!("{when}:00+08:00"),
                place: meeting_place.get_untracked(),
                capacity: number(capacity),
            }),
            asks: Asks {
                money_fen: number(money) * 100,
                hours: number(hours),
                materials: Some(materials.get_untracked()).filter(|m| !m.trim().is_empty()),
                venue: venue.get_untracked(),
            },
        };
        if let Err(fields) = topic.validate() {
            errors.set(
                fields
                    .into_iter()
                    .map(|f| {
                        let label = match f.field.as_str() {
                            "title" => c(lang, C::Title),
                            "background" => c(lang, C::Background),
                            "discussion_days" => c(lang, C::DiscussionDays),
                            "meeting.place" => c(lang, C::MeetingPlace),
                            "meeting.capacity" => c(lang, C::Capacity),
                            _ => c(lang, C::Asks),
                        };
                        f.rule.message(label, lang)
                    })
                    .collect(),
            );
            return;
        }
        errors.set(Vec::new());
        busy.set(true);
        let navigate = navigate.clone();
        sending.run(
            move |key| async move { api::propose(&topic, &key, lang).await },
            move |answer| match answer {
                Ok(created) => navigate(
                    &format!("/consultations/{}", created.id),
                    Default::default(),
                ),
                Err(e) => {
                    errors.set(vec![e.text(lang)]);
                    busy.set(false);
                }
            },
        );
    };
    let field = |id: &'static str, label: C, value: RwSignal<String>, kind: &'static str| {
        view! {
            <label class=ui::label for=id>{c(lang, label)}</label>
            <input
                id=id
                class=ui::input
                type=kind
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
    };
    view! {
        <form class=style::panel on:submit=submit novalidate>
            <label class=ui::label for="topic-title">{c(lang, C::Title)}</label>
            <input
                id="topic-title"
                class=ui::input
                maxlength="40"
                placeholder=c(lang, C::TitleHint)
                on:input=move |ev| title_text.set(event_target_value(&ev))
            />
            <label class=ui::label for="topic-background">{c(lang, C::Background)}</label>
            <textarea
                id="topic-background"
                class=style::textarea
                maxlength="2000"
                on:input=move |ev| background.set(event_target_value(&ev))
            ></textarea>
            <label class=ui::label for="topic-scope">{c(lang, C::Scope)}</label>
            <select
                id="topic-scope"
                class=ui::input
                on:change=move |ev| building.set(event_target_value(&ev).parse().ok())
            >
                <option value="">{scope_label(lang, Scope::Compound)}</option>
                {buildings
                    .into_iter()
                    .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
                    .collect_view()}
            </select>
            {field("topic-days", C::DiscussionDays, days, "number")}
            <PhotoPicker ids=photo_ids />
            <fieldset class=style::group>
                <legend class=ui::label>{c(lang, C::Meeting)}</legend>
                {field("meeting-at", C::MeetingAt, meeting_at, "datetime-local")}
                {field("meeting-place", C::MeetingPlace, meeting_place, "text")}
                {field("meeting-capacity", C::Capacity, capacity, "number")}
            </fieldset>
            <fieldset class=style::group>
                <legend class=ui::label>{c(lang, C::Asks)}</legend>
                {field("ask-money", C::AskMoney, money, "number")}
                {field("ask-hours", C::AskHours, hours, "number")}
                {field("ask-materials", C::AskMaterials, materials, "text")}
                <label class=style::check>
                    <input type="checkbox" on:change=move |ev| venue.set(event_target_checked(&ev)) />
                    {c(lang, C::AskVenue)}
                </label>
            </fieldset>
            {move || {
                let problems = errors.get();
                (!problems.is_empty())
                    .then(|| view! { <div class=ui::error role="alert">{problems.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}</div> })
            }}
            <button type="submit" class=ui::primary disabled=move || busy.get()>{c(lang, C::Submit)}</button>
        </form>
    }
}
