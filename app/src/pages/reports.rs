//! The reports' bundle, for community staff and units' liaisons:
//! `/reports/units/:id`, a unit's monthly report with its twelve-month
//! trend, anonymous comments and their answers; `/reports/communities/:id`,
//! every unit, station and the volunteers of a community side by side, and
//! the list of its units. Both print as the page taken to the unit.

use crate::affair_text::{W, duration, ratio, satisfaction_label, w};
use crate::api;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::title;
use crate::load::load;
use crate::pages::affair_style as style;
use crate::pages::units::{Trend, share, zh};
use crate::prefs::{use_lang, use_title};
use crate::submit::Submit;
use api_types::Lang;
use api_types::affairs::Satisfaction;
use api_types::places::CompoundSummary;
use api_types::units::{NewUnit, Report, UnitAnswer, UnitKind, UnitRecord};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// This month on the phone's clock.
fn this_month() -> String {
    let now = js_sys::Date::new_0();
    format!("{:04}-{:02}", now.get_full_year(), now.get_month() + 1)
}

/// The `month` query parameter, or this month.
fn month_query() -> impl Fn() -> String + Copy {
    let query = use_query_map();
    move || query.read().get("month").unwrap_or_else(this_month)
}

/// `YYYY-MM` moved by `delta` months.
fn shift(month: &str, delta: i64) -> String {
    let (y, m) = api_types::affairs::parse_month(month).unwrap_or((2026, 1));
    let i = y * 12 + i64::from(m) - 1 + delta;
    format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
}

/// Links to the month before and after (none into the future), and a
/// button to print the page.
#[component]
fn MonthBar(path: String, month: String) -> impl IntoView {
    let lang = use_lang();
    let next = shift(&month, 1);
    view! {
        <div class=style::chips>
            <A href=format!("{path}?month={}", shift(&month, -1)) attr:class=style::secondary>{format!("‹ {}", w(lang, W::PrevMonth))}</A>
            {(next <= this_month()).then(|| view! {
                <A href=format!("{path}?month={next}") attr:class=style::secondary>{format!("{} ›", w(lang, W::NextMonth))}</A>
            })}
            <button type="button" class=style::secondary on:click=|_| { let _ = window().print(); }>{zh(lang, "打印", "Print")}</button>
        </div>
    }
}

