//! `/pool`: the capable-person pool and volunteer posts — browsing and
//! claiming posts, joining the pool, the station's approvals and new
//! posts, checking in and out, and the volunteer's record.

use crate::affair_text::local_time;
use crate::api;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::title;
use crate::load::load;
use crate::pages::affair_style as style;
use crate::pool_text::{P, hours, p};
use crate::prefs::{use_lang, use_prefs, use_title};
use crate::routes;
use crate::session::use_session;
use crate::submit::Submit;
use api_types::pool::{ClaimStatus, NewApplication, NewPost, Post, Slot};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

/// The compound the viewer serves: the station's, else their own.
fn my_compound() -> impl Fn() -> Option<i64> + Copy {
    let session = use_session();
    let prefs = use_prefs();
    move || {
        let station = session.person.with(|p| {
            p.as_ref().and_then(|p| p.as_ref()).and_then(|me| {
                me.roles
                    .iter()
                    .find(|r| r.role == "station_member")
                    .map(|r| r.place_id)
            })
        });
        station.or_else(|| prefs.compound.get().map(|c| c.id))
    }
}

/// Whether the viewer is a station member of `compound` (tracked: a view
/// asking re-renders once the session is known).
fn is_station(compound: i64) -> bool {
    use_session().person.with(|p| {
        p.as_ref().and_then(|p| p.as_ref()).is_some_and(|me| {
            me.roles
                .iter()
                .any(|r| r.role == "station_member" && r.place_id == compound)
        })
    })
}

/// `/pool`.
#[component]
pub fn PoolPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let compound = my_compound();
    use_title(move || title(lang, p(lang, P::Pool)));
    let list = load(move || {
        let (id, known) = (compound(), session.person.get().is_some());
        async move {
            match id.filter(|_| known) {
                Some(id) => api::posts(id, lang).await,
                None => Ok(Vec::new()),
            }
        }
    });
    view! {
        <h1 class=style::title>{p(lang, P::Pool)}</h1>
        <p class=ui::hint>{p(lang, P::Intro)}</p>
        {move || match session.person.get() {
            Some(None) => view! {
                <p>{p(lang, P::SignIn)}</p>
                <A href=format!("{}?next=/pool", routes::SIGN_IN) attr:class=ui::primary>{crate::i18n::t(lang, crate::i18n::Key::SignIn)}</A>
            }.into_any(),
            Some(Some(_)) => {
                let station = compound().is_some_and(is_station);
                view! {
                    <div class=style::actions>
                        <A href="/pool/record" attr:class=style::secondary>{p(lang, P::Record)}</A>
                        <A href="/pool/help-requests" attr:class=style::secondary>{p(lang, P::HelpAsked)}</A>
                        {if station {
                            view! { <A href="/pool/posts/new" attr:class=style::secondary>{p(lang, P::NewPost)}</A> }.into_any()
                        } else {
                            view! { <A href="/pool/apply" attr:class=style::secondary>{p(lang, P::Apply)}</A> }.into_any()
                        }}
                    </div>
                    {station.then(|| view! { <A href="/staff/pool-applications" attr:class=ui::primary>{p(lang, P::Applications)}</A> })}
                }.into_any()
            }
            None => ().into_any(),
        }}
        <h2 class=style::panel_title>{p(lang, P::Posts)}</h2>
        {move || list.pending().then(Loading)}
        <section class=style::list>
            {move || list.get().map(|r| match r {
                Ok(posts) if posts.is_empty() => view! { <p class=ui::hint>{p(lang, P::NoPosts)}</p> }.into_any(),
                Ok(posts) => posts.into_iter().map(|post| {
                    let next = post.slots.first().map(|s| local_time(lang, &s.starts_at)).unwrap_or_default();
                    view! {
                        <A href=format!("/pool/posts/{}", post.id) attr:class=style::card>
                            <div class=style::badges>
                                {post.fits.then(|| view! { <span class=style::badge_alert>{p(lang, P::Fits)}</span> })}
                                {post.skill.clone().map(|s| view! { <span class=style::badge>{s}</span> })}
                            </div>
                            <p class=style::card_title>{post.title}</p>
                            <p class=style::meta>{format!("{} · {next}", post.place)}</p>
                        </A>
                    }
                }).collect_view().into_any(),
                Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| list.reload()) /> }.into_any(),
            })}
        </section>
    }
}

