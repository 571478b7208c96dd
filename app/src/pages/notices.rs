//! `/notices`: the in-app inbox. Opening it marks everything read.

use crate::affair_text::{W, act_label, local_time, status_label, w};
use crate::api;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::title;
use crate::load::load;
use crate::prefs::{use_lang, use_title};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::pages::affair_style as style;

/// `/notices`.
#[component]
pub fn NoticesPage() -> impl IntoView {
    let lang = use_lang();
    use_title(move || title(lang, w(lang, W::Notices)));
    let notices = load(move || api::notices(lang));
    Effect::new(move || {
        if let Some(Ok(page)) = notices.get()
            && let Some(newest) = page.items.first().filter(|n| !n.read)
        {
            let up_to = newest.id;
            spawn_local(async move {
                let _ = api::mark_read(up_to, lang).await;
            });
        }
    });
    view! {
        <h1 class=style::title>{w(lang, W::Notices)}</h1>
        {move || notices.pending().then(Loading)}
        {move || {
            notices
                .get()
                .map(|result| match result {
                    Ok(page) if page.items.is_empty() => view! { <p class=ui::hint>{w(lang, W::NoNotices)}</p> }.into_any(),
                    Ok(page) => {
                        view! {
                            <div class=style::list>
                                {page
                                    .items
                                    .into_iter()
                                    .map(|n| {
                                        let head = match n.status {
                                            Some(status) => format!(
                                                "{} {} · {}",
                                                n.actor_name.unwrap_or_default(),
                                                act_label(lang, &n.act),
                                                status_label(lang, status),
                                            )
                                            .trim_start()
                                            .to_owned(),
                                            None => act_label(lang, &n.act).to_owned(),
                                        };
                                        // A post's notice opens the post (pool bundle), a
                                        // unit's its report or the rater's ratings.
                                        let href = match (n.affair_id, n.post_id, n.unit_id) {
                                            (Some(_), _, _) if n.act == "help_request" => "/pool/help-requests".to_owned(),
                                            (Some(affair), _, _) => format!("/affairs/{affair}"),
                                            (None, Some(post), _) => format!("/pool/posts/{post}"),
                                            (None, None, Some(unit)) if n.act == "unit_rated" => format!("/reports/units/{unit}"),
                                            (None, None, Some(_)) => "/units".to_owned(),
                                            (None, None, None) => n
                                                .consultation_id
                                                .map_or_else(|| "/notices".to_owned(), |c| format!("/consultations/{c}")),
                                        };
                                        view! {
                                            <A href=href attr:class=style::card>
                                                <div class=style::badges>
                                                    {(!n.read).then(|| view! { <span class=style::badge_alert>"●"</span> })}
                                                    <span class=style::meta>{local_time(lang, &n.at)}</span>
                                                </div>
                                                <p class=style::card_title>{n.title}</p>
                                                <p class=style::meta>{head}</p>
                                            </A>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| notices.reload()) /> }.into_any(),
                })
        }}
        // Which of these also come by SMS: a page the server writes, so
        // this bundle carries only the link.
        <p><a href="/me/sms">{w(lang, W::SmsChoices)}</a></p>
    }
}
