//! The two apps' frames and route tables: preferences, session, top bar
//! and bottom navigation around the pages of each bundle.

use crate::components::{bottom_nav::BottomNav, top_bar::TopBar};
use crate::pages::admin::{AdminPage, LedgerPage, OnBehalfPage, RosterPage};
use crate::pages::affair::AffairPage;
use crate::pages::affair_new::AffairNewPage;
use crate::pages::board::BoardPage;
use crate::pages::consultation::ConsultationPage;
use crate::pages::consultations::{ConsultationsPage, NewTopicPage};
use crate::pages::figures::FiguresPage;
use crate::pages::household_new::HouseholdNewPage;
use crate::pages::invite::InvitePage;
use crate::pages::my_affairs::MyAffairsPage;
use crate::pages::notices::NoticesPage;
use crate::pages::pool::{
    AffairHelpPage, ApplicationsPage, ApplyPage, MyHelpPage, NewPostPage, PoolPage, PostPage,
    RecordPage,
};
use crate::pages::reports::{CommunityReportsPage, ReportPage};
use crate::pages::sign_in::SignInPage;
use crate::pages::staff::{ForResidentPage, PlacesPage, RolesPage};
use crate::pages::station::StationPage;
use crate::pages::units::UnitsPage;
use crate::pages::{compound::CompoundPage, home::HomePage, me::MePage, not_found::NotFoundPage};
use crate::prefs::provide_prefs;
use crate::session::provide_session;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

stylance::import_crate_style!(style, "src/app.module.css");

/// The residents' app: every page but those of the affairs bundle.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Bundle>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage />
                <Route path=path!("/compounds/:id") view=CompoundPage />
                <Route path=path!("/me") view=MePage />
                <Route path=path!("/sign-in") view=SignInPage />
                <Route path=path!("/invites/:token") view=InvitePage />
                <Route path=path!("/households/new") view=HouseholdNewPage />
                <Route path=path!("/station") view=LeaveBundle />
                <Route path=path!("/station/*rest") view=LeaveBundle />
                <Route path=path!("/affairs") view=LeaveBundle />
                <Route path=path!("/affairs/*rest") view=LeaveBundle />
                <Route path=path!("/notices") view=LeaveBundle />
                <Route path=path!("/boards/*rest") view=LeaveBundle />
                <Route path=path!("/consultations") view=LeaveBundle />
                <Route path=path!("/consultations/*rest") view=LeaveBundle />
                <Route path=path!("/pool") view=LeaveBundle />
                <Route path=path!("/pool/*rest") view=LeaveBundle />
                <Route path=path!("/units") view=LeaveBundle />
                <Route path=path!("/units/*rest") view=LeaveBundle />
                <Route path=path!("/reports/*rest") view=LeaveBundle />
                <Route path=path!("/admin") view=LeaveBundle />
                <Route path=path!("/admin/*rest") view=LeaveBundle />
                <Route path=path!("/staff/*rest") view=LeaveBundle />
            </Routes>
        </Bundle>
    }
}

/// The affairs bundle: the station desk, filing and following affairs and
/// notices (the paths in `web::DESK_PATHS` on the
/// server); every other path belongs to the residents' app.
#[component]
pub fn StationApp() -> impl IntoView {
    view! {
        <Bundle>
            <Routes fallback=LeaveBundle>
                <Route path=path!("/station") view=StationPage />
                <Route path=path!("/station/figures") view=FiguresPage />
                <Route path=path!("/affairs") view=MyAffairsPage />
                <Route path=path!("/affairs/new") view=AffairNewPage />
                <Route path=path!("/affairs/:id") view=AffairPage />
                <Route path=path!("/notices") view=NoticesPage />
            </Routes>
        </Bundle>
    }
}

/// The consultations bundle, at `/consultations`.
#[component]
pub fn ConsultApp() -> impl IntoView {
    view! {
        <Bundle>
            <Routes fallback=LeaveBundle>
                <Route path=path!("/consultations") view=ConsultationsPage />
                <Route path=path!("/consultations/new") view=NewTopicPage />
                <Route path=path!("/consultations/:id") view=ConsultationPage />
            </Routes>
        </Bundle>
    }
}

