//! Leaving hands duties back: a handler whose role is revoked, a member
//! who deletes their account, a capable person who moves out. What they
//! were doing for others goes to those who can take it up, with a trace;
//! what they did stays.

use crate::common::TestApp;
use serde_json::{Value, json};

const ADMIN: &str = "13800000001";
/// 王秀英, head of 海景花园's station.
const HEAD: &str = "13800000002";
/// 李阿婆, 陈志明, 王药师: residents of 海景花园 (made verified below).
const RESIDENTS: [&str; 3] = ["13800000044", "13800000045", "13800000046"];

struct World {
    app: TestApp,
    compound: i64,
    building: i64,
    head: String,
    admin: String,
    /// Sessions of the three residents, and their household bindings.
    residents: Vec<String>,
    bindings: Vec<i64>,
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
        let mut bindings = Vec::new();
        for (phone, room) in RESIDENTS.iter().zip(["101", "102", "201"]) {
            let (token, binding) = app.verified_resident(&head, phone, building, room).await;
            residents.push(token);
            bindings.push(binding);
        }
        World {
            admin: app.sign_in(ADMIN).await,
            compound,
            building,
            head,
            residents,
            bindings,
            app,
        }
    }

    /// Makes resident `i` a capable person of the compound (approved).
    async fn join_pool(&self, i: usize) -> i64 {
        let (_, skills) = self.app.get_json("/api/v1/skills?street_id=1").await;
        let (status, applied) = self
            .app
            .post_as(
                &self.residents[i],
                "/api/v1/pool-applications",
                json!({"compound_id": self.compound, "skill_ids": [skills["items"][0]["id"]], "availability": "随时"}),
            )
            .await;
        assert_eq!(status, 201, "{applied}");
        let id = applied["id"].as_i64().unwrap();
        let (status, _) = self
            .app
            .post_as(
                &self.head,
                &format!("/api/v1/pool-applications/{id}/approvals"),
                json!({}),
            )
            .await;
        assert_eq!(status, 201);
        id
    }

    /// Resident `i` files a repair; its id.
    async fn file(&self, i: usize, title: &str) -> i64 {
        let (_, categories) = self.app.get_json("/api/v1/categories?street_id=1").await;
        let (status, affair) = self
            .app
            .post_as(
                &self.residents[i],
                "/api/v1/affairs",
                json!({"compound_id": self.compound, "category_id": categories["items"][0]["id"],
                       "title": title, "description": "水一直滴", "building_id": self.building,
                       "unit": "1单元"}),
            )
            .await;
        assert_eq!(status, 201, "{affair}");
        affair["id"].as_i64().unwrap()
    }

    async fn affair(&self, token: &str, id: i64) -> Value {
        let (status, affair) = self
            .app
            .get_as(token, &format!("/api/v1/affairs/{id}"))
            .await;
        assert_eq!(status, 200, "{affair}");
        affair
    }

    async fn notices(&self, token: &str) -> Vec<(String, String)> {
        let (_, notices) = self.app.get_as(token, "/api/v1/notices").await;
        notices["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["act"].as_str().unwrap().to_owned(),
                    n["title"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    async fn delete_account(&self, i: usize) {
        let (status, _) = self
            .app
            .send_as(
                &self.residents[i],
                reqwest::Method::DELETE,
                "/api/v1/me",
                None,
            )
            .await;
        assert_eq!(status, 204);
    }
}

fn last_step(affair: &Value) -> (String, Option<String>) {
    let step = affair["timeline"].as_array().unwrap().last().unwrap();
    (
        step["act"].as_str().unwrap().to_owned(),
        step["note"].as_str().map(str::to_owned),
    )
}

#[tokio::test]
async fn a_revoked_handler_hands_their_affairs_back_to_the_queue() {
    let w = World::new().await;
    // 李阿婆 becomes a station member and takes on two affairs; a third,
    // resolved by her, is history.
    let (status, grant) = w
        .app
        .post_as(
            &w.admin,
            "/api/v1/role-grants",
            json!({"phone": RESIDENTS[0], "role": "station_member", "place_id": w.compound,
                   "position": "member", "reason": "推选"}),
        )
        .await;
    assert_eq!(status, 201, "{grant}");
    let member = &w.residents[0];
    let (_, me) = w.app.get_as(member, "/api/v1/sessions/current").await;
    let member_id = me["person"]["id"].as_i64().unwrap();
    let mut ids = Vec::new();
    for title in ["厨房水管漏水", "楼道灯不亮", "门禁坏了"] {
        let id = w.file(1, title).await;
        let (status, accepted) = w
            .app
            .post_as(
                &w.head,
                &format!("/api/v1/affairs/{id}/events"),
                json!({"act": "accept", "assignee_id": member_id}),
            )
            .await;
        assert_eq!(status, 201, "{accepted}");
        ids.push(id);
    }
    let (status, _) = w
        .app
        .post_as(
            member,
            &format!("/api/v1/affairs/{}/events", ids[2]),
            json!({"act": "resolve", "note": "换了门禁卡"}),
        )
        .await;
    assert_eq!(status, 201);
    let before_resolve_due: Option<i64> =
        sqlx::query_scalar("SELECT resolve_due_at FROM affairs WHERE id = $1")
            .bind(ids[0])
            .fetch_one(&w.app.db.pool)
            .await
            .unwrap();

    let grant = grant["id"].as_i64().unwrap();
    let (status, _) = w
        .app
        .post_as(
            &w.admin,
            &format!("/api/v1/role-grants/{grant}/revocations"),
            json!({"reason": "搬离小区"}),
        )
        .await;
    assert_eq!(status, 201);

    for id in &ids[..2] {
        let affair = w.affair(&w.head, *id).await;
        assert_eq!(
            (
                affair["status"].as_str(),
                affair["level"].as_str(),
                &affair["assignee_name"]
            ),
            (Some("open"), Some("station"), &Value::Null),
            "{affair}"
        );
        assert_eq!(
            last_step(&affair),
            (
                "release".to_owned(),
                Some("经办人已不再担任此职务，事项退回待受理".to_owned())
            )
        );
    }
    let after = w.affair(&w.head, ids[0]).await;
    assert_ne!(after["due_at"], Value::Null, "a new deadline to accept it");
    let resolve_due: Option<i64> =
        sqlx::query_scalar("SELECT resolve_due_at FROM affairs WHERE id = $1")
            .bind(ids[0])
            .fetch_one(&w.app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        resolve_due, before_resolve_due,
        "the resident's wait does not restart"
    );
    // The resolved affair keeps its steps and who resolved it.
    let done = w.affair(&w.head, ids[2]).await;
    assert_eq!(
        (done["status"].as_str(), last_step(&done).0.as_str()),
        (Some("resolved"), "resolve")
    );
    // The station is told, and so is the filer; the queue shows both as new.
    let told = w.notices(&w.head).await;
    assert!(told.contains(&("release".to_owned(), "厨房水管漏水".to_owned())));
    assert!(
        w.notices(&w.residents[1])
            .await
            .contains(&("release".to_owned(), "楼道灯不亮".to_owned()))
    );
    let (_, queue) = w.app.get_as(&w.head, "/api/v1/affair-queue?view=new").await;
    let new: Vec<i64> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert!(new.contains(&ids[0]) && new.contains(&ids[1]), "{queue}");
    // The head accepts one again and it goes on.
    let (status, _) = w
        .app
        .post_as(
            &w.head,
            &format!("/api/v1/affairs/{}/events", ids[0]),
            json!({"act": "accept"}),
        )
        .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn a_handler_keeps_what_another_role_still_lets_them_handle() {
    let w = World::new().await;
    // 李阿婆 is a station member here and at 东港新村.
    let (_, list) = w.app.get_json("/api/v1/compounds?limit=2").await;
    let elsewhere = list["items"][1]["id"].as_i64().unwrap();
    let mut grants = Vec::new();
    for compound in [w.compound, elsewhere] {
        let (status, grant) = w
            .app
            .post_as(
                &w.admin,
                "/api/v1/role-grants",
                json!({"phone": RESIDENTS[0], "role": "station_member", "place_id": compound,
                       "position": "member", "reason": "推选"}),
            )
            .await;
        assert_eq!(status, 201, "{grant}");
        grants.push(grant["id"].as_i64().unwrap());
    }
    let (_, me) = w
        .app
        .get_as(&w.residents[0], "/api/v1/sessions/current")
        .await;
    let member_id = me["person"]["id"].as_i64().unwrap();
    let id = w.file(1, "厨房水管漏水").await;
    w.app
        .post_as(
            &w.head,
            &format!("/api/v1/affairs/{id}/events"),
            json!({"act": "accept", "assignee_id": member_id}),
        )
        .await;
    // Revoking the role elsewhere leaves the affair here with her.
    let (status, _) = w
        .app
        .post_as(
            &w.admin,
            &format!("/api/v1/role-grants/{}/revocations", grants[1]),
            json!({"reason": "换届"}),
        )
        .await;
    assert_eq!(status, 201);
    let affair = w.affair(&w.head, id).await;
    assert_eq!(
        (affair["status"].as_str(), last_step(&affair).0.as_str()),
        (Some("in_progress"), "accept")
    );
}

#[tokio::test]
async fn a_deleted_account_hands_back_claims_pool_help_and_a_studio_lead() {
    let w = World::new().await;
    let [li, chen, wang] = [&w.residents[0], &w.residents[1], &w.residents[2]];
    let li_member = w.join_pool(0).await;
    w.join_pool(1).await;
    // 李阿婆 was in the pool since last month: that month's figures count her.
    let month = server::metrics::month_of(server::db::now_ms(), 0);
    let last_month = server::metrics::month_of(server::db::now_ms(), 1);
    let (start, _) = server::metrics::month_range(&last_month).unwrap();
    sqlx::query("UPDATE pool_members SET decided_at = $1 WHERE id = $2")
        .bind(start + 1000)
        .bind(li_member)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    // She leads a studio 陈志明 joined.
    let (status, studios) = w
        .app
        .post_as(
            li,
            "/api/v1/studios",
            json!({"compound_id": w.compound, "name": "李阿婆编织工作室", "description": "教邻居织毛衣"}),
        )
        .await;
    assert_eq!(status, 201, "{studios}");
    let studio = studios["items"][0]["id"].as_i64().unwrap();
    let (status, _) = w
        .app
        .post_as(
            chen,
            &format!("/api/v1/studios/{studio}/members"),
            json!({}),
        )
        .await;
    assert_eq!(status, 201);
    // She holds the one place of tomorrow's patrol; 王药师 waits.
    let start = server::db::now_ms() + 24 * 3_600_000;
    let (status, post) = w
        .app
        .post_as(
            &w.head,
            "/api/v1/posts",
            json!({"compound_id": w.compound, "title": "夜间安全巡逻", "description": "沿小区四周巡查",
                   "place": "北门岗亭", "places": 1, "cutoff_hours": 1,
                   "starts_at": server::db::rfc3339(start), "minutes": 120, "weeks": 2}),
        )
        .await;
    assert_eq!(status, 201, "{post}");
    let post_id = post["id"].as_i64().unwrap();
    let slot = post["slots"][0]["id"].as_i64().unwrap();
    let later = post["slots"][1]["id"].as_i64().unwrap();
    for (token, slot) in [(li, slot), (wang, slot), (li, later)] {
        let (status, _) = w
            .app
            .post_as(token, &format!("/api/v1/slots/{slot}/claims"), json!({}))
            .await;
        assert_eq!(status, 201);
    }
    // She was asked to help with 王药师's leak.
    let affair = w.file(2, "厨房水管漏水").await;
    let (_, me) = w.app.get_as(li, "/api/v1/sessions/current").await;
    let li_id = me["person"]["id"].as_i64().unwrap();
    let (status, help) = w
        .app
        .post_as(
            &w.head,
            &format!("/api/v1/affairs/{affair}/help-requests"),
            json!({"person_id": li_id, "note": "能上门看看吗？"}),
        )
        .await;
    assert_eq!(status, 201, "{help}");
    let figures = |month: String| {
        let w = &w;
        async move {
            let (status, f) = w
                .app
                .get_as(
                    &w.head,
                    &format!(
                        "/api/v1/pool-figures?compound_id={}&month={month}",
                        w.compound
                    ),
                )
                .await;
            assert_eq!(status, 200, "{f}");
            f["pool_size"].as_i64().unwrap()
        }
    };
    assert_eq!(
        (
            figures(last_month.clone()).await,
            figures(month.clone()).await
        ),
        (1, 2)
    );

    w.delete_account(0).await;

    // The waiting list moved up, and 王药师 was told.
    let (_, seen) = w
        .app
        .get_as(wang, &format!("/api/v1/posts/{post_id}"))
        .await;
    assert_eq!(
        (
            seen["slots"][0]["mine"].as_str(),
            seen["slots"][0]["confirmed"].as_i64(),
            seen["slots"][0]["waiting"].as_i64(),
            seen["slots"][1]["confirmed"].as_i64(),
        ),
        (Some("confirmed"), Some(1), Some(0), Some(0)),
        "{seen}"
    );
    assert!(
        w.notices(wang)
            .await
            .contains(&("claim_confirmed".to_owned(), "夜间安全巡逻".to_owned()))
    );
    // The help she was asked for is declined, with a step saying why, and
    // the station and the filer are told.
    let (_, helps) = w
        .app
        .get_as(&w.head, &format!("/api/v1/affairs/{affair}/help-requests"))
        .await;
    assert_eq!(helps["items"][0]["status"], "declined");
    let filed = w.affair(wang, affair).await;
    assert_eq!(
        last_step(&filed),
        (
            "help_declined".to_owned(),
            Some("帮忙的能人已注销账号，请另找人帮忙".to_owned())
        )
    );
    assert!(
        w.notices(&w.head)
            .await
            .contains(&("help_declined".to_owned(), "厨房水管漏水".to_owned()))
    );
    // She is no longer offered, nor counted from this month on; last month
    // keeps its figure.
    let (_, offered) = w
        .app
        .get_as(
            &w.head,
            &format!("/api/v1/affairs/{affair}/capable-persons"),
        )
        .await;
    let names: Vec<&str> = offered["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["陈志明"]);
    assert_eq!((figures(last_month).await, figures(month).await), (1, 1));
    let (_, applications) = w
        .app
        .get_as(
            &w.head,
            &format!("/api/v1/pool-applications?compound_id={}", w.compound),
        )
        .await;
    assert_eq!(applications["items"].as_array().unwrap().len(), 1);
    // The studio's lead is vacant; its member is told and takes it.
    let (_, studios) = w
        .app
        .get_json(&format!("/api/v1/studios?compound_id={}", w.compound))
        .await;
    assert_eq!(
        (
            &studios["items"][0]["lead_name"],
            &studios["items"][0]["members"]
        ),
        (&Value::Null, &json!(["陈志明"]))
    );
    assert!(w.notices(chen).await.contains(&(
        "studio_lead_wanted".to_owned(),
        "李阿婆编织工作室".to_owned()
    )));
    let lead = format!("/api/v1/studios/{studio}/lead");
    assert_eq!(w.app.post_as(wang, &lead, json!({})).await.0, 403);
    let (status, taken) = w.app.post_as(chen, &lead, json!({})).await;
    assert_eq!(
        (status, taken["items"][0]["lead_name"].as_str()),
        (201, Some("陈志明"))
    );
    assert_eq!(w.app.post_as(chen, &lead, json!({})).await.0, 409);
}

#[tokio::test]
async fn a_capable_person_who_moves_out_leaves_that_compounds_pool() {
    let w = World::new().await;
    w.join_pool(2).await;
    let start = server::db::now_ms() + 24 * 3_600_000;
    let (_, post) = w
        .app
        .post_as(
            &w.head,
            "/api/v1/posts",
            json!({"compound_id": w.compound, "title": "夜间安全巡逻", "description": "沿小区四周巡查",
                   "place": "北门岗亭", "places": 2, "cutoff_hours": 1,
                   "starts_at": server::db::rfc3339(start), "minutes": 120, "weeks": 1}),
        )
        .await;
    let slot = post["slots"][0]["id"].as_i64().unwrap();
    let wang = &w.residents[2];
    w.app
        .post_as(wang, &format!("/api/v1/slots/{slot}/claims"), json!({}))
        .await;
    let (status, _) = w
        .app
        .post_as(
            &w.head,
            &format!("/api/v1/household-requests/{}/move-outs", w.bindings[2]),
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let (_, seen) = w
        .app
        .get_as(wang, &format!("/api/v1/posts/{}", post["id"]))
        .await;
    assert_eq!(
        (
            &seen["slots"][0]["mine"],
            seen["slots"][0]["confirmed"].as_i64()
        ),
        (&Value::Null, Some(0)),
        "{seen}"
    );
    let (_, applications) = w
        .app
        .get_as(
            &w.head,
            &format!("/api/v1/pool-applications?compound_id={}", w.compound),
        )
        .await;
    assert_eq!(applications["items"], json!([]));
}
