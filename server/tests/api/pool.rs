//! The capable-person pool and volunteer posts over HTTP: applying and
//! approval, posts, claims and the waiting list, the race for the last
//! place, check-in codes, hours and the record.

use crate::common::{TestApp, at_once};
use serde_json::{Value, json};

const HEAD: &str = "13800000002";
const OTHER_HEAD: &str = "13800000011";

struct World {
    app: TestApp,
    compound: i64,
    head: String,
    /// Verified residents of 海景花园: 李阿婆, 陈志明, 王药师.
    residents: Vec<String>,
    /// Signed in, not verified: 赵小宝.
    outsider: String,
    skills: Vec<i64>,
}

impl World {
    async fn new() -> World {
        let app = TestApp::with_demo().await;
        let (_, list) = app.get_json("/api/v1/compounds?limit=1").await;
        let compound = list["items"][0]["id"].as_i64().unwrap();
        let (_, detail) = app.get_json(&format!("/api/v1/compounds/{compound}")).await;
        let building = detail["grids"][0]["buildings"][0]["id"].as_i64().unwrap();
        let head = app.sign_in(HEAD).await;
        let mut residents = Vec::new();
        for (phone, room) in [
            ("13800000044", "101"),
            ("13800000045", "102"),
            ("13800000046", "201"),
        ] {
            let (token, _) = app.verified_resident(&head, phone, building, room).await;
            residents.push(token);
        }
        let (_, skills) = app.get_json("/api/v1/skills?street_id=1").await;
        let skills = skills["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        World {
            outsider: app.sign_in("13800000047").await,
            compound,
            head,
            residents,
            skills,
            app,
        }
    }

    /// A post of `places` places starting `from_now_min` minutes from now,
    /// lasting two hours, for `weeks` weeks.
    async fn post(&self, places: i64, from_now_min: i64, weeks: u32, skill: Option<i64>) -> Value {
        let start = server::db::now_ms() + from_now_min * 60_000;
        let (status, post) = self
            .app
            .post_as(
                &self.head,
                "/api/v1/posts",
                json!({
                    "compound_id": self.compound, "title": "夜间安全巡逻", "description": "沿小区四周巡查",
                    "place": "北门岗亭", "skill_id": skill, "places": places, "cutoff_hours": 1,
                    "starts_at": server::db::rfc3339(start), "minutes": 120, "weeks": weeks,
                }),
            )
            .await;
        assert_eq!(status, 201, "{post}");
        post
    }

    async fn on_slot(&self, token: &str, slot: i64, what: &str, body: Value) -> (u16, Value) {
        self.app
            .post_as(token, &format!("/api/v1/slots/{slot}/{what}"), body)
            .await
    }
}

