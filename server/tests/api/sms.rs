//! Text messages through a provider's stand-in: sign-in codes, and the
//! notice queue's rules (quiet hours, the daily limit and its digest,
//! retries) with a clock the test chooses.

use crate::common::TestApp;
use crate::common::sms_stub::{Answer, CODE_TEMPLATE, INVITE_TEMPLATE, Stub};
use serde_json::{Value, json};
use server::deliveries::{self, MAX_ATTEMPTS, Outgoing};
use server::sms::Template;

/// 2026-12-03 00:00 China time, in Unix ms.
const MIDNIGHT: i64 = 1_796_227_200_000;
const HOUR: i64 = 3600 * 1000;

async fn with_demo(env: Vec<(&'static str, String)>) -> TestApp {
    let app = TestApp::with_env(env).await;
    assert!(server::demo::load_if_empty(&app.db).await.unwrap());
    app
}

async fn person(app: &TestApp, phone: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM people WHERE phone = $1")
        .bind(phone.to_owned())
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn queue(app: &TestApp, person: i64, urgent: bool, now: i64) {
    let notice = Outgoing {
        person,
        template: Template::RoleInvitation,
        params: vec!["海景花园第一网格".into(), "网格员".into()],
        urgent,
    };
    let mut tx = app.db.begin_write().await.unwrap();
    deliveries::enqueue(
        &mut tx,
        app.db.engine,
        &*app.sms,
        &app.sms_config,
        &notice,
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn post_json(app: &TestApp, path: &str, body: Value) -> (u16, Option<String>, Value) {
    let response = app
        .client
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry, response.json().await.unwrap())
}

#[tokio::test]
async fn codes_go_through_the_provider_and_a_code_not_sent_says_so() {
    let stub = Stub::start().await;
    let app = with_demo(stub.env("tencent")).await;
    let phone = "13800000046";
    let (status, _, _) = post_json(&app, "/api/v1/sign-in-codes", json!({ "phone": phone })).await;
    assert_eq!(status, 202);
    let code = stub.last_code(phone).expect("the provider got the code");
    assert!(
        std::fs::read_to_string(&app.outbox).is_err(),
        "nothing goes to the outbox when a provider is configured"
    );
    let (status, _, body) = post_json(
        &app,
        "/api/v1/sessions",
        json!({ "phone": phone, "code": code }),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // The provider's limit for this number: the person is told to wait.
    stub.answer(CODE_TEMPLATE, Answer::Throttle);
    let (status, retry, body) = post_json(
        &app,
        "/api/v1/sign-in-codes",
        json!({ "phone": "13800000002" }),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (429, Some("rate_limited"))
    );
    assert_eq!(retry.as_deref(), Some("60"));

    // The provider failing: no pretending the code is on its way.
    stub.answer(CODE_TEMPLATE, Answer::Fail);
    let other = "13800000003";
    let (status, retry, body) =
        post_json(&app, "/api/v1/sign-in-codes", json!({ "phone": other })).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("code_not_sent")),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("没能发出"),
        "{body}"
    );
    assert_eq!(retry.as_deref(), Some("60"));
    let failed = stub.received().pop().unwrap();
    let unsent = failed.params[0].as_str().unwrap().to_owned();
    let (status, _, _) = post_json(
        &app,
        "/api/v1/sessions",
        json!({ "phone": other, "code": unsent }),
    )
    .await;
    assert_eq!(
        status, 422,
        "a code that was never delivered signs nobody in"
    );
}

#[tokio::test]
async fn notices_wait_out_quiet_hours_and_fold_past_the_daily_limit() {
    let app = with_demo(vec![("LINLI_SMS_QUIET_HOURS", "21-8".into())]).await;
    let who = person(&app, "13800000046").await;
    let night = MIDNIGHT + 22 * HOUR;
    for _ in 0..5 {
        queue(&app, who, false, night).await;
    }
    queue(&app, who, true, night).await;

    assert_eq!(
        app.deliver_sms_at(night + 60_000).await.sent,
        1,
        "only the urgent one"
    );
    let morning = MIDNIGHT + 32 * HOUR;
    assert_eq!(
        app.deliver_sms_at(morning - 60_000).await.sent,
        0,
        "quiet until 08:00"
    );
    // Three single messages, and the other two in one digest.
    assert_eq!(app.deliver_sms_at(morning).await.sent, 4);
    let lines: Vec<Value> = std::fs::read_to_string(&app.outbox)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    let digest = lines
        .iter()
        .find(|l| l["template"] == "notice_digest")
        .expect("a digest");
    assert_eq!(digest["params"], json!({ "count": "2" }));

    // The day's singles are spent: a later notice starts a new digest,
    // an hour on.
    queue(&app, who, false, morning + HOUR).await;
    assert_eq!(app.deliver_sms_at(morning + HOUR + 60_000).await.sent, 0);
    assert_eq!(app.deliver_sms_at(morning + 2 * HOUR).await.sent, 1);
    // The next China day has room again.
    queue(&app, who, false, morning + 24 * HOUR).await;
    assert_eq!(app.deliver_sms_at(morning + 24 * HOUR).await.sent, 1);
    assert_eq!(
        app.deliver_sms_at(morning + 48 * HOUR).await,
        deliveries::Pass::default()
    );
}

#[tokio::test]
async fn a_throttled_notice_is_tried_again_later_then_given_up() {
    let stub = Stub::start().await;
    let app = with_demo(stub.env("aliyun")).await;
    let who = person(&app, "13800000046").await;
    let t = MIDNIGHT + 10 * HOUR;
    queue(&app, who, false, t).await;
    stub.answer(INVITE_TEMPLATE, Answer::Throttle);
    assert_eq!(app.deliver_sms_at(t).await.retried, 1);
    assert_eq!(
        app.deliver_sms_at(t + 10_000).await,
        deliveries::Pass::default(),
        "not again before the first wait (30 s) is over"
    );
    stub.answer(INVITE_TEMPLATE, Answer::Ok);
    assert_eq!(app.deliver_sms_at(t + 31_000).await.sent, 1);
    assert_eq!(
        app.deliver_sms_at(t + 10 * HOUR).await,
        deliveries::Pass::default()
    );
    let tries: Vec<_> = stub
        .received()
        .into_iter()
        .filter(|r| r.template == INVITE_TEMPLATE)
        .collect();
    assert_eq!(tries.len(), 2);
    assert!(tries.iter().all(|r| r.problem.is_none()));
    let id: i64 = sqlx::query_scalar("SELECT id FROM sms_deliveries WHERE sent_at IS NOT NULL")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        tries[1].reference,
        Some(id.to_string()),
        "the queue's id goes as OutId"
    );

    // A provider that keeps refusing: given up after the last try.
    queue(&app, who, false, t).await;
    stub.answer(INVITE_TEMPLATE, Answer::Fail);
    let mut now = t;
    let mut given_up = 0;
    for _ in 0..MAX_ATTEMPTS {
        now += 7 * HOUR;
        given_up += app.deliver_sms_at(now).await.given_up;
    }
    assert_eq!(given_up, 1);
    let (attempts, error): (i64, Option<String>) = sqlx::query_as(
        "SELECT attempts, last_error FROM sms_deliveries WHERE gave_up_at IS NOT NULL",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(attempts, MAX_ATTEMPTS);
    assert!(error.unwrap().contains("503"));
}

/// The outbox's messages for `phone`: (template, params).
fn texts(app: &TestApp, phone: &str) -> Vec<(String, Value)> {
    std::fs::read_to_string(&app.outbox)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|m| m["phone"] == phone && m["code"].is_null())
        .map(|m| {
            (
                m["template"].as_str().unwrap().to_owned(),
                m["params"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn affair_steps_reach_phones_as_each_person_chose() {
    let app = TestApp::with_demo().await;
    let (resident_phone, head_phone) = ("13800000044", "13800000002");
    let resident = app.sign_in(resident_phone).await;
    let head = app.sign_in(head_phone).await;
    let kinds = |settings: &Value| -> Vec<(String, bool)> {
        settings["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["kind"].as_str().unwrap().to_owned(),
                    i["enabled"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let (status, mine) = app.get_as(&resident, "/api/v1/me/sms-notices").await;
    assert_eq!(status, 200);
    assert_eq!(
        kinds(&mine),
        [
            ("affair_resolved".to_owned(), true),
            ("affair_moved".to_owned(), false),
            ("slot_reminder".to_owned(), true),
            ("voting_open".to_owned(), true),
        ],
        "a resident is not offered a handler's queue"
    );
    let (_, heads) = app.get_as(&head, "/api/v1/me/sms-notices").await;
    assert!(kinds(&heads).contains(&("queue_new".to_owned(), true)));
    assert!(kinds(&heads).contains(&("affair_overdue".to_owned(), true)));
    let (status, mine) = app
        .send_as(
            &resident,
            reqwest::Method::PUT,
            "/api/v1/me/sms-notices",
            Some(json!({"kind": "affair_moved", "enabled": true})),
        )
        .await;
    assert_eq!(status, 200, "{mine}");
    assert!(kinds(&mine).contains(&("affair_moved".to_owned(), true)));
    let (status, refused) = app
        .send_as(
            &resident,
            reqwest::Method::PUT,
            "/api/v1/me/sms-notices",
            Some(json!({"kind": "everything", "enabled": true})),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    // A kind that exists but is not offered to a resident is refused too,
    // and nothing is saved for it.
    let (status, refused) = app
        .send_as(
            &resident,
            reqwest::Method::PUT,
            "/api/v1/me/sms-notices",
            Some(json!({"kind": "queue_new", "enabled": false})),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["fields"]["kind"], "invalid", "{refused}");
    let saved: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sms_notice_choices WHERE kind = 'queue_new'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(saved, 0);

    let (_, list) = app.get_json("/api/v1/compounds?limit=1").await;
    let compound = list["items"][0]["id"].as_i64().unwrap();
    let (_, categories) = app.get_json("/api/v1/categories?street_id=1").await;
    let category = categories["items"][0]["id"].as_i64().unwrap();
    let title = "三号楼二单元的楼道灯晚上一直不亮，老人看不见台阶";
    let (status, affair) = app
        .post_as(
            &resident,
            "/api/v1/affairs",
            json!({"compound_id": compound, "category_id": category, "title": title,
                   "description": "楼道里的灯晚上不亮", "common_area": "三号楼楼道"}),
        )
        .await;
    assert_eq!(status, 201, "{affair}");
    let id = affair["id"].as_i64().unwrap();
    assert!(app.relay_sms().await > 0);
    assert_eq!(app.relay_sms().await, 0, "each notice is considered once");
    app.deliver_sms().await;
    let to_head = texts(&app, head_phone);
    assert_eq!(to_head.len(), 1, "{to_head:?}");
    assert_eq!(to_head[0].0, "queue_new");
    assert_eq!(to_head[0].1["title"], "三号楼二单元的楼道灯晚上一直不亮…");
    assert_eq!(to_head[0].1["id"], id.to_string());
    assert!(
        texts(&app, resident_phone).is_empty(),
        "no text for one's own act"
    );

    for act in [
        json!({"act": "accept"}),
        json!({"act": "resolve", "note": "换了灯泡"}),
    ] {
        let (status, body) = app
            .post_as(&head, &format!("/api/v1/affairs/{id}/events"), act)
            .await;
        assert_eq!(status, 201, "{body}");
    }
    app.relay_sms().await;
    app.deliver_sms().await;
    let to_resident: Vec<String> = texts(&app, resident_phone)
        .into_iter()
        .map(|t| t.0)
        .collect();
    assert_eq!(to_resident, ["affair_moved", "affair_resolved"]);

    // The head turns their queue's texts off: the next affair is in the
    // inbox only.
    app.send_as(
        &head,
        reqwest::Method::PUT,
        "/api/v1/me/sms-notices",
        Some(json!({"kind": "queue_new", "enabled": false})),
    )
    .await;
    app.post_as(
        &resident,
        "/api/v1/affairs",
        json!({"compound_id": compound, "category_id": category, "title": "垃圾桶满了",
               "description": "北门垃圾桶满了", "common_area": "北门"}),
    )
    .await;
    app.relay_sms().await;
    app.deliver_sms().await;
    assert_eq!(texts(&app, head_phone).len(), 1);
}

/// Two servers on one database (on PostgreSQL the deployment that
/// outgrows one machine) relay and send at the same moment: every notice
/// is queued once and every message reaches the provider once.
#[tokio::test]
async fn two_servers_on_one_database_text_each_notice_once() {
    let app = with_demo(Vec::new()).await;
    let other_db = server::Db::connect(&app.database_url, 4).await.unwrap();
    let other_sender = app.sms_config.sender();
    let config = &app.sms_config;
    let people: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM people WHERE phone IS NOT NULL ORDER BY id LIMIT 24")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    let now = server::db::now_ms();
    for person in &people {
        queue(&app, *person, true, now).await;
    }
    // A resident files three affairs: each station member has notices,
    // never considered for SMS yet, which the two servers relay at once.
    let resident = app.sign_in("13800000044").await;
    let (_, list) = app.get_json("/api/v1/compounds?limit=1").await;
    let compound = list["items"][0]["id"].as_i64().unwrap();
    let (_, categories) = app.get_json("/api/v1/categories?street_id=1").await;
    let category = categories["items"][0]["id"].as_i64().unwrap();
    for title in ["北门路灯不亮", "三号楼电梯异响", "垃圾桶满了"] {
        let (status, body) = app
            .post_as(
                &resident,
                "/api/v1/affairs",
                json!({"compound_id": compound, "category_id": category, "title": title,
                       "description": "请尽快处理", "common_area": "北门"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let unrelayed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notices WHERE sms_relayed = 0")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let (mine, theirs) = tokio::join!(
        deliveries::relay_notices(&app.db, &*app.sms, config, now),
        deliveries::relay_notices(&other_db, &*other_sender, config, now),
    );
    assert!(unrelayed > 0);
    assert_eq!(
        i64::try_from(mine.unwrap() + theirs.unwrap()).unwrap(),
        unrelayed,
        "each notice considered by one server only"
    );

    let (a, b) = tokio::join!(
        deliveries::deliver_due(&app.db, &*app.sms, config, now),
        deliveries::deliver_due(&other_db, &*other_sender, config, now),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    // Both senders append to the one outbox, each message with its queue id.
    let mut by_reference = std::collections::BTreeMap::new();
    for line in std::fs::read_to_string(&app.outbox).unwrap().lines() {
        let message: Value = serde_json::from_str(line).unwrap();
        if let Some(reference) = message["reference"].as_i64() {
            *by_reference.entry(reference).or_insert(0) += 1;
        }
    }
    assert!(
        by_reference.values().all(|n| *n == 1),
        "sent twice: {by_reference:?}"
    );
    let sent: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sms_deliveries WHERE sent_at IS NOT NULL")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(usize::try_from(sent).unwrap(), a.sent + b.sent);
    assert_eq!(by_reference.len(), a.sent + b.sent);
    assert!(a.sent + b.sent >= people.len());
}

#[tokio::test]
async fn an_overdue_affair_is_told_to_its_handlers_once_per_deadline() {
    let app = TestApp::with_demo().await;
    let (resident, head_phone) = (app.sign_in("13800000044").await, "13800000002");
    let head = app.sign_in(head_phone).await;
    let (_, list) = app.get_json("/api/v1/compounds?limit=1").await;
    let compound = list["items"][0]["id"].as_i64().unwrap();
    let (_, categories) = app.get_json("/api/v1/categories?street_id=1").await;
    let category = categories["items"][0]["id"].as_i64().unwrap();
    let (status, affair) = app
        .post_as(
            &resident,
            "/api/v1/affairs",
            json!({"compound_id": compound, "category_id": category, "title": "单元门禁坏了",
                   "description": "刷卡没反应", "common_area": "2号楼单元门"}),
        )
        .await;
    assert_eq!(status, 201, "{affair}");
    let id = affair["id"].as_i64().unwrap();
    let now = server::db::now_ms();
    let overdue = async || {
        server::circulation::notify_overdue(&app.db, now)
            .await
            .unwrap()
    };
    assert_eq!(overdue().await, 0, "not yet due");
    // A deadline `ago` ms gone: both are set, and the one that counts is
    // the affair's state's.
    let past = async |ago: i64| {
        sqlx::query("UPDATE affairs SET respond_due_at = $1, resolve_due_at = $1 WHERE id = $2")
            .bind(now - ago)
            .bind(id)
            .execute(&app.db.pool)
            .await
            .unwrap();
    };
    past(60_000).await;
    assert_eq!(overdue().await, 1);
    assert_eq!(overdue().await, 0, "each deadline is told once");
    let overdue_notices = async |token: &str| -> usize {
        let (_, page) = app.get_as(token, "/api/v1/notices").await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["act"] == "overdue" && n["affair_id"] == id)
            .count()
    };
    assert_eq!(overdue_notices(&head).await, 1);
    assert_eq!(overdue_notices(&resident).await, 0, "the filer is not told");
    app.relay_sms().await;
    app.deliver_sms().await;
    let to_head: Vec<_> = texts(&app, head_phone)
        .into_iter()
        .filter(|(t, _)| t == "affair_overdue")
        .collect();
    assert_eq!(to_head.len(), 1, "{to_head:?}");
    assert_eq!(to_head[0].1["id"], id.to_string());

    // Taken on, it has a new deadline, told when it passes, to the one
    // it is assigned to.
    let (status, taken) = app
        .post_as(
            &head,
            &format!("/api/v1/affairs/{id}/events"),
            json!({"act": "accept"}),
        )
        .await;
    assert_eq!(status, 201, "{taken}");
    past(30_000).await;
    assert_eq!(overdue().await, 1);
    assert_eq!(overdue_notices(&head).await, 2);
    assert_eq!(overdue().await, 0);
}

#[tokio::test]
async fn the_sms_page_is_a_form_that_saves_each_box() {
    use base64::Engine;
    use sha2::Digest;
    let app = TestApp::with_demo().await;
    let resident = app.sign_in("13800000044").await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let signed_out = client.get(app.url("/me/sms")).send().await.unwrap();
    assert_eq!(signed_out.status().as_u16(), 303);
    assert_eq!(signed_out.headers()["location"], "/sign-in?next=/me/sms");

    let page = client
        .get(app.url("/me/sms"))
        .header("cookie", format!("linli_session={resident}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    // Its style runs under the portal's Content-Security-Policy.
    let style = base64::engine::general_purpose::STANDARD
        .encode(sha2::Sha256::digest(server::sms_page::STYLE.as_bytes()));
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains(&format!("'sha256-{style}'")), "{csp}");
    let html = page.text().await.unwrap();
    assert!(html.contains("<style>"), "{html}");
    assert!(html.contains("value=\"affair_resolved\" checked>我报的事办好了，等我评价"));
    assert!(html.contains("value=\"affair_moved\">"), "off by default");
    assert!(
        !html.contains("queue_new"),
        "a resident is not offered a handler's queue"
    );

    let save = |body: &'static str, origin: &'static str| {
        client
            .post(app.url("/me/sms"))
            .header("cookie", format!("linli_session={resident}"))
            .header(
                "origin",
                if origin.is_empty() {
                    app.base.clone()
                } else {
                    origin.to_owned()
                },
            )
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    // Another site's form is refused and changes nothing; a browser is
    // told so on a page, not in JSON.
    let forged = save("on=affair_moved", "https://evil.example")
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    let forged = client
        .post(app.url("/me/sms"))
        .header("cookie", format!("linli_session={resident}"))
        .header("origin", "https://evil.example")
        .header("accept", "text/html,application/xhtml+xml")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("on=affair_moved")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    assert!(
        forged.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = forged.text().await.unwrap();
    assert!(page.contains("<h1>出错了</h1>"), "{page}");
    assert!(page.contains("href=\"/me/sms\""), "{page}");
    assert!(!page.contains("\"code\""), "{page}");
    // What is not a form is refused, with nothing saved: 415.
    let json_body = client
        .post(app.url("/me/sms"))
        .header("cookie", format!("linli_session={resident}"))
        .header("content-type", "application/json")
        .body(r#"{"on":"affair_moved"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(json_body.status().as_u16(), 415);
    let said = json_body.json::<Value>().await.unwrap();
    assert!(
        said["error"]["message"].as_str().unwrap().contains("表单"),
        "{said}"
    );
    let saved: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sms_notice_choices")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(saved, 0, "nothing saved by a refused post");
    // A refused post elsewhere links to no form: never to a path that
    // another site chose (`//evil.example/` is another site).
    let elsewhere = client
        .post(app.url("//evil.example/"))
        .header("origin", "https://evil.example")
        .header("accept", "text/html")
        .body("x=1")
        .send()
        .await
        .unwrap();
    assert!(elsewhere.status().is_client_error());
    let page = elsewhere.text().await.unwrap();
    assert!(page.contains("<h1>出错了</h1>"), "{page}");
    assert!(!page.contains("href=\"//"), "{page}");
    // A body past the limit, from a browser: a page too.
    let huge = client
        .post(app.url("/me/sms"))
        .header("cookie", format!("linli_session={resident}"))
        .header("accept", "text/html")
        .header("accept-language", "en")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("on={}", "x".repeat(10_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status().as_u16(), 413);
    assert!(huge.text().await.unwrap().contains("Something went wrong"));
    let saved = save("on=affair_moved&on=voting_open&on=everything&other=1", "")
        .await
        .unwrap();
    assert_eq!(saved.status().as_u16(), 303);
    assert_eq!(saved.headers()["location"], "/me/sms?saved=1");
    let (_, settings) = app.get_as(&resident, "/api/v1/me/sms-notices").await;
    let enabled: Vec<(&str, bool)> = settings["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["enabled"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        enabled,
        [
            ("affair_resolved", false),
            ("affair_moved", true),
            ("slot_reminder", false),
            ("voting_open", true),
        ]
    );
    let again = client
        .get(app.url("/me/sms?saved=1"))
        .header("cookie", format!("linli_session={resident}"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(again.contains("Saved."), "{again}");
    assert!(again.contains("value=\"affair_moved\" checked>An affair I filed moved on"));
}
