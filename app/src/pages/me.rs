//! `/me`: the resident's settings and their compound.

use crate::api;
use crate::components::ui;
use crate::i18n::{Key, household_status, role_label, t, title};
use crate::prefs::{use_lang, use_prefs, use_title};
use crate::routes;
use crate::session::use_session;
use crate::submit::Submit;
use api_types::Lang;
use leptos::prelude::*;
use leptos_router::components::A;

stylance::import_crate_style!(style, "src/pages/me.module.css");

/// `/me`.
#[component]
pub fn MePage() -> impl IntoView {
    let prefs = use_prefs();
    let lang = use_lang();
    use_title(move || title(lang, t(lang, Key::NavMe)));
    let choice = move |option: Lang, label: &'static str| {
        view! {
            <button
                type="button"
                class=style::option
                lang=option.tag()
                aria-pressed=(lang == option).to_string()
                on:click=move |_| prefs.lang.set(option)
            >
                {label}
            </button>
        }
    };
    view! {
        <h1 class=style::title>{t(lang, Key::NavMe)}</h1>
        <Account />
        <section class=style::panel>
            <h2 class=style::panel_title>{t(lang, Key::MyCompound)}</h2>
            {move || match prefs.compound.get() {
                Some(mine) => {
                    view! {
                        <div class=style::row>
                            <A href=routes::compound(mine.id) attr:class=style::compound>{mine.name}</A>
                            <A href=routes::HOME attr:class=style::link>{t(lang, Key::Change)}</A>
                        </div>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <p class=style::strong>{t(lang, Key::NoCompoundChosen)}</p>
                        <p class=ui::hint>{t(lang, Key::ChooseCompoundHint)}</p>
                    }
                        .into_any()
                }
            }}
        </section>
        <section class=style::panel>
            <h2 class=style::panel_title>{t(lang, Key::Settings)}</h2>
            <div class=style::setting role="group" aria-labelledby="setting-language">
                <p id="setting-language" class=style::strong>{t(lang, Key::Language)}</p>
                <div class=style::options>{choice(Lang::Zh, "中文")} {choice(Lang::En, "English")}</div>
            </div>
            <label class=style::toggle>
                <span>
                    <span class=style::strong>{t(lang, Key::LargeText)}</span>
                    <span class=ui::hint>{t(lang, Key::LargeTextHint)}</span>
                </span>
                <input
                    type="checkbox"
                    role="switch"
                    class=style::switch
                    prop:checked=move || prefs.large_text.get()
                    on:change=move |ev| prefs.large_text.set(event_target_checked(&ev))
                />
            </label>
        </section>
    }
}

/// Who is signed in, their roles and the ways out; or the way in.
#[component]
fn Account() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let sending = Submit::new();
    let signed_out = move |answer: Result<(), api::ApiError>| {
        if answer.is_ok() {
            session.person.set(Some(None));
        }
    };
    let sign_out = move |everywhere: bool| {
        sending.run(
            move |_| async move { api::sign_out(everywhere, lang).await },
            signed_out,
        );
    };
    let delete_account = move |_| {
        if window().confirm_with_message(t(lang, Key::DeleteConfirm)) != Ok(true) {
            return;
        }
        sending.run(
            move |_| async move { api::delete_account(lang).await },
            signed_out,
        );
    };
    move || match session.person.get() {
        None => ().into_any(),
        Some(None) => view! {
            <section class=style::panel>
                <h2 class=style::panel_title>{t(lang, Key::Account)}</h2>
                <p class=ui::hint>{t(lang, Key::SignInToAct)}</p>
                <A href=format!("{}?next={}", routes::SIGN_IN, routes::ME) attr:class=ui::primary>
                    {t(lang, Key::SignIn)}
                </A>
            </section>
        }
        .into_any(),
        Some(Some(me)) => {
            let roles = me.roles.clone();
            let staff = me
                .roles
                .iter()
                .any(|r| r.role == "station_member" || r.role == "grid_worker");
            let keeper = me.roles.iter().any(|r| {
                matches!(
                    r.role.as_str(),
                    "station_member" | "community_staff" | "street_admin"
                )
            });
            let household = me.households.first().cloned();
            let may_bind = household
                .as_ref()
                .is_none_or(|h| h.status == api_types::households::HouseholdStatus::Rejected);
            view! {
                <section class=style::panel>
                    <h2 class=style::panel_title>{t(lang, Key::Account)}</h2>
                    <p class=style::name>{me.name.clone()}</p>
                    <p class=ui::hint>{me.phone.clone()}</p>
                    <h3 class=style::subtitle>{t(lang, Key::MyRoles)}</h3>
                    <ul class=style::roles>
                        <li>{t(lang, Key::Resident)}</li>
                        {roles
                            .into_iter()
                            .map(|role| view! { <li>{move || role_label(lang, &role)}</li> })
                            .collect_view()}
                    </ul>
                    <div class=style::actions>
                        <button type="button" class=style::option on:click=move |_| sign_out(false)>
                            {t(lang, Key::SignOut)}
                        </button>
                        <button type="button" class=style::quiet on:click=move |_| sign_out(true)>
                            {t(lang, Key::SignOutEverywhere)}
                        </button>
                        <a class=style::quiet href="/api/v1/me/export" download="linli-my-data.json">
                            {t(lang, Key::DownloadData)}
                        </a>
                        <button type="button" class=style::quiet on:click=delete_account>
                            {t(lang, Key::DeleteAccount)}
                        </button>
                    </div>
                </section>
                <section class=style::panel>
                    <h2 class=style::panel_title>{t(lang, Key::MyHousehold)}</h2>
                    {household
                        .map(|h| {
                            view! {
                                <p class=style::strong>
                                    {format!("{} {} {} {}", h.compound_name, h.building_name, h.unit, h.room)}
                                </p>
                                <p class=if h.status == api_types::households::HouseholdStatus::Approved {
                                    style::verified
                                } else {
                                    ui::hint
                                }>
                                    {household_status(lang, h.status)}
                                    {h.reason.map(|r| format!("：{r}"))}
                                </p>
                            }
                        })}
                    {may_bind
                        .then(|| {
                            view! {
                                <p class=ui::hint>{t(lang, Key::BindHint)}</p>
                                <A href=routes::HOUSEHOLD_NEW attr:class=ui::primary>
                                    {t(lang, Key::BindHousehold)}
                                </A>
                            }
                        })}
                </section>
                <A href=routes::MY_AFFAIRS attr:class=format!("{} {}", ui::primary, style::desk)>
                    {t(lang, Key::MyAffairs)}
                </A>
                // A page the server writes: a page load, one history entry.
                <a href="/me/sms" class=format!("{} {}", ui::primary, style::desk)>
                    {t(lang, Key::SmsNotices)}
                </a>
                {staff
                    .then(|| {
                        view! {
                            <A href=routes::STATION attr:class=format!("{} {}", ui::primary, style::desk)>
                                {t(lang, Key::StationDesk)}
                            </A>
                        }
                    })}
                {keeper
                    .then(|| {
                        view! {
                            <A href=routes::ADMIN attr:class=format!("{} {}", ui::primary, style::desk)>
                                {if lang == Lang::Zh { "街道与小区管理" } else { "Street and compound setup" }}
                            </A>
                        }
                    })}
            }
            .into_any()
        }
    }
}
