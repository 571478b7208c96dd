//! Every link target of the app in one place. The route table itself is in
//! [`crate::app::App`]; these build the paths it matches.

/// The `:id` of the current route, if it is a number.
pub fn use_id() -> impl Fn() -> Option<i64> + Copy + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        leptos::prelude::Read::read(&params)
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    }
}

/// The home page.
pub const HOME: &str = "/";
/// The person's own page: settings and their compound.
pub const ME: &str = "/me";

/// Signing in with a phone number and a code.
pub const SIGN_IN: &str = "/sign-in";

/// Where to go after signing in: `next` when it is a path of this app
/// (never another site), else the person's own page.
pub fn after_sign_in(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => ME.to_owned(),
    }
}

/// Linking the resident's household.
pub const HOUSEHOLD_NEW: &str = "/households/new";
/// The station desk.
pub const STATION: &str = "/station";
/// The in-app inbox.
pub const NOTICES: &str = "/notices";
/// The resident's own affairs.
pub const MY_AFFAIRS: &str = "/affairs";
/// The street office's setup: ledger, roles, rosters, affairs recorded
/// for residents.
pub const ADMIN: &str = "/admin";
/// Volunteer posts and the capable-person pool.
pub const POOL: &str = "/pool";

/// Filing an affair in a compound.
pub fn new_affair(compound: i64) -> String {
    format!("/affairs/new?compound={compound}")
}

/// A compound's consultations.
pub fn consultations(compound: i64) -> String {
    format!("/consultations?compound={compound}")
}

/// Rating the service units of a compound.
pub fn units(compound: i64) -> String {
    format!("/units?compound={compound}")
}

/// A compound's public board.
pub fn board(compound: i64) -> String {
    format!("/boards/{compound}")
}

/// A compound's page.
pub fn compound(id: i64) -> String {
    format!("/compounds/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_returns_only_to_paths_of_this_app() {
        assert_eq!(after_sign_in(Some("/compounds/2")), "/compounds/2");
        assert_eq!(after_sign_in(None), ME);
        assert_eq!(after_sign_in(Some("https://evil.example/")), ME);
        assert_eq!(after_sign_in(Some("//evil.example/")), ME);
        assert_eq!(after_sign_in(Some("/\\evil.example")), ME);
    }
}