/// `/reports/units/:id?month=`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let lang = use_lang();
    let param = crate::routes::use_id();
    let id = move || param().unwrap_or(0);
    let month = month_query();
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
        r.id,
        r.month
    );
    let aspect = |v: Option<i64>| v.map_or("—".to_owned(), |t| format!("{}.{}", t / 10, t % 10));
    view! {
        <section class=style::panel>
            <p class=style::meta>{r.month.clone()}</p>
            <h1 class=style::title>{r.name.clone()}</h1>
            <MonthBar path=format!("/reports/units/{}", r.id) month=r.month.clone() />
            <div class=style::figures>
                <div class=style::figure><span>{zh(lang, "评价数", "Ratings")}</span><strong>{r.ratings.to_string()}</strong></div>
                <div class=style::figure><span>{zh(lang, "满意率", "Satisfaction")}</span><strong>{share(lang, r.satisfaction, r.small_sample)}</strong></div>
                <div class=style::figure><span>{zh(lang, "差评已回访", "Bad ratings answered")}</span><strong>{ratio(r.answered)}</strong></div>
                <div class=style::figure><span>{zh(lang, "差评已整改", "Bad ratings fixed")}</span><strong>{ratio(r.fixed)}</strong></div>
                <div class=style::figure>
                    <span>{zh(lang, "回访用时（中位数）", "Time to call back (median)")}</span>
                    <strong>{r.median_answer_minutes.map_or("—".to_owned(), |m| duration(lang, m))}</strong>
                </div>
            </div>
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

#[component]
fn CommentCard(comment: api_types::units::ReportComment, on_change: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let id = comment.rating_id;
    let note = RwSignal::new(String::new());
    let fixed = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let send = move |_| {
        let answer = UnitAnswer {
            note: note.get_untracked(),
            fixed: fixed.get_untracked(),
        };
        if answer.note.trim().is_empty() {
            return;
        }
        sending.run(
            move |key| async move { api::answer_rating(id, &answer, &key, lang).await },
            move |answer| match answer {
                Ok(()) => on_change.run(()),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
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

/// `/reports/communities/:id?month=`: every unit, station and the volunteers
/// of a community side by side.
#[component]
pub fn CommunityReportsPage() -> impl IntoView {
    let lang = use_lang();
    let param = crate::routes::use_id();
    let id = move || param().unwrap_or(0);
    let month = month_query();
    use_title(move || title(lang, zh(lang, "服务评价月报", "Monthly reports")));
    let reports = load(move || {
        let (id, month) = (id(), month());
        async move { api::community_reports(id, &month, lang).await }
    });
    view! {
        {move || reports.pending().then(Loading)}
        {move || reports.get().map(|r| match r {
            Ok(r) => view! {
                <p class=style::meta>{r.month.clone()}</p>
                <h1 class=style::title>{format!("{} · {}", r.community, zh(lang, "服务评价月报", "Monthly reports"))}</h1>
                <MonthBar path=format!("/reports/communities/{}", id()) month=r.month.clone() />
                <h2 class=style::panel_title>{zh(lang, "服务单位", "Service units")}</h2>
                {r.units.into_iter().map(|report| {
                    let href = format!("/reports/units/{}?month={}", report.id, report.month);
                    view! { <Summary report href=Some(href) /> }
                }).collect_view()}
                <h2 class=style::panel_title>{zh(lang, "互助站（事务评价）", "Stations (affair ratings)")}</h2>
                {r.stations.into_iter().map(|report| view! { <Summary report href=None /> }).collect_view()}
                <h2 class=style::panel_title>{zh(lang, "志愿服务", "Volunteer service")}</h2>
                <Summary report=r.volunteers href=None />
                <UnitList community=id() />
            }.into_any(),
            Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| reports.reload()) /> }.into_any(),
        })}
    }
}

/// One report in a row of many: its counts, shares and trend.
#[component]
fn Summary(report: Report, href: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let r = report;
    let name = match href {
        Some(href) => view! { <A href=href>{r.name}</A> }.into_any(),
        None => r.name.into_any(),
    };
    view! {
        <section class=style::panel>
            <p class=style::card_title>{name}</p>
            <p>{format!("{}：{} · {}：{}",
                zh(lang, "评价数", "Ratings"), r.ratings,
                zh(lang, "满意率", "Satisfaction"), share(lang, r.satisfaction, r.small_sample))}</p>
            {(r.answered.of > 0).then(|| view! {
                <p class=style::meta>{format!("{}：{} · {}：{}",
                    zh(lang, "差评已回访", "Bad ratings answered"), ratio(r.answered),
                    zh(lang, "已整改", "Fixed"), ratio(r.fixed))}</p>
            })}
            <Trend trend=r.trend />
        </section>
    }
}

/// What kind of unit, in words.
fn kind_label(lang: Lang, kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Property => zh(lang, "物业", "Property"),
        UnitKind::Water => zh(lang, "供水", "Water"),
        UnitKind::Power => zh(lang, "供电", "Power"),
        UnitKind::Gas => zh(lang, "燃气", "Gas"),
        UnitKind::Canteen => zh(lang, "食堂", "Canteen"),
        UnitKind::Clinic => zh(lang, "卫生站", "Clinic"),
        UnitKind::CityManagement => zh(lang, "城管", "City management"),
        UnitKind::Station => zh(lang, "互助站", "Station"),
    }
}

/// The community's units as its staff keep them: change one, retire one,
/// or list a new one.
#[component]
fn UnitList(community: i64) -> impl IntoView {
    let lang = use_lang();
    let list = load(move || api::community_units(community, lang));
    let adding = RwSignal::new(false);
    let on_saved = Callback::new(move |()| {
        adding.set(false);
        list.reload();
    });
    view! {
        <h2 class=style::panel_title>{zh(lang, "服务单位名单", "The units")}</h2>
        {move || list.get().map(|r| match r {
            Ok((units, compounds)) => view! {
                {units.into_iter().map(|unit| view! { <UnitRow community unit compounds=compounds.clone() on_saved /> }).collect_view()}
                {move || if adding.get() {
                    view! {
                        <section class=style::panel>
                            <UnitForm community unit=None compounds=compounds.clone() on_saved />
                        </section>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class=ui::primary on:click=move |_| adding.set(true)>{zh(lang, "添加服务单位", "Add a unit")}</button>
                    }.into_any()
                }}
            }.into_any(),
            Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| list.reload()) /> }.into_any(),
        })}
    }
}

