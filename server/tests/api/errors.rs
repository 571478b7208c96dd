//! Every failure answers the same JSON envelope with the right status.

use crate::common::TestApp;
use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

async fn post(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(path))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON envelope"))
}

#[tokio::test]
async fn an_unknown_api_route_is_a_404_envelope() {
    let app = TestApp::empty().await;
    for path in [
        "/api/v1/nothing-here",
        "/api/v2/streets",
        "/api/nope",
        "/api",
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
        assert_eq!(body["error"]["message"], "没有找到您要的内容");
    }
}

#[tokio::test]
async fn a_wrong_method_is_a_405_envelope() {
    let app = TestApp::empty().await;
    let response = app
        .client
        .delete(app.url("/api/v1/streets"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 405);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = TestApp::empty().await;
    let (status, body) = post(
        &app,
        "/api/v1/client-errors",
        "application/json",
        "{\"kind\": ",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "malformed_json");
}

#[tokio::test]
async fn a_wrong_type_or_missing_field_is_422_naming_the_field() {
    let app = TestApp::empty().await;
    let (status, body) = post(
        &app,
        "/api/v1/client-errors",
        "application/json",
        json!({"kind": "panic", "message": 42}).to_string(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(body["error"]["fields"], json!({"message": "invalid"}));

    let (status, body) = post(
        &app,
        "/api/v1/client-errors",
        "application/json",
        r#"{"kind":"panic"}"#,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"], json!({"message": "required"}));
    assert_eq!(body["error"]["message"], "message 不能为空");

    let (status, body) = post(
        &app,
        "/api/v1/client-errors",
        "application/json",
        json!({"kind": "gremlin", "message": "x"}).to_string(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"], json!({"kind": "invalid"}));
}

#[tokio::test]
async fn a_rule_broken_after_parsing_is_422_and_stores_nothing() {
    let app = TestApp::empty().await;
    let (status, body) = post(
        &app,
        "/api/v1/client-errors",
        "application/json",
        json!({"kind": "api", "message": "   ", "page": "/".repeat(501)}).to_string(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["error"]["fields"],
        json!({"message": "required", "page": "too_long"})
    );
    assert_eq!(app.count("client_errors").await, 0);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = TestApp::empty().await;
    let (status, body) = post(&app, "/api/v1/client-errors", "text/plain", "hello").await;
    assert_eq!(status, 415);
    assert_eq!(body["error"]["code"], "unsupported_media_type");
}

#[tokio::test]
async fn an_oversized_body_is_413_whether_announced_or_streamed() {
    let app = TestApp::empty().await;
    let big = json!({"kind": "panic", "message": "x".repeat(10_000)}).to_string();
    let (status, body) = post(
        &app,
        "/api/v1/client-errors",
        "application/json",
        big.clone(),
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "payload_too_large");

    // Without a Content-Length the limit bites while the body is read.
    let chunks: Vec<Result<String, std::io::Error>> = big
        .as_bytes()
        .chunks(1000)
        .map(|c| Ok(String::from_utf8_lossy(c).into_owned()))
        .collect();
    let stream = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let (status, body) = post(&app, "/api/v1/client-errors", "application/json", stream).await;
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn messages_follow_accept_language() {
    let app = TestApp::empty().await;
    let response = app
        .client
        .get(app.url("/api/v1/compounds/1"))
        .header("accept-language", "en-GB,en;q=0.9,zh;q=0.5")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(response.headers()["content-language"], "en");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["message"], "Nothing was found here");
}

#[tokio::test]
async fn a_panic_is_a_generic_500_envelope() {
    let app = TestApp::serve(|state| {
        let routes = Router::new().route(
            "/api/v1/boom",
            get(|| async {
                let secrets: Vec<&'static str> = Vec::new();
                // An out-of-bounds index, as a handler bug would cause.
                secrets[std::hint::black_box(0)]
            }),
        );
        server::with_middleware(routes, state)
    })
    .await;
    let (status, body) = app.get_json("/api/v1/boom").await;
    assert_eq!(status, 500);
    assert_eq!(body["error"]["code"], "internal");
    assert!(
        !body.to_string().contains("hunter2"),
        "a panic leaked: {body}"
    );
}

#[tokio::test]
async fn a_cross_site_write_is_refused() {
    let app = TestApp::empty().await;
    let response = app
        .client
        .post(app.url("/api/v1/client-errors"))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"kind": "panic", "message": "x"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 403);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "cross_origin_request");
    assert_eq!(app.count("client_errors").await, 0);
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let app = TestApp::empty().await;
    let (status, doc) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    let mut paths: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("operations")
                .keys()
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "DELETE /api/v1/grids/{id}",
            "DELETE /api/v1/me",
            "DELETE /api/v1/service-units/{id}",
            "DELETE /api/v1/sessions",
            "DELETE /api/v1/sessions/current",
            "GET /api/health",
            "GET /api/v1/affair-metrics",
            "GET /api/v1/affair-metrics/export",
            "GET /api/v1/affair-queue",
            "GET /api/v1/affairs",
            "GET /api/v1/affairs/{id}",
            "GET /api/v1/affairs/{id}/capable-persons",
            "GET /api/v1/affairs/{id}/help-requests",
            "GET /api/v1/categories",
            "GET /api/v1/communities",
            "GET /api/v1/communities/{id}/departments",
            "GET /api/v1/communities/{id}/service-reports",
            "GET /api/v1/communities/{id}/service-units",
            "GET /api/v1/compounds",
            "GET /api/v1/compounds/{id}",
            "GET /api/v1/compounds/{id}/board",
            "GET /api/v1/compounds/{id}/roster",
            "GET /api/v1/consultations",
            "GET /api/v1/consultations/{id}",
            "GET /api/v1/consultations/{id}/comments",
            "GET /api/v1/consultations/{id}/pledges",
            "GET /api/v1/household-requests",
            "GET /api/v1/household-requests/{id}",
            "GET /api/v1/invites",
            "GET /api/v1/invites/{token}",
            "GET /api/v1/me/export",
            "GET /api/v1/me/help-requests",
            "GET /api/v1/me/sms-notices",
            "GET /api/v1/me/volunteer-record",
            "GET /api/v1/me/volunteer-record/export",
            "GET /api/v1/notices",
            "GET /api/v1/notices/unread",
            "GET /api/v1/photos/{id}",
            "GET /api/v1/pool-applications",
            "GET /api/v1/pool-figures",
            "GET /api/v1/posts",
            "GET /api/v1/posts/{id}",
            "GET /api/v1/role-grants",
            "GET /api/v1/service-units",
            "GET /api/v1/service-units/{id}/report",
            "GET /api/v1/service-units/{id}/report/export",
            "GET /api/v1/sessions/current",
            "GET /api/v1/similar-affairs",
            "GET /api/v1/skills",
            "GET /api/v1/streets",
            "GET /api/v1/streets/{id}/affair-settings",
            "GET /api/v1/streets/{id}/place-changes",
            "GET /api/v1/studios",
            "POST /api/v1/affairs",
            "POST /api/v1/affairs/{id}/call-back-ratings",
            "POST /api/v1/affairs/{id}/events",
            "POST /api/v1/affairs/{id}/help-requests",
            "POST /api/v1/affairs/{id}/rating",
            "POST /api/v1/affairs/{id}/rating/follow-up",
            "POST /api/v1/affairs/{id}/rating/re-rating",
            "POST /api/v1/affairs/{id}/seconds",
            "POST /api/v1/categories",
            "POST /api/v1/client-errors",
            "POST /api/v1/comments/{id}/hidings",
            "POST /api/v1/comments/{id}/reports",
            "POST /api/v1/comments/{id}/supports",
            "POST /api/v1/communities/{id}/compounds",
            "POST /api/v1/communities/{id}/departments",
            "POST /api/v1/compounds/{id}/grids",
            "POST /api/v1/compounds/{id}/roster-imports",
            "POST /api/v1/consultations",
            "POST /api/v1/consultations/{id}/action-items/{item}/signups",
            "POST /api/v1/consultations/{id}/attendance",
            "POST /api/v1/consultations/{id}/comments",
            "POST /api/v1/consultations/{id}/pledges",
            "POST /api/v1/consultations/{id}/progress",
            "POST /api/v1/consultations/{id}/registrations",
            "POST /api/v1/consultations/{id}/steps",
            "POST /api/v1/consultations/{id}/supports",
            "POST /api/v1/grids/{id}/buildings",
            "POST /api/v1/help-requests/{id}/acceptances",
            "POST /api/v1/help-requests/{id}/completions",
            "POST /api/v1/help-requests/{id}/declines",
            "POST /api/v1/help-requests/{id}/rating",
            "POST /api/v1/household-requests",
            "POST /api/v1/household-requests/{id}/approvals",
            "POST /api/v1/household-requests/{id}/move-outs",
            "POST /api/v1/household-requests/{id}/rejections",
            "POST /api/v1/invites",
            "POST /api/v1/notice-reads",
            "POST /api/v1/photos",
            "POST /api/v1/pool-applications",
            "POST /api/v1/pool-applications/{id}/approvals",
            "POST /api/v1/pool-applications/{id}/rejections",
            "POST /api/v1/posts",
            "POST /api/v1/posts/{id}/cancellations",
            "POST /api/v1/role-grants",
            "POST /api/v1/role-grants/{id}/revocations",
            "POST /api/v1/service-units",
            "POST /api/v1/sessions",
            "POST /api/v1/sign-in-codes",
            "POST /api/v1/slots/{id}/cancellations",
            "POST /api/v1/slots/{id}/check-ins",
            "POST /api/v1/slots/{id}/check-outs",
            "POST /api/v1/slots/{id}/claims",
            "POST /api/v1/slots/{id}/codes",
            "POST /api/v1/slots/{id}/confirmations",
            "POST /api/v1/streets/{id}/communities",
            "POST /api/v1/streets/{id}/place-imports",
            "POST /api/v1/studios",
            "POST /api/v1/studios/{id}/lead",
            "POST /api/v1/studios/{id}/members",
            "POST /api/v1/unit-ratings/{id}/answers",
            "POST /api/v1/unit-ratings/{id}/re-ratings",
            "PUT /api/v1/affairs/{id}/assignee",
            "PUT /api/v1/buildings/{id}",
            "PUT /api/v1/consultations/{id}/ballot",
            "PUT /api/v1/grids/{id}",
            "PUT /api/v1/me/sms-notices",
            "PUT /api/v1/posts/{id}/details",
            "PUT /api/v1/service-units/{id}",
            "PUT /api/v1/service-units/{id}/ratings/mine",
            "PUT /api/v1/streets/{id}/affair-settings",
        ]
    );
    // Every documented route answers (none is a 404 of the fallback).
    for path in [
        "/api/health",
        "/api/v1/communities",
        "/api/v1/compounds",
        "/api/v1/streets",
    ] {
        let (status, _) = app.get_json(path).await;
        assert_eq!(status, 200, "{path}");
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
}
