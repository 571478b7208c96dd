//! Serving the built app: hashed assets cached for a year, precompressed
//! brotli/gzip, and the HTML shell (never cached, since WeChat holds on to
//! entry pages) for every app route, so a shared link or a reload lands on
//! the right page. Also the headers every answer carries.

use crate::AppState;
use api_types::ErrorCode;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::error::AppError;

/// The built app on disk and the Content-Security-Policy that fits it.
#[derive(Debug, Clone)]
pub struct AppShell {
    dist: PathBuf,
    built: bool,
    csp: HeaderValue,
}

impl AppShell {
    /// Reads the shells of every bundle (if the app is built) and derives
    /// the CSP from their inline scripts and styles and the style of
    /// [`crate::sms_page`], so nothing else inline can run.
    pub fn load(dist: &Path) -> AppShell {
        let html = std::fs::read_to_string(dist.join("index.html")).ok();
        if html.is_none() {
            tracing::warn!(dist = %dist.display(), "the app is not built: serving the API only");
        }
        let mut all = html.clone().unwrap_or_default();
        for (_, shell) in BUNDLES {
            all.push_str(&std::fs::read_to_string(dist.join(&shell[1..])).unwrap_or_default());
        }
        // The pages the server writes itself have one style block.
        all.push_str(&format!("<style>{}</style>", crate::sms_page::STYLE));
        let csp = content_security_policy(&all);
        AppShell {
            dist: dist.to_path_buf(),
            built: html.is_some(),
            csp: HeaderValue::from_str(&csp)
                .unwrap_or(HeaderValue::from_static("default-src 'self'")),
        }
    }
}

/// The bundles besides the residents' app, each with the paths it serves
/// and its shell: a page a resident does not open at first costs their
/// first load nothing. The affairs bundle (station desk, filing and
/// following affairs, notices) is built into `dist/station/`, the
/// consultations bundle into `dist/consult/`, the pool (capable persons and
/// volunteer posts) into `dist/pool/`, service ratings and the public
/// boards that show them into `dist/units/`, the reports staff and
/// liaisons read into `dist/reports/`, and the street office's setup
/// (ledger, rosters, affairs recorded for residents) into `dist/admin/`,
/// and the staff's places and people (editing places, appointments,
/// signing residents up) into `dist/staff/`.
const BUNDLES: [(&[&str], &str); 7] = [
    (&["/station", "/affairs", "/notices"], "/station/index.html"),
    (&["/consultations"], "/consult/index.html"),
    (&["/pool"], "/pool/index.html"),
    (&["/units", "/boards"], "/units/index.html"),
    (&["/reports"], "/reports/index.html"),
    (&["/admin"], "/admin/index.html"),
    (&["/staff"], "/staff/index.html"),
];

