//! Sending a state-changing call, the twin of `load.rs`: every `POST` the
//! app makes goes through a [`Submit`], so a double tap sends once and a
//! retry after a lost answer is the same act on the server.
//!
//! The key a `Submit` hands its call stays the same until an answer
//! succeeds; `api::call` sends it with a digest of the request, so a retry
//! of the same request repeats the first answer while a changed request
//! (a corrected comment, another slot) is a new act. The server's rules
//! are in `../shared/API.md` ("Sessions and safety").

use crate::api::{ApiError, new_idempotency_key};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

/// One form's or one button row's sending state.
#[derive(Clone, Copy)]
pub struct Submit {
    pending: RwSignal<bool>,
    key: StoredValue<String>,
}

impl Default for Submit {
    fn default() -> Self {
        Self::new()
    }
}

impl Submit {
    /// A fresh sender with its first key.
    pub fn new() -> Self {
        Submit {
            pending: RwSignal::new(false),
            key: StoredValue::new(new_idempotency_key()),
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
        if self.pending.get_untracked() {
            return;
        }
        self.pending.set(true);
        let (pending, key) = (self.pending, self.key);
        let request = act(key.get_value());
        spawn_local(async move {
            let answer = request.await;
            if answer.is_ok() {
                key.try_set_value(new_idempotency_key());
            }
            pending.try_set(false);
            done(answer);
        });
    }
}
