//! `/affairs/:id`: one affair — where it stands, its photos, every step
//! with who, when and why, and what the viewer can do next: the handler's
//! acts (only those the state machine allows), the filer's confirm, reopen
//! and rating, the call-back after a poor rating, a neighbour's "me too".

use crate::affair_text::{
    W, act_label, level_label, local_time, satisfaction_label, status_label, w,
};
use crate::api;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::title;
use crate::load::load;
use crate::pages::not_found::NotFoundPage;
use crate::pages::photos::{PhotoPicker, photo_url};
use crate::prefs::{use_lang, use_title};
use api_types::affairs::{
    Act, Actor, Affair, AffairState, Level, Move, NewRating, Rating, Satisfaction, Status, apply,
};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::pages::affair_style as style;
use crate::submit::Submit;

/// `/affairs/:id`.
#[component]
pub fn AffairPage() -> impl IntoView {
    let lang = use_lang();
    let id = crate::routes::use_id();
    let affair = load(move || {
        let id = id();
        async move {
            match id {
                Some(id) => api::get_affair(id, lang).await.map(Some),
                None => Ok(None),
            }
        }
    });
    // Acts answer the affair as it now stands: show that without reloading.
    let current = RwSignal::new(None::<Affair>);
    Effect::new(move || {
        if let Some(Ok(Some(a))) = affair.get() {
            current.set(Some(a));
        }
    });
    use_title(move || {
        let name = current.with(|a| a.as_ref().map(|a| a.title.clone()).unwrap_or_default());
        title(lang, &name)
    });
    view! {
        {move || affair.pending().then(Loading)}
        {move || match affair.get() {
            Some(Ok(None)) => view! { <NotFoundPage /> }.into_any(),
            Some(Err(error)) if error.is_not_found() => view! { <NotFoundPage /> }.into_any(),
            Some(Err(error)) => {
                view! { <LoadError error on_retry=Callback::new(move |()| affair.reload()) /> }.into_any()
            }
            _ => ().into_any(),
        }}
        {move || current.get().map(|a| view! { <AffairView affair=a on_change=current /> })}
    }
}

