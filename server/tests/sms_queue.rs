//! The notice queue survives SIGKILL: the real server binary sends through
//! a provider's stand-in (`common/sms_stub.rs`) that is refusing with its
//! rate limit; role invitations are queued and tried; the server is
//! killed with SIGKILL and started again on the same data; the provider
//! now takes messages. Each invitation then reaches the provider exactly
//! once.

#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/sms_stub.rs"]
mod sms_stub;

use serde_json::{Value, json};
use sms_stub::{Answer, INVITE_TEMPLATE, Stub};
use std::collections::BTreeMap;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const INVITED: usize = 6;

fn start(data: &std::path::Path, port: u16, stub: &Stub) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_linli-server"));
    // Nothing from the developer's shell reaches the server under test.
    command
        .env_clear()
        .env("LINLI_DATA_DIR", data)
        .env("LINLI_ADDR", format!("127.0.0.1:{port}"))
        .env("LINLI_DEMO_DATA", "1")
        .env("LINLI_DIST_DIR", data.join("no-dist"))
        .env("LINLI_SMS_RETRY_SECS", "1")
        .env("LINLI_SMS_QUIET_HOURS", "off")
        .env("RUST_LOG", "error");
    for (name, value) in stub.env("tencent") {
        command.env(name, value);
    }
    command.spawn().expect("the server binary starts")
}

async fn wait_for(what: &str, timeout: Duration, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn sign_in(client: &reqwest::Client, base: &str, stub: &Stub, phone: &str) -> String {
    let sent = client
        .post(format!("{base}/api/v1/sign-in-codes"))
        .json(&json!({ "phone": phone }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status().as_u16(), 202);
    let code = stub.last_code(phone).unwrap();
    let session = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({ "phone": phone, "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(session.status().as_u16(), 201);
    session
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("linli_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned()
}

/// Invitations the provider has answered, by Linli's reference.
fn invitations(stub: &Stub, answer: Answer) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for r in stub.received() {
        assert_eq!(r.problem, None, "every request is signed as documented");
        if r.template == INVITE_TEMPLATE && r.answer == answer {
            *seen.entry(r.reference.unwrap()).or_insert(0) += 1;
        }
    }
    seen
}

#[tokio::test]
async fn queued_notices_are_sent_once_after_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let stub = Stub::start().await;
    stub.answer(INVITE_TEMPLATE, Answer::Throttle);
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut server = start(dir.path(), port, &stub);
    let health = format!("{base}/api/health");
    wait_for("the server", Duration::from_secs(60), async || {
        client
            .get(&health)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    })
    .await;

    let admin = sign_in(&client, &base, &stub, "13800000001").await;
    let compounds: Value = client
        .get(format!("{base}/api/v1/compounds?limit=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let compound = compounds["items"][0]["id"].as_i64().unwrap();
    for n in 0..INVITED {
        let granted = client
            .post(format!("{base}/api/v1/role-grants"))
            .header("cookie", format!("linli_session={admin}"))
            .json(&json!({
                "phone": format!("139000000{n:02}"), "role": "station_member",
                "place_id": compound, "position": "member", "reason": "居民推选",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(granted.status().as_u16(), 201);
    }
    // Every invitation has been tried and refused (throttled) at least once.
    wait_for("the first tries", Duration::from_secs(30), async || {
        invitations(&stub, Answer::Throttle).len() == INVITED
    })
    .await;
    server.kill().unwrap();
    server.wait().unwrap();

    stub.answer(INVITE_TEMPLATE, Answer::Ok);
    let mut server = start(dir.path(), port, &stub);
    // A message claimed at the moment of the kill waits out its claim (120 s).
    wait_for("every invitation", Duration::from_secs(150), async || {
        invitations(&stub, Answer::Ok).len() == INVITED
    })
    .await;
    // Long past every retry wait: nothing is sent a second time.
    tokio::time::sleep(Duration::from_secs(5)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    let sent = invitations(&stub, Answer::Ok);
    assert_eq!(sent.len(), INVITED);
    assert!(sent.values().all(|n| *n == 1), "sent twice: {sent:?}");
    let phones: std::collections::BTreeSet<String> = stub
        .received()
        .into_iter()
        .filter(|r| r.template == INVITE_TEMPLATE && r.answer == Answer::Ok)
        .map(|r| r.phone)
        .collect();
    assert_eq!(phones.len(), INVITED, "each invited number once");
}
