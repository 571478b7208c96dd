//! The built app: the shell for every app route, cached assets, headers.

use crate::common::{SHELL_SCRIPT, STATION_SCRIPT, TestApp};
use base64::Engine;
use sha2::{Digest, Sha256};

#[tokio::test]
async fn every_app_route_answers_the_shell_uncached() {
    let app = TestApp::empty().await;
    for path in ["/", "/compounds/2", "/me", "/anything/deep/link"] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("text/html"),
            "{path}"
        );
        let html = response.text().await.expect("text");
        assert!(html.contains("<div id=\"boot\">"), "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_precompressed() {
    let app = TestApp::empty().await;
    let response = app
        .client
        .get(app.url("/app-0123456789abcdef.js"))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-encoding"], "br");

    let icon = app
        .client
        .get(app.url("/favicon.svg"))
        .send()
        .await
        .expect("request");
    assert_eq!(icon.headers()["cache-control"], "public, max-age=3600");

    let missing = app
        .client
        .get(app.url("/app-ffffffffffffffff.js"))
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status().as_u16(), 404);
}

#[tokio::test]
async fn the_csp_admits_only_the_shells_own_inline_script() {
    let app = TestApp::empty().await;
    let response = app.client.get(app.url("/")).send().await.expect("request");
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(SHELL_SCRIPT));
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert!(headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn each_request_gets_its_own_id() {
    let app = TestApp::empty().await;
    let id = |r: &reqwest::Response| {
        r.headers()["x-request-id"]
            .to_str()
            .expect("ascii")
            .to_owned()
    };
    let a = app
        .client
        .get(app.url("/api/health"))
        .send()
        .await
        .expect("request");
    let b = app
        .client
        .get(app.url("/api/health"))
        .send()
        .await
        .expect("request");
    assert_ne!(id(&a), id(&b));
    assert_eq!(id(&a).len(), 36);
}

#[tokio::test]
async fn the_station_desk_answers_with_its_own_shell() {
    let app = TestApp::empty().await;
    for path in ["/station", "/station/anything"] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .to_owned();
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STATION_SCRIPT));
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
        assert!(
            response.text().await.expect("text").contains(">station<"),
            "{path}"
        );
    }
    let residents = app
        .client
        .get(app.url("/stationery"))
        .send()
        .await
        .expect("request");
    assert!(residents.text().await.expect("text").contains("邻里"));
}
