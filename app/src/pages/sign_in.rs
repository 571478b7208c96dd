//! `/sign-in`: a mobile number, then the six-digit code texted to it.

use crate::api;
use crate::components::ui;
use crate::i18n::{Key, resend_in, t, title};
use crate::prefs::{use_lang, use_title};
use crate::routes;
use crate::session::use_session;
use crate::submit::Submit;
use api_types::identity::{code, mask_phone, normalize_phone};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::time::Duration;

stylance::import_crate_style!(style, "src/pages/sign_in.module.css");

/// `/sign-in?next=/path`.
#[component]
pub fn SignInPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let navigate = StoredValue::new_local(use_navigate());
    let query = use_query_map();
    use_title(move || title(lang, t(lang, Key::SignIn)));

    let phone = RwSignal::new(String::new());
    let entered_code = RwSignal::new(String::new());
    // The number the last code went to, once one did.
    let sent_to = RwSignal::new(None::<String>);
    let countdown = RwSignal::new(0u32);
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();

    if let Ok(handle) = set_interval_with_handle(
        move || {
            if countdown.get_untracked() > 0 {
                countdown.update(|n| *n -= 1);
            }
        },
        Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }

    let fail = move |e: api::ApiError| {
        error.set(Some(e.text(lang)));
    };
    let send_code = move || {
        let lang = lang;
        let Ok(number) = normalize_phone("phone", &phone.get_untracked()) else {
            error.set(Some(t(lang, Key::PhoneInvalid).to_owned()));
            return;
        };
        error.set(None);
        let asked = number.clone();
        sending.run(
            move |key| async move { api::request_code(asked, &key, lang).await },
            move |answer| match answer {
                Ok(sent) => {
                    sent_to.set(Some(number));
                    entered_code.set(String::new());
                    countdown.set(u32::try_from(sent.resend_after_secs).unwrap_or(60));
                }
                Err(e) => fail(e),
            },
        );
    };
    let sign_in = move || {
        let lang = lang;
        let Some(number) = sent_to.get_untracked() else {
            return;
        };
        let typed = entered_code.get_untracked().trim().to_owned();
        if code("code", &typed).is_err() {
            error.set(Some(t(lang, Key::CodeInvalid).to_owned()));
            return;
        }
        error.set(None);
        sending.run(
            move |_| async move { api::sign_in(number, typed, lang).await },
            move |answer| match answer {
                Ok(me) => {
                    session.person.set(Some(Some(me)));
                    let next = query.get_untracked().get("next");
                    let path = routes::after_sign_in(next.as_deref());
                    navigate.with_value(|navigate| navigate(&path, Default::default()));
                }
                Err(e) => fail(e),
            },
        );
    };

    let resend_blocked = move || sending.pending() || countdown.get() != 0;
    let error_view = move || {
        error
            .get()
            .map(|message| view! { <p class=ui::error role="alert">{message}</p> })
    };
    view! {
        <section class=style::panel>
            <h1 class=style::title>{t(lang, Key::SignInTitle)}</h1>
            {move || match sent_to.get() {
                None => {
                    view! {
                        <form
                            class=style::form
                            novalidate
                            on:submit=move |ev| {
                                ev.prevent_default();
                                send_code();
                            }
                        >
                            <p class=ui::hint>{t(lang, Key::SignInHint)}</p>
                            <label class=ui::label for="sign-in-phone">
                                {t(lang, Key::Phone)}
                            </label>
                            <input
                                id="sign-in-phone"
                                class=style::input
                                type="tel"
                                inputmode="numeric"
                                autocomplete="tel"
                                maxlength="16"
                                bind:value=phone
                            />
                            {error_view}
                            <button type="submit" class=ui::primary disabled=move || sending.pending()>
                                {t(lang, if sending.pending() { Key::Sending } else { Key::SendCode })}
                            </button>
                        </form>
                    }
                        .into_any()
                }
                Some(number) => {
                    view! {
                        <form
                            class=style::form
                            novalidate
                            on:submit=move |ev| {
                                ev.prevent_default();
                                sign_in();
                            }
                        >
                            <p class=ui::hint>
                                {t(lang, Key::CodeSentTo)} " "
                                <strong>{mask_phone(&number)}</strong>
                            </p>
                            <label class=ui::label for="sign-in-code">
                                {t(lang, Key::Code)}
                            </label>
                            <input
                                id="sign-in-code"
                                class=style::input
                                type="text"
                                inputmode="numeric"
                                autocomplete="one-time-code"
                                maxlength="6"
                                bind:value=entered_code
                            />
                            {error_view}
                            <button type="submit" class=ui::primary disabled=move || sending.pending()>
                                {t(lang, if sending.pending() { Key::Sending } else { Key::SignIn })}
                            </button>
                            <div class=style::secondary_row>
                                <button
                                    type="button"
                                    class=style::secondary
                                    disabled=resend_blocked
                                    on:click=move |_| send_code()
                                >
                                    {move || match countdown.get() {
                                        0 => t(lang, Key::Resend).to_owned(),
                                        n => resend_in(lang, n),
                                    }}
                                </button>
                                <button
                                    type="button"
                                    class=style::secondary
                                    on:click=move |_| {
                                        error.set(None);
                                        sent_to.set(None);
                                    }
                                >
                                    {t(lang, Key::ChangePhone)}
                                </button>
                            </div>
                        </form>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