#[component]
fn UnitRow(
    community: i64,
    unit: UnitRecord,
    compounds: Vec<CompoundSummary>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let id = unit.id;
    let retire = move |_| {
        let sure = window()
            .confirm_with_message(zh(
                lang,
                "停用后居民不能再评价它，月报仍保留。确定停用？",
                "Residents will no longer rate it; its reports stay. Retire it?",
            ))
            .unwrap_or(false);
        if sure {
            sending.run(
                move |_| async move { api::retire_unit(id, lang).await },
                move |answer| match answer {
                    Ok(()) => on_saved.run(()),
                    Err(e) => error.set(Some(e.text(lang))),
                },
            );
        }
    };
    let liaison = match (&unit.liaison_name, &unit.liaison_phone) {
        (Some(name), Some(phone)) => format!("{name} {phone}"),
        _ => zh(lang, "无联络人（由社区答复）", "No liaison (staff answer)").to_owned(),
    };
    let line = format!(
        "{} · {}：{liaison}",
        kind_label(lang, unit.kind),
        zh(lang, "联络人", "Liaison")
    );
    let (name, label) = (unit.name.clone(), unit.name.clone());
    view! {
        <section class=style::panel aria-label=label>
            <p class=style::card_title>{name}</p>
            <p class=style::meta>{line}</p>
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
            {move || if editing.get() {
                view! { <UnitForm community unit=Some(unit.clone()) compounds=compounds.clone() on_saved /> }.into_any()
            } else {
                view! {
                    <div class=style::chips>
                        <button type="button" class=style::secondary on:click=move |_| editing.set(true)>{zh(lang, "修改", "Change")}</button>
                        <button type="button" class=style::secondary on:click=retire>{zh(lang, "停用", "Retire")}</button>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// A unit's name, kind, compounds and liaison, new or changed.
#[component]
fn UnitForm(
    community: i64,
    unit: Option<UnitRecord>,
    compounds: Vec<CompoundSummary>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let id = unit.as_ref().map(|u| u.id);
    let key = id.unwrap_or(0);
    let name = RwSignal::new(unit.as_ref().map(|u| u.name.clone()).unwrap_or_default());
    let kind = RwSignal::new(unit.as_ref().map_or(UnitKind::Property, |u| u.kind));
    let served = RwSignal::new(
        unit.as_ref()
            .map(|u| u.compound_ids.clone())
            .unwrap_or_default(),
    );
    let phone = RwSignal::new(unit.and_then(|u| u.liaison_phone).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let save = move |_| {
        let new = NewUnit {
            community_id: community,
            name: name.get_untracked(),
            kind: kind.get_untracked(),
            compound_ids: served.get_untracked(),
            liaison_phone: Some(phone.get_untracked()),
        };
        if new.validate().is_err() {
            error.set(Some(
                zh(
                    lang,
                    "请填写名称、选择服务的小区，联络人手机号要写对",
                    "Give a name, the compounds served, and a valid liaison number",
                )
                .to_owned(),
            ));
            return;
        }
        sending.run(
            move |key| async move { api::save_unit(id, &new, &key, lang).await },
            move |answer| match answer {
                Ok(()) => on_saved.run(()),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <label class=ui::label for=format!("unit-name-{key}")>{zh(lang, "名称", "Name")}</label>
        <input id=format!("unit-name-{key}") class=ui::input maxlength="40" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
        <label class=style::check>
            {zh(lang, "类别", "Kind")}
            <select class=ui::input on:change=move |ev| {
                if let Some(k) = UnitKind::parse(&event_target_value(&ev)) {
                    kind.set(k);
                }
            }>
                {UnitKind::ALL.into_iter().map(|k| view! {
                    <option value=k.as_str() selected=move || kind.get() == k>{kind_label(lang, k)}</option>
                }).collect_view()}
            </select>
        </label>
        <p class=ui::label>{zh(lang, "服务的小区", "Compounds served")}</p>
        {compounds.into_iter().map(|c| {
            let cid = c.id;
            view! {
                <label class=style::check>
                    <input type="checkbox" prop:checked=move || served.with(|s| s.contains(&cid)) on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        served.update(|s| {
                            s.retain(|x| *x != cid);
                            if on {
                                s.push(cid);
                            }
                        });
                    } />
                    {c.name}
                </label>
            }
        }).collect_view()}
        <label class=ui::label for=format!("unit-liaison-{key}")>{zh(lang, "联络人手机号（可不填，由社区答复差评）", "Liaison's number (optional: staff answer otherwise)")}</label>
        <input id=format!("unit-liaison-{key}") class=ui::input type="tel" inputmode="numeric" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) />
        {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        <button type="button" class=ui::primary on:click=save>{zh(lang, "保存", "Save")}</button>
    }
}
