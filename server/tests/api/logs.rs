//! The server's logs carry no sign-in codes, session cookies or full phone
//! numbers, whatever the requests.

use crate::common::{TestApp, session_cookie};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// Everything every test in this binary logs, from the moment this test
/// installs the subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture() -> Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .init();
        logs
    })
    .clone()
}

#[tokio::test]
async fn logs_carry_no_codes_cookies_or_numbers() {
    let logs = capture();
    let app = TestApp::with_demo().await;
    let phone = "13800000046";
    app.request_code(phone).await;
    let code = app.last_code(phone).unwrap();
    let response = app
        .client
        .post(app.url("/api/v1/sessions"))
        .json(&json!({"phone": phone, "code": code}))
        .send()
        .await
        .unwrap();
    let token = session_cookie(&response).unwrap();
    app.get_as(&token, "/api/v1/sessions/current").await;
    let invite = "Zq3xInviteTokenNeverLogged";
    app.get_json(&format!("/api/v1/invites/{invite}")).await;
    app.client
        .post(app.url("/api/v1/client-errors"))
        .header("cookie", format!("linli_session={token}"))
        .json(&json!({"kind": "api", "message": "logged on purpose"}))
        .send()
        .await
        .unwrap();

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("logged on purpose"), "the capture works");
    assert!(
        text.contains("138****0046"),
        "the SMS outbox line is logged, masked"
    );
    assert!(!text.contains(phone), "a full number in the logs");
    assert!(!text.contains(&token), "a session cookie in the logs");
    assert!(!text.contains(invite), "an invite link's token in the logs");
    assert!(
        !text.contains(&format!("\"{code}\"")) && !text.contains(&format!("={code}")),
        "a code in the logs"
    );
}
