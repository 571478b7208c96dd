//! Loading and failure states every data-backed page shows the same way.

use crate::api::ApiError;
use crate::i18n::{Key, t};
use crate::prefs::use_lang;
use leptos::prelude::*;

stylance::import_crate_style!(style, "src/components/status.module.css");

/// Placeholder cards while data loads, announced to screen readers.
#[component]
pub fn Loading() -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class=style::loading role="status">
            <span class=style::visually_hidden>{t(lang, Key::Loading)}</span>
            <div class=style::placeholder aria-hidden="true"></div>
            <div class=style::placeholder aria-hidden="true"></div>
            <div class=style::placeholder aria-hidden="true"></div>
        </div>
    }
}

/// A failed load: what went wrong in plain words, and a way to try again.
#[component]
pub fn LoadError(
    /// What the API call answered.
    error: ApiError,
    /// Runs the load again.
    on_retry: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let message = error.text(lang);
    view! {
        <div class=style::error role="alert">
            <p>{message}</p>
            <button type="button" class=style::retry on:click=move |_| on_retry.run(())>
                {t(lang, Key::Retry)}
            </button>
        </div>
    }
}
