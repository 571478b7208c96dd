//! Acting for a resident (代办): station staff record what a resident who
//! phoned or came in asked for — a meeting registration, a volunteer claim
//! — in the resident's name. The act is the resident's, under exactly the
//! rules they would meet themselves; only who may do it differs, and the
//! row remembers who acted and how the resident reached them.

use crate::error::AppError;
use crate::{AppState, auth, permissions, roster};
use api_types::affairs::{Channel, OnBehalf};
use api_types::identity::normalize_phone;

/// Who an act is for, and who recorded it for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acting {
    /// The person the act belongs to.
    pub resident: i64,
    /// The staff member who recorded it and how the resident came; `None`
    /// when residents act for themselves.
    pub recorder: Option<(i64, Channel)>,
}

impl Acting {
    /// `person` acting for themselves.
    pub fn themselves(person: i64) -> Acting {
        Acting {
            resident: person,
            recorder: None,
        }
    }

    /// The stored `recorded_by`.
    pub fn recorded_by(&self) -> Option<i64> {
        self.recorder.map(|(by, _)| by)
    }

    /// The stored `channel`.
    pub fn channel(&self) -> Option<&'static str> {
        self.recorder.map(|(_, channel)| channel.as_str())
    }
}

/// `person` themselves without `on_behalf`; with it, the resident with that
/// phone — 403 unless `person` acts for `compound`'s residents, 422 for a
/// bad number. Someone who never signed in is created under the name given
/// (as for an affair recorded for them) and, if a compound's roster lists
/// the number, bound to that household as their sign-in would bind them,
/// so the rules they meet are the ones they would meet themselves.
pub async fn acting(
    state: &AppState,
    person: i64,
    compound: i64,
    on_behalf: Option<&OnBehalf>,
) -> Result<Acting, AppError> {
    let Some(on_behalf) = on_behalf else {
        return Ok(Acting::themselves(person));
    };
    permissions::require_acts_for_residents(&state.db, person, compound).await?;
    let phone = normalize_phone("on_behalf.phone", &on_behalf.phone)
        .map_err(|e| AppError::validation(vec![e]))?;
    // Someone the portal has never seen and no roster lists could not take
    // part themselves: refused before anyone is created for them.
    if crate::roles::person_by_phone(&state.db, &phone)
        .await?
        .is_none()
        && !roster::lists(&state.db, &state.secret, &phone).await?
    {
        return Err(AppError::new(api_types::ErrorCode::Forbidden));
    }
    let resident = auth::person_for_phone(&state.db, &phone, on_behalf.name.as_deref()).await?;
    roster::verify_on_sign_in(&state.db, &state.secret, resident, &phone).await?;
    Ok(Acting {
        resident,
        recorder: Some((person, on_behalf.channel)),
    })
}
