//! Signing in with a phone number and a one-time code; sessions.

use crate::common::{TestApp, session_cookie};
use serde_json::{Value, json};

/// 陈建国, the demo street's administrator.
const ADMIN: &str = "13800000001";

async fn post_session(
    app: &TestApp,
    phone: &str,
    code: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/sessions"))
        .json(&json!({ "phone": phone, "code": code }));
    if let Some(token) = cookie {
        request = request.header("cookie", format!("linli_session={token}"));
    }
    request.send().await.expect("request")
}

async fn is_signed_in(app: &TestApp, token: &str) -> bool {
    let (status, body) = app.get_as(token, "/api/v1/sessions/current").await;
    assert_eq!(status, 200);
    !body["person"].is_null()
}

async fn age(app: &TestApp, sql: &'static str, by_ms: i64) {
    sqlx::query(sql)
        .bind(by_ms)
        .execute(&app.db.pool)
        .await
        .expect("age rows");
}

#[tokio::test]
async fn a_code_signs_in_and_the_session_knows_the_person() {
    let app = TestApp::with_demo().await;
    let (status, body) = app.request_code(ADMIN).await;
    assert_eq!(status, 202);
    assert_eq!(
        body,
        json!({"resend_after_secs": 60, "expires_in_secs": 300})
    );
    let code = app.last_code(ADMIN).expect("code in the outbox");
    assert_eq!(code.len(), 6);

    let response = post_session(&app, ADMIN, &code, None).await;
    assert_eq!(response.status().as_u16(), 201);
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(
        !set_cookie.contains("Secure"),
        "plain HTTP here: {set_cookie}"
    );
    let token = session_cookie(&response).unwrap();
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["name"], "陈建国");
    assert_eq!(me["phone"], ADMIN);
    assert_eq!(
        me["roles"],
        json!([{"role": "street_admin", "place_id": 1, "place_name": "宁安街道", "position": null, "department": null}])
    );

    let (_, current) = app.get_as(&token, "/api/v1/sessions/current").await;
    assert_eq!(current["person"]["id"], me["id"]);
    let (status, anonymous) = app.get_json("/api/v1/sessions/current").await;
    assert_eq!((status, anonymous), (200, json!({"person": null})));
}

#[tokio::test]
async fn only_a_digest_of_the_code_is_stored() {
    let app = TestApp::with_demo().await;
    app.request_code(ADMIN).await;
    let code = app.last_code(ADMIN).unwrap();
    let (digest, salt): (String, String) =
        sqlx::query_as("SELECT code_digest, salt FROM sign_in_codes")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(digest.len(), 64);
    assert!(!digest.contains(&code) && !salt.contains(&code));
}

#[tokio::test]
async fn a_code_signs_in_once() {
    let app = TestApp::with_demo().await;
    app.request_code(ADMIN).await;
    let code = app.last_code(ADMIN).unwrap();
    assert_eq!(
        post_session(&app, ADMIN, &code, None)
            .await
            .status()
            .as_u16(),
        201
    );
    let again = post_session(&app, ADMIN, &code, None).await;
    assert_eq!(again.status().as_u16(), 422);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_code");
}

#[tokio::test]
async fn five_wrong_guesses_spend_the_code() {
    let app = TestApp::with_demo().await;
    app.request_code(ADMIN).await;
    let code = app.last_code(ADMIN).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let response = post_session(&app, ADMIN, wrong, None).await;
        assert_eq!(response.status().as_u16(), 422);
    }
    let response = post_session(&app, ADMIN, &code, None).await;
    assert_eq!(
        response.status().as_u16(),
        422,
        "the right code after five wrong ones"
    );
}

