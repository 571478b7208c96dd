//! `/units`: residents rate the service units of their compound once a
//! month; `/units/:id/report`: the unit's monthly report for community
//! staff and its liaison, with the twelve-month trend drawn in SVG.

use crate::affair_text::{ratio, satisfaction_label};
use crate::api;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::title;
use crate::load::load;
use crate::pages::affair_style as style;
use crate::prefs::{use_lang, use_prefs, use_title};
use api_types::Lang;
use api_types::affairs::Satisfaction;
use api_types::units::{NewUnitRating, Report, Unit, UnitAnswer};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_params_map, use_query_map};

fn zh(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

/// `/units?compound=`.
#[component]
pub fn UnitsPage() -> impl IntoView {
    let lang = use_lang();
    let prefs = use_prefs();
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
    view! {
        <h1 class=style::title>{zh(lang, "服务评价", "Service ratings")}</h1>
        <p class=ui::hint>
            {zh(lang, "每月可以给为小区服务的单位打一次分，同一个月再评会替换上次的评价", "Rate each unit serving your compound once a month; rating again replaces that month's rating")}
        </p>
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

#[component]
fn UnitCard(unit: Unit) -> impl IntoView {
    let lang = use_lang();
    let id = unit.id;
    let mine = RwSignal::new(unit.my_score);
    let choice = RwSignal::new(None::<Satisfaction>);
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let send = move |_| {
        let Some(satisfaction) = choice.get_untracked() else {
            return;
        };
        let rating = NewUnitRating {
            satisfaction,
            attitude: None,
            speed: None,
            result: None,
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
        spawn_local(async move {
            match api::rate_unit(id, &rating, lang).await {
                Ok(unit) => {
                    error.set(None);
                    mine.set(unit.my_score);
                }
                Err(e) => error.set(Some(e.text(lang))),
            }
        });
    };
    view! {
        <div class=style::card>
            <p class=style::card_title>{unit.name}</p>
            {move || mine.get().and_then(Satisfaction::from_score).map(|s| view! {
                <p class=style::advice>{format!("{}：{}", zh(lang, "本月已评", "Rated this month"), satisfaction_label(lang, s))}</p>
            })}
            <div class=style::choices role="group">
                {Satisfaction::ALL.into_iter().map(|s| view! {
                    <button type="button" class=style::choice aria-pressed=move || (choice.get() == Some(s)).to_string() on:click=move |_| choice.set(Some(s))>
                        {satisfaction_label(lang, s)}
                    </button>
                }).collect_view()}
            </div>
            <label class=ui::label for=format!("unit-comment-{id}")>{zh(lang, "想说的话（不满意必填）", "Comment (required when dissatisfied)")}</label>
            <input id=format!("unit-comment-{id}") class=ui::input maxlength="500" on:input=move |ev| comment.set(event_target_value(&ev)) />
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
            <button type="button" class=ui::primary on:click=send>{zh(lang, "提交评价", "Send rating")}</button>
        </div>
    }
}

/// `/units/:id/report?month=`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let month = move || {
        query.read().get("month").unwrap_or_else(|| {
            let now = js_sys::Date::new_0();
            format!("{:04}-{:02}", now.get_full_year(), now.get_month() + 1)
        })
    };
    use_title(move || title(lang, zh(lang, "服务评价月报", "Monthly report")));
    let report = load(move || {
        let (id, month) = (id(), month());
        async move { api::unit_report(id, &month, lang).await }
    });
    view! {
        {move || report.pending().then(Loading)}
        {move || report.get().map(|r| match r {
            Ok(r) => view! { <ReportView report=r on_change=Callback::new(move |()| report.reload()) /> }.into_any(),
            Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| report.reload()) /> }.into_any(),
        })}
    }
}

