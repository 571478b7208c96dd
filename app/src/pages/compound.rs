//! `/compounds/:id`: a compound's station, grids and buildings, and the
//! button that makes it the resident's own.

use crate::api;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::{Count, Key, count, counts, t, title};
use crate::load::load;
use crate::pages::not_found::NotFoundPage;
use crate::prefs::{MyCompound, use_lang, use_prefs, use_title};
use crate::routes;
use api_types::places::{CompoundDetail, GridSummary};
use leptos::prelude::*;
use leptos_router::components::A;

stylance::import_crate_style!(style, "src/pages/compound.module.css");

/// `/compounds/:id`.
#[component]
pub fn CompoundPage() -> impl IntoView {
    let lang = use_lang();
    let id = crate::routes::use_id();
    let compound = load(move || {
        let id = id();
        let lang = lang;
        async move {
            match id {
                Some(id) => api::get_compound(id, lang).await.map(Some),
                None => Ok(None),
            }
        }
    });
    use_title(move || {
        let name = compound
            .get()
            .and_then(Result::ok)
            .flatten()
            .map(|c| c.summary.name)
            .unwrap_or_default();
        title(lang, &name)
    });
    view! {
        {move || compound.pending().then(Loading)}
        {move || {
            compound
                .get()
                .map(|result| match result {
                    Ok(Some(detail)) => view! { <CompoundView detail /> }.into_any(),
                    Ok(None) => view! { <NotFoundPage /> }.into_any(),
                    Err(error) if error.is_not_found() => view! { <NotFoundPage /> }.into_any(),
                    Err(error) => {
                        view! { <LoadError error on_retry=Callback::new(move |()| compound.reload()) /> }
                            .into_any()
                    }
                })
        }}

    }
}

#[component]
fn CompoundView(detail: CompoundDetail) -> impl IntoView {
    let lang = use_lang();
    let prefs = use_prefs();
    let summary = detail.summary;
    let mine = MyCompound {
        id: summary.id,
        name: summary.name.clone(),
    };
    let is_mine = {
        let id = summary.id;
        move || prefs.compound.get().is_some_and(|c| c.id == id)
    };
    let station = summary.station.clone();
    view! {
        <article>
            <header class=style::header>
                <p class=style::community>{summary.community_name.clone()}</p>
                <h1 class=style::name>{summary.name.clone()}</h1>
                <p class=style::address>{summary.address.clone()}</p>
                <p class=style::sizes>
                    {move || {
                        counts(
                            lang,
                            &[
                                (summary.grid_count, Count::Grids),
                                (summary.building_count, Count::Buildings),
                                (summary.household_count, Count::Households),
                            ],
                        )
                    }}
                </p>
                <button
                    type="button"
                    class=style::choose
                    aria-pressed=move || is_mine().to_string()
                    on:click=move |_| prefs.compound.set(Some(mine.clone()))
                >
                    {move || {
                        if is_mine() {
                            format!("✓ {}", t(lang, Key::IsMyCompound))
                        } else {
                            t(lang, Key::SetMyCompound).to_owned()
                        }
                    }}
                </button>
            </header>
            <nav class=style::affairs>
                <A href=routes::new_affair(summary.id) attr:class=ui::primary>{t(lang, Key::FileAffair)}</A>
                <A href=routes::board(summary.id) attr:class=style::board>{t(lang, Key::PublicBoard)}</A>
                <A href=routes::consultations(summary.id) attr:class=style::board>{t(lang, Key::Consultations)}</A>
                <A href=routes::POOL attr:class=style::board>{t(lang, Key::Volunteers)}</A>
                <A href=routes::units(summary.id) attr:class=style::board>{t(lang, Key::ServiceRatings)}</A>
            </nav>
            <section class=style::panel>
                <h2 class=style::panel_title>{t(lang, Key::Station)}</h2>
                {match station {
                    Some(s) => {
                        view! {
                            <p class=style::station_name>{s.name}</p>
                            <p>
                                {move || {
                                    let head = s
                                        .head_name
                                        .clone()
                                        .map(|h| format!("{} {h} · ", t(lang, Key::StationHead)))
                                        .unwrap_or_default();
                                    format!("{head}{}", count(lang, s.member_count, Count::Members))
                                }}
                            </p>
                        }
                            .into_any()
                    }
                    None => view! { <p>{t(lang, Key::NoStation)}</p> }.into_any(),
                }}
            </section>
            <section class=style::panel>
                <h2 class=style::panel_title>{t(lang, Key::Grids)}</h2>
                {detail.grids.into_iter().map(|grid| view! { <GridView grid /> }).collect_view()}
            </section>
        </article>
    }
}

#[component]
fn GridView(grid: GridSummary) -> impl IntoView {
    let lang = use_lang();
    let worker = grid.worker_name.clone();
    let households = grid.household_count;
    view! {
        <div class=style::grid>
            <h3 class=style::grid_name>{grid.name}</h3>
            <p class=style::grid_meta>
                {move || {
                    let worker = worker
                        .as_ref()
                        .map(|w| format!("{} {w} · ", t(lang, Key::GridWorker)))
                        .unwrap_or_default();
                    format!("{worker}{}", count(lang, households, Count::Households))
                }}
            </p>
            <ul class=style::buildings>
                {grid
                    .buildings
                    .into_iter()
                    .map(|b| {
                        view! {
                            <li class=style::building>
                                <span class=style::building_name>{b.name}</span>
                                <span>
                                    {move || {
                                        counts(lang, &[(b.unit_count, Count::Units), (b.household_count, Count::Households)])
                                    }}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}
