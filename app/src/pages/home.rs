//! The home page: the street at a glance, the resident's own compound, and
//! every compound with its mutual-aid station.

use crate::api;
use crate::components::status::{LoadError, Loading};
use crate::i18n::{Count, Key, count, counts, t, title, unit};
use crate::load::load;
use crate::prefs::{use_lang, use_prefs, use_title};
use crate::routes;
use api_types::Lang;
use api_types::places::{CompoundSummary, StreetSummary};
use leptos::prelude::*;
use leptos_router::components::A;

stylance::import_crate_style!(style, "src/pages/home.module.css");

/// `/`.
#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    use_title(move || title(lang, ""));
    let streets = load(move || api::list_streets(lang));
    let compounds = load(move || api::list_compounds(lang));
    view! {
        <MyCompoundCard />
        {move || {
            streets
                .get()
                .and_then(Result::ok)
                .map(|page| {
                    page.items.into_iter().map(|street| view! { <StreetHero street /> }).collect_view()
                })
        }}
        <h2 class=style::section>{t(lang, Key::CompoundsHeading)}</h2>
        {move || compounds.pending().then(Loading)}
        {move || {
            compounds
                .get()
                .map(|result| match result {
                    Ok(list) if list.is_empty() => {
                        view! { <p class=style::empty>{not_set_up(lang)}</p> }
                            .into_any()
                    }
                    Ok(list) => view! { <CompoundList compounds=list /> }.into_any(),
                    Err(error) => {
                        view! {
                            <LoadError
                                error
                                on_retry=Callback::new(move |()| {
                                    streets.reload();
                                    compounds.reload();
                                })
                            />
                        }
                            .into_any()
                    }
                })
        }}

    }
}

/// The street's name and size in three large figures.
#[component]
fn StreetHero(street: StreetSummary) -> impl IntoView {
    let lang = use_lang();
    let figures = [
        (street.community_count, Count::Communities),
        (street.compound_count, Count::Compounds),
        (street.household_count, Count::Households),
    ];
    view! {
        <section class=style::hero>
            <h1 class=style::street>{street.name}</h1>
            <p class=style::district>{street.district}</p>
            <dl class=style::figures>
                {figures
                    .into_iter()
                    .map(|(n, what)| {
                        view! {
                            <div class=style::figure>
                                <dt>{unit(lang, what)}</dt>
                                <dd>{n}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
        </section>
    }
}

/// The resident's own compound, or how to choose one.
#[component]
fn MyCompoundCard() -> impl IntoView {
    let prefs = use_prefs();
    let lang = use_lang();
    move || {
        prefs.compound.get().map(|mine| {
            view! {
                <A href=routes::compound(mine.id) attr:class=style::mine>
                    <span class=style::mine_label>{t(lang, Key::MyCompound)}</span>
                    <span class=style::mine_name>{mine.name}</span>
                </A>
            }
        })
    }
}

/// Compounds grouped under their communities, in the API's order.
#[component]
fn CompoundList(compounds: Vec<CompoundSummary>) -> impl IntoView {
    group_by_community(compounds)
        .into_iter()
        .map(|(community, compounds)| {
            view! {
                <section class=style::community>
                    <h3 class=style::community_name>{community}</h3>
                    <ul class=style::cards>
                        {compounds
                            .into_iter()
                            .map(|compound| view! { <CompoundCard compound /> })
                            .collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view()
}

/// One compound as a large tappable card.
#[component]
fn CompoundCard(compound: CompoundSummary) -> impl IntoView {
    let lang = use_lang();
    let station = compound.station.clone();
    let sizes = [
        (compound.grid_count, Count::Grids),
        (compound.building_count, Count::Buildings),
        (compound.household_count, Count::Households),
    ];
    view! {
        <li>
            <A href=routes::compound(compound.id) attr:class=style::card>
                <span class=style::card_name>{compound.name}</span>
                <span class=style::card_station>
                    {move || match &station {
                        Some(s) => {
                            let head = s
                                .head_name
                                .as_ref()
                                .map(|h| format!("{} {h} · ", t(lang, Key::StationHead)))
                                .unwrap_or_default();
                            format!("{head}{}", count(lang, s.member_count, Count::Members))
                        }
                        None => t(lang, Key::NoStation).to_owned(),
                    }}
                </span>
                <span class=style::card_sizes>{counts(lang, &sizes)}</span>
                <span class=style::chevron aria-hidden="true">"›"</span>
            </A>
        </li>
    }
}

/// Groups compounds by community name, keeping the first-seen order.
fn group_by_community(compounds: Vec<CompoundSummary>) -> Vec<(String, Vec<CompoundSummary>)> {
    let mut groups: Vec<(i64, String, Vec<CompoundSummary>)> = Vec::new();
    for compound in compounds {
        match groups
            .iter_mut()
            .find(|(id, _, _)| *id == compound.community_id)
        {
            Some((_, _, list)) => list.push(compound),
            None => groups.push((
                compound.community_id,
                compound.community_name.clone(),
                vec![compound],
            )),
        }
    }
    groups
        .into_iter()
        .map(|(_, name, list)| (name, list))
        .collect()
}

/// What an empty portal says, and to whom: here, not in the shared text
/// table, so the other bundles do not carry it.
fn not_set_up(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => {
            "这里还没有建立街道和小区。街道办管理员：在服务器上运行 linli-server street create 建立街道，再用 places import 导入楼栋台账（见 README「建立一个真实的街道」）。居民：请稍后再来。"
        }
        Lang::En => {
            "No street is set up here yet. Street office administrators: run linli-server street create on the server, then import the places ledger with places import (see README, “Setting up a real street”). Residents: please come back later."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compound(id: i64, community_id: i64, community: &str) -> CompoundSummary {
        CompoundSummary {
            id,
            community_id,
            street_id: 1,
            community_name: community.into(),
            name: format!("小区{id}"),
            address: String::new(),
            station: None,
            grid_count: 0,
            building_count: 0,
            household_count: 0,
        }
    }

    #[test]
    fn compounds_group_under_communities_in_first_seen_order() {
        let groups = group_by_community(vec![
            compound(1, 7, "东港社区"),
            compound(2, 9, "临城社区"),
            compound(3, 7, "东港社区"),
        ]);
        let shape: Vec<(&str, Vec<i64>)> = groups
            .iter()
            .map(|(name, list)| (name.as_str(), list.iter().map(|c| c.id).collect()))
            .collect();
        assert_eq!(shape, [("东港社区", vec![1, 3]), ("临城社区", vec![2])]);
    }
}
