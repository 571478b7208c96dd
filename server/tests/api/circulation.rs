//! An affair's circulation between station, grid and community: who may do
//! what where, the timeline, notices, rating and follow-up, and the three
//! rates on a hand-checked month.

use crate::common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

/// 李阿婆, a resident of 海景花园.
const RESIDENT: &str = "13800000044";
/// 王秀英 and 张国强: head and deputy of 海景花园's station.
const HEAD: &str = "13800000002";
const DEPUTY: &str = "13800000003";
/// 刘海燕 and 陈晓东: the workers of 海景花园's two grids.
const GRID_ONE: &str = "13800000009";
const GRID_TWO: &str = "13800000010";
/// 林晓燕: staff of 东港社区, which 海景花园 belongs to.
const COMMUNITY: &str = "13800000036";
/// 李桂芳: head of 东港新村's station (same community, another compound).
const OTHER_HEAD: &str = "13800000011";
/// 周海波: staff of 临城社区.
const OTHER_COMMUNITY: &str = "13800000040";

struct World {
    app: TestApp,
    compound: i64,
    /// A building of each of 海景花园's grids, and the grids.
    buildings: [i64; 2],
    grids: [i64; 2],
    category: i64,
    resident: String,
    head: String,
    deputy: String,
    grid_one: String,
    grid_two: String,
    community: String,
}

impl World {
    async fn new() -> World {
        let app = TestApp::with_demo().await;
        let (_, list) = app.get_json("/api/v1/compounds?limit=1").await;
        let compound = list["items"][0]["id"].as_i64().unwrap();
        let (_, detail) = app.get_json(&format!("/api/v1/compounds/{compound}")).await;
        let grid = |i: usize| detail["grids"][i]["id"].as_i64().unwrap();
        let building = |i: usize| detail["grids"][i]["buildings"][0]["id"].as_i64().unwrap();
        let (_, categories) = app.get_json("/api/v1/categories?street_id=1").await;
        let category = categories["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "facility_repair")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        World {
            resident: app.sign_in(RESIDENT).await,
            head: app.sign_in(HEAD).await,
            deputy: app.sign_in(DEPUTY).await,
            grid_one: app.sign_in(GRID_ONE).await,
            grid_two: app.sign_in(GRID_TWO).await,
            community: app.sign_in(COMMUNITY).await,
            compound,
            buildings: [building(0), building(1)],
            grids: [grid(0), grid(1)],
            category,
            app,
        }
    }

    /// The resident files a public repair in the building of grid `grid`.
    async fn file(&self, title: &str, grid: usize) -> i64 {
        let (status, affair) = self
            .app
            .post_as(
                &self.resident,
                "/api/v1/affairs",
                json!({
                    "compound_id": self.compound,
                    "category_id": self.category,
                    "title": title,
                    "description": "楼道里的灯晚上不亮，老人上下楼看不见",
                    "building_id": self.buildings[grid],
                    "unit": "2单元",
                }),
            )
            .await;
        assert_eq!(status, 201, "{affair}");
        affair["id"].as_i64().unwrap()
    }

    async fn act(&self, token: &str, id: i64, body: Value) -> (u16, Value) {
        self.app
            .post_as(token, &format!("/api/v1/affairs/{id}/events"), body)
            .await
    }

    /// An act that must succeed; the affair after it.
    async fn ok(&self, token: &str, id: i64, body: Value) -> Value {
        let (status, affair) = self.act(token, id, body.clone()).await;
        assert_eq!(status, 201, "{body} → {affair}");
        affair
    }

    async fn rate(&self, id: i64, path: &str, body: Value) -> (u16, Value) {
        self.app
            .post_as(
                &self.resident,
                &format!("/api/v1/affairs/{id}/rating{path}"),
                body,
            )
            .await
    }

    async fn unread(&self, token: &str) -> i64 {
        let (status, body) = self.app.get_as(token, "/api/v1/notices/unread").await;
        assert_eq!(status, 200);
        body["unread"].as_i64().unwrap()
    }
}

fn state(affair: &Value) -> (String, String) {
    (
        affair["status"].as_str().unwrap().to_owned(),
        affair["level"].as_str().unwrap().to_owned(),
    )
}