/// The pool bundle, at `/pool`: capable persons and volunteer posts.
#[component]
pub fn PoolApp() -> impl IntoView {
    view! {
        <Bundle>
            <Routes fallback=LeaveBundle>
                <Route path=path!("/pool") view=PoolPage />
                <Route path=path!("/pool/apply") view=ApplyPage />
                <Route path=path!("/pool/posts/new") view=NewPostPage />
                <Route path=path!("/pool/posts/:id") view=PostPage />
                <Route path=path!("/pool/record") view=RecordPage />
                <Route path=path!("/pool/help/:affair") view=AffairHelpPage />
                <Route path=path!("/pool/help-requests") view=MyHelpPage />
            </Routes>
        </Bundle>
    }
}

/// The service-ratings bundle, at `/units`, with the public boards that
/// show the ratings.
#[component]
pub fn UnitsApp() -> impl IntoView {
    view! {
        <Bundle>
            <Routes fallback=LeaveBundle>
                <Route path=path!("/units") view=UnitsPage />
                <Route path=path!("/boards/:id") view=BoardPage />
            </Routes>
        </Bundle>
    }
}

/// The reports' bundle, at `/reports`: a unit's monthly report and a
/// community's side by side, for staff and liaisons — off the residents'
/// ratings and boards bundle.
#[component]
pub fn ReportsApp() -> impl IntoView {
    view! {
        <Bundle>
            <Routes fallback=LeaveBundle>
                <Route path=path!("/reports/units/:id") view=ReportPage />
                <Route path=path!("/reports/communities/:id") view=CommunityReportsPage />
            </Routes>
        </Bundle>
    }
}

/// The street office's bundle, at `/admin`: the places ledger, roles, a
/// compound's roster and affairs recorded for residents — pages residents
/// never load.
#[component]
pub fn AdminApp() -> impl IntoView {
    view! {
        <Bundle>
            <Routes fallback=LeaveBundle>
                <Route path=path!("/admin") view=AdminPage />
                <Route path=path!("/admin/streets/:id/ledger") view=LedgerPage />
                <Route path=path!("/admin/compounds/:id/roster") view=RosterPage />
                <Route path=path!("/admin/compounds/:id/on-behalf") view=OnBehalfPage />
            </Routes>
        </Bundle>
    }
}

/// The staff bundle, at `/staff`: editing places one at a time, appointing
/// and revoking with each place's history, signing residents who phoned or
/// came in up for meetings and volunteer places, and deciding applications
/// to the capable-person pool (moved here from the pool bundle, which every
/// volunteer loads).
#[component]
pub fn StaffApp() -> impl IntoView {
    view! {
        <Bundle>
            <Routes fallback=LeaveBundle>
                <Route path=path!("/staff/places") view=PlacesPage />
                <Route path=path!("/staff/roles") view=RolesPage />
                <Route path=path!("/staff/compounds/:id/for-resident") view=ForResidentPage />
                <Route path=path!("/staff/pool-applications") view=ApplicationsPage />
            </Routes>
        </Bundle>
    }
}

/// What every bundle wraps their routes in: preferences, the session, the
/// router, top bar and bottom navigation. Rendered afresh from the top when
/// the language changes (see `use_lang`).
#[component]
fn Bundle(
    /// The bundle's route table.
    children: ChildrenFn,
) -> impl IntoView {
    let prefs = provide_prefs();
    provide_session();
    move || {
        prefs.lang.track();
        let routes = children.clone();
        view! {
            <Router>
                <div class=style::frame>
                    <TopBar />
                    <main id="main" class=style::main>
                        {routes()}
                    </main>
                    <BottomNav />
                </div>
            </Router>
        }
    }
}

/// A path served by another bundle: the browser loads it afresh, so the
/// server answers with that bundle's shell. Shared links and the top bar
/// work the same from every bundle. A path no bundle knows (`/staff/x`)
/// brings the same bundle back here: having come from this very address,
/// it goes home rather than loading itself forever.
#[component]
fn LeaveBundle() -> impl IntoView {
    let location = use_location();
    let search = location.search.get_untracked();
    let separator = if search.is_empty() { "" } else { "?" };
    let target = format!("{}{separator}{search}", location.pathname.get_untracked());
    let here = window().location().href().unwrap_or_default();
    let looped = document().referrer() == here;
    let _ = window()
        .location()
        .set_href(if looped { "/" } else { &target });
}
