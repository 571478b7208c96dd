//! `POST /api/v1/client-errors`: the app reports a crash or a failed load
//! from a resident's phone, where nobody on the team can open a console.

use crate::validate::{Checks, FieldError, optional_text, required_text};
use serde::{Deserialize, Serialize};

/// The longest message kept.
pub const MESSAGE_MAX: usize = 2000;
/// The longest page path kept.
pub const PAGE_MAX: usize = 500;

/// What kind of failure the app saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClientErrorKind {
    /// A Rust panic in the WebAssembly app.
    Panic,
    /// An API call that failed in a way the app did not expect.
    Api,
}

/// The report the app sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewClientError {
    /// What kind of failure.
    pub kind: ClientErrorKind,
    /// The panic or error message (at most 2000 characters).
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 2000, pattern = r"\S")
    )]
    pub message: String,
    /// The app path the resident was on (at most 500 characters).
    #[cfg_attr(feature = "server", schema(max_length = 500))]
    pub page: Option<String>,
}

impl NewClientError {
    /// Every rule the report breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks
            .check(required_text("message", &self.message, MESSAGE_MAX))
            .check(optional_text("page", self.page.as_deref(), PAGE_MAX));
        checks.finish()
    }
}

/// The stored report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ClientErrorReceipt {
    /// The report's id, to quote when asking the team about it.
    pub id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_need_a_message_and_short_fields() {
        let ok = NewClientError {
            kind: ClientErrorKind::Panic,
            message: "index out of bounds".into(),
            page: Some("/".into()),
        };
        assert_eq!(ok.validate(), Ok(()));
        let bad = NewClientError {
            message: " ".into(),
            page: Some("x".repeat(PAGE_MAX + 1)),
            ..ok
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["message", "page"]);
    }
}
