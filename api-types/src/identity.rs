//! Signing in with a phone number and a one-time code, and who the
//! signed-in person is.

use crate::validate::{FieldError, Rule};
use serde::{Deserialize, Serialize};

/// How long a sign-in code stays valid.
pub const CODE_TTL_SECS: u64 = 5 * 60;
/// How long before another code may be sent to the same number.
pub const RESEND_AFTER_SECS: u64 = 60;
/// Wrong guesses after which a code is spent.
pub const CODE_MAX_ATTEMPTS: i64 = 5;
/// Digits in a sign-in code.
pub const CODE_DIGITS: usize = 6;

/// Checks a mainland China mobile number: 11 digits starting 13-19.
/// Spaces and dashes, as people type them, are ignored.
pub fn normalize_phone(field: &str, raw: &str) -> Result<String, FieldError> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = digits.strip_prefix("+86").unwrap_or(&digits);
    if digits.is_empty() {
        return Err(FieldError::new(field, Rule::Required));
    }
    let bytes = digits.as_bytes();
    let valid = bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1]);
    if valid {
        Ok(digits.to_owned())
    } else {
        Err(FieldError::new(field, Rule::Invalid))
    }
}

/// A number as others see it: `138****1234`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// Checks a sign-in code's form: exactly six digits.
pub fn code(field: &str, raw: &str) -> Result<(), FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        Err(FieldError::new(field, Rule::Required))
    } else if raw.len() == CODE_DIGITS && raw.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(FieldError::new(field, Rule::Invalid))
    }
}

/// `POST /api/v1/sign-in-codes`: send a code to this number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CodeRequest {
    /// The mobile number, e.g. `13800138000`.
    #[cfg_attr(feature = "server", schema(min_length = 11, max_length = 20))]
    pub phone: String,
}

/// The same answer whether or not the number has an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CodeSent {
    /// Seconds before another code may be asked for.
    pub resend_after_secs: u64,
    /// Seconds the code stays valid.
    pub expires_in_secs: u64,
}

/// `POST /api/v1/sessions`: sign in with the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SignIn {
    /// The number the code was sent to.
    #[cfg_attr(feature = "server", schema(min_length = 11, max_length = 20))]
    pub phone: String,
    /// The six-digit code.
    #[cfg_attr(feature = "server", schema(pattern = "^[0-9]{6}$"))]
    pub code: String,
}

/// A role someone holds, with the place it is scoped to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RoleSummary {
    /// `station_member`, `grid_worker`, `community_staff`,
    /// `department_liaison` or `street_admin`.
    pub role: String,
    /// The id of the place the role is scoped to: the compound of a
    /// station member, the grid of a grid worker, the community of staff
    /// and liaisons, the street of an administrator.
    pub place_id: i64,
    /// The place's name, e.g. 海景花园 or 东港社区.
    pub place_name: String,
    /// For station members: `head`, `deputy`, `secretary_general`, `member`.
    pub position: Option<String>,
    /// For department liaisons: the name of their department, one of the
    /// community's own list (e.g. 海景物业服务中心).
    pub department: Option<String>,
}

/// The signed-in person, as they see themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Me {
    /// The person's id.
    pub id: i64,
    /// Their display name.
    pub name: String,
    /// Their own number, unmasked (only they see it so).
    pub phone: String,
    /// The roles they hold.
    pub roles: Vec<RoleSummary>,
    /// Their household bindings: the open one and past refusals, newest first.
    pub households: Vec<crate::households::HouseholdRequest>,
}

/// A session as its owner sees it in their data export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SessionRecord {
    /// When it began (RFC 3339, UTC).
    pub created_at: String,
    /// When it was last used.
    pub last_seen_at: String,
    /// When it ends at the latest.
    pub expires_at: String,
    /// When it was ended, if it was.
    pub revoked_at: Option<String>,
    /// The browser it was started from.
    pub user_agent: Option<String>,
}

/// `GET /api/v1/me/export`: everything the portal keeps about the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DataExport {
    /// The person, their roles and household bindings.
    pub person: Me,
    /// When the account was created.
    pub created_at: String,
    /// Their sessions, newest first.
    pub sessions: Vec<SessionRecord>,
}

/// `GET /api/v1/sessions/current`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CurrentSession {
    /// The signed-in person; `null` for an anonymous visitor.
    pub person: Option<Me>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_mainland_mobiles_as_typed() {
        assert_eq!(
            normalize_phone("phone", "138 0013 8000").as_deref(),
            Ok("13800138000")
        );
        assert_eq!(
            normalize_phone("phone", "+86 138-0013-8000").as_deref(),
            Ok("13800138000")
        );
        for bad in ["12800138000", "1380013800", "138001380001", "1380013800a"] {
            assert_eq!(
                normalize_phone("phone", bad).map_err(|e| e.rule),
                Err(Rule::Invalid),
                "{bad}"
            );
        }
        assert_eq!(
            normalize_phone("phone", " ").map_err(|e| e.rule),
            Err(Rule::Required)
        );
    }

    #[test]
    fn masks_keep_the_first_three_and_last_four() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("123"), "***");
    }

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(code("code", "012345"), Ok(()));
        assert_eq!(
            code("code", "12345").map_err(|e| e.rule),
            Err(Rule::Invalid)
        );
        assert_eq!(
            code("code", "12a456").map_err(|e| e.rule),
            Err(Rule::Invalid)
        );
        assert_eq!(code("code", "").map_err(|e| e.rule), Err(Rule::Required));
    }
}
