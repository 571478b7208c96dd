//! The JSON contract between Linli's server and its clients (the browser app,
//! a city platform, a station head's script), written once.
//!
//! Serde only: no axum, no sqlx, no web-sys. The `server` feature adds the
//! OpenAPI derives the server publishes at `/api/v1/openapi.json`.

pub mod affairs;
pub mod client_errors;
pub mod consultations;
pub mod error;
pub mod health;
pub mod households;
pub mod identity;
pub mod imports;
pub mod lang;
pub mod page;
pub mod place_edits;
pub mod places;
pub mod pool;
pub mod roles;
pub mod sms;
pub mod units;
pub mod validate;

pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use lang::Lang;
pub use page::{Page, PageParams};
pub use validate::{FieldError, Rule};

/// The prefix every versioned API path lives under.
pub const API_PREFIX: &str = "/api/v1";

/// The request header that makes a creating `POST` safe to retry.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
