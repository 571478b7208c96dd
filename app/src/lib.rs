//! Linli's browser apps: client-side rendered Leptos, built by Trunk into
//! two bundles that share this library. Residents load `app` (main.rs);
//! station members and grid workers open `/station`, a bundle of its own
//! (bin/station.rs), so the staff tools cost residents no bytes.

pub mod affair_text;
pub mod api;
pub mod app;
pub mod components;
pub mod consult_text;
pub mod i18n;
pub mod load;
pub mod pages;
pub mod photo;
pub mod pool_text;
pub mod prefs;
pub mod report;
pub mod routes;
pub mod session;
pub mod submit;

use leptos::prelude::IntoView;

/// Starts a bundle: reports panics, replaces the skeleton the shell
/// painted from inline CSS while the module downloaded, mounts `root`.
pub fn start<F, N>(root: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    report::install_panic_hook();
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(root);
}
