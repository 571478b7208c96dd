//! Binding a resident to a household (building, unit, room), approved by the
//! compound's station or grid worker, and the invite links that pre-fill it.

use crate::validate::{Checks, FieldError, Rule, optional_text, required_text};
use serde::{Deserialize, Serialize};

/// The longest unit or room name.
pub const PLACE_NAME_MAX: usize = 20;
/// The longest rejection reason.
pub const REASON_MAX: usize = 200;
/// Invite lifetimes in days: 1 to 30, a week by default.
pub const INVITE_DAYS: (i64, i64, i64) = (1, 30, 7);
/// Invite uses: 1 to 500; 100 for a building, 5 for one household by default.
pub const INVITE_USES: (i64, i64) = (1, 500);

/// Where a binding request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HouseholdStatus {
    /// Waiting for the station or the grid worker.
    Pending,
    /// Verified: the resident may vote and rate.
    Approved,
    /// Refused, with a reason.
    Rejected,
}

impl HouseholdStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            HouseholdStatus::Pending => "pending",
            HouseholdStatus::Approved => "approved",
            HouseholdStatus::Rejected => "rejected",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<HouseholdStatus> {
        match s {
            "pending" => Some(HouseholdStatus::Pending),
            "approved" => Some(HouseholdStatus::Approved),
            "rejected" => Some(HouseholdStatus::Rejected),
            _ => None,
        }
    }
}

/// `POST /api/v1/household-requests`: bind me to this household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewHouseholdRequest {
    /// The building.
    pub building_id: i64,
    /// The unit's name, e.g. `1单元`.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 20))]
    pub unit: String,
    /// The room, e.g. `301`.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 20))]
    pub room: String,
    /// The invite link's token, when the resident came through one.
    pub invite_token: Option<String>,
}

impl NewHouseholdRequest {
    /// Every rule the request breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks
            .check(required_text("unit", &self.unit, PLACE_NAME_MAX))
            .check(required_text("room", &self.room, PLACE_NAME_MAX))
            .check(optional_text(
                "invite_token",
                self.invite_token.as_deref(),
                64,
            ));
        checks.finish()
    }
}

/// The person who asked, as the deciding staff see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Requester {
    /// The person's id.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// Their number, in full: the deciding staff may need to call them.
    pub phone: String,
}

/// A binding request as its resident or its deciding staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HouseholdRequest {
    /// The request's id.
    pub id: i64,
    /// Where it stands.
    pub status: HouseholdStatus,
    /// The compound.
    pub compound_id: i64,
    /// Its name.
    pub compound_name: String,
    /// The building's name.
    pub building_name: String,
    /// The unit's name.
    pub unit: String,
    /// The room.
    pub room: String,
    /// When it was asked (RFC 3339, UTC).
    pub requested_at: String,
    /// When it was decided.
    pub decided_at: Option<String>,
    /// Why it was refused.
    pub reason: Option<String>,
    /// Who asked: present for the deciding staff, absent for the resident.
    pub requester: Option<Requester>,
}

/// `?status=&compound_id=` of the request list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct HouseholdRequestFilter {
    /// Only requests in this state.
    pub status: Option<HouseholdStatus>,
    /// Only requests in this compound.
    pub compound_id: Option<i64>,
}

/// `POST /api/v1/household-requests/{id}/rejections`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Rejection {
    /// Why, in words the resident can act on (at most 200 characters).
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 200))]
    pub reason: String,
}

impl Rejection {
    /// Every rule the rejection breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        required_text("reason", &self.reason, REASON_MAX).map_err(|e| vec![e])
    }
}

/// `?compound_id=` of the invite list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct InviteFilter {
    /// The compound whose invites to list.
    pub compound_id: i64,
}

/// `POST /api/v1/invites`: a link for a building, or for one household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewInvite {
    /// The building.
    pub building_id: i64,
    /// With `room`: invite to one household of this unit.
    pub unit: Option<String>,
    /// With `unit`: invite to one household.
    pub room: Option<String>,
    /// Days the link works: 1 to 30 (default 7).
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 30))]
    pub expires_in_days: Option<i64>,
    /// How many residents may use it: 1 to 500 (default 100, or 5 for a household).
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 500))]
    pub max_uses: Option<i64>,
}

impl NewInvite {
    /// Every rule the invite breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        let (min_days, max_days, _) = INVITE_DAYS;
        let (min_uses, max_uses) = INVITE_USES;
        let range = |field: &str, value: Option<i64>, min: i64, max: i64| match value {
            Some(v) if !(min..=max).contains(&v) => {
                Err(FieldError::new(field, Rule::OutOfRange { min, max }))
            }
            _ => Ok(()),
        };
        checks
            .check(optional_text("unit", self.unit.as_deref(), PLACE_NAME_MAX))
            .check(optional_text("room", self.room.as_deref(), PLACE_NAME_MAX))
            .check(range(
                "expires_in_days",
                self.expires_in_days,
                min_days,
                max_days,
            ))
            .check(range("max_uses", self.max_uses, min_uses, max_uses));
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        if blank(&self.unit) != blank(&self.room) {
            let field = if blank(&self.unit) { "unit" } else { "room" };
            checks.check(Err(FieldError::new(field, Rule::Required)));
        }
        checks.finish()
    }
}

/// An invite link as its station sees it, and as its holder sees it
/// (`token` and the counts only matter to the station).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Invite {
    /// The link's secret, the last part of its path.
    pub token: String,
    /// The app path to share: `/invites/{token}`.
    pub path: String,
    /// The compound.
    pub compound_id: i64,
    /// Its name.
    pub compound_name: String,
    /// The building.
    pub building_id: i64,
    /// Its name.
    pub building_name: String,
    /// For a household invite: the unit.
    pub unit: Option<String>,
    /// For a household invite: the room.
    pub room: Option<String>,
    /// When it stops working (RFC 3339, UTC).
    pub expires_at: String,
    /// How many may use it.
    pub max_uses: i64,
    /// How many have.
    pub uses: i64,
    /// Whether it can still be used.
    pub usable: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_need_a_unit_and_a_room() {
        let request = NewHouseholdRequest {
            building_id: 1,
            unit: "1单元".into(),
            room: " ".into(),
            invite_token: None,
        };
        let fields: Vec<_> = request
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["room"]);
    }

    #[test]
    fn household_invites_name_both_unit_and_room() {
        let invite = |unit: Option<&str>, room: Option<&str>, days: Option<i64>| NewInvite {
            building_id: 1,
            unit: unit.map(Into::into),
            room: room.map(Into::into),
            expires_in_days: days,
            max_uses: None,
        };
        assert_eq!(invite(None, None, None).validate(), Ok(()));
        assert_eq!(
            invite(Some("1单元"), Some("301"), Some(30)).validate(),
            Ok(())
        );
        let rules = |i: NewInvite| -> Vec<(String, &'static str)> {
            i.validate()
                .unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.rule.code()))
                .collect()
        };
        assert_eq!(
            rules(invite(Some("1单元"), None, None)),
            [("room".to_owned(), "required")]
        );
        assert_eq!(
            rules(invite(None, None, Some(31))),
            [("expires_in_days".to_owned(), "out_of_range")]
        );
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            HouseholdStatus::Pending,
            HouseholdStatus::Approved,
            HouseholdStatus::Rejected,
        ] {
            assert_eq!(HouseholdStatus::parse(s.as_str()), Some(s));
        }
    }
}