/// The shell that answers an app path.
fn shell_for(path: &str) -> &'static str {
    BUNDLES
        .iter()
        .find(|(prefixes, _)| {
            prefixes.iter().any(|prefix| {
                path.strip_prefix(prefix)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
        })
        .map_or("/index.html", |(_, shell)| shell)
}

/// The CSP for a shell: our own origin only, WebAssembly allowed to compile,
/// and exactly the inline `<script>`s and `<style>`s the shell contains.
pub fn content_security_policy(html: &str) -> String {
    // Each block once: the bundles' shells share their inline blocks.
    let hashes = |tag: &str| -> String {
        let mut seen = std::collections::BTreeSet::new();
        inline_blocks(html, tag)
            .map(|block| format!(" 'sha256-{}'", base64(&Sha256::digest(block.as_bytes()))))
            .filter(|hash| seen.insert(hash.clone()))
            .collect()
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self'{}; \
         img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        hashes("script"),
        hashes("style")
    )
}

/// The contents of every inline `<tag>…</tag>` (those without `src`).
fn inline_blocks<'a>(html: &'a str, tag: &str) -> impl Iterator<Item = &'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find(&open)?;
            let after = &rest[start + open.len()..];
            // `<scripts>` or `<style-x>` are other tags.
            if !after.starts_with(['>', ' ', '\t', '\n', '\r']) {
                rest = after;
                continue;
            }
            let tag_end = after.find('>')?;
            let attributes = &after[..tag_end];
            let body = &after[tag_end + 1..];
            let end = body.find(&close)?;
            rest = &body[end + close.len()..];
            if !attributes.contains("src=") {
                return Some(&body[..end]);
            }
        }
    })
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Whether a file name carries Trunk's content hash (`app-1f2e…_bg.wasm`),
/// so its contents can never change under that name.
fn is_hashed(file_name: &str) -> bool {
    let stem = file_name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The fallback for everything outside `/api/`: a file of the built app, or
/// the shell for an app route.
pub async fn serve_app(State(state): State<AppState>, request: Request) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let shell = &state.shell;
    if !shell.built {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "The Linli app is not built. Run ./scripts/run.sh, or set LINLI_DIST_DIR.",
        )
            .into_response();
    }
    let file_name = request
        .uri()
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let is_file = file_name.contains('.');
    let (mut parts, body) = request.into_parts();
    if !is_file {
        parts.uri = Uri::from_static(shell_for(parts.uri.path()));
    }
    let request = Request::from_parts(parts, body);
    let served = ServeDir::new(&shell.dist)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(request)
        .await;
    let mut response = match served {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status().is_success() {
        let cache = if !is_file || file_name == "index.html" {
            "no-cache"
        } else if is_hashed(&file_name) {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=3600"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    response
}

/// Middleware: the security headers every answer carries.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, state.shell.csp.clone());
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            header::HeaderName::from_static("permissions-policy"),
            "geolocation=(), microphone=(), payment=(), usb=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if state.config.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Middleware: a request that changes state must come from the portal's own
/// pages; a cookie alone proves nothing. Browsers say where a request comes
/// from (`Sec-Fetch-Site`, `Origin`); scripts that send neither are not
/// browsers riding on a resident's cookie.
pub async fn same_origin_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || is_same_origin(request.headers(), state.config.https) {
        next.run(request).await
    } else {
        AppError::new(ErrorCode::CrossOriginRequest).into_response()
    }
}

/// `path` as the logs may keep it: the secret segment of an invite link
/// (`/api/v1/invites/{token}`, and the app's `/invites/{token}` page) is
/// written as `…`, since whoever reads the logs could otherwise use it.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in ["/api/v1/invites/", "/invites/"] {
        if let Some(rest) = path.strip_prefix(prefix)
            && !rest.is_empty()
        {
            let tail = rest.find('/').map_or("", |i| &rest[i..]);
            return format!("{prefix}…{tail}").into();
        }
    }
    path.into()
}