/// `/pool/apply`: a verified resident offers their skills.
#[component]
pub fn ApplyPage() -> impl IntoView {
    let lang = use_lang();
    let compound = my_compound();
    use_title(move || title(lang, p(lang, P::ApplyTitle)));
    let skills = load(move || async move {
        // Every demo street's list is the same street's: ask via the compound.
        match compound() {
            Some(id) => {
                let detail = api::get_compound(id, lang).await?;
                api::skills(detail.summary.street_id, lang).await
            }
            None => Ok(Vec::new()),
        }
    });
    let chosen = RwSignal::new(Vec::<i64>::new());
    let other = RwSignal::new(String::new());
    let availability = RwSignal::new(String::new());
    let intro = RwSignal::new(String::new());
    let party = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(compound_id) = compound() else {
            error.set(Some(p(lang, P::ChooseCompound).to_owned()));
            return;
        };
        let application = NewApplication {
            compound_id,
            skill_ids: chosen.get_untracked(),
            other_skills: Some(other.get_untracked()).filter(|s| !s.trim().is_empty()),
            availability: availability.get_untracked(),
            intro: Some(intro.get_untracked()).filter(|s| !s.trim().is_empty()),
            show_party_member: party.get_untracked(),
        };
        if let Err(fields) = application.validate() {
            error.set(fields.first().map(|f| {
                let label = if f.field == "availability" {
                    p(lang, P::Availability)
                } else {
                    p(lang, P::Skills)
                };
                f.rule.message(label, lang)
            }));
            return;
        }
        sending.run(
            move |key| async move { api::apply_to_pool(&application, &key, lang).await },
            move |answer| match answer {
                Ok(_) => done.set(true),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <h1 class=style::title>{p(lang, P::ApplyTitle)}</h1>
        <Show when=move || !done.get() fallback=move || view! { <p class=style::advice role="status">{p(lang, P::Applied)}</p> }>
            <form class=style::panel on:submit=submit novalidate>
                <p class=ui::label>{p(lang, P::Skills)}</p>
                <div class=style::choices role="group">
                    {move || skills.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|s| {
                        let id = s.id;
                        view! {
                            <button
                                type="button"
                                class=style::choice
                                aria-pressed=move || chosen.with(|c| c.contains(&id)).to_string()
                                on:click=move |_| chosen.update(|c| if c.contains(&id) { c.retain(|x| *x != id) } else { c.push(id) })
                            >
                                {s.name}
                            </button>
                        }
                    }).collect_view()}
                </div>
                <label class=ui::label for="other-skills">{p(lang, P::OtherSkills)}</label>
                <input id="other-skills" class=ui::input maxlength="100" on:input=move |ev| other.set(event_target_value(&ev)) />
                <label class=ui::label for="availability">{p(lang, P::Availability)}</label>
                <input id="availability" class=ui::input maxlength="100" placeholder=p(lang, P::AvailabilityHint) on:input=move |ev| availability.set(event_target_value(&ev)) />
                <label class=ui::label for="intro">{p(lang, P::About)}</label>
                <textarea id="intro" class=style::textarea maxlength="500" on:input=move |ev| intro.set(event_target_value(&ev))></textarea>
                <label class=style::check>
                    <input type="checkbox" on:change=move |ev| party.set(event_target_checked(&ev)) />
                    {p(lang, P::PartyMember)}
                </label>
                <p class=ui::hint>{p(lang, P::PartyMemberHint)}</p>
                {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
                <button type="submit" class=ui::primary>{p(lang, P::Submit)}</button>
            </form>
        </Show>
    }
}

/// `/staff/pool-applications` (in the staff bundle): the station decides.
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let lang = use_lang();
    let compound = my_compound();
    use_title(move || title(lang, p(lang, P::Applications)));
    let pending = load(move || {
        let id = compound();
        async move {
            match id {
                Some(id) => api::pending_applications(id, lang).await.map(|p| p.items),
                None => Ok(Vec::new()),
            }
        }
    });
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let reason = RwSignal::new(String::new());
    let decide = move |id: i64, decline: bool| {
        let why = decline.then(|| reason.get_untracked());
        sending.run(
            move |key| async move { api::decide_application(id, why, &key, lang).await },
            move |answer| match answer {
                Ok(_) => pending.reload(),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <h1 class=style::title>{p(lang, P::Applications)}</h1>
        {move || pending.pending().then(Loading)}
        {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        <section class=style::list>
            {move || pending.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class=ui::hint>{p(lang, P::NoApplications)}</p> }.into_any(),
                Ok(list) => list.into_iter().map(|m| {
                    let id = m.id;
                    let skills = m.skills.iter().cloned().chain(m.other_skills.clone()).collect::<Vec<_>>().join("、");
                    view! {
                        <article class=style::card>
                            <p class=style::card_title>{m.name.clone()}</p>
                            <p>{skills}</p>
                            <p class=style::meta>{m.availability.clone()}</p>
                            {m.intro.clone().map(|i| view! { <p>{i}</p> })}
                            <div class=style::actions>
                                <button type="button" class=ui::primary on:click=move |_| decide(id, false)>{p(lang, P::Approve)}</button>
                                <button type="button" class=style::secondary on:click=move |_| decide(id, true)>{p(lang, P::Decline)}</button>
                            </div>
                            <label class=ui::label for=format!("reason-{id}")>{p(lang, P::Reason)}</label>
                            <input id=format!("reason-{id}") class=ui::input on:input=move |ev| reason.set(event_target_value(&ev)) />
                        </article>
                    }
                }).collect_view().into_any(),
                Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| pending.reload()) /> }.into_any(),
            })}
        </section>
    }
}

