//! A creating POST retried with the same Idempotency-Key creates nothing new.

use crate::common::TestApp;
use serde_json::{Value, json};

async fn report(app: &TestApp, key: Option<&str>, message: &str) -> (u16, Option<String>, Value) {
    let mut request = app
        .client
        .post(app.url("/api/v1/client-errors"))
        .json(&json!({"kind": "api", "message": message, "page": "/"}));
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let replayed = response
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().expect("ascii").to_owned());
    (status, replayed, response.json().await.expect("json"))
}

#[tokio::test]
async fn a_retry_replays_the_first_answer() {
    let app = TestApp::empty().await;
    let (status, replayed, first) = report(&app, Some("k-1"), "timeout").await;
    assert_eq!((status, replayed), (201, None));
    let (status, replayed, again) = report(&app, Some("k-1"), "timeout").await;
    assert_eq!((status, replayed.as_deref()), (201, Some("true")));
    assert_eq!(again, first);
    assert_eq!(app.count("client_errors").await, 1);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_422() {
    let app = TestApp::empty().await;
    report(&app, Some("k-2"), "one").await;
    let (status, _, body) = report(&app, Some("k-2"), "two").await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "idempotency_key_reused");
    assert_eq!(app.count("client_errors").await, 1);
}

#[tokio::test]
async fn without_a_key_each_post_creates() {
    let app = TestApp::empty().await;
    report(&app, None, "same").await;
    report(&app, None, "same").await;
    assert_eq!(app.count("client_errors").await, 2);
}

#[tokio::test]
async fn a_malformed_key_is_400() {
    let app = TestApp::empty().await;
    let (status, _, body) = report(&app, Some(&"k".repeat(300)), "x").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "invalid_idempotency_key");
    assert_eq!(body["error"]["fields"]["idempotency-key"], "too_long");
    assert_eq!(app.count("client_errors").await, 0);
}

#[tokio::test]
async fn a_failed_first_attempt_can_be_retried_with_the_same_key() {
    let app = TestApp::empty().await;
    let (status, _, _) = report(&app, Some("k-3"), " ").await;
    assert_eq!(status, 422);
    // The key was released: the same key with a corrected body goes through.
    let (status, replayed, _) = report(&app, Some("k-3"), "fixed").await;
    assert_eq!((status, replayed), (201, None));
    assert_eq!(app.count("client_errors").await, 1);
}

#[tokio::test]
async fn a_double_tap_files_once() {
    let app = TestApp::empty().await;
    let taps = (0..6).map(|_| report(&app, Some("k-4"), "double tap"));
    let answers = futures_util::future::join_all(taps).await;
    for (status, _, body) in &answers {
        // Each tap either created, replayed, or was told the first is running.
        assert!(
            *status == 201
                || (*status == 409 && body["error"]["code"] == "idempotency_key_in_progress"),
            "{status} {body}"
        );
    }
    assert!(answers.iter().any(|(status, _, _)| *status == 201));
    assert_eq!(app.count("client_errors").await, 1);
}