/// Whether a browser says the request comes from the portal's own pages
/// (or no browser sent it). Each of `Sec-Fetch-Site`, `Origin` and `Host`
/// must come at most once (two are a forgery: browsers send one); an
/// `Origin` must be `http(s)://` the request's own host, and `https://`
/// when the portal is served over HTTPS (`LINLI_HTTPS`), since a page of
/// the same host over plain HTTP is one anybody on the way could write.
pub(crate) fn is_same_origin(headers: &HeaderMap, https: bool) -> bool {
    let once = |name: &str| -> Result<Option<&str>, ()> {
        let mut all = headers.get_all(name).iter();
        match (all.next(), all.next()) {
            (None, _) => Ok(None),
            (Some(value), None) => value.to_str().map(Some).map_err(|_| ()),
            (Some(_), Some(_)) => Err(()),
        }
    };
    match once("sec-fetch-site") {
        Err(()) => return false,
        Ok(Some(site)) => return site == "same-origin" || site == "none",
        Ok(None) => {}
    }
    match (once("origin"), once("host")) {
        (Ok(None), _) => true,
        (Ok(Some(origin)), Ok(Some(host))) => {
            origin
                .split_once("://")
                .is_some_and(|(scheme, origin_host)| {
                    (scheme == "https" || (scheme == "http" && !https))
                        && origin_host.eq_ignore_ascii_case(host)
                })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_tokens_stay_out_of_logged_paths() {
        assert_eq!(
            loggable_path("/api/v1/invites/abcDEF123"),
            "/api/v1/invites/…"
        );
        assert_eq!(loggable_path("/invites/abcDEF123"), "/invites/…");
        assert_eq!(loggable_path("/api/v1/invites"), "/api/v1/invites");
        assert_eq!(loggable_path("/api/v1/affairs/7"), "/api/v1/affairs/7");
    }

    #[test]
    fn csp_hashes_exactly_the_inline_blocks() {
        let html = "<style>a{}</style><script src=\"/x.js\"></script>\
                    <script type=\"module\">init()</script><scripts></scripts>\
                    <style>a{}</style><script>init()</script>";
        let csp = content_security_policy(html);
        let script = base64(&Sha256::digest(b"init()"));
        let style = base64(&Sha256::digest(b"a{}"));
        assert!(csp.contains(&format!(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-{script}';"
        )));
        assert!(csp.contains(&format!("style-src 'self' 'sha256-{style}';")));
        assert_eq!(csp.matches("sha256-").count(), 2);
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_station_desk_has_its_own_shell() {
        const STATION_SHELL: &str = "/station/index.html";
        assert_eq!(shell_for("/consultations/3"), "/consult/index.html");
        assert_eq!(shell_for("/pool/posts/3"), "/pool/index.html");
        assert_eq!(shell_for("/units"), "/units/index.html");
        assert_eq!(shell_for("/reports/units/2"), "/reports/index.html");
        assert_eq!(shell_for("/admin/streets/1/ledger"), "/admin/index.html");
        assert_eq!(shell_for("/administrators"), "/index.html");
        assert_eq!(shell_for("/staff/roles"), "/staff/index.html");
        assert_eq!(shell_for("/station"), STATION_SHELL);
        assert_eq!(shell_for("/station/requests"), STATION_SHELL);
        assert_eq!(shell_for("/stationery"), "/index.html");
        assert_eq!(shell_for("/affairs/12"), STATION_SHELL);
        assert_eq!(shell_for("/notices"), STATION_SHELL);
        assert_eq!(shell_for("/boards/1"), "/units/index.html");
        assert_eq!(shell_for("/affairsx"), "/index.html");
        assert_eq!(shell_for("/compounds/2"), "/index.html");
    }

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed("app-3c2f6e6a1b0d9e8f.js"));
        assert!(is_hashed("app-3c2f6e6a1b0d9e8f_bg.wasm"));
        assert!(is_hashed("components-0a1b2c3d4e5f6a7b.css"));
        assert!(!is_hashed("favicon.svg"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("my-logo.png"));
    }

    #[test]
    fn cross_site_writes_are_recognised() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (k, v) in pairs {
                map.insert(*k, HeaderValue::from_static(v));
            }
            map
        };
        let same =
            |pairs: &[(&'static str, &'static str)], https| is_same_origin(&headers(pairs), https);
        assert!(same(&[("sec-fetch-site", "same-origin")], true));
        assert!(!same(&[("sec-fetch-site", "cross-site")], false));
        let own = [
            ("origin", "https://linli.example"),
            ("host", "linli.example"),
        ];
        assert!(same(&own, true));
        assert!(same(&own, false));
        let plain = [
            ("origin", "http://linli.example"),
            ("host", "linli.example"),
        ];
        assert!(same(&plain, false));
        assert!(!same(&plain, true), "a plain-HTTP page of an HTTPS portal");
        for scheme in ["null", "ftp://linli.example", "linli.example"] {
            assert!(
                !same(&[("origin", scheme), ("host", "linli.example")], false),
                "{scheme}"
            );
        }
        assert!(!same(
            &[
                ("origin", "https://evil.example"),
                ("host", "linli.example")
            ],
            false
        ));
        assert!(same(&[], true));
        let mut twice = headers(&own);
        twice.append("origin", HeaderValue::from_static("https://evil.example"));
        assert!(!is_same_origin(&twice, false), "two Origin headers");
        let mut twice = headers(&[("sec-fetch-site", "same-origin")]);
        twice.append("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!is_same_origin(&twice, false), "two Sec-Fetch-Site headers");
    }
}