fn slot(post: &Value, n: usize) -> i64 {
    post["slots"][n]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_resident_applies_and_the_station_decides() {
    let w = World::new().await;
    let body = json!({
        "compound_id": w.compound, "skill_ids": [w.skills[1]], "other_skills": "退休燃气公司师傅",
        "availability": "周末上午", "intro": "干了三十年燃气维修", "show_party_member": true,
    });
    let (status, _) = w
        .app
        .post_as(&w.outsider, "/api/v1/pool-applications", body.clone())
        .await;
    assert_eq!(status, 403, "not a verified resident");
    let (status, applied) = w
        .app
        .post_as(&w.residents[0], "/api/v1/pool-applications", body.clone())
        .await;
    assert_eq!(status, 201, "{applied}");
    assert_eq!(applied["status"], "pending");
    assert_eq!(applied["skills"], json!(["燃气"]));
    assert_eq!(applied["party_member"], true);
    let (status, _) = w
        .app
        .post_as(&w.residents[0], "/api/v1/pool-applications", body.clone())
        .await;
    assert_eq!(status, 409, "one open application");
    let mut bad = body.clone();
    bad["skill_ids"] = json!([99_999]);
    let (status, problem) = w
        .app
        .post_as(&w.residents[1], "/api/v1/pool-applications", bad)
        .await;
    assert_eq!(
        (status, problem["error"]["fields"]["skill_ids"].as_str()),
        (422, Some("invalid"))
    );
    let id = applied["id"].as_i64().unwrap();
    let other = w.app.sign_in(OTHER_HEAD).await;
    let approve = format!("/api/v1/pool-applications/{id}/approvals");
    assert_eq!(w.app.post_as(&other, &approve, json!({})).await.0, 403);
    let (status, approved) = w.app.post_as(&w.head, &approve, json!({})).await;
    assert_eq!(
        (status, approved["status"].as_str()),
        (201, Some("approved"))
    );
    assert_eq!(w.app.post_as(&w.head, &approve, json!({})).await.0, 409);
    let (_, listed) = w
        .app
        .get_as(
            &w.head,
            &format!(
                "/api/v1/pool-applications?compound_id={}&status=approved",
                w.compound
            ),
        )
        .await;
    assert_eq!(listed["items"][0]["name"], "李阿婆（李桂兰）");
    assert_eq!(
        w.app
            .get_as(
                &w.residents[1],
                &format!("/api/v1/pool-applications?compound_id={}", w.compound)
            )
            .await
            .0,
        403
    );
    let (_, second) = w
        .app
        .post_as(&w.residents[1], "/api/v1/pool-applications", body)
        .await;
    let decline = format!("/api/v1/pool-applications/{}/rejections", second["id"]);
    assert_eq!(
        w.app
            .post_as(&w.head, &decline, json!({"reason": ""}))
            .await
            .0,
        422
    );
    let (status, declined) = w
        .app
        .post_as(&w.head, &decline, json!({"reason": "暂不需要"}))
        .await;
    assert_eq!(
        (status, declined["status"].as_str()),
        (201, Some("declined"))
    );
}

#[tokio::test]
async fn places_fill_the_waiting_list_moves_up_and_clashes_are_refused() {
    let w = World::new().await;
    let patrol = w.post(2, 24 * 60, 4, None).await;
    assert_eq!(
        patrol["slots"].as_array().unwrap().len(),
        4,
        "weekly for four weeks"
    );
    let first = slot(&patrol, 0);
    let [a, b, c] = [&w.residents[0], &w.residents[1], &w.residents[2]];
    for token in [a, b] {
        let (status, after) = w.on_slot(token, first, "claims", json!({})).await;
        assert_eq!(
            (status, after["slots"][0]["mine"].as_str()),
            (201, Some("confirmed"))
        );
    }
    let (_, waiting) = w.on_slot(c, first, "claims", json!({})).await;
    assert_eq!(waiting["slots"][0]["mine"], "waiting");
    assert_eq!(
        (
            waiting["slots"][0]["confirmed"].as_i64(),
            waiting["slots"][0]["waiting"].as_i64()
        ),
        (Some(2), Some(1))
    );
    let (status, again) = w.on_slot(a, first, "claims", json!({})).await;
    assert_eq!(
        (status, again["slots"][0]["mine"].as_str()),
        (201, Some("confirmed")),
        "claiming again is the same claim"
    );
    assert_eq!(
        w.on_slot(&w.outsider, first, "claims", json!({})).await.0,
        403
    );
    // Another post at the same time clashes for whoever holds the first.
    let clashing = w.post(5, 24 * 60 + 30, 1, None).await;
    assert_eq!(
        w.on_slot(a, slot(&clashing, 0), "claims", json!({}))
            .await
            .0,
        409
    );
    // A cancels; C moves up.
    let (status, _) = w.on_slot(a, first, "cancellations", json!({})).await;
    assert_eq!(status, 201);
    let (_, seen) = w
        .app
        .get_as(c, &format!("/api/v1/posts/{}", patrol["id"]))
        .await;
    assert_eq!(seen["slots"][0]["mine"], "confirmed");
    assert_eq!(
        (
            seen["slots"][0]["confirmed"].as_i64(),
            seen["slots"][0]["waiting"].as_i64()
        ),
        (Some(2), Some(0))
    );
    // Past the cut-off (an hour before), cancelling is refused.
    let soon = w.post(2, 30, 1, None).await;
    w.on_slot(a, slot(&soon, 0), "claims", json!({})).await;
    let r = w
        .on_slot(a, slot(&soon, 0), "cancellations", json!({}))
        .await;
    assert_eq!(
        (r.0, r.1["error"]["code"].as_str()),
        (409, Some("illegal_move"))
    );
}

#[tokio::test]
async fn of_three_claims_for_the_last_place_exactly_one_wins() {
    let w = World::new().await;
    let post = w.post(1, 24 * 60, 1, None).await;
    let id = slot(&post, 0);
    let claims = w
        .residents
        .iter()
        .map(|token| w.on_slot(token, id, "claims", json!({})));
    let answers = futures_util::future::join_all(claims).await;
    assert!(answers.iter().all(|(status, _)| *status == 201));
    let mine: Vec<&str> = answers
        .iter()
        .map(|(_, p)| p["slots"][0]["mine"].as_str().unwrap())
        .collect();
    assert_eq!(
        mine.iter().filter(|m| **m == "confirmed").count(),
        1,
        "{mine:?}"
    );
    assert_eq!(mine.iter().filter(|m| **m == "waiting").count(), 2);
    let confirmed: i64 = sqlx::query_scalar("SELECT confirmed FROM slots WHERE id = $1")
        .bind(id)
        .fetch_one(&w.app.db.pool)
        .await
        .unwrap();
    assert_eq!(confirmed, 1);
}

#[tokio::test]
async fn a_check_in_code_cannot_be_guessed() {
    let w = World::new().await;
    let post = w.post(3, -10, 1, None).await;
    let id = slot(&post, 0);
    let a = &w.residents[0];
    w.on_slot(a, id, "claims", json!({})).await;
    let show = async || {
        let (status, shown) = w.on_slot(&w.head, id, "codes", json!({})).await;
        assert_eq!(status, 201, "{shown}");
        shown["code"].as_str().unwrap().to_owned()
    };
    let code = show().await;
    let tries = server::pool::CODE_TRIES as usize;
    let guesses: Vec<String> = (0..100)
        .map(|n| format!("{n:06}"))
        .filter(|g| *g != code)
        .take(tries + 3)
        .collect();
    // Guesses sent at once: only the allowance is compared.
    let answers = at_once(guesses.len(), |i| {
        w.on_slot(a, id, "check-ins", json!({"code": guesses[i]}))
    })
    .await;
    let wrong = answers.iter().filter(|(s, _)| *s == 422).count();
    let refused = answers.iter().filter(|(s, _)| *s == 429).count();
    assert_eq!((wrong, refused), (tries, 3), "{answers:?}");
    // Past the allowance even the right code is refused, until the
    // station shows a new one.
    let (status, refused) = w.on_slot(a, id, "check-ins", json!({"code": code})).await;
    assert_eq!(status, 429, "{refused}");
    let code = show().await;
    let (status, done) = w.on_slot(a, id, "check-ins", json!({"code": code})).await;
    assert_eq!(status, 201, "{done}");
}

#[tokio::test]
async fn check_in_codes_are_checked_and_hours_reach_the_record() {
    let w = World::new().await;
    // A slot that started ten minutes ago.
    let post = w.post(3, -10, 1, None).await;
    let id = slot(&post, 0);
    let a = &w.residents[0];
    w.on_slot(a, id, "claims", json!({})).await;
    w.on_slot(&w.residents[1], id, "claims", json!({})).await;
    assert_eq!(
        w.on_slot(a, id, "codes", json!({})).await.0,
        403,
        "the station shows codes"
    );
    let (status, code) = w.on_slot(&w.head, id, "codes", json!({})).await;
    assert_eq!(status, 201);
    let code = code["code"].as_str().unwrap().to_owned();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = w.on_slot(a, id, "check-ins", json!({"code": wrong})).await;
    assert_eq!(
        (r.0, r.1["error"]["fields"]["code"].as_str()),
        (422, Some("invalid"))
    );
    assert_eq!(
        w.on_slot(a, id, "check-outs", json!({"code": code}))
            .await
            .0,
        409,
        "not in yet"
    );
    assert_eq!(
        w.on_slot(a, id, "check-ins", json!({"code": code})).await.0,
        201
    );
    assert_eq!(
        w.on_slot(a, id, "check-ins", json!({"code": code})).await.0,
        409,
        "reused"
    );
    // An hour on duty.
    sqlx::query("UPDATE claims SET checked_in_at = checked_in_at - 3600000 WHERE slot_id = $1")
        .bind(id)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    let (status, out) = w.on_slot(a, id, "check-outs", json!({"code": code})).await;
    assert_eq!(
        (status, out["slots"][0]["my_minutes"].as_i64()),
        (201, Some(60))
    );
    // An expired code no longer works.
    sqlx::query("UPDATE slots SET code_issued_at = code_issued_at - 3600000 WHERE id = $1")
        .bind(id)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    let r = w
        .on_slot(&w.residents[1], id, "check-ins", json!({"code": code}))
        .await;
    assert_eq!(r.0, 422, "expired");
    // The station confirms the second volunteer did not come.
    let (status, _) = w
        .on_slot(
            &w.head,
            id,
            "confirmations",
            json!({"person_id": 45, "attended": false}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, record) = w.app.get_as(a, "/api/v1/me/volunteer-record").await;
    assert_eq!(record["total_minutes"], 60);
    assert_eq!(record["services"][0]["post_title"], "夜间安全巡逻");
    let (_, other) = w
        .app
        .get_as(&w.residents[1], "/api/v1/me/volunteer-record")
        .await;
    assert_eq!(
        (other["total_minutes"].as_i64(), other["no_shows"].as_i64()),
        (Some(0), Some(1))
    );
    let (status, csv) = w
        .app
        .send_as(
            a,
            reqwest::Method::GET,
            "/api/v1/me/volunteer-record/export",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(csv.as_str().unwrap().contains("\"合计\",,,60"));
}

#[tokio::test]
async fn a_post_needing_a_skill_is_for_the_pool_members_who_have_it() {
    let w = World::new().await;
    let gas = w.skills[1];
    let (_, applied) = w
        .app
        .post_as(
            &w.residents[0],
            "/api/v1/pool-applications",
            json!({"compound_id": w.compound, "skill_ids": [gas], "availability": "随时"}),
        )
        .await;
    w.app
        .post_as(
            &w.head,
            &format!("/api/v1/pool-applications/{}/approvals", applied["id"]),
            json!({}),
        )
        .await;
    let post = w.post(2, 24 * 60, 1, Some(gas)).await;
    assert_eq!(
        w.on_slot(&w.residents[1], slot(&post, 0), "claims", json!({}))
            .await
            .0,
        403
    );
    let (status, claimed) = w
        .on_slot(&w.residents[0], slot(&post, 0), "claims", json!({}))
        .await;
    assert_eq!((status, claimed["fits"].as_bool()), (201, Some(true)));
    let (_, list) = w
        .app
        .get_as(
            &w.residents[0],
            &format!("/api/v1/posts?compound_id={}", w.compound),
        )
        .await;
    assert_eq!(list["items"][0]["skill"], "燃气", "fitting posts first");
    let (status, bad) = w
        .app
        .post_as(
            &w.head,
            "/api/v1/posts",
            json!({"compound_id": w.compound, "title": "", "description": "x", "place": "x", "places": 0,
                   "cutoff_hours": 1, "starts_at": "明天", "minutes": 60, "weeks": 1}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(bad["error"]["fields"]["title"], "required");
    assert_eq!(
        w.app
            .post_as(&w.residents[0], "/api/v1/posts", json!({
                "compound_id": w.compound, "title": "x", "description": "x", "place": "x", "places": 1,
                "cutoff_hours": 1, "starts_at": "2026-12-01T19:00:00+08:00", "minutes": 60, "weeks": 1}))
            .await
            .0,
        403
    );
}

#[tokio::test]
async fn an_affair_is_matched_to_a_capable_person_whose_service_counts() {
    let w = World::new().await;
    // 王药师 joins the pool as a plumber.
    let plumber = &w.residents[2];
    let (_, applied) = w
        .app
        .post_as(
            plumber,
            "/api/v1/pool-applications",
            json!({"compound_id": w.compound, "skill_ids": [w.skills[0]], "availability": "随时"}),
        )
        .await;
    w.app
        .post_as(
            &w.head,
            &format!("/api/v1/pool-applications/{}/approvals", applied["id"]),
            json!({}),
        )
        .await;
    // 李阿婆 files a leak.
    let filer = &w.residents[0];
    let (_, categories) = w.app.get_json("/api/v1/categories?street_id=1").await;
    let (status, affair) = w
        .app
        .post_as(
            filer,
            "/api/v1/affairs",
            json!({"compound_id": w.compound, "category_id": categories["items"][0]["id"],
                   "title": "厨房水管漏水", "description": "水一直滴", "common_area": "家中"}),
        )
        .await;
    assert_eq!(status, 201);
    let id = affair["id"].as_i64().unwrap();
    let capable = format!(
        "/api/v1/affairs/{id}/capable-persons?skill_id={}",
        w.skills[0]
    );
    assert_eq!(w.app.get_as(filer, &capable).await.0, 403, "handlers only");
    let (status, matches) = w.app.get_as(&w.head, &capable).await;
    assert_eq!(status, 200);
    assert_eq!(matches["items"][0]["name"], "王药师（王淑贞）");
    let (_, other_skill) = w
        .app
        .get_as(
            &w.head,
            &format!(
                "/api/v1/affairs/{id}/capable-persons?skill_id={}",
                w.skills[5]
            ),
        )
        .await;
    assert!(other_skill["items"].as_array().unwrap().is_empty());
    let ask = format!("/api/v1/affairs/{id}/help-requests");
    let r = w.app.post_as(&w.head, &ask, json!({"person_id": 45})).await;
    assert_eq!(r.0, 422, "not in the pool");
    let (status, help) = w
        .app
        .post_as(
            &w.head,
            &ask,
            json!({"person_id": 46, "note": "能上门看看吗？"}),
        )
        .await;
    assert_eq!((status, help["status"].as_str()), (201, Some("pending")));
    let help_id = help["id"].as_i64().unwrap();
    let (_, mine) = w.app.get_as(plumber, "/api/v1/me/help-requests").await;
    assert_eq!(mine["items"][0]["id"], help_id);
    let listed = format!("/api/v1/affairs/{id}/help-requests");
    let (status, of_affair) = w.app.get_as(filer, &listed).await;
    assert_eq!(
        (status, of_affair["items"][0]["note"].as_str()),
        (200, Some("能上门看看吗？"))
    );
    assert_eq!(w.app.get_as(&w.residents[1], &listed).await.0, 403);
    let (_, notices) = w.app.get_as(plumber, "/api/v1/notices").await;
    assert_eq!(
        (
            notices["items"][0]["act"].as_str(),
            notices["items"][0]["title"].as_str()
        ),
        (Some("help_request"), Some("厨房水管漏水"))
    );
    let on = |what: &str| format!("/api/v1/help-requests/{help_id}/{what}");
    assert_eq!(
        w.app.post_as(filer, &on("acceptances"), json!({})).await.0,
        403
    );
    assert_eq!(
        w.app
            .post_as(plumber, &on("completions"), json!({"minutes": 45}))
            .await
            .0,
        409,
        "not accepted yet"
    );
    assert_eq!(
        w.app
            .post_as(plumber, &on("acceptances"), json!({}))
            .await
            .0,
        201
    );
    assert_eq!(
        w.app
            .post_as(plumber, &on("completions"), json!({"minutes": 0}))
            .await
            .0,
        422
    );
    let (status, done) = w
        .app
        .post_as(plumber, &on("completions"), json!({"minutes": 45}))
        .await;
    assert_eq!((status, done["minutes"].as_i64()), (201, Some(45)));
    assert_eq!(
        w.app
            .post_as(&w.head, &on("rating"), json!({"satisfaction": "satisfied"}))
            .await
            .0,
        403
    );
    let (status, rated) = w
        .app
        .post_as(
            filer,
            &on("rating"),
            json!({"satisfaction": "very_satisfied", "comment": "师傅很细心"}),
        )
        .await;
    assert_eq!((status, rated["score"].as_i64()), (201, Some(5)));
    // The community's volunteers' report counts it in the month it was done.
    let month = server::metrics::month_of(server::db::now_ms(), 0);
    let staff = w.app.sign_in("13800000036").await;
    let (status, reports) = w
        .app
        .get_as(
            &staff,
            &format!("/api/v1/communities/1/service-reports?month={month}"),
        )
        .await;
    assert_eq!(status, 200, "{reports}");
    assert_eq!(
        reports["volunteers"]["distribution"],
        json!([1, 0, 0, 0, 0])
    );
    assert_eq!(
        reports["volunteers"]["satisfaction"],
        json!({"count": 1, "of": 1})
    );
    assert_eq!(
        w.app
            .post_as(filer, &on("rating"), json!({"satisfaction": "satisfied"}))
            .await
            .0,
        409
    );
    let (_, record) = w.app.get_as(plumber, "/api/v1/me/volunteer-record").await;
    assert_eq!(record["total_minutes"], 45);
    assert_eq!(record["services"][0]["post_title"], "厨房水管漏水");
    let (_, timeline) = w.app.get_as(filer, &format!("/api/v1/affairs/{id}")).await;
    let acts: Vec<&str> = timeline["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["act"].as_str().unwrap())
        .collect();
    assert_eq!(acts, ["file", "help_request", "help_accepted", "help_done"]);
}

#[tokio::test]
async fn volunteers_are_reminded_the_day_before_and_told_of_changes() {
    let w = World::new().await;
    let post = w.post(2, 20 * 60, 2, None).await;
    let post_id = post["id"].as_i64().unwrap();
    let volunteer = &w.residents[0];
    w.on_slot(volunteer, slot(&post, 0), "claims", json!({}))
        .await;
    w.on_slot(volunteer, slot(&post, 1), "claims", json!({}))
        .await;
    // Tonight's slot is within a day; next week's is not.
    let sent = server::pool::send_reminders(&w.app.db, server::db::now_ms())
        .await
        .unwrap();
    assert_eq!(sent, 1);
    assert_eq!(
        server::pool::send_reminders(&w.app.db, server::db::now_ms())
            .await
            .unwrap(),
        0,
        "once"
    );
    let (_, notices) = w.app.get_as(volunteer, "/api/v1/notices").await;
    assert_eq!(notices["items"][0]["act"], "slot_reminder");
    assert_eq!(notices["items"][0]["post_id"], post_id);
    assert_eq!(notices["items"][0]["title"], "夜间安全巡逻");
    let details =
        json!({"title": "夜间安全巡逻", "description": "改为沿河一侧巡查", "place": "东门"});
    let path = format!("/api/v1/posts/{post_id}/details");
    assert_eq!(
        w.app
            .send_as(
                volunteer,
                reqwest::Method::PUT,
                &path,
                Some(details.clone())
            )
            .await
            .0,
        403
    );
    let (status, changed) = w
        .app
        .send_as(&w.head, reqwest::Method::PUT, &path, Some(details))
        .await;
    assert_eq!((status, changed["place"].as_str()), (200, Some("东门")));
    let (status, _) = w
        .app
        .post_as(
            &w.head,
            &format!("/api/v1/posts/{post_id}/cancellations"),
            json!({}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, notices) = w.app.get_as(volunteer, "/api/v1/notices").await;
    let acts: Vec<&str> = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["act"].as_str().unwrap())
        .collect();
    assert_eq!(acts, ["post_cancelled", "post_changed", "slot_reminder"]);
    assert_eq!(
        w.on_slot(&w.residents[1], slot(&post, 1), "claims", json!({}))
            .await
            .0,
        409
    );
    let (_, list) = w
        .app
        .get_as(
            volunteer,
            &format!("/api/v1/posts?compound_id={}", w.compound),
        )
        .await;
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "cancelled posts are not listed"
    );
}

#[tokio::test]
async fn the_months_figures_count_the_pool_services_hours_and_places() {
    let w = World::new().await;
    let (_, applied) = w
        .app
        .post_as(
            &w.residents[2],
            "/api/v1/pool-applications",
            json!({"compound_id": w.compound, "skill_ids": [w.skills[0]], "availability": "随时"}),
        )
        .await;
    w.app
        .post_as(
            &w.head,
            &format!("/api/v1/pool-applications/{}/approvals", applied["id"]),
            json!({}),
        )
        .await;
    let post = w.post(3, -10, 1, None).await;
    let id = slot(&post, 0);
    for token in &w.residents[..2] {
        w.on_slot(token, id, "claims", json!({})).await;
    }
    let (_, code) = w.on_slot(&w.head, id, "codes", json!({})).await;
    let code = code["code"].clone();
    w.on_slot(&w.residents[0], id, "check-ins", json!({"code": code}))
        .await;
    sqlx::query("UPDATE claims SET checked_in_at = checked_in_at - 3600000 WHERE slot_id = $1")
        .bind(id)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    w.on_slot(&w.residents[0], id, "check-outs", json!({"code": code}))
        .await;
    w.on_slot(
        &w.head,
        id,
        "confirmations",
        json!({"person_id": 45, "attended": false}),
    )
    .await;
    let month = server::metrics::month_of(server::db::now_ms(), 0);
    let (status, figures) = w
        .app
        .get_json(&format!(
            "/api/v1/pool-figures?compound_id={}&month={month}",
            w.compound
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        figures,
        json!({"month": month, "pool_size": 1, "active_volunteers": 1, "services": 1, "minutes": 60,
               "places_offered": 3, "places_filled": 2})
    );
    let (_, board) = w
        .app
        .get_json(&format!("/api/v1/compounds/{}/board", w.compound))
        .await;
    assert_eq!(board["pool"]["minutes"], 60);
}

#[tokio::test]
async fn capable_persons_form_and_join_studios() {
    let w = World::new().await;
    let mut members = Vec::new();
    for token in &w.residents[..2] {
        let (_, applied) = w
            .app
            .post_as(
                token,
                "/api/v1/pool-applications",
                json!({"compound_id": w.compound, "skill_ids": [w.skills[0]], "availability": "周末"}),
            )
            .await;
        w.app
            .post_as(
                &w.head,
                &format!("/api/v1/pool-applications/{}/approvals", applied["id"]),
                json!({}),
            )
            .await;
        members.push(token);
    }
    let studio = json!({"compound_id": w.compound, "name": "李阿婆编织工作室", "description": "教邻居织毛衣"});
    assert_eq!(
        w.app
            .post_as(&w.residents[2], "/api/v1/studios", studio.clone())
            .await
            .0,
        403,
        "not in the pool"
    );
    let (status, list) = w
        .app
        .post_as(members[0], "/api/v1/studios", studio.clone())
        .await;
    assert_eq!(status, 201, "{list}");
    assert_eq!(list["items"][0]["lead_name"], "李阿婆（李桂兰）");
    assert_eq!(
        w.app.post_as(members[0], "/api/v1/studios", studio).await.0,
        409,
        "the name is taken"
    );
    let id = list["items"][0]["id"].as_i64().unwrap();
    let join = format!("/api/v1/studios/{id}/members");
    assert_eq!(
        w.app.post_as(&w.residents[2], &join, json!({})).await.0,
        403
    );
    let (status, joined) = w.app.post_as(members[1], &join, json!({})).await;
    assert_eq!(status, 201);
    assert_eq!(
        joined["items"][0]["members"],
        json!(["李阿婆（李桂兰）", "陈志明"])
    );
    assert_eq!(w.app.post_as(members[1], &join, json!({})).await.0, 409);
    // A service by a member counts for the studio this month.
    let post = w.post(2, -10, 1, None).await;
    let slot_id = slot(&post, 0);
    w.on_slot(members[1], slot_id, "claims", json!({})).await;
    w.on_slot(
        &w.head,
        slot_id,
        "confirmations",
        json!({"person_id": 45, "attended": true}),
    )
    .await;
    let (_, studios) = w
        .app
        .get_json(&format!("/api/v1/studios?compound_id={}", w.compound))
        .await;
    assert_eq!(
        (
            studios["items"][0]["month_services"].as_i64(),
            studios["items"][0]["month_minutes"].as_i64()
        ),
        (Some(1), Some(120))
    );
    let (_, record) = w
        .app
        .get_as(members[1], "/api/v1/me/volunteer-record")
        .await;
    assert_eq!(record["studios"], json!(["李阿婆编织工作室"]));
}

/// A newcomer to 1号楼 1单元 101 on the register, who has never signed in.
const NEWCOMER: &str = "13900000061";

#[tokio::test]
async fn staff_claim_for_residents_who_phoned_under_the_residents_own_rules() {
    let w = World::new().await;
    w.app
        .upload_roster(
            &w.head,
            w.compound,
            &format!("楼栋,单元,房号,手机号,姓名\n1号楼,1单元,101,{NEWCOMER},刘奶奶\n"),
        )
        .await;
    let post = w.post(1, 24 * 60, 1, None).await;
    let first = slot(&post, 0);
    let for_newcomer =
        json!({"on_behalf": {"phone": "139 0000 0061", "name": "刘奶奶", "channel": "phone_call"}});

    // A resident may not claim for someone else, nor another station's head.
    let (status, refused) = w
        .on_slot(&w.residents[0], first, "claims", for_newcomer.clone())
        .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let other = w.app.sign_in(OTHER_HEAD).await;
    assert_eq!(
        w.on_slot(&other, first, "claims", for_newcomer.clone())
            .await
            .0,
        403
    );
    // A bad number or an unknown channel names the field.
    let (status, bad) = w
        .on_slot(
            &w.head,
            first,
            "claims",
            json!({"on_behalf": {"phone": "12345", "name": "李".repeat(21), "channel": "visit"}}),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    assert_eq!(bad["error"]["fields"]["on_behalf.phone"], "invalid");
    assert!(
        bad["error"]["fields"]["on_behalf.name"].is_string(),
        "{bad}"
    );
    let (status, bad) = w
        .on_slot(
            &w.head,
            first,
            "claims",
            json!({"on_behalf": {"phone": NEWCOMER, "channel": "fax"}}),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    assert!(
        bad["error"]["fields"]["on_behalf.channel"].is_string(),
        "{bad}"
    );
    assert_eq!(w.app.count("claims").await, 0);

    // The head claims the one place for the newcomer; a retry changes nothing.
    let path = format!("/api/v1/slots/{first}/claims");
    let (status, after) = w
        .app
        .post_keyed(&w.head, &path, for_newcomer.clone(), "claim-liu")
        .await;
    assert_eq!(status, 201, "{after}");
    assert_eq!(
        (
            after["slots"][0]["confirmed"].as_i64(),
            after["slots"][0]["mine"].clone()
        ),
        (Some(1), Value::Null),
        "hers, not the head's"
    );
    let (status, again) = w
        .app
        .post_keyed(&w.head, &path, for_newcomer.clone(), "claim-liu")
        .await;
    assert_eq!(
        (status, again["slots"][0]["confirmed"].as_i64()),
        (201, Some(1))
    );
    assert_eq!(w.app.count("claims").await, 1);
    // Without the key it is her same claim on the slot, as hers would be.
    assert_eq!(
        w.on_slot(&w.head, first, "claims", for_newcomer).await.0,
        201
    );
    assert_eq!(w.app.count("claims").await, 1);

    // The slot is full: a resident who came in joins the waiting list.
    let (status, after) = w
        .on_slot(
            &w.head,
            first,
            "claims",
            json!({"on_behalf": {"phone": "13800000045", "channel": "visit"}}),
        )
        .await;
    assert_eq!(
        (
            status,
            after["slots"][0]["confirmed"].as_i64(),
            after["slots"][0]["waiting"].as_i64()
        ),
        (201, Some(1), Some(1))
    );
    let (_, seen) = w
        .app
        .get_as(&w.residents[1], &format!("/api/v1/posts/{}", post["id"]))
        .await;
    assert_eq!(seen["slots"][0]["mine"], "waiting");
    let head_id: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '13800000002'")
        .fetch_one(&w.app.db.pool)
        .await
        .unwrap();
    let stored: Vec<(String, Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT status, channel, recorded_by FROM claims ORDER BY id")
            .fetch_all(&w.app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        stored,
        [
            (
                "confirmed".to_owned(),
                Some("phone_call".to_owned()),
                Some(head_id)
            ),
            (
                "waiting".to_owned(),
                Some("visit".to_owned()),
                Some(head_id)
            ),
        ]
    );

    // She signs in with that number later: the place is hers.
    let newcomer = w.app.sign_in(NEWCOMER).await;
    let (_, seen) = w
        .app
        .get_as(&newcomer, &format!("/api/v1/posts/{}", post["id"]))
        .await;
    assert_eq!(seen["slots"][0]["mine"], "confirmed", "{seen}");

    // The resident's own rules: not verified, or not in the pool for a
    // post needing a skill, means no claim — whoever asks.
    let second = slot(&w.post(3, 3 * 24 * 60, 1, None).await, 0);
    for phone in ["13800000047", "13900000062"] {
        let (status, _) = w
            .on_slot(
                &w.head,
                second,
                "claims",
                json!({"on_behalf": {"phone": phone, "channel": "wechat_group"}}),
            )
            .await;
        assert_eq!(status, 403, "{phone}");
    }
    let skilled = slot(&w.post(3, 5 * 24 * 60, 1, Some(w.skills[1])).await, 0);
    let (status, _) = w
        .on_slot(
            &w.head,
            skilled,
            "claims",
            json!({"on_behalf": {"phone": "13800000044", "channel": "visit"}}),
        )
        .await;
    assert_eq!(status, 403, "not in the pool with that skill");
    // Residents still claim for themselves without a body.
    let (status, mine) = w
        .app
        .send_as(
            &w.residents[2],
            reqwest::Method::POST,
            &format!("/api/v1/slots/{second}/claims"),
            None,
        )
        .await;
    assert_eq!(
        (status, mine["slots"][0]["mine"].clone()),
        (201, json!("confirmed")),
        "{mine}"
    );
}

/// The `confirmed` count of slot `id` and its confirmed claims: always equal.
async fn places_taken(app: &TestApp, id: i64) -> (i64, i64) {
    sqlx::query_as(
        "SELECT confirmed, (SELECT COUNT(*) FROM claims c WHERE c.slot_id = s.id AND c.status = 'confirmed') \
         FROM slots s WHERE s.id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn claims_and_cancellations_sent_many_times_at_once_are_done_once() {
    let w = World::new().await;
    let [a, b, c] = [&w.residents[0], &w.residents[1], &w.residents[2]];
    let post = w.post(2, 24 * 60, 1, None).await;
    let id = slot(&post, 0);
    let answers = at_once(16, |_| w.on_slot(a, id, "claims", json!({}))).await;
    for (status, body) in &answers {
        assert_eq!(*status, 201, "{body}");
        assert_eq!(body["slots"][0]["mine"], "confirmed");
    }
    assert_eq!(w.app.count("claims").await, 1, "one claim");
    assert_eq!(places_taken(&w.app, id).await, (1, 1));
    w.on_slot(b, id, "claims", json!({})).await;
    let (_, waiting) = w.on_slot(c, id, "claims", json!({})).await;
    assert_eq!(waiting["slots"][0]["mine"], "waiting");
    // Both holders cancel, each tapping eight times, all at once.
    let answers = at_once(16, |i| {
        w.on_slot(
            if i % 2 == 0 { a } else { b },
            id,
            "cancellations",
            json!({}),
        )
    })
    .await;
    for (status, body) in &answers {
        assert_eq!(*status, 201, "{body}");
    }
    let (_, seen) = w
        .app
        .get_as(c, &format!("/api/v1/posts/{}", post["id"]))
        .await;
    assert_eq!(
        seen["slots"][0]["mine"], "confirmed",
        "the waiting list moved up"
    );
    assert_eq!(
        places_taken(&w.app, id).await,
        (1, 1),
        "each place freed once"
    );
    let (status, _) = w.on_slot(&w.outsider, id, "cancellations", json!({})).await;
    assert_eq!(status, 404, "never claimed");
}

#[tokio::test]
async fn a_cancelled_post_clashes_with_nothing_and_moves_no_one_up() {
    let w = World::new().await;
    let [a, b] = [&w.residents[0], &w.residents[1]];
    let cancelled = w.post(1, 24 * 60, 1, None).await;
    let first = slot(&cancelled, 0);
    assert_eq!(w.on_slot(a, first, "claims", json!({})).await.0, 201);
    let (_, waiting) = w.on_slot(b, first, "claims", json!({})).await;
    assert_eq!(waiting["slots"][0]["mine"], "waiting");
    let (status, body) = w
        .app
        .post_as(
            &w.head,
            &format!("/api/v1/posts/{}/cancellations", cancelled["id"]),
            json!({}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let same_time = w.post(1, 24 * 60 + 30, 1, None).await;
    let (status, body) = w.on_slot(a, slot(&same_time, 0), "claims", json!({})).await;
    assert_eq!(
        status, 201,
        "a cancelled post's claim clashes with nothing: {body}"
    );
    assert_eq!(w.on_slot(a, first, "cancellations", json!({})).await.0, 201);
    let still_waiting: String = sqlx::query_scalar(
        "SELECT status FROM claims WHERE slot_id = $1 AND status <> 'cancelled'",
    )
    .bind(first)
    .fetch_one(&w.app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        still_waiting, "waiting",
        "nobody moves up on a cancelled post"
    );
}
