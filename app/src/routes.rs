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
///
/// `next` is read as the browser's URL parser reads it (the WHATWG URL
/// standard, "basic URL parser"): leading and trailing controls and
/// spaces dropped, tabs and newlines removed wherever they are, `\` taken
/// for `/`. So `/\t/evil.example`, which a check of the raw text passes and
/// a browser opens as `//evil.example`, another site, goes to 我的 instead.
/// What remains must be a path on this origin: one `/`, then not another.
pub fn after_sign_in(next: Option<&str>) -> String {
    let Some(raw) = next else {
        return ME.to_owned();
    };
    let read: String = raw
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    let on_this_origin = read.starts_with('/') && !read.starts_with("//");
    if on_this_origin && !read.chars().any(char::is_control) {
        read
    } else {
        ME.to_owned()
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
        for sneaky in [
            "/\t/evil.example",
            "/\n/evil.example",
            " //evil.example",
            "\u{1}//evil.example",
            "\\\\evil.example",
            "/\r\n/evil.example",
            "javascript:alert(1)",
            "/me\u{7f}",
        ] {
            assert_eq!(after_sign_in(Some(sneaky)), ME, "{sneaky:?}");
        }
        assert_eq!(
            after_sign_in(Some("/affairs/3?tab=1#top")),
            "/affairs/3?tab=1#top"
        );
        assert_eq!(after_sign_in(Some(" /me/sms ")), "/me/sms");
    }
}
