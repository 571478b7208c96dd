//! The crash test: residents file affairs with an `Idempotency-Key` while
//! the real server binary is killed with SIGKILL at moments of its load and
//! started again; each submission whose answer was lost is sent again with
//! its key once the dead request's key may be taken over. Afterwards every
//! acknowledged affair is there, no submission is there twice, and SQLite's
//! `PRAGMA integrity_check` says `ok`.
//!
//! Ignored by a plain `cargo test` (it kills and restarts a server for about
//! half a minute); `scripts/test.sh` runs it with
//! `cargo test -p server --test crash -- --ignored --nocapture`, which
//! prints its figures.

#![allow(clippy::unwrap_used, missing_docs)]

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const ROUNDS: usize = 5;
const RESIDENTS: usize = 8;
/// The server's request time-out: a dead request's key is taken over after
/// twice that.
const REQUEST_TIMEOUT_SECS: u64 = 1;

struct Server {
    child: Child,
    base: String,
}

fn start(data: &std::path::Path, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_linli-server"))
        .env_clear()
        .env("LINLI_DATA_DIR", data)
        .env("LINLI_ADDR", format!("127.0.0.1:{port}"))
        .env("LINLI_DEMO_DATA", "1")
        .env("LINLI_DIST_DIR", data.join("no-dist"))
        .env(
            "LINLI_REQUEST_TIMEOUT_SECS",
            REQUEST_TIMEOUT_SECS.to_string(),
        )
        .env("RUST_LOG", "error")
        .env("LINLI_WRITE_LIMIT_PER_MINUTE", "1000000")
        .spawn()
        .expect("the server binary starts");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn wait_healthy(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("{base}/api/health")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not come up");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A pseudo-random number below `n` from the clock (no dependency needed
/// for "some moment between").
fn jitter(n: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    u64::from(nanos) % n
}

async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    outbox: &std::path::Path,
    phone: &str,
) -> String {
    let sent = client
        .post(format!("{base}/api/v1/sign-in-codes"))
        .json(&json!({ "phone": phone }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status().as_u16(), 202);
    let text = std::fs::read_to_string(outbox).unwrap();
    let code = text
        .lines()
        .rev()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|m| m["phone"] == phone && m["code"].is_string())
        .and_then(|m| m["code"].as_str().map(str::to_owned))
        .unwrap();
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

/// What one submission came to.
enum Sent {
    /// 201: the affair's id, and whether the answer was a replay.
    Filed(i64, bool),
    /// No answer (the server died), or "try again": 409 in progress, 408
    /// (the server gave up on a request that waited longer than its
    /// timeout; what it did not commit is rolled back), 503.
    Lost,
}

async fn file(client: &reqwest::Client, base: &str, token: &str, body: &Value, key: &str) -> Sent {
    let response = client
        .post(format!("{base}/api/v1/affairs"))
        .header("cookie", format!("linli_session={token}"))
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await;
    let Ok(response) = response else {
        return Sent::Lost;
    };
    let status = response.status().as_u16();
    let replayed = response.headers().contains_key("idempotent-replayed");
    let Ok(answer) = response.json::<Value>().await else {
        return Sent::Lost;
    };
    match status {
        201 => Sent::Filed(answer["id"].as_i64().unwrap(), replayed),
        409 if answer["error"]["code"] == "idempotency_key_in_progress" => Sent::Lost,
        408 | 503 => Sent::Lost,
        other => panic!("{key}: {other} {answer}"),
    }
}

#[tokio::test]
#[ignore = "kills and restarts the server binary; scripts/test.sh runs it"]
async fn keyed_filings_survive_sigkill_without_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("sms-outbox.jsonl");
    let port = free_port();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut server = start(dir.path(), port);
    wait_healthy(&client, &server.base).await;
    let base = server.base.clone();
    let compounds: Value = client
        .get(format!("{base}/api/v1/compounds?limit=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let compound = compounds["items"][0]["id"].as_i64().unwrap();
    let categories: Value = client
        .get(format!("{base}/api/v1/categories?street_id=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let category = categories["items"][0]["id"].as_i64().unwrap();
    let mut tokens = Vec::new();
    for r in 0..RESIDENTS {
        tokens.push(sign_in(&client, &base, &outbox, &format!("1391234{:04}", 5000 + r)).await);
    }
    let body = |key: &str| {
        json!({"compound_id": compound, "category_id": category, "title": key,
               "description": "崩溃测试：同一把钥匙只能登记一次", "common_area": "北门"})
    };

    let mut acknowledged: BTreeMap<String, i64> = BTreeMap::new();
    let mut sent_keys: BTreeSet<String> = BTreeSet::new();
    let (mut requests, mut lost, mut replays) = (0usize, 0usize, 0usize);
    for round in 0..ROUNDS {
        // Each resident files one affair after another until the kill.
        let stop_at = Instant::now() + Duration::from_millis(300 + jitter(900));
        let load = tokens.iter().enumerate().map(|(r, token)| {
            let (client, base, body) = (&client, &base, &body);
            async move {
                let mut outcomes = Vec::new();
                let mut n = 0;
                while Instant::now() < stop_at + Duration::from_secs(2) {
                    let key = format!("crash-{round}-{r}-{n}");
                    n += 1;
                    let sent = file(client, base, token, &body(&key), &key).await;
                    let lost = matches!(sent, Sent::Lost);
                    outcomes.push((key, sent));
                    if lost {
                        break;
                    }
                }
                outcomes
            }
        });
        let killer = async {
            tokio::time::sleep_until(stop_at.into()).await;
            server.child.kill().unwrap();
            server.child.wait().unwrap();
        };
        let (outcomes, ()) = tokio::join!(futures_util::future::join_all(load), killer);
        server = start(dir.path(), port);
        wait_healthy(&client, &base).await;
        let mut pending = Vec::new();
        for (r, outcomes) in outcomes.into_iter().enumerate() {
            for (key, sent) in outcomes {
                requests += 1;
                sent_keys.insert(key.clone());
                match sent {
                    Sent::Filed(id, _) => {
                        assert!(acknowledged.insert(key, id).is_none());
                    }
                    Sent::Lost => {
                        lost += 1;
                        pending.push((r, key));
                    }
                }
            }
        }
        // Past the takeover delay, each lost submission is sent again.
        tokio::time::sleep(Duration::from_millis(REQUEST_TIMEOUT_SECS * 2000 + 500)).await;
        for (r, key) in pending {
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                requests += 1;
                match file(&client, &base, &tokens[r], &body(&key), &key).await {
                    Sent::Filed(id, replayed) => {
                        replays += usize::from(replayed);
                        assert!(acknowledged.insert(key.clone(), id).is_none());
                        break;
                    }
                    Sent::Lost => {
                        assert!(Instant::now() < deadline, "{key} never answered");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            }
        }
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    let url = format!("sqlite://{}", dir.path().join("linli.db").display());
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(&url).await.unwrap();
    let stored: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, title FROM affairs WHERE title LIKE 'crash-%'")
            .fetch_all(&db)
            .await
            .unwrap();
    let mut by_key: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (id, title) in stored {
        by_key.entry(title).or_default().push(id);
    }
    let twice: Vec<_> = by_key.iter().filter(|(_, ids)| ids.len() > 1).collect();
    assert!(twice.is_empty(), "filed twice: {twice:?}");
    for (key, id) in &acknowledged {
        assert_eq!(
            by_key.get(key),
            Some(&vec![*id]),
            "{key} acknowledged as {id}"
        );
    }
    assert_eq!(
        acknowledged.len(),
        sent_keys.len(),
        "every submission ends filed"
    );
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    println!(
        "crash test: {ROUNDS} SIGKILLs under {RESIDENTS} residents filing; {requests} requests, \
         {} affairs acknowledged, {lost} answers lost and sent again ({replays} of them answered \
         from a settled key); 0 filed twice, 0 missing; integrity_check ok",
        acknowledged.len()
    );
}
