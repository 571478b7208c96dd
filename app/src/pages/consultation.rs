//! `/consultations/:id`: one topic from proposal to outcome — background,
//! what it asks and what was pledged, the meeting, the discussion, the
//! ballot and its results, the outcome with its action items, progress —
//! and the convenor's next move.

use crate::affair_text::local_time;
use crate::api;
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::consult_text::{C, c, pledge_label, scope_label, state_label, step_label, yuan};
use crate::i18n::title;
use crate::load::load;
use crate::pages::affair_style as style;
use crate::pages::not_found::NotFoundPage;
use crate::pages::photos::photo_url;
use crate::prefs::{use_lang, use_title};
use crate::session::use_session;
use crate::submit::Submit;
use api_types::Lang;
use api_types::consultations::{
    Comment, Consultation, MoveTopic, NewComment, NewOutcome, NewPledge, NewProgress, PledgeKind,
    State, Step, VoteRule, VoteView, VoterUnit,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// `/consultations/:id`.
#[component]
pub fn ConsultationPage() -> impl IntoView {
    let lang = use_lang();
    let param = crate::routes::use_id();
    let id = move || param().unwrap_or(0);
    let loaded = load(move || {
        let id = id();
        async move { api::consultation(id, lang).await }
    });
    let current = RwSignal::new(None::<Consultation>);
    Effect::new(move || {
        if let Some(Ok(topic)) = loaded.get() {
            current.set(Some(topic));
        }
    });
    use_title(move || {
        let name = current.with(|t| t.as_ref().map(|t| t.title.clone()).unwrap_or_default());
        title(lang, &name)
    });
    view! {
        {move || loaded.pending().then(Loading)}
        {move || match loaded.get() {
            Some(Err(error)) if error.is_not_found() => view! { <NotFoundPage /> }.into_any(),
            Some(Err(error)) => view! { <LoadError error on_retry=Callback::new(move |()| loaded.reload()) /> }.into_any(),
            _ => ().into_any(),
        }}
        {move || current.get().map(|topic| view! { <TopicView topic current /> })}
    }
}

/// Sends, through `sending`, an API call that answers the consultation;
/// shows the new state or the error.
fn act<F>(
    sending: Submit,
    lang: Lang,
    current: RwSignal<Option<Consultation>>,
    error: RwSignal<Option<String>>,
    call: impl FnOnce(String) -> F + 'static,
) where
    F: std::future::Future<Output = Result<Consultation, api::ApiError>> + 'static,
{
    sending.run(call, move |answer| match answer {
        Ok(topic) => {
            error.set(None);
            current.set(Some(topic));
        }
        Err(e) => error.set(Some(e.text(lang))),
    });
}

#[component]
fn TopicView(topic: Consultation, current: RwSignal<Option<Consultation>>) -> impl IntoView {
    let lang = use_lang();
    let id = topic.id;
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let people = [
        Some(format!(
            "{}：{}",
            c(lang, C::ProposedBy),
            topic.proposer_name
        )),
        topic
            .convenor_name
            .clone()
            .map(|n| format!("{}：{n}", c(lang, C::ConvenedBy))),
        topic
            .discussion_ends_at
            .as_deref()
            .filter(|_| topic.state == State::Discussion)
            .map(|d| format!("{}：{}", c(lang, C::DiscussionUntil), local_time(lang, d))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let scope = match &topic.building_name {
        Some(b) => format!("{} · {b}", topic.compound_name),
        None => format!(
            "{} · {}",
            topic.compound_name,
            scope_label(lang, topic.scope)
        ),
    };
    let can_support = topic.state == State::Proposed && topic.in_scope && !topic.supported;
    let session = use_session();
    let open = topic.state == State::Proposed || topic.state.deliberating();
    let outside = (open && !topic.in_scope && !topic.can_convene).then(|| {
        let signed_in = session.person.with(|p| matches!(p, Some(Some(_))));
        c(
            lang,
            if signed_in {
                C::NotInScope
            } else {
                C::SignInToTakePart
            },
        )
    });
    view! {
        <article class=style::panel>
            <div class=style::badges>
                <span class=style::badge_alert>{state_label(lang, topic.state)}</span>
                <span class=style::badge>{scope}</span>
            </div>
            <h1 class=style::title>{topic.title.clone()}</h1>
            <p class=style::meta>{people}</p>
            <p>{topic.background.clone()}</p>
            <Photos ids=topic.photo_ids.clone() />
            {topic.decline_reason.clone().map(|r| view! { <p class=ui::error>{format!("{}：{r}", c(lang, C::Reason))}</p> })}
            <p class=style::meta>{format!("{} {}", topic.supports, c(lang, C::Supports))}</p>
            {can_support.then(|| view! {
                <button type="button" class=ui::primary on:click=move |_| act(sending, lang, current, error, move |key| async move { api::consultation_post(id, "supports", &key, lang).await })>
                    {c(lang, C::Support)}
                </button>
            })}
            {outside.map(|hint| view! { <p class=ui::hint>{hint}</p> })}
            {(topic.state == State::Proposed && topic.supported).then(|| view! { <p class=style::meta>{c(lang, C::Supported)}</p> })}
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        </article>
        {topic.can_convene.then(|| view! { <ConvenorPanel topic=topic.clone() current /> })}
        {topic.outcome.is_some().then(|| view! { <OutcomeView topic=topic.clone() current /> })}
        {topic.vote.clone().map(|vote| view! { <BallotView topic=topic.clone() vote current /> })}
        <AsksView topic=topic.clone() current />
        {topic.meeting.is_some().then(|| view! { <MeetingView topic=topic.clone() current /> })}
        {(topic.state >= State::Discussion).then(|| view! { <Discussion topic=topic.clone() /> })}
        <section class=style::panel>
            <h2 class=style::panel_title>{c(lang, C::History)}</h2>
            <ol class=style::timeline>
                {topic.history.iter().map(|s| view! {
                    <li class=style::step>
                        <p class=style::step_head>{step_label(lang, &s.step)}</p>
                        <p class=style::meta>{format!("{} {}", s.actor_name.clone().unwrap_or_default(), local_time(lang, &s.at))}</p>
                        {s.note.clone().map(|n| view! { <p>{n}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn Photos(ids: Vec<i64>) -> impl IntoView {
    (!ids.is_empty()).then(|| {
        view! {
            <div class=style::photos>
                {ids.into_iter().map(|id| view! {
                    <a class=style::photo href=photo_url(id) rel="external" target="_blank">
                        <img src=photo_url(id) alt="" loading="lazy" />
                    </a>
                }).collect_view()}
            </div>
        }
    })
}

/// The convenor's (or, while proposed, a head's) next move.
#[component]
fn ConvenorPanel(topic: Consultation, current: RwSignal<Option<Consultation>>) -> impl IntoView {
    let lang = use_lang();
    let id = topic.id;
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let text_a = RwSignal::new(String::new());
    let text_b = RwSignal::new(String::new());
    let text_c = RwSignal::new(String::new());
    let multiple = RwSignal::new(false);
    let per_household = RwSignal::new(true);
    let secret = RwSignal::new(false);
    let quorum = RwSignal::new("50".to_owned());
    let step = move |step: Step| {
        let lines = |s: RwSignal<String>| -> Vec<String> {
            s.get_untracked()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let body = MoveTopic {
            step,
            reason: (step == Step::Decline).then(|| text_a.get_untracked()),
            vote_rule: (step == Step::OpenVoting).then(|| VoteRule {
                options: lines(text_a),
                multiple: multiple.get_untracked(),
                per: if per_household.get_untracked() {
                    VoterUnit::Household
                } else {
                    VoterUnit::Resident
                },
                secret: secret.get_untracked(),
                quorum_percent: quorum.get_untracked().trim().parse().unwrap_or(-1),
            }),
            outcome: (step == Step::Conclude).then(|| NewOutcome {
                decision: text_a.get_untracked(),
                reasoning: text_b.get_untracked(),
                action_items: lines(text_c),
            }),
        };
        if let Err(fields) = body.validate() {
            error.set(fields.first().map(|f| f.rule.message(&f.field, lang)));
            return;
        }
        act(sending, lang, current, error, move |key| async move {
            api::consultation_step(id, &body, &key, lang).await
        });
    };
    let area = |id: &'static str, label: C, value: RwSignal<String>| {
        view! {
            <label class=ui::label for=id>{c(lang, label)}</label>
            <textarea id=id class=style::textarea on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        }
    };
    let check = |label: C, value: RwSignal<bool>| {
        view! {
            <label class=style::check>
                <input type="checkbox" prop:checked=move || value.get() on:change=move |ev| value.set(event_target_checked(&ev)) />
                {c(lang, label)}
            </label>
        }
    };
    let button = |label: C, s: Step| {
        view! {
            <button type="button" class=ui::primary on:click=move |_| step(s)>{c(lang, label)}</button>
        }
    };
    let progress = RwSignal::new(String::new());
    let post_progress = move |_| {
        let body = NewProgress {
            body: progress.get_untracked(),
            photo_ids: Vec::new(),
        };
        act(sending, lang, current, error, move |key| async move {
            api::add_progress(id, &body, &key, lang).await
        });
    };
    let content = match topic.state {
        State::Proposed => view! {
            {button(C::Adopt, Step::Adopt)}
            {area("decline-reason", C::Reason, text_a)}
            <button type="button" class=style::secondary on:click=move |_| step(Step::Decline)>{c(lang, C::Decline)}</button>
        }.into_any(),
        State::Adopted => button(C::OpenDiscussion, Step::OpenDiscussion).into_any(),
        State::Discussion => view! {
            {area("vote-options", C::Options, text_a)}
            <p class=ui::hint>{c(lang, C::OptionsHint)}</p>
            {check(C::Multiple, multiple)}
            {check(C::PerHousehold, per_household)}
            {check(C::Secret, secret)}
            <label class=ui::label for="vote-quorum">{c(lang, C::Quorum)}</label>
            <input id="vote-quorum" class=ui::input type="number" prop:value=move || quorum.get() on:input=move |ev| quorum.set(event_target_value(&ev)) />
            {button(C::OpenVoting, Step::OpenVoting)}
        }.into_any(),
        State::Voting => view! {
            {area("outcome-decision", C::Decision, text_a)}
            {area("outcome-reasoning", C::Reasoning, text_b)}
            {area("outcome-items", C::ActionItems, text_c)}
            <p class=ui::hint>{c(lang, C::ActionItemsHint)}</p>
            {button(C::Conclude, Step::Conclude)}
        }.into_any(),
        State::Concluded => view! {
            <label class=ui::label for="progress">{c(lang, C::Progress)}</label>
            <textarea id="progress" class=style::textarea placeholder=c(lang, C::ProgressHint) on:input=move |ev| progress.set(event_target_value(&ev))></textarea>
            <button type="button" class=style::secondary on:click=post_progress>{c(lang, C::PostProgress)}</button>
            {button(C::Implement, Step::Implement)}
        }.into_any(),
        State::Declined | State::Implemented => ().into_any(),
    };
    view! {
        <section class=style::panel>
            {content}
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        </section>
    }
}

/// What the topic asks for against what was pledged, and the pledge form.
#[component]
fn AsksView(topic: Consultation, current: RwSignal<Option<Consultation>>) -> impl IntoView {
    let lang = use_lang();
    let id = topic.id;
    let (asks, pledged) = (topic.asks.clone(), topic.pledged.clone());
    // "pledged / asked", the asked part only when something was asked.
    let against = |pledged: String, asked: Option<String>| match asked {
        Some(asked) => format!("{pledged} / {} {asked}", c(lang, C::Asked)),
        None => pledged,
    };
    let h = c(lang, C::HoursUnit);
    let mut lines = Vec::new();
    if asks.money_fen > 0 || pledged.money_fen > 0 {
        let asked = (asks.money_fen > 0).then(|| yuan(lang, asks.money_fen));
        lines.push(format!(
            "{}：{}",
            pledge_label(lang, PledgeKind::Money),
            against(yuan(lang, pledged.money_fen), asked)
        ));
    }
    if asks.hours > 0 || pledged.hours > 0 {
        let asked = (asks.hours > 0).then(|| format!("{} {h}", asks.hours));
        lines.push(format!(
            "{}：{}",
            pledge_label(lang, PledgeKind::Hours),
            against(format!("{} {h}", pledged.hours), asked)
        ));
    }
    if asks.materials.is_some() || pledged.materials.is_some() {
        let count = format!(
            "{} {}",
            c(lang, C::Pledged),
            pledged.materials.clone().unwrap_or_else(|| "0".into())
        );
        lines.push(format!(
            "{}：{}",
            pledge_label(lang, PledgeKind::Materials),
            against(count, asks.materials.clone())
        ));
    }
    if asks.venue || pledged.venue {
        lines.push(format!(
            "{}：{}",
            pledge_label(lang, PledgeKind::Venue),
            if pledged.venue {
                c(lang, C::Pledged)
            } else {
                c(lang, C::Asked)
            }
        ));
    }
    let open = topic.state.deliberating() && topic.in_scope;
    (!lines.is_empty() || open).then(|| {
        let kind = RwSignal::new(PledgeKind::Money);
        let amount = RwSignal::new(String::new());
        let description = RwSignal::new(String::new());
        let error = RwSignal::new(None::<String>);
        let sending = Submit::new();
        let send = move |_| {
            let n = amount.get_untracked().trim().parse::<i64>().unwrap_or(0);
            let pledge = NewPledge {
                kind: kind.get_untracked(),
                amount: if kind.get_untracked() == PledgeKind::Money { n * 100 } else { n },
                description: Some(description.get_untracked()).filter(|d| !d.trim().is_empty()),
            };
            if let Err(fields) = pledge.validate() {
                error.set(fields.first().map(|f| f.rule.message(c(lang, if f.field == "amount" { C::Amount } else { C::Description }), lang)));
                return;
            }
            act(sending, lang, current, error, move |key| async move { api::add_pledge(id, &pledge, &key, lang).await });
        };
        view! {
            <section class=style::panel>
                <h2 class=style::panel_title>{c(lang, C::Pledges)}</h2>
                {lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                {open.then(|| view! {
                    <div class=style::choices role="group">
                        {[PledgeKind::Money, PledgeKind::Hours, PledgeKind::Materials, PledgeKind::Venue].into_iter().map(|k| view! {
                            <button type="button" class=style::choice aria-pressed=move || (kind.get() == k).to_string() on:click=move |_| kind.set(k)>
                                {pledge_label(lang, k)}
                            </button>
                        }).collect_view()}
                    </div>
                    <Show when=move || matches!(kind.get(), PledgeKind::Money | PledgeKind::Hours)>
                        <label class=ui::label for="pledge-amount">
                            {move || format!("{}（{}）", c(lang, C::Amount), if kind.get() == PledgeKind::Money { c(lang, C::Yuan) } else { c(lang, C::HoursUnit) })}
                        </label>
                        <input id="pledge-amount" class=ui::input type="number" inputmode="numeric" on:input=move |ev| amount.set(event_target_value(&ev)) />
                    </Show>
                    <label class=ui::label for="pledge-description">{c(lang, C::Description)}</label>
                    <input id="pledge-description" class=ui::input maxlength="200" on:input=move |ev| description.set(event_target_value(&ev)) />
                    {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
                    <button type="button" class=style::secondary on:click=send>{c(lang, C::Pledge)}</button>
                })}
            </section>
        }
    })
}

#[component]
fn MeetingView(topic: Consultation, current: RwSignal<Option<Consultation>>) -> impl IntoView {
    let lang = use_lang();
    let id = topic.id;
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    topic.meeting.clone().map(|m| {
        let full = m.registered >= m.capacity;
        let open = topic.in_scope && matches!(topic.state, State::Adopted | State::Discussion | State::Voting);
        view! {
            <section class=style::panel>
                <h2 class=style::panel_title>{c(lang, C::Meeting).trim_end_matches("（可不填）").trim_end_matches(" (optional)")}</h2>
                <p>{format!("{} · {}", local_time(lang, &m.at), m.place)}</p>
                <p class=style::meta>
                    {format!("{} {}/{}", c(lang, C::Registered), m.registered, m.capacity)}
                    {m.attended.map(|a| format!(" · {} {a}", c(lang, C::Attended)))}
                </p>
                {match (m.mine, open, full) {
                    (true, _, _) => view! { <p class=style::step_head>{c(lang, C::Registered)}</p> }.into_any(),
                    (false, true, false) => view! {
                        <button type="button" class=ui::primary on:click=move |_| act(sending, lang, current, error, move |key| async move { api::consultation_post(id, "registrations", &key, lang).await })>
                            {c(lang, C::Register)}
                        </button>
                    }.into_any(),
                    (false, true, true) => view! { <p class=style::meta>{c(lang, C::Full)}</p> }.into_any(),
                    _ => ().into_any(),
                }}
                {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
            </section>
        }
    })
}

/// The ballot while voting is open, and the results.
#[component]
fn BallotView(
    topic: Consultation,
    vote: VoteView,
    current: RwSignal<Option<Consultation>>,
) -> impl IntoView {
    let lang = use_lang();
    let id = topic.id;
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let chosen = RwSignal::new(vote.my_choices.clone().unwrap_or_default());
    let rule = vote.rule.clone();
    let multiple = rule.multiple;
    let household_blocked =
        rule.per == VoterUnit::Household && vote.household_voted && vote.my_choices.is_none();
    let can_vote = topic.state == State::Voting && topic.in_scope && !household_blocked;
    let send = move |_| {
        let choices = chosen.get_untracked();
        act(sending, lang, current, error, move |_| async move {
            api::vote(id, choices, lang).await
        });
    };
    let results = vote.tally.clone().map(|t| {
        let most = t.counts.iter().copied().max().unwrap_or(0).max(1);
        view! {
            <h3 class=style::step_head>{c(lang, C::Results)}</h3>
            <ul class=style::timeline>
                {rule.options.iter().zip(t.counts.iter()).map(|(label, n)| {
                    // A native bar: the CSP allows no inline styles.
                    view! {
                        <li class=style::bar>
                            <span>{format!("{label}：{n}")}</span>
                            <progress class=style::bar_fill max=most.to_string() value=n.to_string() aria-hidden="true"></progress>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class=style::meta>
                {format!("{} {}/{} · {}", c(lang, C::Turnout), t.turnout, t.eligible,
                    if t.quorum_met { c(lang, C::QuorumMet) } else { c(lang, C::QuorumNotMet) })}
            </p>
        }
    });
    view! {
        <section class=style::panel>
            <h2 class=style::panel_title>{c(lang, C::Ballot)}</h2>
            {can_vote.then(|| view! {
                <div class=style::choices role="group">
                    {rule.options.iter().enumerate().map(|(i, label)| view! {
                        <button
                            type="button"
                            class=style::choice
                            aria-pressed=move || chosen.with(|c| c.contains(&i)).to_string()
                            on:click=move |_| chosen.update(|c| {
                                if c.contains(&i) { c.retain(|x| *x != i) } else if multiple { c.push(i) } else { *c = vec![i] }
                            })
                        >
                            {label.clone()}
                        </button>
                    }).collect_view()}
                </div>
                <button type="button" class=ui::primary on:click=send>
                    {if vote.my_choices.is_some() { c(lang, C::ChangeVote) } else { c(lang, C::Vote) }}
                </button>
            })}
            {vote.my_choices.is_some().then(|| view! { <p class=style::step_head>{c(lang, C::YouVoted)}</p> })}
            {household_blocked.then(|| view! {
                <p class=style::advice>
                    {match &vote.household_voter {
                        Some(name) => format!("{}{name}", c(lang, C::HouseholdVotedBy)),
                        None => c(lang, C::HouseholdVoted).to_owned(),
                    }}
                </p>
            })}
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
            {match results {
                Some(r) => r.into_any(),
                None => view! { <p class=ui::hint>{c(lang, C::SecretUntilClose)}</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn OutcomeView(topic: Consultation, current: RwSignal<Option<Consultation>>) -> impl IntoView {
    let lang = use_lang();
    let id = topic.id;
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    topic.outcome.clone().map(|o| view! {
        <section class=style::panel>
            <h2 class=style::panel_title>{c(lang, C::Outcome)}</h2>
            <p class=style::step_head>{o.decision}</p>
            <p>{o.reasoning}</p>
            <div class=style::list>
                {o.action_items.into_iter().map(|item| {
                    let item_id = item.id;
                    let can = topic.in_scope && !item.mine;
                    view! {
                        <div class=style::card>
                            <p class=style::card_title>{item.title}</p>
                            {(!item.volunteers.is_empty()).then(|| view! { <p class=style::meta>{item.volunteers.join("、")}</p> })}
                            {can.then(|| view! {
                                <button type="button" class=style::secondary on:click=move |_| {
                                    act(sending, lang, current, error, move |key| async move {
                                        let tail = format!("action-items/{item_id}/signups");
                                        api::consultation_post(id, &tail, &key, lang).await
                                    })
                                }>
                                    {c(lang, C::SignUp)}
                                </button>
                            })}
                            {item.mine.then(|| view! { <p class=style::meta>{c(lang, C::SignedUp)}</p> })}
                        </div>
                    }
                }).collect_view()}
            </div>
            {topic.progress.iter().map(|p| view! {
                <div class=style::step>
                    <p class=style::step_head>{format!("{} · {}", c(lang, C::Progress), local_time(lang, &p.at))}</p>
                    <p>{p.body.clone()}</p>
                    <Photos ids=p.photo_ids.clone() />
                </div>
            }).collect_view()}
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        </section>
    })
}

/// The discussion: comments, proposals and one level of replies.
#[component]
fn Discussion(topic: Consultation) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let id = topic.id;
    let compound = topic.compound_id;
    let comments = RwSignal::new(Vec::<Comment>::new());
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    spawn_local(async move {
        if let Ok(page) = api::comments(id, lang).await {
            comments.set(page.items);
        }
    });
    let moderator = move || {
        session.person.with(|p| {
            p.as_ref().and_then(|p| p.as_ref()).is_some_and(|me| {
                me.roles
                    .iter()
                    .any(|r| r.role == "station_member" && r.place_id == compound)
            })
        })
    };
    let open = topic.state.deliberating() && (topic.in_scope || topic.can_convene);
    let body = RwSignal::new(String::new());
    let proposal = RwSignal::new(false);
    // The composer's sender; each comment has its own for its replies and
    // acts, so one never waits for (or takes the key of) another.
    let post = move |sending: Submit, parent: Option<i64>, text: String, is_proposal: bool| {
        let comment = NewComment {
            body: text,
            parent_id: parent,
            proposal: is_proposal,
        };
        sending.run(
            move |key| async move { api::add_comment(id, &comment, &key, lang).await },
            move |answer| match answer {
                Ok(page) => {
                    error.set(None);
                    if parent.is_none() {
                        body.set(String::new());
                    }
                    comments.set(page.items);
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    let on_act =
        move |sending: Submit, comment: i64, what: &'static str, reason: Option<String>| {
            sending.run(
                move |key| async move { api::comment_act(comment, what, reason, &key, lang).await },
                move |answer| match answer {
                    Ok(page) => comments.set(page.items),
                    Err(e) => error.set(Some(e.text(lang))),
                },
            );
        };
    view! {
        <section class=style::panel>
            <h2 class=style::panel_title>{c(lang, C::Discussion)}</h2>
            {move || {
                let list = comments.get();
                if list.is_empty() {
                    view! { <p class=ui::hint>{c(lang, C::NoComments)}</p> }.into_any()
                } else {
                    list.into_iter().map(|comment| view! {
                        <CommentView comment open moderator=moderator() on_reply=post on_act />
                    }).collect_view().into_any()
                }
            }}
            {open.then(|| view! {
                <label class=ui::label for="comment-body">{c(lang, C::Comment)}</label>
                <textarea
                    id="comment-body"
                    class=style::textarea
                    maxlength="2000"
                    placeholder=c(lang, C::CommentHint)
                    prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))
                ></textarea>
                <label class=style::check>
                    <input type="checkbox" prop:checked=move || proposal.get() on:change=move |ev| proposal.set(event_target_checked(&ev)) />
                    {c(lang, C::AsProposal)}
                </label>
                <button type="button" class=ui::primary on:click=move |_| post(sending, None, body.get_untracked(), proposal.get_untracked())>
                    {c(lang, C::Send)}
                </button>
            })}
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        </section>
    }
}

#[component]
fn CommentView<R, A>(
    comment: Comment,
    open: bool,
    moderator: bool,
    on_reply: R,
    on_act: A,
) -> impl IntoView
where
    R: Fn(Submit, Option<i64>, String, bool) + Copy + Send + Sync + 'static,
    A: Fn(Submit, i64, &'static str, Option<String>) + Copy + Send + Sync + 'static,
{
    let lang = use_lang();
    let sending = Submit::new();
    let id = comment.id;
    let replying = RwSignal::new(false);
    let reply = RwSignal::new(String::new());
    // Hiding (a moderator) or reporting (a resident) asks for a reason first.
    let asking = RwSignal::new(None::<&'static str>);
    let reason = RwSignal::new(String::new());
    let head = format!(
        "{} · {}",
        comment.author_name.clone().unwrap_or_default(),
        local_time(lang, &comment.at)
    );
    let text = match (&comment.body, comment.hidden) {
        (Some(body), true) => format!(
            "{}（{}：{}）",
            body,
            c(lang, C::HiddenNote),
            comment.hidden_reason.clone().unwrap_or_default()
        ),
        (Some(body), false) => body.clone(),
        (None, _) => c(lang, C::HiddenNote).to_owned(),
    };
    view! {
        <div class=style::card>
            <div class=style::badges>
                {comment.proposal.then(|| view! { <span class=style::badge_alert>{c(lang, C::ProposalBadge)}</span> })}
                <span class=style::meta>{head}</span>
            </div>
            <p>{text}</p>
            {comment.proposal.then(|| view! { <p class=style::meta>{format!("{} {}", comment.supports, c(lang, C::SupportProposal))}</p> })}
            {open.then(|| view! {
                <div class=style::chips>
                    {(comment.proposal && !comment.supported).then(|| view! {
                        <button type="button" class=style::choice on:click=move |_| on_act(sending, id, "supports", None)>{c(lang, C::SupportProposal)}</button>
                    })}
                    <button type="button" class=style::choice on:click=move |_| replying.set(true)>{c(lang, C::Reply)}</button>
                    {(!comment.hidden).then(|| {
                        let (act_name, label) = if moderator { ("hidings", C::Hide) } else { ("reports", C::Report) };
                        view! {
                            <button type="button" class=style::choice on:click=move |_| asking.set(Some(act_name))>
                                {c(lang, label)}
                            </button>
                        }
                    })}
                </div>
            })}
            {move || asking.get().map(|act_name| view! {
                <label class=ui::label for=format!("reason-{id}")>{c(lang, C::Reason)}</label>
                <input id=format!("reason-{id}") class=ui::input on:input=move |ev| reason.set(event_target_value(&ev)) />
                <button type="button" class=style::secondary on:click=move |_| {
                    let text = reason.get_untracked();
                    if !text.trim().is_empty() {
                        asking.set(None);
                        on_act(sending, id, act_name, Some(text));
                    }
                }>
                    {c(lang, if act_name == "hidings" { C::Hide } else { C::Report })}
                </button>
            })}
            <Show when=move || replying.get()>
                <textarea class=style::textarea aria-label=c(lang, C::Reply) on:input=move |ev| reply.set(event_target_value(&ev))></textarea>
                <button type="button" class=style::secondary on:click=move |_| {
                    replying.set(false);
                    on_reply(sending, Some(id), reply.get_untracked(), false);
                }>{c(lang, C::Send)}</button>
            </Show>
            {comment.replies.into_iter().map(|r| {
                let text = r.body.clone().unwrap_or_else(|| c(lang, C::HiddenNote).to_owned());
                view! {
                    <div class=style::step>
                        <p class=style::meta>{format!("{} · {}", r.author_name.clone().unwrap_or_default(), local_time(lang, &r.at))}</p>
                        <p>{text}</p>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}
