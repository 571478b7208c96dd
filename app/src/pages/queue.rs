//! The handler's queue on the station desk: what their levels hold and what
//! is assigned to them, overdue first; sliced by state or kind.

use crate::affair_text::{W, w};
use crate::api;
use crate::components::affair_card::AffairCard;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::load::load;
use crate::prefs::use_lang;
use leptos::prelude::*;

use crate::pages::affair_style as style;

/// The slices offered, as `affair-queue` query strings.
const SLICES: [(W, &str); 4] = [
    (W::QueueAll, ""),
    (W::QueueNew, "view=new"),
    (W::QueueMine, "view=mine"),
    (W::QueueOverdue, "view=overdue"),
];

/// The queue with its filters.
#[component]
pub fn AffairQueue() -> impl IntoView {
    let lang = use_lang();
    let slice = RwSignal::new(0_usize);
    let category = RwSignal::new(None::<String>);
    let queue = load(move || {
        let query = SLICES[slice.get()].1;
        async move { api::queue(query, lang).await }
    });
    view! {
        <section class=style::panel>
            <h2 class=style::panel_title>{w(lang, W::Queue)}</h2>
            <div class=style::chips role="group">
                {SLICES
                    .iter()
                    .enumerate()
                    .map(|(i, (label, _))| {
                        view! {
                            <button
                                type="button"
                                class=style::choice
                                aria-pressed=move || (slice.get() == i).to_string()
                                on:click=move |_| slice.set(i)
                            >
                                {w(lang, *label)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            {move || queue.pending().then(Loading)}
            {move || {
                queue
                    .get()
                    .map(|result| match result {
                        Ok(page) => {
                            // The kinds present, to narrow the list on the phone.
                            let mut kinds: Vec<String> = page.items.iter().map(|a| a.category_name.clone()).collect();
                            kinds.sort();
                            kinds.dedup();
                            let items = page.items;
                            view! {
                                {(kinds.len() > 1)
                                    .then(|| {
                                        view! {
                                            <div class=style::chips role="group">
                                                <button
                                                    type="button"
                                                    class=style::choice
                                                    aria-pressed=move || category.get().is_none().to_string()
                                                    on:click=move |_| category.set(None)
                                                >
                                                    {w(lang, W::AllCategories)}
                                                </button>
                                                {kinds
                                                    .into_iter()
                                                    .map(|k| {
                                                        let name = k.clone();
                                                        let pressed = k.clone();
                                                        view! {
                                                            <button
                                                                type="button"
                                                                class=style::choice
                                                                aria-pressed=move || (category.get().as_ref() == Some(&pressed)).to_string()
                                                                on:click=move |_| category.set(Some(name.clone()))
                                                            >
                                                                {k}
                                                            </button>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </div>
                                        }
                                    })}
                                <div class=style::list>
                                    {move || {
                                        let shown: Vec<_> = items
                                            .iter()
                                            .filter(|a| category.with(|c| c.as_ref().is_none_or(|c| *c == a.category_name)))
                                            .cloned()
                                            .collect();
                                        if shown.is_empty() {
                                            view! { <p class=ui::hint>{w(lang, W::QueueEmpty)}</p> }.into_any()
                                        } else {
                                            shown.into_iter().map(|affair| view! { <AffairCard affair /> }).collect_view().into_any()
                                        }
                                    }}
                                </div>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| queue.reload()) /> }.into_any(),
                    })
            }}
        </section>
    }
}
