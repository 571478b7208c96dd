//! `/units`: residents rate the service units of their compound once a
//! month and rate the fix after a call-back. [`Trend`] and [`share`] are
//! also the public board's; the reports themselves are in the staff's
//! bundle (`pages::reports`).

use crate::affair_text::{ratio, satisfaction_label};
use crate::api;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::title;
use crate::load::load;
use crate::pages::affair_style as style;
use crate::prefs::{use_lang, use_prefs, use_title};
use crate::session::use_session;
use crate::submit::Submit;
use api_types::Lang;
use api_types::affairs::{NewRating, Ratio, Satisfaction};
use api_types::units::{MonthFigures, MyUnitRating, NewUnitRating, Unit};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// The Chinese or the English text.
pub fn zh(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

/// Satisfaction as text: a small sample as plain counts, never as a
/// confident percentage.
pub fn share(lang: Lang, r: Ratio, small: bool) -> String {
    match (small && r.of > 0, lang) {
        (true, Lang::Zh) => format!("{}/{}（样本少）", r.count, r.of),
        (true, Lang::En) => format!("{}/{} (small sample)", r.count, r.of),
        (false, _) => ratio(r),
    }
}

/// `/units?compound=`.
#[component]
pub fn UnitsPage() -> impl IntoView {
    let lang = use_lang();
    let prefs = use_prefs();
    let session = use_session();
    let query = use_query_map();
    use_title(move || title(lang, zh(lang, "服务评价", "Service ratings")));
    let compound = move || {
        query
            .read()
            .get("compound")
            .and_then(|c| c.parse::<i64>().ok())
            .or_else(|| prefs.compound.get().map(|c| c.id))
    };
    let units = load(move || {
        let id = compound();
        async move {
            match id {
                Some(id) => api::units(id, lang).await,
                None => Ok(Vec::new()),
            }
        }
    });
    let staff_of = move || {
        session
            .person
            .get()
            .flatten()
            .map(|me| me.roles)
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.role == "community_staff")
    };
    view! {
        <h1 class=style::title>{zh(lang, "服务评价", "Service ratings")}</h1>
        <p class=ui::hint>
            {zh(lang, "每月可以给为小区服务的单位打一次分，同一个月再评会替换上次的评价", "Rate each unit serving your compound once a month; rating again replaces that month's rating")}
        </p>
        {move || staff_of().map(|r| view! {
            <A href=format!("/reports/communities/{}", r.place_id) attr:class=style::secondary>
                {format!("{} · {}", r.place_name, zh(lang, "服务评价月报", "Monthly reports"))}
            </A>
        }).collect_view()}
        {move || units.pending().then(Loading)}
        <section class=style::list>
            {move || units.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class=ui::hint>{zh(lang, "暂无服务单位", "No units yet")}</p> }.into_any(),
                Ok(list) => list.into_iter().map(|unit| view! { <UnitCard unit /> }).collect_view().into_any(),
                Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| units.reload()) /> }.into_any(),
            })}
        </section>
    }
}

/// The five levels as buttons, one of them chosen.
#[component]
fn Levels(choice: RwSignal<Option<Satisfaction>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class=style::choices role="group">
            {Satisfaction::ALL.into_iter().map(|s| view! {
                <button type="button" class=style::choice aria-pressed=move || (choice.get() == Some(s)).to_string() on:click=move |_| choice.set(Some(s))>
                    {satisfaction_label(lang, s)}
                </button>
            }).collect_view()}
        </div>
    }
}