/// `/pool/posts/new`: a station member sets a post.
#[component]
pub fn NewPostPage() -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let compound = my_compound();
    use_title(move || title(lang, p(lang, P::NewPost)));
    let fields: [(P, &str, &str, RwSignal<String>); 8] = [
        (P::Title, "post-title", "text", RwSignal::new(String::new())),
        (
            P::Description,
            "post-description",
            "text",
            RwSignal::new(String::new()),
        ),
        (P::Place, "post-place", "text", RwSignal::new(String::new())),
        (
            P::Places,
            "post-places",
            "number",
            RwSignal::new("2".into()),
        ),
        (
            P::StartsAt,
            "post-start",
            "datetime-local",
            RwSignal::new(String::new()),
        ),
        (
            P::Minutes,
            "post-minutes",
            "number",
            RwSignal::new("120".into()),
        ),
        (P::Weeks, "post-weeks", "number", RwSignal::new("4".into())),
        (
            P::Cutoff,
            "post-cutoff",
            "number",
            RwSignal::new("12".into()),
        ),
    ];
    let value = move |i: usize| fields[i].3.get_untracked();
    let number = move |i: usize| value(i).trim().parse::<i64>().unwrap_or(0);
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(compound_id) = compound() else {
            return;
        };
        let post = NewPost {
            compound_id,
            title: value(0),
            description: value(1),
            place: value(2),
            skill_id: None,
            places: number(3),
            // The phone's datetime-local value, in China time.
            starts_at: format!("{}:00+08:00", value(4)),
            minutes: number(5),
            weeks: u32::try_from(number(6)).unwrap_or(0),
            cutoff_hours: number(7),
        };
        if let Err(problems) = post.validate() {
            error.set(problems.first().map(|f| f.rule.message(&f.field, lang)));
            return;
        }
        let navigate = navigate.clone();
        sending.run(
            move |key| async move { api::create_post(&post, &key, lang).await },
            move |answer| match answer {
                Ok(created) => navigate(&format!("/pool/posts/{}", created.id), Default::default()),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <h1 class=style::title>{p(lang, P::NewPost)}</h1>
        <form class=style::panel on:submit=submit novalidate>
            {fields.into_iter().map(|(label, id, kind, value)| view! {
                <label class=ui::label for=id>{p(lang, label)}</label>
                <input id=id class=ui::input type=kind prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            }).collect_view()}
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
            <button type="submit" class=ui::primary>{p(lang, P::Submit)}</button>
        </form>
    }
}

