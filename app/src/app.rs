//! The app's frame: preferences, the route table, top bar and bottom
//! navigation.

use crate::components::{bottom_nav::BottomNav, top_bar::TopBar};
use crate::pages::household_new::HouseholdNewPage;
use crate::pages::invite::InvitePage;
use crate::pages::sign_in::SignInPage;
use crate::pages::station::StationPage;
use crate::pages::{compound::CompoundPage, home::HomePage, me::MePage, not_found::NotFoundPage};
use crate::prefs::provide_prefs;
use crate::session::provide_session;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

stylance::import_crate_style!(style, "src/app.module.css");

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let prefs = provide_prefs();
    provide_session();
    // Re-rendered from the top when the language changes: see `use_lang`.
    move || {
        prefs.lang.track();
        view! {
        <Router>
            <div class=style::frame>
                <TopBar />
                <main id="main" class=style::main>
                    <Routes fallback=NotFoundPage>
                        <Route path=path!("/") view=HomePage />
                        <Route path=path!("/compounds/:id") view=CompoundPage />
                        <Route path=path!("/me") view=MePage />
                        <Route path=path!("/sign-in") view=SignInPage />
                        <Route path=path!("/invites/:token") view=InvitePage />
                        <Route path=path!("/households/new") view=HouseholdNewPage />
                        <Route path=path!("/station") view=StationPage />
                    </Routes>
                </main>
                <BottomNav />
            </div>
        </Router>
        }
    }
}