#[tokio::test]
async fn an_expired_code_is_refused_like_a_wrong_one() {
    let app = TestApp::with_demo().await;
    app.request_code(ADMIN).await;
    let code = app.last_code(ADMIN).unwrap();
    age(
        &app,
        "UPDATE sign_in_codes SET expires_at = expires_at - $1",
        5 * 60 * 1000,
    )
    .await;
    let response = post_session(&app, ADMIN, &code, None).await;
    assert_eq!(response.status().as_u16(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_code");
    assert_eq!(
        body["error"]["message"],
        "验证码不对或已过期，请核对短信，或重新获取验证码"
    );
}

#[tokio::test]
async fn an_unknown_number_gets_the_same_answer_and_a_new_account() {
    let app = TestApp::with_demo().await;
    let known = app.request_code(ADMIN).await;
    let unknown = app.request_code("139 1234 5678").await;
    assert_eq!(known, unknown);
    let token = app.sign_in_with_sent_code("13912345678").await;
    let (_, current) = app.get_as(&token, "/api/v1/sessions/current").await;
    assert_eq!(current["person"]["name"], "居民5678");
    assert_eq!(current["person"]["roles"], json!([]));
}

#[tokio::test]
async fn numbers_and_codes_of_the_wrong_form_are_named() {
    let app = TestApp::with_demo().await;
    let (status, body) = app.request_code("12345").await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"], json!({"phone": "invalid"}));
    let response = post_session(&app, "12345", "12", None).await;
    assert_eq!(response.status().as_u16(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"],
        json!({"phone": "invalid", "code": "invalid"})
    );
    assert_eq!(app.count("sign_in_codes").await, 0);
}

#[tokio::test]
async fn a_number_gets_one_code_a_minute_and_five_an_hour() {
    let app = TestApp::with_demo().await;
    assert_eq!(app.request_code(ADMIN).await.0, 202);
    let response = app
        .client
        .post(app.url("/api/v1/sign-in-codes"))
        .json(&json!({ "phone": ADMIN }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");

    for _ in 0..4 {
        age(
            &app,
            "UPDATE sign_in_codes SET created_at = created_at - $1",
            61 * 1000,
        )
        .await;
        assert_eq!(app.request_code(ADMIN).await.0, 202);
    }
    age(
        &app,
        "UPDATE sign_in_codes SET created_at = created_at - $1",
        61 * 1000,
    )
    .await;
    assert_eq!(
        app.request_code(ADMIN).await.0,
        429,
        "the sixth code within the hour"
    );
    assert_eq!(app.count("sign_in_codes").await, 5);
}

#[tokio::test]
async fn one_address_cannot_text_every_number() {
    let app = TestApp::with_demo().await;
    for n in 0..30 {
        assert_eq!(app.request_code(&format!("1390000{n:04}")).await.0, 202);
    }
    assert_eq!(app.request_code("13911112222").await.0, 429);
    // A street behind one carrier address sets its own figure.
    let app =
        TestApp::with_demo_env(vec![("LINLI_SIGN_IN_CODES_PER_CLIENT_HOUR", "3".into())]).await;
    for n in 0..3 {
        assert_eq!(app.request_code(&format!("1390000{n:04}")).await.0, 202);
    }
    assert_eq!(app.request_code("13911112222").await.0, 429);
}

#[tokio::test]
async fn signing_in_again_replaces_the_browsers_session() {
    let app = TestApp::with_demo().await;
    let first = app.sign_in(ADMIN).await;
    age(
        &app,
        "UPDATE sign_in_codes SET created_at = created_at - $1",
        61 * 1000,
    )
    .await;
    app.request_code(ADMIN).await;
    let code = app.last_code(ADMIN).unwrap();
    let response = post_session(&app, ADMIN, &code, Some(&first)).await;
    let second = session_cookie(&response).unwrap();
    assert_ne!(first, second);
    assert!(
        !is_signed_in(&app, &first).await,
        "the old session id still works"
    );
    assert!(is_signed_in(&app, &second).await);
}

#[tokio::test]
async fn sessions_end_when_idle_or_old() {
    let app = TestApp::with_demo().await;
    let token = app.sign_in(ADMIN).await;
    assert!(is_signed_in(&app, &token).await);
    age(
        &app,
        "UPDATE sessions SET last_seen_at = last_seen_at - $1",
        31 * 24 * 3600 * 1000,
    )
    .await;
    assert!(!is_signed_in(&app, &token).await, "idle for 31 days");

    let token = app.sign_in_with_sent_code("13912345678").await;
    age(
        &app,
        "UPDATE sessions SET expires_at = expires_at - $1",
        181 * 24 * 3600 * 1000,
    )
    .await;
    assert!(!is_signed_in(&app, &token).await, "past the absolute end");
}

#[tokio::test]
async fn signing_out_ends_this_session_or_all_of_them() {
    let app = TestApp::with_demo().await;
    let phone_a = app.sign_in(ADMIN).await;
    age(
        &app,
        "UPDATE sign_in_codes SET created_at = created_at - $1",
        61 * 1000,
    )
    .await;
    let laptop = app.sign_in(ADMIN).await;

    let response = app
        .client
        .delete(app.url("/api/v1/sessions/current"))
        .header("cookie", format!("linli_session={phone_a}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(session_cookie(&response).as_deref(), Some(""));
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(!is_signed_in(&app, &phone_a).await);
    assert!(is_signed_in(&app, &laptop).await);

    age(
        &app,
        "UPDATE sign_in_codes SET created_at = created_at - $1",
        61 * 1000,
    )
    .await;
    let phone_b = app.sign_in(ADMIN).await;
    let response = app
        .client
        .delete(app.url("/api/v1/sessions"))
        .header("cookie", format!("linli_session={phone_b}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert!(!is_signed_in(&app, &phone_b).await);
    assert!(!is_signed_in(&app, &laptop).await, "sign out everywhere");

    let anonymous = app
        .client
        .delete(app.url("/api/v1/sessions"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
}

#[tokio::test]
async fn a_sign_in_from_another_site_is_refused() {
    let app = TestApp::with_demo().await;
    let response = app
        .client
        .post(app.url("/api/v1/sign-in-codes"))
        .header("origin", "https://evil.example")
        .json(&json!({ "phone": ADMIN }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(app.count("sign_in_codes").await, 0);
}

#[tokio::test]
async fn idempotency_keys_belong_to_the_person() {
    let app = TestApp::with_demo().await;
    let admin = app.sign_in(ADMIN).await;
    let other = app.sign_in_with_sent_code("13912345678").await;
    for token in [&admin, &other] {
        let response = app
            .client
            .post(app.url("/api/v1/client-errors"))
            .header("cookie", format!("linli_session={token}"))
            .header("idempotency-key", "same-key")
            .json(&json!({"kind": "api", "message": "same body"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
        assert!(response.headers().get("idempotent-replayed").is_none());
    }
    assert_eq!(app.count("client_errors").await, 2);
}

#[tokio::test]
async fn twenty_guesses_at_once_are_five_guesses() {
    let app = TestApp::with_demo().await;
    app.request_code(ADMIN).await;
    let code = app.last_code(ADMIN).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut guesses: Vec<&str> = vec![wrong; 19];
    // The right code last in the batch: by then every attempt is spent.
    guesses.push(&code);
    let statuses: Vec<u16> = futures_util::future::join_all(guesses.iter().map(|guess| async {
        post_session(&app, ADMIN, guess, None)
            .await
            .status()
            .as_u16()
    }))
    .await;
    assert!(
        statuses.iter().all(|s| [201, 422].contains(s)),
        "{statuses:?}"
    );
    let attempts: i64 = sqlx::query_scalar("SELECT MAX(attempts) FROM sign_in_codes")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(attempts <= 5, "attempts counted past the limit: {attempts}");
    let signed_in = statuses.iter().filter(|s| **s == 201).count();
    assert!(signed_in <= 1, "{statuses:?}");
    if signed_in == 0 {
        let response = post_session(&app, ADMIN, &code, None).await;
        assert_eq!(response.status().as_u16(), 422, "no guess left");
    }
}

#[tokio::test]
async fn only_the_newest_code_signs_in_and_signing_in_spends_them_all() {
    let app = TestApp::with_demo().await;
    app.request_code(ADMIN).await;
    let older = app.last_code(ADMIN).unwrap();
    // A minute later the resident asks again.
    age(
        &app,
        "UPDATE sign_in_codes SET created_at = created_at - $1",
        61 * 1000,
    )
    .await;
    app.request_code(ADMIN).await;
    let newer = app.last_code(ADMIN).unwrap();
    if older != newer {
        let response = post_session(&app, ADMIN, &older, None).await;
        assert_eq!(response.status().as_u16(), 422, "an older code");
    }
    let response = post_session(&app, ADMIN, &newer, None).await;
    assert_eq!(response.status().as_u16(), 201);
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_codes WHERE used_at IS NULL")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(live, 0, "signing in spends every code of the number");
    let response = post_session(&app, ADMIN, &older, None).await;
    assert_eq!(response.status().as_u16(), 422, "nor an older one after");
}

#[tokio::test]
async fn codes_asked_for_at_once_are_counted_once_each() {
    let app = TestApp::with_demo().await;
    let statuses: Vec<u16> =
        futures_util::future::join_all((0..16).map(|_| app.request_code(ADMIN)))
            .await
            .into_iter()
            .map(|(status, _)| status)
            .collect();
    assert!(
        statuses.iter().all(|s| [202, 429].contains(s)),
        "{statuses:?}"
    );
    assert_eq!(
        app.count("sign_in_codes").await,
        1,
        "one code a minute per number, however many ask at once: {statuses:?}"
    );
}

/// A copy of the database does not give the codes: what is stored is
/// keyed by the server's secret (not a salted hash, which six digits
/// would give up in a million tries), and a copy of it matches no guess.
#[tokio::test]
async fn stored_sign_in_codes_cannot_be_guessed_from_the_database() {
    use sha2::Digest;
    let app = TestApp::with_demo().await;
    assert_eq!(app.request_code(ADMIN).await.0, 202);
    let code = app.last_code(ADMIN).unwrap();
    let (salt, stored): (String, String) =
        sqlx::query_as("SELECT salt, code_digest FROM sign_in_codes WHERE phone = $1")
            .bind(ADMIN)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(salt, "", "no salt beside the digest");
    assert!(!stored.contains(&code));
    let unkeyed = |parts: &[&str]| -> String {
        let mut hasher = sha2::Sha256::new();
        for part in parts {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    for guess in [
        unkeyed(&[ADMIN, &code]),
        unkeyed(&[&code]),
        unkeyed(&["", ADMIN, &code]),
    ] {
        assert_ne!(guess, stored);
    }
    // The code itself still signs in.
    let signed_in = app
        .client
        .post(app.url("/api/v1/sessions"))
        .json(&serde_json::json!({"phone": ADMIN, "code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status().as_u16(), 201);
}