/// `/pool/posts/:id`: the slots, claiming, the waiting list, checking in.
#[component]
pub fn PostPage() -> impl IntoView {
    let lang = use_lang();
    let param = crate::routes::use_id();
    let id = move || param().unwrap_or(0);
    let loaded = load(move || {
        let id = id();
        async move { api::get_post(id, lang).await }
    });
    let current = RwSignal::new(None::<Post>);
    Effect::new(move || {
        if let Some(Ok(post)) = loaded.get() {
            current.set(Some(post));
        }
    });
    use_title(move || {
        title(
            lang,
            &current.with(|p| p.as_ref().map(|p| p.title.clone()).unwrap_or_default()),
        )
    });
    let error = RwSignal::new(None::<String>);
    view! {
        {move || loaded.pending().then(Loading)}
        {move || match loaded.get() {
            Some(Err(e)) => view! { <LoadError error=e on_retry=Callback::new(move |()| loaded.reload()) /> }.into_any(),
            _ => ().into_any(),
        }}
        {move || current.get().map(|post| {
            let station = is_station(post.compound_id);
            view! {
                <article class=style::panel>
                    <div class=style::badges>
                        {post.skill.clone().map(|s| view! { <span class=style::badge>{s}</span> })}
                    </div>
                    <h1 class=style::title>{post.title.clone()}</h1>
                    <p>{post.description.clone()}</p>
                    <p class=style::meta>{format!("{} · {} {}", post.place, p(lang, P::Places), post.places)}</p>
                    {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
                </article>
                <section class=style::list>
                    {post.slots.iter().cloned().map(|item| view! { <SlotCard item places=post.places station current error /> }).collect_view()}
                </section>
            }
        })}
    }
}

#[component]
fn SlotCard(
    item: Slot,
    places: i64,
    station: bool,
    current: RwSignal<Option<Post>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let sending = Submit::new();
    let slot = item;
    let id = slot.id;
    let run = move |act: &'static str| {
        sending.run(
            move |key| async move { api::slot_act(id, act, &key, lang).await },
            move |answer| match answer {
                Ok(post) => {
                    error.set(None);
                    current.set(Some(post));
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    let code = RwSignal::new(String::new());
    let shown_code = RwSignal::new(None::<String>);
    let check = move |out: bool| {
        let typed = code.get_untracked();
        sending.run(
            move |key| async move { api::check(id, out, typed, &key, lang).await },
            move |answer| match answer {
                Ok(post) => {
                    error.set(None);
                    current.set(Some(post));
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    let show_code = move |_| {
        sending.run(
            move |key| async move { api::new_code(id, &key, lang).await },
            move |answer| match answer {
                Ok(c) => shown_code.set(Some(format!(
                    "{}  ({} {})",
                    c.code,
                    p(lang, P::CodeValidUntil),
                    local_time(lang, &c.expires_at)
                ))),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    let state = match slot.mine {
        Some(ClaimStatus::Confirmed) => p(lang, P::Confirmed),
        Some(ClaimStatus::Waiting) => p(lang, P::Waiting),
        _ if slot.confirmed >= places => p(lang, P::Full),
        _ => "",
    };
    view! {
        <div class=style::card data-testid="slot">
            <p class=style::card_title>{format!("{} – {}", local_time(lang, &slot.starts_at), local_time(lang, &slot.ends_at))}</p>
            <p class=style::meta>
                {format!("{}/{places} {}", slot.confirmed, p(lang, P::Taken))}
                {(slot.waiting > 0).then(|| format!(" · {} {}", p(lang, P::Waiting), slot.waiting))}
            </p>
            {(!state.is_empty()).then(|| view! { <p class=style::step_head>{state}</p> })}
            {slot.my_minutes.map(|m| view! { <p class=style::advice>{format!("{} {}", p(lang, P::Served), hours(lang, m))}</p> })}
            <div class=style::actions>
                {match slot.mine {
                    None => view! { <button type="button" class=ui::primary on:click=move |_| run("claims")>{p(lang, P::Claim)}</button> }.into_any(),
                    Some(_) if slot.can_cancel => view! { <button type="button" class=style::secondary on:click=move |_| run("cancellations")>{p(lang, P::Cancel)}</button> }.into_any(),
                    Some(_) => ().into_any(),
                }}
                {station.then(|| view! { <button type="button" class=style::secondary on:click=show_code>{p(lang, P::ShowCode)}</button> })}
            </div>
            {move || shown_code.get().map(|c| view! { <p class=style::advice role="status">{format!("{}：{c}", p(lang, P::Code))}</p> })}
            {(slot.mine == Some(ClaimStatus::Confirmed) && slot.my_minutes.is_none()).then(|| view! {
                <label class=ui::label for=format!("code-{id}")>{p(lang, P::Code)}</label>
                <input id=format!("code-{id}") class=ui::input inputmode="numeric" maxlength="6" on:input=move |ev| code.set(event_target_value(&ev)) />
                <div class=style::actions>
                    <button type="button" class=style::secondary on:click=move |_| check(false)>{p(lang, P::CheckIn)}</button>
                    <button type="button" class=style::secondary on:click=move |_| check(true)>{p(lang, P::CheckOut)}</button>
                </div>
            })}
        </div>
    }
}

/// `/pool/record`: services and hours, with the CSV and a printable certificate.
#[component]
pub fn RecordPage() -> impl IntoView {
    let lang = use_lang();
    use_title(move || title(lang, p(lang, P::Record)));
    let record = load(move || api::volunteer_record(lang));
    view! {
        {move || record.pending().then(Loading)}
        {move || record.get().map(|r| match r {
            Ok(r) => view! {
                <section class=style::panel>
                    <p class=style::meta>{p(lang, P::Certificate)}</p>
                    <h1 class=style::title>{r.name.clone()}</h1>
                    {(!r.studios.is_empty()).then(|| view! { <p class=style::meta>{r.studios.join("、")}</p> })}
                    <div class=style::figures>
                        <div class=style::figure><span>{p(lang, P::TotalHours)}</span><strong>{hours(lang, r.total_minutes)}</strong></div>
                        <div class=style::figure><span>{p(lang, P::Services)}</span><strong>{r.services.len().to_string()}</strong></div>
                        <div class=style::figure><span>{p(lang, P::NoShows)}</span><strong>{r.no_shows.to_string()}</strong></div>
                    </div>
                </section>
                <section class=style::list>
                    {if r.services.is_empty() {
                        view! { <p class=ui::hint>{p(lang, P::NoServices)}</p> }.into_any()
                    } else {
                        r.services.into_iter().map(|s| view! {
                            <div class=style::card>
                                <p class=style::card_title>{s.post_title}</p>
                                <p class=style::meta>{format!("{} · {} · {}", s.compound_name, local_time(lang, &s.starts_at), hours(lang, s.minutes))}</p>
                            </div>
                        }).collect_view().into_any()
                    }}
                </section>
                <div class=style::actions>
                    <a class=style::secondary href=format!("{}/me/volunteer-record/export", api_types::API_PREFIX) rel="external" download>{p(lang, P::ExportCsv)}</a>
                    <button type="button" class=style::secondary on:click=|_| { let _ = window().print(); }>{p(lang, P::Print)}</button>
                </div>
            }.into_any(),
            Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| record.reload()) /> }.into_any(),
        })}
    }
}

/// `/pool/help/:affair`: a handler asks a capable person to help with an
/// affair; its filer rates the help given.
#[component]
pub fn AffairHelpPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let affair = move || {
        params
            .read()
            .get("affair")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    use_title(move || title(lang, p(lang, P::Help)));
    // The filer may not list capable persons: that answer is simply left out.
    let capable = load(move || {
        let id = affair();
        async move { Ok(api::capable_persons(id, lang).await.unwrap_or_default()) }
    });
    let requests = load(move || {
        let id = affair();
        async move { api::help_requests(Some(id), lang).await }
    });
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let note = RwSignal::new(String::new());
    let ask = move |person_id: i64| {
        let request = api_types::pool::NewHelpRequest {
            person_id,
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        sending.run(
            move |key| async move { api::ask_for_help(affair(), &request, &key, lang).await },
            move |answer| match answer {
                Ok(_) => requests.reload(),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <h1 class=style::title>{p(lang, P::Help)}</h1>
        <A href=format!("/affairs/{}", affair()) attr:class=style::secondary>{p(lang, P::OpenAffair)}</A>
        {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        <section class=style::list>
            {move || requests.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|h| view! {
                <HelpCard help=h on_change=Callback::new(move |()| requests.reload()) />
            }).collect_view()}
        </section>
        {move || capable.get().and_then(Result::ok).filter(|c| !c.is_empty()).map(|people| view! {
            <section class=style::panel>
                <p class=ui::hint>{p(lang, P::HelpIntro)}</p>
                <label class=ui::label for="help-note">{p(lang, P::Description)}</label>
                <input id="help-note" class=ui::input maxlength="500" on:input=move |ev| note.set(event_target_value(&ev)) />
                {people.into_iter().map(|c| {
                    let id = c.person_id;
                    view! {
                        <div class=style::card>
                            <p class=style::card_title>{c.name}</p>
                            <p class=style::meta>{format!("{} · {}", c.skills.join("、"), c.availability)}</p>
                            <button type="button" class=ui::primary on:click=move |_| ask(id)>{p(lang, P::Ask)}</button>
                        </div>
                    }
                }).collect_view()}
            </section>
        })}
    }
}

/// `/pool/help-requests`: what the capable person was asked to help with.
#[component]
pub fn MyHelpPage() -> impl IntoView {
    let lang = use_lang();
    use_title(move || title(lang, p(lang, P::HelpAsked)));
    let requests = load(move || api::help_requests(None, lang));
    view! {
        <h1 class=style::title>{p(lang, P::HelpAsked)}</h1>
        {move || requests.pending().then(Loading)}
        <section class=style::list>
            {move || requests.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class=ui::hint>{p(lang, P::NoHelp)}</p> }.into_any(),
                Ok(list) => list.into_iter().map(|h| view! {
                    <HelpCard help=h on_change=Callback::new(move |()| requests.reload()) />
                }).collect_view().into_any(),
                Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| requests.reload()) /> }.into_any(),
            })}
        </section>
    }
}

/// A help request with what the viewer can do next: the helper answers and
/// completes it, the filer rates it (the server decides who may).
#[component]
fn HelpCard(help: api_types::pool::HelpRequest, on_change: Callback<()>) -> impl IntoView {
    use api_types::affairs::{NewRating, Satisfaction};
    use api_types::pool::HelpStatus;
    let lang = use_lang();
    let id = help.id;
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let minutes = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let run = move |act: &'static str, mins: Option<i64>, rating: Option<NewRating>| {
        sending.run(
            move |key| async move { api::help_act(id, act, mins, rating.as_ref(), &key, lang).await },
            move |answer| match answer {
                Ok(_) => on_change.run(()),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    let status = match help.status {
        HelpStatus::Pending => p(lang, P::Asked),
        HelpStatus::Accepted => p(lang, P::Accept),
        HelpStatus::Declined => p(lang, P::DeclineHelp),
        HelpStatus::Done => p(lang, P::Done),
    };
    view! {
        <div class=style::card>
            <div class=style::badges><span class=style::badge>{status}</span></div>
            <p class=style::card_title>{help.affair_title.clone()}</p>
            <p class=style::meta>{help.person_name.clone()}{help.note.clone().map(|n| format!(" · {n}"))}</p>
            {help.minutes.map(|m| view! { <p class=style::advice>{format!("{} {}", p(lang, P::Served), hours(lang, m))}</p> })}
            {match (help.status, help.score) {
                (HelpStatus::Pending, _) => view! {
                    <div class=style::actions>
                        <button type="button" class=ui::primary on:click=move |_| run("acceptances", None, None)>{p(lang, P::Accept)}</button>
                        <button type="button" class=style::secondary on:click=move |_| run("declines", None, None)>{p(lang, P::DeclineHelp)}</button>
                    </div>
                }.into_any(),
                (HelpStatus::Accepted, _) => view! {
                    <label class=ui::label for=format!("minutes-{id}")>{p(lang, P::MinutesTaken)}</label>
                    <input id=format!("minutes-{id}") class=ui::input type="number" inputmode="numeric" on:input=move |ev| minutes.set(event_target_value(&ev)) />
                    <button type="button" class=ui::primary on:click=move |_| {
                        run("completions", minutes.get_untracked().trim().parse().ok(), None)
                    }>{p(lang, P::Done)}</button>
                }.into_any(),
                (HelpStatus::Done, None) => view! {
                    <p class=ui::label>{p(lang, P::RateHelp)}</p>
                    <label class=ui::label for=format!("help-comment-{id}")>{p(lang, P::ReasonForPoor)}</label>
                    <input id=format!("help-comment-{id}") class=ui::input on:input=move |ev| comment.set(event_target_value(&ev)) />
                    <div class=style::choices role="group">
                        {Satisfaction::ALL.into_iter().map(|s| view! {
                            <button type="button" class=style::choice on:click=move |_| {
                                let text = comment.get_untracked();
                                run("rating", None, Some(NewRating { satisfaction: s, comment: Some(text).filter(|c| !c.trim().is_empty()) }))
                            }>{crate::affair_text::satisfaction_label(lang, s)}</button>
                        }).collect_view()}
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        </div>
    }
}
