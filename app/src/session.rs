//! Who is signed in on this device, shared through context. The session
//! itself lives on the server behind an `HttpOnly` cookie; the app only
//! mirrors who it belongs to.

use crate::api;
use crate::prefs::{MyCompound, use_prefs};
use api_types::identity::Me;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The signed-in person as the app knows it.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    /// `None` until the first answer arrives, then `Some(None)` for an
    /// anonymous visitor or `Some(Some(me))`.
    pub person: RwSignal<Option<Option<Me>>>,
}

/// Asks the server who this browser belongs to and provides the answer.
pub fn provide_session() -> Session {
    let session = Session {
        person: RwSignal::new(None),
    };
    let prefs = use_prefs();
    let lang = prefs.lang.get_untracked();
    spawn_local(async move {
        // A failed look-up leaves the visitor anonymous: public pages work
        // and signing in is offered when they act.
        let person = api::current_person(lang).await.unwrap_or(None);
        // A resident with a household has a compound: show it in the top bar.
        let household = person.as_ref().and_then(|p| p.households.first());
        if let Some(h) = household.filter(|_| prefs.compound.get_untracked().is_none()) {
            prefs.compound.set(Some(MyCompound {
                id: h.compound_id,
                name: h.compound_name.clone(),
            }));
        }
        session.person.set(Some(person));
    });
    provide_context(session);
    session
}

/// The session provided by [`provide_session`].
pub fn use_session() -> Session {
    expect_context::<Session>()
}
