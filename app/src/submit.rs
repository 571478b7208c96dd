//! Sending a state-changing call, the twin of `load.rs`: every `POST` the
//! app makes goes through a [`Submit`], so a double tap sends once and a
//! retry after a lost answer is the same act on the server.
//!
//! The key a `Submit` hands its call stays the same until an answer
//! succeeds; `api::call` sends it with a digest of the path, so a retry
//! repeats the first answer, a form edited after a lost answer is told
//! the first one arrived rather than filing twice, and another button of
//! the same row (cancel after claim) is another act. Each form and each
//! row has its own `Submit`. The server's rules are in
//! `../shared/API.md` ("Sessions and safety").

use crate::api::{ApiError, new_idempotency_key};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

/// One form's or one button row's sending state.
#[derive(Clone, Copy)]
pub struct Submit {
    pending: RwSignal<bool>,
    /// A signal only to share the instance every page already has of
    /// `RwSignal<String>` (a `StoredValue<String>` cost more wasm).
    key: RwSignal<String>,
}

impl Default for Submit {
    fn default() -> Self {
        Self::new()
    }
}

impl Submit {
    /// A fresh sender with its first key.
    #[inline(never)]
    pub fn new() -> Self {
        Submit {
            pending: RwSignal::new(false),
            key: RwSignal::new(new_idempotency_key()),
        }
    }

    /// Whether a call is on its way (tracked), for a button to show it.
    pub fn pending(&self) -> bool {
        self.pending.get()
    }

    /// Sends `act(key)` unless a call is already on its way (a second tap
    /// does nothing), then hands its answer to `done`. After a success the
    /// next call gets a new key; after a failure the same key is kept, so
    /// trying again cannot do the act twice.
    pub fn run<T, Fut>(
        &self,
        act: impl FnOnce(String) -> Fut + 'static,
        done: impl FnOnce(Result<T, ApiError>) + 'static,
    ) where
        T: 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let Some(key) = self.begin() else {
            return;
        };
        let this = *self;
        let request = act(key);
        spawn_local(async move {
            let answer = request.await;
            this.finish(answer.is_ok());
            done(answer);
        });
    }

    /// The key for a call, unless one is already on its way.
    #[inline(never)]
    fn begin(self) -> Option<String> {
        if self.pending.get_untracked() {
            return None;
        }
        self.pending.set(true);
        Some(self.key.get_untracked())
    }

    /// After an answer: a new key if it succeeded, ready for the next tap.
    #[inline(never)]
    fn finish(self, succeeded: bool) {
        if succeeded {
            self.key.try_set(new_idempotency_key());
        }
        self.pending.try_set(false);
    }
}
