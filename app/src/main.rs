//! Linli's browser app: client-side rendered Leptos, built by Trunk.

mod api;
mod app;
mod components;
mod i18n;
mod load;
mod pages;
mod prefs;
mod report;
mod routes;
mod session;

fn main() {
    report::install_panic_hook();
    // The shell painted a skeleton from inline CSS while this module
    // downloaded; the app replaces it.
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