fn acts(affair: &Value) -> Vec<String> {
    affair["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["act"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_station_handles_it_itself() {
    let w = World::new().await;
    let id = w.file("楼道灯坏了", 0).await;
    let accepted = w.ok(&w.head, id, json!({"act": "accept"})).await;
    assert_eq!(state(&accepted), ("in_progress".into(), "station".into()));
    assert_eq!(accepted["assignee_name"], "王秀英");
    let resolved = w
        .ok(
            &w.head,
            id,
            json!({"act": "resolve", "note": "请电工师傅换了灯泡"}),
        )
        .await;
    assert_eq!(state(&resolved), ("resolved".into(), "station".into()));
    let closed = w.ok(&w.resident, id, json!({"act": "confirm"})).await;
    assert_eq!(state(&closed), ("closed".into(), "station".into()));
    assert_eq!(acts(&closed), ["file", "accept", "resolve", "confirm"]);
    let resolve = &closed["timeline"][2];
    assert_eq!(resolve["actor_name"], "王秀英");
    assert_eq!(resolve["note"], "请电工师傅换了灯泡");
    assert_eq!(resolve["to_status"], "resolved");
}

#[tokio::test]
async fn passed_to_the_grid_escalated_handed_back_and_reopened() {
    let w = World::new().await;
    let id = w.file("单元门禁坏了", 0).await;
    w.ok(&w.deputy, id, json!({"act": "accept"})).await;
    // The station passes it to the other grid than the building's.
    let passed = w
        .ok(
            &w.head,
            id,
            json!({"act": "pass_to_grid", "note": "需要网格协调物业", "grid_id": w.grids[1]}),
        )
        .await;
    assert_eq!(state(&passed), ("open".into(), "grid".into()));
    assert_eq!(passed["assignee_name"], Value::Null);
    // Only that grid's worker acts on it now.
    let (status, body) = w.act(&w.grid_one, id, json!({"act": "accept"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let (status, _) = w.act(&w.head, id, json!({"act": "accept"})).await;
    assert_eq!(status, 403, "the station no longer holds it");
    w.ok(&w.grid_two, id, json!({"act": "accept"})).await;
    let escalated = w
        .ok(
            &w.grid_two,
            id,
            json!({"act": "escalate", "note": "门禁系统要物业公司更换"}),
        )
        .await;
    assert_eq!(state(&escalated), ("open".into(), "community".into()));
    // The community hands it back to the station, which resolves it.
    let back = w
        .ok(
            &w.community,
            id,
            json!({"act": "hand_back", "to": "station", "note": "互助站能人可以修"}),
        )
        .await;
    assert_eq!(state(&back), ("open".into(), "station".into()));
    w.ok(&w.head, id, json!({"act": "accept", "assignee_id": 3}))
        .await;
    w.ok(
        &w.deputy,
        id,
        json!({"act": "resolve", "note": "换了门禁模块"}),
    )
    .await;
    let (status, body) = w.act(&w.resident, id, json!({"act": "reopen"})).await;
    assert_eq!(
        (status, body["error"]["fields"]["note"].as_str()),
        (422, Some("required"))
    );
    let reopened = w
        .ok(
            &w.resident,
            id,
            json!({"act": "reopen", "note": "刷卡还是打不开"}),
        )
        .await;
    assert_eq!(state(&reopened), ("open".into(), "station".into()));
    assert_eq!(
        acts(&reopened),
        [
            "file",
            "accept",
            "pass_to_grid",
            "accept",
            "escalate",
            "hand_back",
            "accept",
            "resolve",
            "reopen"
        ]
    );
    let levels: Vec<Value> = reopened["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to_level"].clone())
        .collect();
    assert_eq!(levels[2], "grid");
    assert_eq!(levels[4], "community");
    assert_eq!(levels[5], "station");
}

#[tokio::test]
async fn illegal_moves_and_other_places_are_refused() {
    let w = World::new().await;
    let id = w.file("电梯异响", 0).await;
    let code = |r: &(u16, Value)| (r.0, r.1["error"]["code"].as_str().map(str::to_owned));
    // Resolving an affair nobody accepted.
    let r = w
        .act(&w.head, id, json!({"act": "resolve", "note": "好了"}))
        .await;
    assert_eq!(code(&r), (409, Some("illegal_move".into())));
    // The filer cannot confirm an open affair, nor accept it.
    assert_eq!(
        w.act(&w.resident, id, json!({"act": "confirm"})).await.0,
        409
    );
    assert_eq!(
        w.act(&w.resident, id, json!({"act": "accept"})).await.0,
        403
    );
    // Another compound's station head and another community's staff.
    let other_head = w.app.sign_in(OTHER_HEAD).await;
    let other_community = w.app.sign_in(OTHER_COMMUNITY).await;
    assert_eq!(
        w.act(&other_head, id, json!({"act": "accept"})).await.0,
        403
    );
    assert_eq!(
        w.act(&other_community, id, json!({"act": "accept"}))
            .await
            .0,
        403
    );
    // The community cannot take it before the station passes it up.
    assert_eq!(
        w.act(&w.community, id, json!({"act": "accept"})).await.0,
        403
    );
    // Passing an open (unaccepted) affair is illegal; to a grid of another
    // compound is invalid.
    let r = w
        .act(
            &w.head,
            id,
            json!({"act": "pass_to_grid", "note": "转网格"}),
        )
        .await;
    assert_eq!(code(&r), (409, Some("illegal_move".into())));
    w.ok(&w.head, id, json!({"act": "accept"})).await;
    let (_, other) = w.app.get_json("/api/v1/compounds?limit=2").await;
    let other_compound = other["items"][1]["id"].as_i64().unwrap();
    let (_, other_detail) = w
        .app
        .get_json(&format!("/api/v1/compounds/{other_compound}"))
        .await;
    let foreign_grid = other_detail["grids"][0]["id"].as_i64().unwrap();
    let r = w
        .act(
            &w.head,
            id,
            json!({"act": "pass_to_grid", "note": "转网格", "grid_id": foreign_grid}),
        )
        .await;
    assert_eq!(
        (r.0, r.1["error"]["fields"]["grid_id"].as_str()),
        (422, Some("invalid"))
    );
    // Assigning to someone outside the station.
    let r = w
        .app
        .send_as(
            &w.head,
            Method::PUT,
            &format!("/api/v1/affairs/{id}/assignee"),
            Some(json!({"person_id": 9})),
        )
        .await;
    assert_eq!(r.0, 422);
    let r = w
        .app
        .send_as(
            &w.head,
            Method::PUT,
            &format!("/api/v1/affairs/{id}/assignee"),
            Some(json!({"person_id": 3})),
        )
        .await;
    assert_eq!((r.0, r.1["assignee_name"].as_str()), (200, Some("张国强")));
    // Nothing illegal left a trace.
    let (_, affair) = w
        .app
        .get_as(&w.head, &format!("/api/v1/affairs/{id}"))
        .await;
    assert_eq!(acts(&affair), ["file", "accept", "assign"]);
}

#[tokio::test]
async fn each_step_tells_the_people_it_concerns() {
    let w = World::new().await;
    let before = w.unread(&w.head).await;
    let id = w.file("垃圾房门坏了", 0).await;
    // Filing tells every station member; not the filer.
    assert_eq!(w.unread(&w.head).await, before + 1);
    assert_eq!(w.unread(&w.deputy).await, before + 1);
    assert_eq!(w.unread(&w.resident).await, 0);
    w.ok(&w.head, id, json!({"act": "accept"})).await;
    w.ok(
        &w.head,
        id,
        json!({"act": "pass_to_grid", "note": "请网格员处理"}),
    )
    .await;
    // The resident heard twice; the building's grid worker once, the other not.
    assert_eq!(w.unread(&w.resident).await, 2);
    assert_eq!(w.unread(&w.grid_one).await, 1);
    assert_eq!(w.unread(&w.grid_two).await, 0);
    let (status, notices) = w.app.get_as(&w.resident, "/api/v1/notices").await;
    assert_eq!(status, 200);
    let newest = &notices["items"][0];
    assert_eq!(newest["act"], "pass_to_grid");
    assert_eq!(newest["title"], "垃圾房门坏了");
    assert_eq!(newest["actor_name"], "王秀英");
    assert_eq!(newest["read"], false);
    let (status, left) = w
        .app
        .post_as(
            &w.resident,
            "/api/v1/notice-reads",
            json!({"up_to_id": newest["id"]}),
        )
        .await;
    assert_eq!((status, left["unread"].as_i64()), (200, Some(0)));
    // The queue of grid one holds it; grid two's does not.
    let (_, queue) = w.app.get_as(&w.grid_one, "/api/v1/affair-queue").await;
    assert_eq!(queue["items"][0]["id"], id);
    let (_, queue) = w.app.get_as(&w.grid_two, "/api/v1/affair-queue").await;
    assert!(queue["items"].as_array().unwrap().is_empty());
    let (status, _) = w.app.get_json("/api/v1/notices").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn queues_put_overdue_first_and_filter() {
    let w = World::new().await;
    let fresh = w.file("健身器材松动", 0).await;
    let late = w.file("消防通道堆物", 0).await;
    let mine = w.file("楼顶漏水", 1).await;
    sqlx::query("UPDATE affairs SET respond_due_at = 1000 WHERE id = $1")
        .bind(late)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    w.ok(&w.head, mine, json!({"act": "accept"})).await;
    let ids = |v: &Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect()
    };
    let (_, queue) = w.app.get_as(&w.head, "/api/v1/affair-queue").await;
    assert_eq!(ids(&queue), [late, fresh, mine]);
    assert_eq!(queue["items"][0]["overdue"], true);
    assert_eq!(queue["items"][1]["overdue"], false);
    let (_, new) = w.app.get_as(&w.head, "/api/v1/affair-queue?view=new").await;
    assert_eq!(ids(&new), [late, fresh]);
    let (_, just_mine) = w
        .app
        .get_as(&w.head, "/api/v1/affair-queue?view=mine")
        .await;
    assert_eq!(ids(&just_mine), [mine]);
    let (_, overdue) = w
        .app
        .get_as(&w.head, "/api/v1/affair-queue?view=overdue")
        .await;
    assert_eq!(ids(&overdue), [late]);
    let (_, deputy_mine) = w
        .app
        .get_as(&w.deputy, "/api/v1/affair-queue?view=mine")
        .await;
    assert!(ids(&deputy_mine).is_empty());
    let (_, other_category) = w
        .app
        .get_as(
            &w.head,
            &format!("/api/v1/affair-queue?category_id={}", w.category + 1),
        )
        .await;
    assert!(ids(&other_category).is_empty());
}

#[tokio::test]
async fn a_poor_rating_opens_a_follow_up_and_the_re_rating_counts() {
    let w = World::new().await;
    let id = w.file("水管漏水", 0).await;
    let (status, _) = w.rate(id, "", json!({"satisfaction": "satisfied"})).await;
    assert_eq!(status, 409, "nothing to rate before it is resolved");
    w.ok(&w.head, id, json!({"act": "accept"})).await;
    w.ok(
        &w.head,
        id,
        json!({"act": "resolve", "note": "关了总阀，换了管子"}),
    )
    .await;
    let (status, body) = w
        .rate(id, "", json!({"satisfaction": "dissatisfied"}))
        .await;
    assert_eq!(
        (status, body["error"]["fields"]["comment"].as_str()),
        (422, Some("required"))
    );
    let (status, body) = w
        .app
        .post_as(
            &w.head,
            &format!("/api/v1/affairs/{id}/rating"),
            json!({"satisfaction": "very_satisfied"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let (status, rated) = w
        .rate(
            id,
            "",
            json!({"satisfaction": "dissatisfied", "comment": "墙上还在渗水"}),
        )
        .await;
    assert_eq!(status, 201, "{rated}");
    assert_eq!(state(&rated), ("closed".into(), "station".into()));
    assert_eq!(rated["rating"]["satisfaction"], "dissatisfied");
    assert!(rated["rating"]["follow_up_due_at"].is_string());
    let (status, _) = w.rate(id, "", json!({"satisfaction": "satisfied"})).await;
    assert_eq!(status, 409, "one rating per affair");
    let (status, _) = w
        .rate(id, "/re-rating", json!({"satisfaction": "satisfied"}))
        .await;
    assert_eq!(status, 409, "no re-rating before the follow-up");
    // The handler sees the reason and records the call-back.
    let (_, seen) = w
        .app
        .get_as(&w.head, &format!("/api/v1/affairs/{id}"))
        .await;
    assert_eq!(seen["rating"]["comment"], "墙上还在渗水");
    let (status, _) = w
        .app
        .post_as(
            &w.grid_two,
            &format!("/api/v1/affairs/{id}/rating/follow-up"),
            json!({"note": "回访"}),
        )
        .await;
    assert_eq!(status, 403, "another grid's worker");
    let (status, followed) = w
        .app
        .post_as(
            &w.head,
            &format!("/api/v1/affairs/{id}/rating/follow-up"),
            json!({"note": "电话回访，次日请物业补了防水"}),
        )
        .await;
    assert_eq!(status, 201, "{followed}");
    assert_eq!(followed["rating"]["follow_up_by"], "王秀英");
    assert_eq!(w.unread(&w.resident).await, 3, "accept, resolve, follow-up");
    let (status, again) = w
        .rate(
            id,
            "/re-rating",
            json!({"satisfaction": "satisfied", "comment": "补好了"}),
        )
        .await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["rating"]["re_satisfaction"], "satisfied");
    assert_eq!(
        acts(&again),
        [
            "file",
            "accept",
            "resolve",
            "confirm",
            "rate",
            "follow_up",
            "re_rate"
        ]
    );
}

/// Moves an affair's recorded times to `day` of October 2026 (China time)
/// plus the given minutes, as if it had lived then.
async fn relive(app: &TestApp, id: i64, day: i64, respond: Option<i64>, resolve: Option<i64>) {
    // 2026-10-01 00:00 in Beijing.
    let october = 1_790_812_800_000_i64 - 8 * 3600 * 1000;
    let created = october + (day - 1) * 86_400_000 + 9 * 3600 * 1000;
    let minutes = |m: Option<i64>| m.map(|m| created + m * 60_000);
    sqlx::query(
        "UPDATE affairs SET created_at = $1, responded_at = $2, \
         resolved_at = CASE WHEN resolved_at IS NULL THEN NULL ELSE $3 END WHERE id = $4",
    )
    .bind(created)
    .bind(minutes(respond))
    .bind(minutes(resolve))
    .bind(id)
    .execute(&app.db.pool)
    .await
    .unwrap();
}

async fn miss_deadline(app: &TestApp, id: i64) {
    sqlx::query("UPDATE affairs SET respond_due_at = 1000 WHERE id = $1")
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_three_rates_of_a_hand_checked_month() {
    let w = World::new().await;
    let note = |n: &str| json!({"act": "resolve", "note": n});
    // A1: accepted in time, resolved by the station, 非常满意.
    let a1 = w.file("一号楼灯坏", 0).await;
    w.ok(&w.head, a1, json!({"act": "accept"})).await;
    w.ok(&w.head, a1, note("换灯")).await;
    w.rate(a1, "", json!({"satisfaction": "very_satisfied"}))
        .await;
    // A2: accepted late, passed to grid one which resolves it; 不满意, a
    // follow-up, then 满意.
    let a2 = w.file("二号楼门禁", 0).await;
    miss_deadline(&w.app, a2).await;
    w.ok(&w.head, a2, json!({"act": "accept"})).await;
    w.ok(
        &w.head,
        a2,
        json!({"act": "pass_to_grid", "note": "转网格"}),
    )
    .await;
    w.ok(&w.grid_one, a2, json!({"act": "accept"})).await;
    w.ok(&w.grid_one, a2, note("修好")).await;
    w.rate(
        a2,
        "",
        json!({"satisfaction": "dissatisfied", "comment": "太慢"}),
    )
    .await;
    w.app
        .post_as(
            &w.grid_one,
            &format!("/api/v1/affairs/{a2}/rating/follow-up"),
            json!({"note": "已道歉说明"}),
        )
        .await;
    w.rate(a2, "/re-rating", json!({"satisfaction": "satisfied"}))
        .await;
    // A3: in time, escalated to the community, resolved, reopened,
    // resolved again and confirmed without a rating.
    let a3 = w.file("路灯不亮", 1).await;
    w.ok(&w.head, a3, json!({"act": "accept"})).await;
    w.ok(&w.head, a3, json!({"act": "escalate", "note": "市政路灯"}))
        .await;
    w.ok(&w.community, a3, json!({"act": "accept"})).await;
    w.ok(&w.community, a3, note("城管修了")).await;
    w.ok(&w.resident, a3, json!({"act": "reopen", "note": "又坏了"}))
        .await;
    w.ok(&w.community, a3, json!({"act": "accept"})).await;
    w.ok(&w.community, a3, note("换了线路")).await;
    w.ok(&w.resident, a3, json!({"act": "confirm"})).await;
    // A4: never accepted, past its deadline.
    let a4 = w.file("车棚漏雨", 1).await;
    miss_deadline(&w.app, a4).await;
    // A5: in time, resolved by the station, 非常不满意.
    let a5 = w.file("花坛积水", 0).await;
    w.ok(&w.deputy, a5, json!({"act": "accept"})).await;
    w.ok(&w.deputy, a5, note("疏通")).await;
    w.rate(
        a5,
        "",
        json!({"satisfaction": "very_dissatisfied", "comment": "没疏通"}),
    )
    .await;
    // Outside the month: filed the next day of November.
    let a6 = w.file("十一月的事", 0).await;
    for (id, day, respond, resolve) in [
        (a1, 3, Some(30), Some(600)),
        (a2, 5, Some(90), Some(3000)),
        (a3, 8, Some(60), Some(6000)),
        (a4, 12, None, None),
        (a5, 20, Some(120), Some(1200)),
        (a6, 32, Some(10), None),
    ] {
        relive(&w.app, id, day, respond, resolve).await;
    }

    let (status, m) = w
        .app
        .get_json(&format!(
            "/api/v1/affair-metrics?scope=station&place_id={}&month=2026-10",
            w.compound
        ))
        .await;
    assert_eq!(status, 200, "{m}");
    assert_eq!(m["place_name"], "海景花园居民自治互助站");
    assert_eq!(m["received"], 5);
    assert_eq!(
        [
            &m["handled_station"],
            &m["handled_grid"],
            &m["handled_community"]
        ],
        [2, 1, 1]
    );
    // Response: A1, A3, A5 in time (A2 late, A4 never).
    assert_eq!(m["response"], json!({"count": 3, "of": 5}));
    // Resolution: A1, A2, A5 (A3 was reopened, A4 is open).
    assert_eq!(m["resolution"], json!({"count": 3, "of": 5}));
    // Satisfaction: A1 非常满意, A2 re-rated 满意, A5 非常不满意.
    assert_eq!(m["satisfaction"], json!({"count": 2, "of": 3}));
    // Respond: 30, 60, 90, 120 → 75. Resolve: 600, 1200, 3000, 6000 → 2100.
    assert_eq!(m["median_respond_minutes"], 75);
    assert_eq!(m["median_resolve_minutes"], 2100);
    // Overdue: A2 (answered late) and A4 (still waiting).
    assert_eq!(m["overdue"], 2);

    // Grid one's share: the affairs of its building (A1, A2, A5) and A2's
    // circulation through it.
    let (_, g) = w
        .app
        .get_json(&format!(
            "/api/v1/affair-metrics?scope=grid&place_id={}&month=2026-10",
            w.grids[0]
        ))
        .await;
    assert_eq!(g["received"], 3);
    assert_eq!(g["handled_grid"], 1);
    assert_eq!(g["satisfaction"], json!({"count": 2, "of": 3}));
    // The community: only 海景花园 had affairs.
    let (_, c) = w
        .app
        .get_json("/api/v1/affair-metrics?scope=community&place_id=1&month=2026-10")
        .await;
    assert_eq!(
        (c["received"].clone(), c["overdue"].clone()),
        (json!(5), json!(2))
    );
    let (status, bad) = w
        .app
        .get_json("/api/v1/affair-metrics?scope=community&place_id=1&month=2026-13")
        .await;
    assert_eq!(
        (status, bad["error"]["fields"]["month"].as_str()),
        (422, Some("invalid"))
    );

    // The CSV: staff only, one line per affair of the month.
    let path = format!(
        "/api/v1/affair-metrics/export?scope=station&place_id={}&month=2026-10",
        w.compound
    );
    let get = |token: String| {
        let path = path.clone();
        let app = &w.app;
        async move { app.send_as(&token, Method::GET, &path, None).await }
    };
    assert_eq!(get(w.resident.clone()).await.0, 403);
    assert_eq!(get(w.app.sign_in(OTHER_HEAD).await).await.0, 403);
    let (status, csv) = get(w.community.clone()).await;
    assert_eq!(status, 200);
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("\u{feff}编号,提交时间"));
    assert_eq!(csv.lines().count(), 6);
    assert!(csv.contains("\"二号楼门禁\""));
    assert!(csv.contains("\"2026-10-03 09:00\""));
    assert!(!csv.contains("十一月的事"));

    // The station's report counts the first verdicts in the month they were
    // given (now): A1 非常满意, A2 不满意 answered and re-rated 满意 (fixed),
    // A5 非常不满意 not yet answered.
    let month = server::metrics::month_of(server::db::now_ms(), 0);
    let path = format!("/api/v1/communities/1/service-reports?month={month}");
    assert_eq!(w.app.get_as(&w.resident, &path).await.0, 403);
    let (status, reports) = w.app.get_as(&w.community, &path).await;
    assert_eq!(status, 200, "{reports}");
    let station = reports["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == w.compound)
        .unwrap();
    assert_eq!(station["distribution"], json!([1, 0, 0, 1, 1]));
    assert_eq!(station["satisfaction"], json!({"count": 1, "of": 3}));
    assert_eq!(station["answered"], json!({"count": 1, "of": 2}));
    assert_eq!(station["fixed"], json!({"count": 1, "of": 2}));
    assert_eq!(station["small_sample"], true);
}

#[tokio::test]
async fn the_board_shows_the_station_and_recently_resolved_public_affairs() {
    let w = World::new().await;
    let id = w.file("小区大门灯坏", 0).await;
    w.ok(&w.head, id, json!({"act": "accept"})).await;
    w.ok(&w.head, id, json!({"act": "resolve", "note": "换好了"}))
        .await;
    let (status, private) = w
        .app
        .post_as(
            &w.resident,
            "/api/v1/affairs",
            json!({
                "compound_id": w.compound,
                "category_id": w.category,
                "title": "家里的事",
                "description": "不想让邻居知道",
                "common_area": "家中",
                "private": true,
            }),
        )
        .await;
    assert_eq!(status, 201);
    let private = private["id"].as_i64().unwrap();
    w.ok(&w.head, private, json!({"act": "accept"})).await;
    w.ok(
        &w.head,
        private,
        json!({"act": "resolve", "note": "已上门"}),
    )
    .await;
    let (status, board) = w
        .app
        .get_json(&format!("/api/v1/compounds/{}/board", w.compound))
        .await;
    assert_eq!(status, 200, "{board}");
    assert_eq!(board["this_month"]["received"], 2);
    assert_eq!(board["this_month"]["handled_station"], 2);
    let shown: Vec<i64> = board["recently_resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(shown, [id]);
    assert_eq!(board["recently_resolved"][0]["filer_name"], Value::Null);
}

#[tokio::test]
async fn streets_set_their_own_time_limits() {
    let w = World::new().await;
    let (status, settings) = w.app.get_json("/api/v1/streets/1/affair-settings").await;
    assert_eq!(status, 200);
    assert_eq!(
        settings["limits"][0],
        json!({"level": "station", "respond_hours": 24, "resolve_hours": 72})
    );
    let new = json!({
        "limits": [
            {"level": "station", "respond_hours": 2, "resolve_hours": 48},
            {"level": "grid", "respond_hours": 12, "resolve_hours": 96},
            {"level": "community", "respond_hours": 24, "resolve_hours": 240},
        ],
        "follow_up_days": 5,
    });
    let path = "/api/v1/streets/1/affair-settings";
    assert_eq!(
        w.app
            .send_as(&w.head, Method::PUT, path, Some(new.clone()))
            .await
            .0,
        403
    );
    let admin = w.app.sign_in("13800000001").await;
    let (status, saved) = w
        .app
        .send_as(&admin, Method::PUT, path, Some(new.clone()))
        .await;
    assert_eq!((status, &saved), (200, &new));
    let mut broken = new.clone();
    broken["limits"][1]["level"] = json!("station");
    let (status, body) = w.app.send_as(&admin, Method::PUT, path, Some(broken)).await;
    assert_eq!(
        (status, body["error"]["fields"]["limits"].as_str()),
        (422, Some("invalid"))
    );
    // A new affair gets two hours to be accepted.
    let id = w.file("新规则下的事", 0).await;
    let (_, affair) = w
        .app
        .get_as(&w.head, &format!("/api/v1/affairs/{id}"))
        .await;
    let (due, created): (i64, i64) =
        sqlx::query_as("SELECT respond_due_at, created_at FROM affairs WHERE id = $1")
            .bind(id)
            .fetch_one(&w.app.db.pool)
            .await
            .unwrap();
    assert_eq!(due - created, 2 * 3600 * 1000);
    assert!(affair["due_at"].is_string());
}

#[tokio::test]
async fn the_demo_affairs_go_through_the_real_moves() {
    let app = TestApp::with_demo().await;
    server::demo::load_sample_affairs(&app.db)
        .await
        .expect("demo affairs");
    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let head = app.sign_in(HEAD).await;
    let (_, queue) = app.get_as(&head, "/api/v1/affair-queue").await;
    assert_eq!(titles(&queue), ["消防通道堆了杂物"]);
    let grid = app.sign_in(GRID_ONE).await;
    let (_, queue) = app.get_as(&grid, "/api/v1/affair-queue").await;
    assert_eq!(titles(&queue), ["北门车棚顶漏雨"]);
    let (_, list) = app.get_json("/api/v1/compounds?limit=1").await;
    let compound = list["items"][0]["id"].as_i64().unwrap();
    let (_, board) = app
        .get_json(&format!("/api/v1/compounds/{compound}/board"))
        .await;
    assert_eq!(board["recently_resolved"][0]["title"], "楼道灯坏了");
    assert_eq!(
        board["this_month"]["satisfaction"],
        json!({"count": 1, "of": 1})
    );
    server::demo::load_sample_units(&app.db)
        .await
        .expect("demo units");
    let (_, board) = app
        .get_json(&format!("/api/v1/compounds/{compound}/board"))
        .await;
    let property = &board["units"][0];
    assert_eq!(property["name"], "海景物业服务中心");
    assert_eq!(board["units"].as_array().unwrap().len(), 4);
    assert_eq!(
        property["satisfaction"],
        json!({"count": 0, "of": 0}),
        "this month is the residents' to rate"
    );
    let trend: Vec<(i64, i64)> = property["trend"].as_array().unwrap()[6..]
        .iter()
        .map(|m| {
            (
                m["ratings"].as_i64().unwrap(),
                m["satisfied"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(trend, [(8, 4), (10, 6), (12, 9), (11, 9), (12, 11), (0, 0)]);
}

#[tokio::test]
async fn an_affair_reopened_after_its_grid_was_retired_goes_to_its_buildings_grid() {
    let w = World::new().await;
    let admin = w.app.sign_in("13800000001").await;
    // A third grid, with a worker for a while.
    let (status, grid) = w
        .app
        .post_as(
            &admin,
            &format!("/api/v1/compounds/{}/grids", w.compound),
            json!({"name": "临时网格"}),
        )
        .await;
    assert_eq!(status, 201, "{grid}");
    let grid = grid["id"].as_i64().unwrap();
    let worker_phone = "13912345001";
    let (status, grant) = w
        .app
        .post_as(
            &admin,
            "/api/v1/role-grants",
            json!({"phone": worker_phone, "role": "grid_worker", "place_id": grid, "reason": "临时帮忙"}),
        )
        .await;
    assert_eq!(status, 201, "{grant}");
    let worker = w.app.sign_in(worker_phone).await;
    let id = w.file("楼道灯不亮", 0).await;
    w.ok(&w.deputy, id, json!({"act": "accept"})).await;
    w.ok(
        &w.head,
        id,
        json!({"act": "pass_to_grid", "note": "请临时网格帮忙", "grid_id": grid}),
    )
    .await;
    w.ok(&worker, id, json!({"act": "accept"})).await;
    w.ok(&worker, id, json!({"act": "resolve", "note": "换了灯泡"}))
        .await;
    // The worker leaves and the grid is retired; no one may be appointed
    // to it any more.
    let (status, _) = w
        .app
        .post_as(
            &admin,
            &format!("/api/v1/role-grants/{}/revocations", grant["id"]),
            json!({"reason": "帮忙结束"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = w
        .app
        .send_as(
            &admin,
            Method::DELETE,
            &format!("/api/v1/grids/{grid}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, body) = w
        .app
        .post_as(
            &admin,
            "/api/v1/role-grants",
            json!({"phone": worker_phone, "role": "grid_worker", "place_id": grid, "reason": "再来"}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"place_id": "invalid"}))
    );
    // Reopened, it goes to its building's grid, where that worker takes it.
    let reopened = w
        .ok(
            &w.resident,
            id,
            json!({"act": "reopen", "note": "灯又不亮了"}),
        )
        .await;
    assert_eq!(state(&reopened), ("open".into(), "grid".into()));
    let (_, detail) = w
        .app
        .get_json(&format!("/api/v1/compounds/{}", w.compound))
        .await;
    assert_eq!(reopened["grid_name"], detail["grids"][0]["name"]);
    w.ok(&w.grid_one, id, json!({"act": "accept"})).await;
}

#[tokio::test]
async fn acts_on_one_affair_at_once_each_happen_once() {
    let w = World::new().await;
    let id = w.file("电梯按钮失灵", 0).await;
    // Sixteen identical acceptances: one moves the affair, the others find
    // it moved (409), none is a 5xx, the timeline has one acceptance.
    let answers =
        crate::common::at_once(16, |_| w.act(&w.head, id, json!({"act": "accept"}))).await;
    let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{answers:?}"
    );
    assert!(
        statuses.iter().all(|s| [201, 409].contains(s)),
        "{answers:?}"
    );
    let (_, detail) = w
        .app
        .get_as(&w.head, &format!("/api/v1/affairs/{id}"))
        .await;
    assert_eq!(acts(&detail), ["file", "accept"]);
    // Sixteen conflicting acts on the accepted affair: half resolve it, half
    // pass it to the grid. One wins; the affair took exactly one step.
    let answers = crate::common::at_once(16, |i| {
        let body = if i % 2 == 0 {
            json!({"act": "resolve", "note": "修好了"})
        } else {
            json!({"act": "pass_to_grid", "note": "请网格协调", "grid_id": w.grids[0]})
        };
        let token = if i % 4 < 2 { &w.head } else { &w.deputy };
        w.act(token, id, body)
    })
    .await;
    let won: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == 201)
        .map(|(_, a)| a)
        .collect();
    assert_eq!(won.len(), 1, "{answers:?}");
    assert!(
        answers.iter().all(|(s, _)| [201, 409].contains(s)),
        "{answers:?}"
    );
    let (_, detail) = w
        .app
        .get_as(&w.head, &format!("/api/v1/affairs/{id}"))
        .await;
    assert_eq!(detail["timeline"].as_array().unwrap().len(), 3, "{detail}");
    assert_eq!(state(&detail), state(won[0]));
    // Sixteen identical keyed steps (a retried tap): one step, and every
    // answer is the first one's or says it is still running.
    let id = w.file("车库积水", 0).await;
    let events = format!("/api/v1/affairs/{id}/events");
    let answers = crate::common::at_once(16, |_| {
        w.app
            .post_keyed(&w.head, &events, json!({"act": "accept"}), "accept-once")
    })
    .await;
    for (status, body) in &answers {
        assert!(
            *status == 201
                || (*status == 409 && body["error"]["code"] == "idempotency_key_in_progress"),
            "{status} {body}"
        );
    }
    let (status, again) = w
        .app
        .post_keyed(&w.head, &events, json!({"act": "accept"}), "accept-once")
        .await;
    assert_eq!(
        (status, acts(&again)),
        (201, vec!["file".to_owned(), "accept".to_owned()])
    );
}

#[tokio::test]
async fn ratings_sent_at_once_count_once() {
    let w = World::new().await;
    let id = w.file("楼顶漏雨", 0).await;
    w.ok(&w.head, id, json!({"act": "accept"})).await;
    w.ok(&w.head, id, json!({"act": "resolve", "note": "补了防水"}))
        .await;
    // Sixteen ratings at once, of different satisfaction: one is stored,
    // the affair closes once, the others are told it is rated (409).
    let levels = ["very_satisfied", "satisfied", "fair"];
    let answers = crate::common::at_once(16, |i| {
        w.rate(id, "", json!({"satisfaction": levels[i % levels.len()]}))
    })
    .await;
    assert_eq!(
        answers.iter().filter(|(s, _)| *s == 201).count(),
        1,
        "{answers:?}"
    );
    assert!(
        answers.iter().all(|(s, _)| [201, 409].contains(s)),
        "{answers:?}"
    );
    let ratings: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM affair_ratings WHERE affair_id = {id}"
    )))
    .fetch_one(&w.app.db.pool)
    .await
    .unwrap();
    assert_eq!(ratings, 1);
    let (_, detail) = w
        .app
        .get_as(&w.resident, &format!("/api/v1/affairs/{id}"))
        .await;
    assert_eq!(
        acts(&detail).iter().filter(|a| *a == "confirm").count(),
        1,
        "{detail}"
    );
}
