//! `GET /metrics`: Prometheus text for the bearer of the token, nobody else.

use crate::common::TestApp;

const TOKEN: &str = "a-metrics-token-of-32-characters";

#[tokio::test]
async fn metrics_answer_to_the_token_only_and_count_routes() {
    let app = TestApp::with_env(vec![("LINLI_METRICS_TOKEN", TOKEN.into())]).await;
    assert!(server::demo::load_if_empty(&app.db).await.unwrap());
    for _ in 0..3 {
        app.get_json("/api/v1/compounds?limit=1").await;
    }
    app.request_code("13800000046").await;
    let anonymous = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("a-metrics-token-of-32-characterZ")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    let figures = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(figures.status().as_u16(), 200);
    assert!(
        figures.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = figures.text().await.unwrap();
    // Counters are per process: other tests' requests may add to them.
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("linli_http_requests_total{")
                && l.contains("route=\"/api/v1/compounds\"")
                && l.contains("status=\"200\"")
        })
        .unwrap_or_else(|| panic!("no request count for /api/v1/compounds:\n{text}"));
    let count: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 3.0, "{line}");
    assert!(
        text.contains("linli_http_request_duration_seconds_bucket{"),
        "{text}"
    );
    assert!(
        text.contains("linli_sms_sent_total{template=\"sign_in_code\"}"),
        "{text}"
    );
    assert!(text.contains("linli_sms_queue_depth "), "{text}");
    assert!(text.contains("linli_db_connections "), "{text}");
    assert!(!text.contains("13800000046"), "no number in the figures");
}

#[tokio::test]
async fn without_a_token_there_are_no_metrics() {
    let app = TestApp::empty().await;
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
}
