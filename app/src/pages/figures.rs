//! The three rates: `/station/figures` for staff (any of their places, any
//! month, with the CSV), and the figures block the public board reuses.

use crate::affair_text::{W, duration, ratio, w};
use crate::api;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::title;
use crate::load::load;
use crate::prefs::{use_lang, use_title};
use crate::session::use_session;
use api_types::affairs::Metrics;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::pages::affair_style as style;

/// `YYYY-MM` of the phone's current month, `back` months earlier.
fn month_back(from: Option<&str>, back: i32) -> String {
    let (year, month) = from
        .and_then(api_types::affairs::parse_month)
        .map(|(y, m)| (y as i32, m as i32))
        .unwrap_or_else(|| {
            let now = js_sys::Date::new_0();
            (now.get_full_year() as i32, now.get_month() as i32 + 1)
        });
    let index = year * 12 + month - 1 - back;
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

/// The figures of one month: received, where things were resolved, the
/// three rates with their counts, median times, overdue.
#[component]
pub fn FiguresView(
    /// The month's figures.
    metrics: Metrics,
) -> impl IntoView {
    let lang = use_lang();
    let m = metrics;
    let figure = |label: W, value: String| {
        view! {
            <div class=style::figure>
                <span>{w(lang, label)}</span>
                <strong>{value}</strong>
            </div>
        }
    };
    let split = format!(
        "{} {} · {} {} · {} {}",
        crate::affair_text::level_label(lang, api_types::affairs::Level::Station),
        m.handled_station,
        crate::affair_text::level_label(lang, api_types::affairs::Level::Grid),
        m.handled_grid,
        crate::affair_text::level_label(lang, api_types::affairs::Level::Community),
        m.handled_community,
    );
    let minutes = |m: Option<i64>| m.map(|m| duration(lang, m)).unwrap_or_else(|| "—".into());
    view! {
        <div class=style::figures>
            {figure(W::Received, m.received.to_string())}
            {figure(W::OverdueCount, m.overdue.to_string())}
            {figure(W::ResponseRate, ratio(m.response))}
            {figure(W::ResolutionRate, ratio(m.resolution))}
            {figure(W::SatisfactionRate, ratio(m.satisfaction))}
            {figure(W::MedianRespond, minutes(m.median_respond_minutes))}
            {figure(W::MedianResolve, minutes(m.median_resolve_minutes))}
        </div>
        <p class=style::meta>{format!("{}：{split}", w(lang, W::HandledAt))}</p>
    }
}

/// `/station/figures?scope=&place=&month=`.
#[component]
pub fn FiguresPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    use_title(move || title(lang, w(lang, W::Figures)));
    // The place: from the link, else the person's first place to handle.
    let place = move || {
        let q = query.read();
        let given = q
            .get("scope")
            .zip(q.get("place").and_then(|p| p.parse::<i64>().ok()));
        given.or_else(|| {
            session.person.get().flatten().and_then(|me| {
                me.roles.iter().find_map(|r| {
                    let scope = match r.role.as_str() {
                        "station_member" => "station",
                        "grid_worker" => "grid",
                        "community_staff" | "department_liaison" => "community",
                        _ => return None,
                    };
                    Some((scope.to_owned(), r.place_id))
                })
            })
        })
    };
    let month = move || month_back(query.read().get("month").as_deref(), 0);
    let metrics = load(move || {
        let (place, month) = (place(), month());
        async move {
            match place {
                Some((scope, id)) => api::metrics(&scope, id, &month, lang).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let link = move |back: i32| {
        let (scope, id) = place().unwrap_or_default();
        let month = month_back(Some(&month()), back);
        format!("/station/figures?scope={scope}&place={id}&month={month}")
    };
    view! {
        {move || metrics.pending().then(Loading)}
        {move || {
            metrics
                .get()
                .map(|result| match result {
                    Ok(Some(m)) => {
                        let (scope, id) = place().unwrap_or_default();
                        let csv = format!(
                            "{}{}",
                            api_types::API_PREFIX,
                            api::metrics_path("/export", &scope, id, &m.month),
                        );
                        view! {
                            <h1 class=style::title>{m.place_name.clone()}</h1>
                            <section class=style::panel>
                                <div class=style::month>
                                    <A href=link(1) attr:class=style::secondary>{w(lang, W::PrevMonth)}</A>
                                    <strong>{m.month.clone()}</strong>
                                    <A href=link(-1) attr:class=style::secondary>{w(lang, W::NextMonth)}</A>
                                </div>
                                {(scope == "station").then(|| view! { <PoolLine compound=id month=m.month.clone() /> })}
                                <FiguresView metrics=m />
                                <a class=ui::primary href=csv rel="external" download>{w(lang, W::ExportCsv)}</a>
                            </section>
                        }
                            .into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| metrics.reload()) /> }.into_any(),
                })
        }}
    }
}

/// The station's volunteer service in the month.
#[component]
fn PoolLine(compound: i64, month: String) -> impl IntoView {
    let lang = use_lang();
    let figures = load(move || {
        let month = month.clone();
        async move { api::pool_figures(compound, &month, lang).await }
    });
    move || {
        figures.get().and_then(Result::ok).map(|f| {
            view! {
                <h2 class=style::panel_title>{w(lang, W::Volunteering)}</h2>
                <p>{crate::pages::board::pool_line(lang, &f)}</p>
            }
        })
    }
}
