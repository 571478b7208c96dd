//! Place-scoped roles: granted and revoked by someone above in the
//! hierarchy, each act recorded with who, when and why.

use crate::identity::normalize_phone;
use crate::validate::{Checks, FieldError, Rule, required_text};
use serde::{Deserialize, Serialize};

/// The longest reason for a grant or a revocation.
pub const REASON_MAX: usize = 200;

/// The longest name given for someone appointed before they signed in.
pub const NAME_MAX: usize = 20;

/// A role a person can hold, each scoped to one kind of place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A member of a compound's mutual-aid station (place: compound).
    StationMember,
    /// The worker of a grid (place: grid).
    GridWorker,
    /// Staff of a community committee (place: community).
    CommunityStaff,
    /// A department's liaison to a community (place: community).
    DepartmentLiaison,
    /// An administrator of a street (place: street).
    StreetAdmin,
}

impl Role {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::StationMember => "station_member",
            Role::GridWorker => "grid_worker",
            Role::CommunityStaff => "community_staff",
            Role::DepartmentLiaison => "department_liaison",
            Role::StreetAdmin => "street_admin",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Role> {
        [
            Role::StationMember,
            Role::GridWorker,
            Role::CommunityStaff,
            Role::DepartmentLiaison,
            Role::StreetAdmin,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// A station member's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// 站长.
    Head,
    /// 副站长.
    Deputy,
    /// 秘书长.
    SecretaryGeneral,
    /// 站委成员.
    Member,
}

impl Position {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Position::Head => "head",
            Position::Deputy => "deputy",
            Position::SecretaryGeneral => "secretary_general",
            Position::Member => "member",
        }
    }
}

/// The longest department name.
pub const DEPARTMENT_NAME_MAX: usize = 30;

/// One of the departments a community keeps (its property company, water,
/// power, gas, police station, city management office...): a department
/// liaison is appointed to one of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Department {
    /// The department's id.
    pub id: i64,
    /// The community that keeps it.
    pub community_id: i64,
    /// Its name, e.g. 海景物业服务中心 or 临城派出所.
    pub name: String,
}

/// `POST /api/v1/communities/{id}/departments`: community staff or the
/// street's administrators add a department to the community's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewDepartment {
    /// Its name (1 to 30 characters), unique within the community.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 30))]
    pub name: String,
}

impl NewDepartment {
    /// Every rule the department breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        required_text("name", &self.name, DEPARTMENT_NAME_MAX).map_err(|e| vec![e])
    }
}

/// `POST /api/v1/role-grants`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewRoleGrant {
    /// The person's number. Someone who has never signed in is invited by
    /// SMS, and the role waits for them.
    #[cfg_attr(feature = "server", schema(min_length = 11, max_length = 20))]
    pub phone: String,
    /// Their name, for someone who has never signed in (at most 20
    /// characters); ignored for someone who has.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_length = 20))]
    pub name: Option<String>,
    /// The role.
    pub role: Role,
    /// The place it is scoped to: a compound, grid, community or street id.
    pub place_id: i64,
    /// Required for station members.
    pub position: Option<Position>,
    /// Required for department liaisons: one of the community's
    /// departments (`GET /communities/{id}/departments`).
    pub department_id: Option<i64>,
    /// Why (kept in the audit log).
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 200))]
    pub reason: String,
}

impl NewRoleGrant {
    /// Every rule the grant breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks.check(normalize_phone("phone", &self.phone).map(|_| ()));
        checks.check(required_text("reason", &self.reason, REASON_MAX));
        checks.check(crate::validate::optional_text(
            "name",
            self.name.as_deref(),
            NAME_MAX,
        ));
        let needs_position = self.role == Role::StationMember;
        if needs_position != self.position.is_some() {
            let rule = if needs_position {
                Rule::Required
            } else {
                Rule::Invalid
            };
            checks.check(Err(FieldError::new("position", rule)));
        }
        let needs_department = self.role == Role::DepartmentLiaison;
        if needs_department != self.department_id.is_some() {
            let rule = if needs_department {
                Rule::Required
            } else {
                Rule::Invalid
            };
            checks.check(Err(FieldError::new("department_id", rule)));
        }
        checks.finish()
    }
}

/// A grant as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RoleGrant {
    /// The grant's id.
    pub id: i64,
    /// Who holds it.
    pub person_id: i64,
    /// Their name.
    pub person_name: String,
    /// The role.
    pub role: Role,
    /// The place's id.
    pub place_id: i64,
    /// The place's name.
    pub place_name: String,
    /// For station members.
    pub position: Option<Position>,
    /// For department liaisons: the department's id.
    pub department_id: Option<i64>,
    /// For department liaisons: the department's name.
    pub department_name: Option<String>,
    /// When it was granted (RFC 3339, UTC).
    pub granted_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// One act on a grant: granted or revoked, by whom, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RoleEvent {
    /// `grant` or `revoke`.
    pub action: String,
    /// Who acted; `None` for the system (the command line, or an account
    /// its owner deleted).
    pub actor_name: Option<String>,
    /// Why.
    pub reason: String,
    /// When (RFC 3339, UTC).
    pub at: String,
}

/// A grant with its history, as the staff page lists a place's roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RoleRecord {
    /// The grant.
    #[serde(flatten)]
    pub grant: RoleGrant,
    /// Whether the holder has signed in since (an invited person has not).
    pub signed_in: bool,
    /// Its acts, oldest first.
    pub events: Vec<RoleEvent>,
}

/// `GET /api/v1/role-grants`: the roles at one place and the places within
/// it, live and revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema, utoipa::IntoParams))]
pub struct RoleScope {
    /// A street: its administrators and every role in its communities.
    pub street_id: Option<i64>,
    /// A community: its staff, liaisons and every role in its compounds.
    pub community_id: Option<i64>,
    /// A compound: its station and its grids' workers.
    pub compound_id: Option<i64>,
}

/// `POST /api/v1/role-grants/{id}/revocations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Revocation {
    /// Why (kept in the audit log).
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 200))]
    pub reason: String,
}

impl Revocation {
    /// Every rule the revocation breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        required_text("reason", &self.reason, REASON_MAX).map_err(|e| vec![e])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, position: Option<Position>, department_id: Option<i64>) -> NewRoleGrant {
        NewRoleGrant {
            phone: "13800000044".into(),
            name: None,
            role,
            place_id: 1,
            position,
            department_id,
            reason: "居民推选".into(),
        }
    }

    fn broken(g: NewRoleGrant) -> Vec<(String, &'static str)> {
        g.validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.rule.code()))
            .collect()
    }

    #[test]
    fn positions_and_departments_belong_to_their_roles() {
        assert!(broken(grant(Role::StationMember, Some(Position::Member), None)).is_empty());
        assert_eq!(
            broken(grant(Role::StationMember, None, None)),
            [("position".to_owned(), "required")]
        );
        assert_eq!(
            broken(grant(Role::GridWorker, Some(Position::Head), Some(3))),
            [
                ("position".to_owned(), "invalid"),
                ("department_id".to_owned(), "invalid")
            ]
        );
        assert_eq!(
            broken(grant(Role::DepartmentLiaison, None, None)),
            [("department_id".to_owned(), "required")]
        );
    }

    #[test]
    fn roles_round_trip() {
        for role in [
            Role::StationMember,
            Role::GridWorker,
            Role::CommunityStaff,
            Role::DepartmentLiaison,
            Role::StreetAdmin,
        ] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }
}
