//! Loading a view's data: a lighter stand-in for `LocalResource` inside
//! `Transition`. Leptos's async machinery cost about 5 KB of wasm per use
//! (measured with twiggy); this is a signal and a spawned future.

use crate::api::ApiError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

/// Data a view loads: `None` until the first answer, then the last answer
/// (kept while a reload runs, so the page does not flash).
pub struct Loaded<T: Send + Sync + 'static> {
    state: RwSignal<Option<Result<T, ApiError>>>,
    version: RwSignal<u32>,
}

impl<T: Send + Sync + 'static> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Loaded<T> {}

impl<T: Clone + Send + Sync + 'static> Loaded<T> {
    /// The last answer, tracked.
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        self.state.get()
    }

    /// Whether the first answer is still awaited.
    pub fn pending(&self) -> bool {
        self.state.with(Option::is_none)
    }

    /// Loads again (after a failure, or after a change on the server).
    pub fn reload(&self) {
        self.version.update(|v| *v = v.wrapping_add(1));
    }
}

/// Runs `fetch` now and whenever a signal it reads changes (or on
/// [`Loaded::reload`]); only the newest answer is kept.
pub fn load<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> Loaded<T>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let state = RwSignal::new(None);
    let version = RwSignal::new(0u32);
    let latest = StoredValue::new(0u32);
    Effect::new(move || {
        version.track();
        let request = fetch();
        let generation = latest.get_value().wrapping_add(1);
        latest.set_value(generation);
        spawn_local(async move {
            let answer = request.await;
            // A newer request superseded this one, or the view is gone.
            if latest.try_get_value() == Some(generation) {
                state.try_set(Some(answer));
            }
        });
    });
    Loaded { state, version }
}