#[component]
fn ReportView(report: Report, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let r = report;
    let most = r.distribution.iter().copied().max().unwrap_or(0).max(1);
    let csv = format!(
        "{}/service-units/{}/report/export?month={}",
        api_types::API_PREFIX,
        r.unit_id,
        r.month
    );
    let aspect = |v: Option<i64>| v.map_or("—".to_owned(), |t| format!("{}.{}", t / 10, t % 10));
    view! {
        <section class=style::panel>
            <p class=style::meta>{r.month.clone()}</p>
            <h1 class=style::title>{r.unit_name.clone()}</h1>
            <div class=style::figures>
                <div class=style::figure><span>{zh(lang, "评价数", "Ratings")}</span><strong>{r.ratings.to_string()}</strong></div>
                <div class=style::figure><span>{zh(lang, "满意率", "Satisfaction")}</span><strong>{ratio(r.satisfaction)}</strong></div>
                <div class=style::figure><span>{zh(lang, "差评已回访", "Bad ratings answered")}</span><strong>{ratio(r.answered)}</strong></div>
                <div class=style::figure><span>{zh(lang, "差评已整改", "Bad ratings fixed")}</span><strong>{ratio(r.fixed)}</strong></div>
            </div>
            {r.small_sample.then(|| view! {
                <p class=style::advice>{zh(lang, "评价不足 10 条，样本较小，请看具体人数，不宜只看百分比", "Fewer than 10 ratings: read the counts, not the percentage")}</p>
            })}
            <ul class=style::timeline>
                {Satisfaction::ALL.into_iter().zip(r.distribution).map(|(s, n)| view! {
                    <li class=style::bar>
                        <span>{format!("{}：{n}", satisfaction_label(lang, s))}</span>
                        <progress class=style::bar_fill max=most.to_string() value=n.to_string() aria-hidden="true"></progress>
                    </li>
                }).collect_view()}
            </ul>
            <p class=style::meta>
                {format!("{}：{} · {}：{} · {}：{}",
                    zh(lang, "态度", "Attitude"), aspect(r.aspects[0]),
                    zh(lang, "速度", "Speed"), aspect(r.aspects[1]),
                    zh(lang, "效果", "Result"), aspect(r.aspects[2]))}
            </p>
            <a class=style::secondary href=csv rel="external" download>{zh(lang, "导出月报（CSV）", "Export (CSV)")}</a>
        </section>
        <section class=style::panel>
            <h2 class=style::panel_title>{zh(lang, "近十二个月满意率", "Satisfaction, last twelve months")}</h2>
            <Trend trend=r.trend.clone() />
        </section>
        <section class=style::panel>
            <h2 class=style::panel_title>{zh(lang, "居民意见", "Comments")}</h2>
            {r.comments.into_iter().map(|c| view! { <CommentCard comment=c on_change /> }).collect_view()}
        </section>
    }
}

/// The trend as an SVG line of monthly satisfaction, with the numbers as
/// text for screen readers and anyone who prefers them.
#[component]
fn Trend(trend: Vec<api_types::units::MonthFigures>) -> impl IntoView {
    let lang = use_lang();
    let (w, h) = (300_i64, 120_i64);
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
        .map(|m| format!("{} {}/{}", m.month, m.satisfied, m.ratings))
        .collect::<Vec<_>>()
        .join("；");
    let label = if text.is_empty() {
        zh(lang, "暂无数据", "No data yet").to_owned()
    } else {
        text
    };
    view! {
        <svg class=style::chart viewBox=format!("-8 -8 {} {}", w + 16, h + 16) role="img" aria-label=label.clone()>
            <line x1="0" y1=h.to_string() x2=w.to_string() y2=h.to_string() class=style::axis />
            <polyline points=points.join(" ") class=style::line />
            {xy.into_iter().map(|(x, y)| view! { <circle cx=x.to_string() cy=y.to_string() r="5" class=style::dot /> }).collect_view()}
        </svg>
        <p class=style::meta>{label}</p>
    }
}

#[component]
fn CommentCard(comment: api_types::units::ReportComment, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let id = comment.rating_id;
    let note = RwSignal::new(String::new());
    let fixed = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let send = move |_| {
        let answer = UnitAnswer {
            note: note.get_untracked(),
            fixed: fixed.get_untracked(),
        };
        if answer.note.trim().is_empty() {
            return;
        }
        spawn_local(async move {
            match api::answer_rating(id, &answer, lang).await {
                Ok(()) => on_change.run(()),
                Err(e) => error.set(Some(e.text(lang))),
            }
        });
    };
    let level = Satisfaction::from_score(comment.score)
        .map(|s| satisfaction_label(lang, s))
        .unwrap_or_default();
    view! {
        <div class=style::card>
            <p class=style::step_head>{level}</p>
            <p>{comment.comment.clone()}</p>
            {match comment.answer.clone() {
                Some(a) => view! {
                    <p class=style::advice>
                        {format!("{}：{a}{}", zh(lang, "回访", "Call-back"), if comment.fixed { zh(lang, "（已整改）", " (fixed)") } else { "" })}
                    </p>
                    {comment.re_score.and_then(Satisfaction::from_score).map(|s| view! {
                        <p class=style::meta>{format!("{}：{}", zh(lang, "整改后评价", "After the fix"), satisfaction_label(lang, s))}</p>
                    })}
                }.into_any(),
                None => view! {
                    <label class=ui::label for=format!("answer-{id}")>{zh(lang, "回访情况", "Call-back")}</label>
                    <input id=format!("answer-{id}") class=ui::input on:input=move |ev| note.set(event_target_value(&ev)) />
                    <label class=style::check>
                        <input type="checkbox" on:change=move |ev| fixed.set(event_target_checked(&ev)) />
                        {zh(lang, "已整改", "Fixed")}
                    </label>
                    <button type="button" class=style::secondary on:click=send>{zh(lang, "保存回访", "Save call-back")}</button>
                }.into_any(),
            }}
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        </div>
    }
}
