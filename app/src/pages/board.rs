//! `/boards/:id`: a compound's public board — its station's figures this
//! month and last, the service units' satisfaction and trend, what was
//! resolved lately, the consultations' outcomes and the pool's figures.
//! No sign-in needed; it lives in the service-ratings bundle.

use crate::affair_text::{W, w};
use crate::api;
use crate::components::affair_card::AffairCard;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::title;
use crate::load::load;
use crate::pages::figures::FiguresView;
use crate::pages::units::{Trend, share};
use crate::prefs::{use_lang, use_title};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::pages::affair_style as style;

/// `/boards/:id`.
#[component]
pub fn BoardPage() -> impl IntoView {
    let lang = use_lang();
    let param = crate::routes::use_id();
    let id = move || param().unwrap_or(0);
    let board = load(move || {
        let id = id();
        async move { api::board(id, lang).await }
    });
    use_title(move || title(lang, w(lang, W::Board)));
    view! {
        {move || board.pending().then(Loading)}
        {move || {
            board
                .get()
                .map(|result| match result {
                    Ok(b) => {
                        view! {
                            <h1 class=style::title>{format!("{} · {}", b.this_month.place_name, w(lang, W::Board))}</h1>
                            <section class=style::panel>
                                <h2 class=style::panel_title>{format!("{} {}", w(lang, W::ThisMonth), b.this_month.month)}</h2>
                                <FiguresView metrics=b.this_month />
                            </section>
                            {(!b.units.is_empty()).then(|| view! {
                                <section class=style::panel>
                                    <h2 class=style::panel_title>{w(lang, W::UnitsSatisfaction)}</h2>
                                    {b.units.into_iter().map(|u| view! {
                                        <h3 class=style::card_title>{u.name}</h3>
                                        <p>{format!("{}：{}", w(lang, W::ThisMonth), share(lang, u.satisfaction, u.small_sample))}</p>
                                        <Trend trend=u.trend />
                                    }).collect_view()}
                                </section>
                            })}
                            <section class=style::panel>
                                <h2 class=style::panel_title>{w(lang, W::RecentlyResolved)}</h2>
                                <div class=style::list>
                                    {if b.recently_resolved.is_empty() {
                                        view! { <p class=ui::hint>{w(lang, W::NothingResolved)}</p> }.into_any()
                                    } else {
                                        b.recently_resolved
                                            .into_iter()
                                            .map(|affair| view! { <AffairCard affair /> })
                                            .collect_view()
                                            .into_any()
                                    }}
                                </div>
                            </section>
                            {(!b.consultations.is_empty()).then(|| view! {
                                <section class=style::panel>
                                    <h2 class=style::panel_title>{w(lang, W::Concluded)}</h2>
                                    <div class=style::list>
                                        {b.consultations.into_iter().map(|topic| view! {
                                            <A href=format!("/consultations/{}", topic.id) attr:class=style::card>
                                                <p class=style::card_title>{topic.title}</p>
                                                {topic.decision.map(|d| view! { <p class=style::meta>{d}</p> })}
                                            </A>
                                        }).collect_view()}
                                    </div>
                                </section>
                            })}
                            <section class=style::panel>
                                <h2 class=style::panel_title>{w(lang, W::Volunteering)}</h2>
                                <p>{pool_line(lang, &b.pool)}</p>
                            </section>
                            <section class=style::panel>
                                <h2 class=style::panel_title>{format!("{} {}", w(lang, W::LastMonth), b.last_month.month)}</h2>
                                <FiguresView metrics=b.last_month />
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| board.reload()) /> }.into_any(),
                })
        }}
    }
}

/// The month's volunteer service in one line.
pub fn pool_line(lang: api_types::Lang, f: &api_types::pool::PoolFigures) -> String {
    let hours = f.minutes / 60;
    match lang {
        api_types::Lang::Zh => format!(
            "能人库 {} 人 · 本月 {} 人服务 {} 次，共 {hours} 小时 · 岗位认领 {}/{}",
            f.pool_size, f.active_volunteers, f.services, f.places_filled, f.places_offered
        ),
        api_types::Lang::En => format!(
            "Pool: {} · this month {} volunteers gave {} services, {hours} h · places taken {}/{}",
            f.pool_size, f.active_volunteers, f.services, f.places_filled, f.places_offered
        ),
    }
}