#[component]
fn AffairView(affair: Affair, on_change: RwSignal<Option<Affair>>) -> impl IntoView {
    let lang = use_lang();
    let place = [
        affair.building_name.clone(),
        affair.unit.clone(),
        affair.common_area.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let people = [
        affair
            .filer_name
            .clone()
            .map(|n| format!("{}：{n}", w(lang, W::Filer))),
        affair
            .assignee_name
            .clone()
            .map(|n| format!("{}：{n}", w(lang, W::Assignee))),
        affair
            .due_at
            .as_deref()
            .map(|d| format!("{}：{}", w(lang, W::DueBy), local_time(lang, d))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <article class=style::panel>
            <div class=style::badges>
                {affair.overdue.then(|| view! { <span class=style::badge_alert>{w(lang, W::Overdue)}</span> })}
                {affair.urgent.then(|| view! { <span class=style::badge_alert>{w(lang, W::UrgentBadge)}</span> })}
                {affair.private.then(|| view! { <span class=style::badge>{w(lang, W::PrivateBadge)}</span> })}
                <span class=style::badge>{affair.category_name.clone()}</span>
            </div>
            <h1 class=style::title>{affair.title.clone()}</h1>
            <p class=style::step_head data-testid="affair-state">
                {format!("{} · {}", status_label(lang, affair.status), level_label(lang, affair.level))}
            </p>
            <p class=style::meta>{format!("{} · {} · {}", affair.compound_name, place, local_time(lang, &affair.created_at))}</p>
            {(!people.is_empty()).then(|| view! { <p class=style::meta>{people}</p> })}
            <p>{affair.description.clone()}</p>
            <Photos ids=affair.photo_ids.clone() />
            {(affair.seconds > 0).then(|| view! { <p class=style::meta>{format!("{} {}", affair.seconds, w(lang, W::Seconds))}</p> })}
        </article>
        <NextSteps affair=affair.clone() on_change />
        {(affair.mine || !affair.viewer_levels.is_empty()).then(|| view! {
            <A href=format!("/pool/help/{}", affair.id) attr:class=style::secondary>{w(lang, W::AskCapable)}</A>
        })}
        {affair.rating.clone().map(|r| view! { <RatingView rating=r /> })}
        {affair.timeline.clone().map(|steps| {
            view! {
                <section class=style::panel>
                    <h2 class=style::panel_title>{w(lang, W::Timeline)}</h2>
                    <ol class=style::timeline>
                        {steps
                            .into_iter()
                            .map(|s| {
                                let head = format!(
                                    "{} · {}",
                                    act_label(lang, &s.act),
                                    level_label(lang, s.to_level),
                                );
                                let who = format!(
                                    "{} {}",
                                    s.actor_name.unwrap_or_default(),
                                    local_time(lang, &s.at),
                                );
                                view! {
                                    <li class=style::step>
                                        <p class=style::step_head>{head}</p>
                                        <p class=style::meta>{who}</p>
                                        {s.note.map(|n| view! { <p>{n}</p> })}
                                        <Photos ids=s.photo_ids />
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                </section>
            }
        })}
    }
}

#[component]
fn Photos(ids: Vec<i64>) -> impl IntoView {
    (!ids.is_empty()).then(|| {
        view! {
            <div class=style::photos>
                {ids
                    .into_iter()
                    .map(|id| {
                        view! {
                            <a class=style::photo href=photo_url(id) rel="external" target="_blank">
                                <img src=photo_url(id) alt="" loading="lazy" />
                            </a>
                        }
                    })
                    .collect_view()}
            </div>
        }
    })
}

/// What the viewer may do next, as the state machine allows.
#[component]
fn NextSteps(affair: Affair, on_change: RwSignal<Option<Affair>>) -> impl IntoView {
    let lang = use_lang();
    let state = AffairState {
        status: affair.status,
        level: affair.level,
    };
    let mut actors: Vec<Actor> = affair
        .viewer_levels
        .iter()
        .copied()
        .map(Actor::Handler)
        .collect();
    if affair.mine {
        actors.push(Actor::Filer);
    }
    let can = |act: Act| actors.iter().any(|a| apply(state, act, *a).is_ok());
    let handler_acts: Vec<Act> = [
        Act::Accept,
        Act::PassToGrid,
        Act::Escalate,
        Act::HandBack(Level::Grid),
        Act::HandBack(Level::Station),
        Act::Resolve,
    ]
    .into_iter()
    .filter(|a| can(*a))
    .collect();
    let id = affair.id;
    let compound_id = affair.compound_id;
    let chosen = RwSignal::new(None::<Act>);
    let rating_open = RwSignal::new(false);
    let rating = affair.rating.clone();
    let filer_can_rate = affair.mine
        && matches!(affair.status, Status::Resolved | Status::Closed)
        && rating.is_none();
    let can_reopen = can(Act::Reopen);
    let re_rate = affair.mine
        && rating
            .as_ref()
            .is_some_and(|r| r.follow_up_at.is_some() && r.re_satisfaction.is_none());
    let follow_up = !affair.viewer_levels.is_empty()
        && rating
            .as_ref()
            .is_some_and(|r| r.follow_up_due_at.is_some() && r.follow_up_at.is_none());
    let neighbour_can_second = !affair.mine
        && affair.viewer_levels.is_empty()
        && !affair.private
        && matches!(affair.status, Status::Open | Status::InProgress);
    let seconded = RwSignal::new(affair.seconded);
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let second = move |_| {
        sending.run(
            move |key| async move { api::second_affair(id, &key, lang).await },
            move |answer| match answer {
                Ok(_) => seconded.set(true),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    let act_button = move |act: Act| {
        let label = match act {
            Act::Accept => w(lang, W::Accept),
            Act::PassToGrid => w(lang, W::PassToGrid),
            Act::Escalate => w(lang, W::Escalate),
            Act::HandBack(_) => w(lang, W::HandBack),
            Act::Resolve => w(lang, W::Resolve),
            Act::Confirm => w(lang, W::Confirm),
            Act::Reopen => w(lang, W::Reopen),
        };
        let label = match act {
            Act::HandBack(to) => format!("{} {}", w(lang, W::HandBackTo), level_label(lang, to)),
            _ => label.to_owned(),
        };
        let class = if act == Act::Accept || act == Act::Resolve {
            ui::primary
        } else {
            style::secondary
        };
        view! {
            <button
                type="button"
                class=class
                aria-pressed=move || (chosen.get() == Some(act)).to_string()
                on:click=move |_| {
                    rating_open.set(false);
                    chosen.set(Some(act));
                }
            >
                {label}
            </button>
        }
    };
    let any = !handler_acts.is_empty()
        || filer_can_rate
        || can_reopen
        || re_rate
        || follow_up
        || neighbour_can_second;
    any.then(|| {
        view! {
            <section class=style::panel>
                <div class=style::actions>
                    {handler_acts.into_iter().map(act_button).collect_view()}
                    {filer_can_rate
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class=ui::primary
                                    on:click=move |_| {
                                        chosen.set(None);
                                        rating_open.set(true);
                                    }
                                >
                                    {w(lang, W::Confirm)}
                                </button>
                            }
                        })}
                    {can_reopen.then(|| act_button(Act::Reopen))}
                    {neighbour_can_second
                        .then(|| {
                            view! {
                                <button type="button" class=style::secondary disabled=move || seconded.get() on:click=second>
                                    {move || if seconded.get() { w(lang, W::MeTooDone) } else { w(lang, W::MeToo) }}
                                </button>
                            }
                        })}
                </div>
                {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
                {move || chosen.get().map(|act| view! { <MoveForm id compound_id act on_change chosen /> })}
                {move || rating_open.get().then(|| view! { <RatingForm id again=false on_change /> })}
                {re_rate.then(|| view! { <RatingForm id again=true on_change /> })}
                {follow_up.then(|| view! { <FollowUpForm id on_change /> })}
            </section>
        }
    })
}

/// The note (and for passing, the grid; for resolving, photos) of an act.
#[component]
fn MoveForm(
    id: i64,
    compound_id: i64,
    act: Act,
    on_change: RwSignal<Option<Affair>>,
    chosen: RwSignal<Option<Act>>,
) -> impl IntoView {
    let lang = use_lang();
    let note = RwSignal::new(String::new());
    let photo_ids = RwSignal::new(Vec::<i64>::new());
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let grid = RwSignal::new(None::<i64>);
    let send = move |_| {
        let step = Move {
            act,
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
            grid_id: grid.get_untracked(),
            assignee_id: None,
            photo_ids: photo_ids.get_untracked(),
        };
        if let Err(fields) = step.validate() {
            error.set(
                fields
                    .first()
                    .map(|f| f.rule.message(w(lang, W::Note), lang)),
            );
            return;
        }
        sending.run(
            move |key| async move { api::act(id, &step, &key, lang).await },
            move |answer| match answer {
                Ok(affair) => {
                    chosen.set(None);
                    on_change.set(Some(affair));
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        {act.needs_note()
            .then(|| {
                view! {
                    <label class=ui::label for="move-note">{w(lang, W::Note)}</label>
                    <textarea
                        id="move-note"
                        class=style::textarea
                        maxlength="500"
                        placeholder=w(lang, W::NoteFor)
                        on:input=move |ev| note.set(event_target_value(&ev))
                    ></textarea>
                }
            })}
        {(act == Act::Resolve).then(|| view! { <PhotoPicker ids=photo_ids /> })}
        {(act == Act::PassToGrid).then(|| view! { <GridChoice compound_id grid /> })}
        {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        <div class=style::actions>
            <button type="button" class=style::secondary on:click=move |_| chosen.set(None)>
                {w(lang, W::Cancel)}
            </button>
            <button type="button" class=ui::primary disabled=move || sending.pending() on:click=send>
                {w(lang, W::Done)}
            </button>
        </div>
    }
}

/// Which of the compound's grids takes it (the building's when none is
/// chosen).
#[component]
fn GridChoice(compound_id: i64, grid: RwSignal<Option<i64>>) -> impl IntoView {
    let lang = use_lang();
    let detail = load(move || api::get_compound(compound_id, lang));
    move || {
        detail.get().and_then(Result::ok).map(|d| {
            view! {
                <p class=ui::label>{w(lang, W::Grid)}</p>
                <div class=style::choices role="group">
                    {d.grids
                        .into_iter()
                        .map(|g| {
                            let label = match g.worker_name {
                                Some(worker) => format!("{} · {worker}", g.name),
                                None => g.name,
                            };
                            view! {
                                <button
                                    type="button"
                                    class=style::choice
                                    aria-pressed=move || (grid.get() == Some(g.id)).to_string()
                                    on:click=move |_| grid.set(Some(g.id))
                                >
                                    {label}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            }
        })
    }
}

/// The five levels, with a reason required for the bottom two.
#[component]
fn RatingForm(id: i64, again: bool, on_change: RwSignal<Option<Affair>>) -> impl IntoView {
    let lang = use_lang();
    let choice = RwSignal::new(None::<Satisfaction>);
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let send = move |_| {
        let Some(satisfaction) = choice.get_untracked() else {
            error.set(Some(
                api_types::Rule::Required.message(w(lang, W::YourRating), lang),
            ));
            return;
        };
        let rating = NewRating {
            satisfaction,
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        if rating.validate().is_err() {
            error.set(Some(w(lang, W::ReasonRequired).to_owned()));
            return;
        }
        sending.run(
            move |key| async move { api::rate(id, &rating, again, &key, lang).await },
            move |answer| match answer {
                Ok(affair) => on_change.set(Some(affair)),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    let poor = move || choice.get().is_some_and(|s| !s.satisfied());
    view! {
        <h2 class=style::panel_title>
            {if again { w(lang, W::RateAgainTitle) } else { w(lang, W::RateTitle) }}
        </h2>
        <div class=style::choices role="group">
            {Satisfaction::ALL
                .into_iter()
                .map(|s| {
                    view! {
                        <button
                            type="button"
                            class=style::choice
                            aria-pressed=move || (choice.get() == Some(s)).to_string()
                            on:click=move |_| choice.set(Some(s))
                        >
                            {satisfaction_label(lang, s)}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <label class=ui::label for=format!("rating-{again}")>
            {move || if poor() { w(lang, W::ReasonRequired) } else { w(lang, W::Comment) }}
        </label>
        <textarea
            id=format!("rating-{again}")
            class=style::textarea
            maxlength="500"
            on:input=move |ev| comment.set(event_target_value(&ev))
        ></textarea>
        {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        <button type="button" class=ui::primary disabled=move || sending.pending() on:click=send>
            {w(lang, W::SendRating)}
        </button>
    }
}

/// The handler's call-back after a poor rating.
#[component]
fn FollowUpForm(id: i64, on_change: RwSignal<Option<Affair>>) -> impl IntoView {
    let lang = use_lang();
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let send = move |_| {
        let text = note.get_untracked();
        if text.trim().is_empty() {
            error.set(Some(
                api_types::Rule::Required.message(w(lang, W::FollowUpNote), lang),
            ));
            return;
        }
        sending.run(
            move |key| async move { api::follow_up(id, text, &key, lang).await },
            move |answer| match answer {
                Ok(affair) => on_change.set(Some(affair)),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <h2 class=style::panel_title>{w(lang, W::FollowUpTitle)}</h2>
        <label class=ui::label for="follow-up">{w(lang, W::FollowUpNote)}</label>
        <textarea id="follow-up" class=style::textarea maxlength="500" on:input=move |ev| note.set(event_target_value(&ev))></textarea>
        {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        <button type="button" class=ui::primary on:click=send>
            {w(lang, W::FollowUpSave)}
        </button>
    }
}

#[component]
fn RatingView(rating: Rating) -> impl IntoView {
    let lang = use_lang();
    let line = |label: W, s: Satisfaction, comment: Option<String>| {
        let comment = comment.map(|c| format!("：{c}")).unwrap_or_default();
        view! { <p><strong>{format!("{} {}", w(lang, label), satisfaction_label(lang, s))}</strong>{comment}</p> }
    };
    view! {
        <section class=style::panel>
            {line(W::YourRating, rating.satisfaction, rating.comment.clone())}
            {rating.follow_up_due_at.as_deref().filter(|_| rating.follow_up_at.is_none()).map(|due| {
                let class = if rating.follow_up_overdue { style::badge_alert } else { style::badge };
                view! { <p class=class>{format!("{}：{}", w(lang, W::FollowUpDue), local_time(lang, due))}</p> }
            })}
            {rating.follow_up_note.clone().map(|n| {
                view! {
                    <p>
                        <strong>{format!("{}：{}", w(lang, W::FollowUpBy), rating.follow_up_by.clone().unwrap_or_default())}</strong>
                        {format!(" {n}")}
                    </p>
                }
            })}
            {rating.re_satisfaction.map(|s| line(W::RatingAgain, s, rating.re_comment.clone()))}
        </section>
    }
}