#[component]
fn UnitCard(unit: Unit) -> impl IntoView {
    let lang = use_lang();
    let id = unit.id;
    let mine = RwSignal::new(unit.mine);
    // Closed until asked for: four open forms are a long page on a phone.
    let editing = RwSignal::new(false);
    let choice = RwSignal::new(None::<Satisfaction>);
    let aspects = [(); 3].map(|()| RwSignal::new(None::<i64>));
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let send = move |_| {
        let Some(satisfaction) = choice.get_untracked() else {
            return;
        };
        let [attitude, speed, result] = aspects.map(|a| a.get_untracked());
        let rating = NewUnitRating {
            satisfaction,
            attitude,
            speed,
            result,
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        if rating.validate().is_err() {
            error.set(Some(
                zh(
                    lang,
                    "不满意请写明哪里做得不好",
                    "Please say what went wrong",
                )
                .to_owned(),
            ));
            return;
        }
        sending.run(
            move |_| async move { api::rate_unit(id, &rating, lang).await },
            move |answer| match answer {
                Ok(unit) => {
                    error.set(None);
                    mine.set(unit.mine);
                    editing.set(false);
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    let names = [("态度", "Attitude"), ("速度", "Speed"), ("效果", "Result")];
    view! {
        <article class=style::card aria-label=unit.name.clone()>
            <p class=style::card_title>{unit.name.clone()}</p>
            {move || mine.get().map(|rating| view! { <MyRating rating mine /> })}
            {move || if editing.get() {
                view! {
                    <Levels choice />
                    <div>
                        {names.into_iter().zip(aspects).map(|((z, e), aspect)| view! {
                            <label class=style::check>
                                {zh(lang, z, e)}
                                <select class=ui::input on:change=move |ev| aspect.set(event_target_value(&ev).parse().ok())>
                                    <option value="">{zh(lang, "不评", "—")}</option>
                                    {Satisfaction::ALL.into_iter().map(|s| view! {
                                        <option value=s.score().to_string()>{satisfaction_label(lang, s)}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                        }).collect_view()}
                    </div>
                    <label class=ui::label for=format!("unit-comment-{id}")>{zh(lang, "想说的话（不满意必填）", "Comment (required when dissatisfied)")}</label>
                    <input id=format!("unit-comment-{id}") class=ui::input maxlength="500" on:input=move |ev| comment.set(event_target_value(&ev)) />
                    {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
                    <button type="button" class=ui::primary on:click=send>{zh(lang, "提交评价", "Send rating")}</button>
                }.into_any()
            } else {
                view! {
                    <button type="button" class=style::secondary on:click=move |_| editing.set(true)>
                        {move || if mine.with(Option::is_some) { zh(lang, "重新评价", "Rate again") } else { zh(lang, "评价", "Rate") }}
                    </button>
                }.into_any()
            }}
        </article>
    }
}

/// The rater's own rating this month, the liaison's call-back, and the
/// rating of the fix.
#[component]
fn MyRating(rating: MyUnitRating, mine: RwSignal<Option<MyUnitRating>>) -> impl IntoView {
    let lang = use_lang();
    let label = |score| {
        Satisfaction::from_score(score)
            .map(|s| satisfaction_label(lang, s))
            .unwrap_or_default()
    };
    let choice = RwSignal::new(None::<Satisfaction>);
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let id = rating.rating_id;
    let send = move |_| {
        let Some(satisfaction) = choice.get_untracked() else {
            return;
        };
        let again = NewRating {
            satisfaction,
            comment: None,
        };
        sending.run(
            move |key| async move { api::re_rate_unit(id, &again, &key, lang).await },
            move |answer| match answer {
                Ok(()) => mine.update(|m| {
                    if let Some(m) = m {
                        m.re_score = Some(satisfaction.score());
                    }
                }),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <p class=style::advice>{format!("{}：{}", zh(lang, "本月已评", "Rated this month"), label(rating.score))}</p>
        {rating.answer.map(|answer| view! {
            <p class=style::meta>
                {format!("{}：{answer}{}", zh(lang, "回访", "Call-back"), if rating.fixed { zh(lang, "（已整改）", " (fixed)") } else { "" })}
            </p>
            {match rating.re_score {
                Some(score) => view! {
                    <p class=style::meta>{format!("{}：{}", zh(lang, "整改后评价", "After the fix"), label(score))}</p>
                }.into_any(),
                None => view! {
                    <p class=ui::label>{zh(lang, "整改后您满意吗？", "Are you satisfied after the fix?")}</p>
                    <Levels choice />
                    {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
                    <button type="button" class=ui::primary on:click=send>{zh(lang, "提交整改评价", "Rate the fix")}</button>
                }.into_any(),
            }}
        })}
    }
}

/// The trend as an SVG line of monthly satisfaction between the 0 and
/// 100 % lines, with the numbers as text for screen readers and anyone who
/// prefers them. Nothing is drawn for twelve months without a rating.
#[component]
pub fn Trend(
    /// The months, oldest first.
    trend: Vec<MonthFigures>,
) -> impl IntoView {
    let lang = use_lang();
    let (w, h) = (300_i64, 80_i64);
    let step = w / (trend.len().max(2) as i64 - 1);
    let xy: Vec<(i64, i64)> = trend
        .iter()
        .enumerate()
        .filter(|(_, m)| m.ratings > 0)
        .map(|(i, m)| (i as i64 * step, h - m.satisfied * h / m.ratings))
        .collect();
    let points: Vec<String> = xy.iter().map(|(x, y)| format!("{x},{y}")).collect();
    let text = trend
        .iter()
        .filter(|m| m.ratings > 0)
        .map(|m| format!("{}：{}/{}", m.month, m.satisfied, m.ratings))
        .collect::<Vec<_>>()
        .join("；");
    if text.is_empty() {
        return view! { <p class=style::meta>{zh(lang, "近十二个月暂无评价", "No ratings in twelve months")}</p> }.into_any();
    }
    let first = trend.first().map(|m| m.month.clone()).unwrap_or_default();
    let last = trend.last().map(|m| m.month.clone()).unwrap_or_default();
    view! {
        <svg class=style::chart viewBox=format!("-8 -8 {} {}", w + 16, h + 34) role="img" aria-label=text.clone()>
            <line x1="0" y1="0" x2=w.to_string() y2="0" class=style::axis stroke-dasharray="4 4" />
            <line x1="0" y1=h.to_string() x2=w.to_string() y2=h.to_string() class=style::axis />
            <text x="0" y=(h + 22).to_string() font-size="14">{first}</text>
            <text x=w.to_string() y=(h + 22).to_string() font-size="14" text-anchor="end">{last}</text>
            <polyline points=points.join(" ") class=style::line />
            {xy.into_iter().map(|(x, y)| view! { <circle cx=x.to_string() cy=y.to_string() r="5" class=style::dot /> }).collect_view()}
        </svg>
        <p class=style::meta>{format!("{}：{text}", zh(lang, "每月满意人数/评价数", "Satisfied/rated per month"))}</p>
    }
    .into_any()
}
