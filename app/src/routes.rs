//! Every link target of the app in one place. The route table itself is in
//! [`crate::app::App`]; these build the paths it matches.

/// The home page.
pub const HOME: &str = "/";
/// The person's own page: settings and their compound.
pub const ME: &str = "/me";

/// A compound's page.
pub fn compound(id: i64) -> String {
    format!("/compounds/{id}")
}
