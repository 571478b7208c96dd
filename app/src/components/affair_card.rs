//! An affair in a list: title, where it stands, badges for what is urgent
//! or late.

use crate::affair_text::{W, level_label, local_time, status_label, w};
use crate::prefs::use_lang;
use api_types::affairs::Affair;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::pages::affair_style as style;

/// A link to the affair's page.
#[component]
pub fn AffairCard(
    /// The affair.
    affair: Affair,
) -> impl IntoView {
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
    view! {
        <A href=format!("/affairs/{}", affair.id) attr:class=style::card>
            <div class=style::badges>
                {affair.overdue.then(|| view! { <span class=style::badge_alert>{w(lang, W::Overdue)}</span> })}
                {affair.urgent.then(|| view! { <span class=style::badge_alert>{w(lang, W::UrgentBadge)}</span> })}
                <span class=style::badge>{status_label(lang, affair.status)}</span>
                <span class=style::badge>{level_label(lang, affair.level)}</span>
            </div>
            <p class=style::card_title>{affair.title}</p>
            <p class=style::meta>
                {format!("{} · {} · {}", affair.category_name, place, local_time(lang, &affair.created_at))}
            </p>
        </A>
    }
}
