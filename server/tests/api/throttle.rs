//! The flood guard: state-changing requests per client address a minute.

use crate::common::TestApp;
use serde_json::json;

#[tokio::test]
async fn writes_beyond_the_limit_wait_and_reads_never_do() {
    let app = TestApp::with_env(vec![
        ("LINLI_WRITE_LIMIT_PER_MINUTE", "5".into()),
        ("LINLI_CLIENT_IP_HEADER", "x-real-ip".into()),
    ])
    .await;
    let report = |from: &'static str| {
        let app = &app;
        async move {
            let response = app
                .client
                .post(app.url("/api/v1/client-errors"))
                .header("x-real-ip", from)
                .json(&json!({"kind": "api", "message": "throttle test"}))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let retry = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            (
                status,
                retry,
                response.json::<serde_json::Value>().await.ok(),
            )
        }
    };
    for _ in 0..5 {
        let (status, _, _) = report("203.0.113.7").await;
        assert_ne!(status, 429);
    }
    let (status, retry, body) = report("203.0.113.7").await;
    assert_eq!(status, 429);
    let body = body.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("太频繁")
    );
    let wait: u64 = retry.unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Another address has its own allowance; reading is never limited.
    assert_ne!(report("198.51.100.2").await.0, 429);
    for _ in 0..10 {
        let response = app
            .client
            .get(app.url("/api/health"))
            .header("x-real-ip", "203.0.113.7")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
    }
}
