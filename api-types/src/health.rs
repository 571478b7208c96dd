//! `GET /api/health`.

use serde::{Deserialize, Serialize};

/// The health answer: `{"status":"ok"}` once the database is reachable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`, or `unavailable` (with status 503).
    pub status: String,
}
