//! Consultations end to end over HTTP: proposing, adopting, discussing,
//! pledging, the meeting, voting per household, the outcome and its
//! action items — with who may do what where.

use crate::common::{TestApp, at_once};
use reqwest::Method;
use serde_json::{Value, json};

/// 王秀英 heads 海景花园's station, 张国强 is its deputy; 李桂芳 heads 东港新村's;
/// 林晓燕 is staff of 东港社区.
const HEAD: &str = "13800000002";
const DEPUTY: &str = "13800000003";
const OTHER_HEAD: &str = "13800000011";
const COMMUNITY: &str = "13800000036";

struct World {
    app: TestApp,
    compound: i64,
    /// 1号楼 and 5号楼 of 海景花园.
    buildings: [i64; 2],
    head: String,
    /// 李阿婆 and 陈志明 share 1号楼 1单元 101; 王药师 lives in 102.
    a1: String,
    a2: String,
    b: String,
    /// 赵小宝, signed in but not verified anywhere.
    outsider: String,
    /// The binding of 李阿婆.
    a1_binding: i64,
}

impl World {
    async fn new() -> World {
        let app = TestApp::with_demo().await;
        let (_, list) = app.get_json("/api/v1/compounds?limit=1").await;
        let compound = list["items"][0]["id"].as_i64().unwrap();
        let (_, detail) = app.get_json(&format!("/api/v1/compounds/{compound}")).await;
        let buildings = [
            detail["grids"][0]["buildings"][0]["id"].as_i64().unwrap(),
            detail["grids"][1]["buildings"][0]["id"].as_i64().unwrap(),
        ];
        let head = app.sign_in(HEAD).await;
        let verify = async |phone: &str, room: &str| {
            app.verified_resident(&head, phone, buildings[0], room)
                .await
        };
        let (a1, a1_binding) = verify("13800000044", "101").await;
        let (a2, _) = verify("13800000045", "101").await;
        let (b, _) = verify("13800000046", "102").await;
        let outsider = app.sign_in("13800000047").await;
        World {
            compound,
            buildings,
            head,
            a1,
            a2,
            b,
            outsider,
            a1_binding,
            app,
        }
    }

    fn topic(&self, scope: &str) -> Value {
        json!({
            "compound_id": self.compound,
            "scope": scope,
            "building_id": self.buildings[0],
            "title": "1号楼加装电梯",
            "background": "楼里老人多，上下楼难。",
            "discussion_days": 7,
            "meeting": {"at": "2026-12-05T19:30:00+08:00", "place": "互助站活动室", "capacity": 1},
            "asks": {"money_fen": 500000, "hours": 20, "materials": null, "venue": false},
        })
    }

    async fn propose(&self, token: &str, scope: &str) -> (u16, Value) {
        self.app
            .post_as(token, "/api/v1/consultations", self.topic(scope))
            .await
    }

    async fn step(&self, token: &str, id: i64, body: Value) -> (u16, Value) {
        self.app
            .post_as(token, &format!("/api/v1/consultations/{id}/steps"), body)
            .await
    }

    async fn post(&self, token: &str, path: String, body: Value) -> (u16, Value) {
        self.app.post_as(token, &path, body).await
    }

    async fn vote(&self, token: &str, id: i64, choices: Value) -> (u16, Value) {
        self.app
            .send_as(
                token,
                Method::PUT,
                &format!("/api/v1/consultations/{id}/ballot"),
                Some(json!({"choices": choices})),
            )
            .await
    }

    /// A compound topic proposed by 李阿婆, adopted and open for discussion.
    async fn open_topic(&self) -> i64 {
        let (status, topic) = self.propose(&self.a1, "compound").await;
        assert_eq!(status, 201, "{topic}");
        let id = topic["id"].as_i64().unwrap();
        assert_eq!(
            self.step(&self.head, id, json!({"step": "adopt"})).await.0,
            201
        );
        let (status, open) = self
            .step(&self.head, id, json!({"step": "open_discussion"}))
            .await;
        assert_eq!(status, 201, "{open}");
        id
    }
}

fn code(r: &(u16, Value)) -> (u16, Option<&str>) {
    (r.0, r.1["error"]["code"].as_str())
}

#[tokio::test]
async fn a_residents_topic_is_supported_adopted_and_moves_only_forward() {
    let w = World::new().await;
    assert_eq!(
        w.propose(&w.outsider, "compound").await.0,
        403,
        "not verified"
    );
    let (status, topic) = w.propose(&w.a1, "compound").await;
    assert_eq!(status, 201, "{topic}");
    assert_eq!(topic["state"], "proposed");
    assert_eq!(topic["proposer_name"], "李阿婆（李桂兰）");
    let id = topic["id"].as_i64().unwrap();
    let support = format!("/api/v1/consultations/{id}/supports");
    let (status, supported) = w.post(&w.a2, support.clone(), json!({})).await;
    assert_eq!((status, supported["supports"].as_i64()), (201, Some(1)));
    assert_eq!(w.post(&w.b, support.clone(), json!({})).await.0, 201);
    let (status, again) = w.post(&w.b, support.clone(), json!({})).await;
    assert_eq!(
        (status, again["supports"].as_i64()),
        (201, Some(2)),
        "supporting again counts once"
    );
    assert_eq!(w.post(&w.outsider, support.clone(), json!({})).await.0, 403);
    // Only a head of this compound's station adopts or declines.
    let other_head = w.app.sign_in(OTHER_HEAD).await;
    assert_eq!(
        w.step(&other_head, id, json!({"step": "adopt"})).await.0,
        403
    );
    assert_eq!(w.step(&w.a1, id, json!({"step": "adopt"})).await.0, 403);
    let r = w.step(&w.head, id, json!({"step": "decline"})).await;
    assert_eq!(
        (r.0, r.1["error"]["fields"]["reason"].as_str()),
        (422, Some("required"))
    );
    let r = w.step(&w.head, id, json!({"step": "open_voting"})).await;
    assert_eq!(r.0, 422, "a vote needs its rule");
    let (status, adopted) = w.step(&w.head, id, json!({"step": "adopt"})).await;
    assert_eq!(status, 201);
    assert_eq!(adopted["convenor_name"], "王秀英");
    assert_eq!(
        w.post(&w.a1, support, json!({})).await.0,
        409,
        "no longer proposed"
    );
    // The convenor alone moves it on; the deputy may not.
    let deputy = w.app.sign_in(DEPUTY).await;
    assert_eq!(
        w.step(&deputy, id, json!({"step": "open_discussion"}))
            .await
            .0,
        403
    );
    let r = w.step(&w.head, id, json!({"step": "implement"})).await;
    assert_eq!(code(&r), (409, Some("illegal_move")));
    let (status, open) = w
        .step(&w.head, id, json!({"step": "open_discussion"}))
        .await;
    assert_eq!(status, 201);
    assert_eq!(open["state"], "discussion");
    assert!(open["discussion_ends_at"].is_string());
    let r = w.step(&w.head, id, json!({"step": "adopt"})).await;
    assert_eq!(code(&r), (409, Some("illegal_move")), "never backwards");
    let steps: Vec<&str> = open["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["propose", "adopt", "open_discussion"]);
    // Declining is final, with its reason.
    let (_, second) = w.propose(&w.b, "compound").await;
    let second = second["id"].as_i64().unwrap();
    let (status, declined) = w
        .step(
            &w.head,
            second,
            json!({"step": "decline", "reason": "与上一个议题重复"}),
        )
        .await;
    assert_eq!(
        (status, declined["state"].as_str()),
        (201, Some("declined"))
    );
    assert_eq!(declined["decline_reason"], "与上一个议题重复");
    assert_eq!(
        w.step(&w.head, second, json!({"step": "adopt"})).await.0,
        409
    );
}

#[tokio::test]
async fn heads_and_community_staff_post_topics_directly() {
    let w = World::new().await;
    let (status, posted) = w.propose(&w.head, "compound").await;
    assert_eq!((status, posted["state"].as_str()), (201, Some("adopted")));
    assert_eq!(posted["convenor_name"], "王秀英");
    assert_eq!(
        w.propose(&w.head, "community").await.0,
        403,
        "the community's staff only"
    );
    let staff = w.app.sign_in(COMMUNITY).await;
    let (status, community) = w.propose(&staff, "community").await;
    assert_eq!(
        (status, community["scope"].as_str()),
        (201, Some("community"))
    );
    let (_, list) = w
        .app
        .get_json(&format!("/api/v1/consultations?compound_id={}", w.compound))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let mut bad = w.topic("building");
    bad["building_id"] = json!(null);
    bad["title"] = json!("");
    bad["meeting"]["at"] = json!("下周五");
    let (status, body) = w.post(&w.head, "/api/v1/consultations".into(), bad).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"]["title"], "required");
    assert_eq!(body["error"]["fields"]["building_id"], "required");
    let mut bad_time = w.topic("compound");
    bad_time["meeting"]["at"] = json!("下周五");
    let (status, body) = w
        .post(&w.head, "/api/v1/consultations".into(), bad_time)
        .await;
    assert_eq!(
        (status, body["error"]["fields"]["meeting.at"].as_str()),
        (422, Some("invalid"))
    );
}

#[tokio::test]
async fn residents_in_scope_discuss_propose_and_pledge() {
    let w = World::new().await;
    let id = w.open_topic().await;
    let comments = format!("/api/v1/consultations/{id}/comments");
    let (status, list) = w
        .post(
            &w.a1,
            comments.clone(),
            json!({"body": "我家愿意出一部分钱"}),
        )
        .await;
    assert_eq!(status, 201, "{list}");
    let first = list["items"][0]["id"].as_i64().unwrap();
    let (status, list) = w
        .post(
            &w.b,
            comments.clone(),
            json!({"body": "一楼住户怎么办？", "parent_id": first}),
        )
        .await;
    assert_eq!(status, 201);
    let reply = list["items"][0]["replies"][0]["id"].as_i64().unwrap();
    let r = w
        .post(
            &w.a2,
            comments.clone(),
            json!({"body": "回复的回复", "parent_id": reply}),
        )
        .await;
    assert_eq!(
        (r.0, r.1["error"]["fields"]["parent_id"].as_str()),
        (422, Some("invalid"))
    );
    assert_eq!(
        w.post(&w.outsider, comments.clone(), json!({"body": "路过"}))
            .await
            .0,
        403
    );
    let (_, list) = w
        .post(
            &w.b,
            comments.clone(),
            json!({"body": "按楼层分摊费用", "proposal": true}),
        )
        .await;
    let proposal = list["items"][1]["id"].as_i64().unwrap();
    let (status, list) = w
        .post(
            &w.a2,
            format!("/api/v1/comments/{proposal}/supports"),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, list["items"][1]["supports"].as_i64()),
        (201, Some(1))
    );
    assert_eq!(
        w.post(
            &w.a2,
            format!("/api/v1/comments/{first}/supports"),
            json!({})
        )
        .await
        .0,
        409,
        "only proposals are supported"
    );
    // A report, then a station member hides the comment with a reason.
    assert_eq!(
        w.post(
            &w.a2,
            format!("/api/v1/comments/{reply}/reports"),
            json!({"reason": "跑题"})
        )
        .await
        .0,
        201
    );
    assert_eq!(
        w.post(
            &w.a1,
            format!("/api/v1/comments/{reply}/hidings"),
            json!({"reason": "x"})
        )
        .await
        .0,
        403
    );
    let (status, staff_view) = w
        .post(
            &w.head,
            format!("/api/v1/comments/{reply}/hidings"),
            json!({"reason": "与议题无关"}),
        )
        .await;
    assert_eq!(status, 201);
    let hidden = &staff_view["items"][0]["replies"][0];
    assert_eq!(
        (hidden["hidden"].as_bool(), hidden["body"].as_str()),
        (Some(true), Some("一楼住户怎么办？"))
    );
    assert_eq!(
        (hidden["hidden_reason"].as_str(), hidden["reports"].as_i64()),
        (Some("与议题无关"), Some(1))
    );
    let (_, resident_view) = w.app.get_as(&w.a1, &comments).await;
    let hidden = &resident_view["items"][0]["replies"][0];
    assert_eq!(
        (hidden["hidden"].as_bool(), hidden["body"].clone()),
        (Some(true), Value::Null)
    );
    assert_eq!(hidden["hidden_reason"], Value::Null);
    let (_, anonymous) = w.app.get_json(&comments).await;
    assert_eq!(anonymous["items"][0]["author_name"], Value::Null);
    // Pledges add up against what the topic asks.
    let pledges = format!("/api/v1/consultations/{id}/pledges");
    for (token, body) in [
        (&w.a1, json!({"kind": "money", "amount": 200000})),
        (&w.b, json!({"kind": "money", "amount": 50000})),
        (&w.b, json!({"kind": "hours", "amount": 6})),
        (
            &w.a2,
            json!({"kind": "materials", "description": "旧木板十块"}),
        ),
    ] {
        assert_eq!(w.post(token, pledges.clone(), body).await.0, 201);
    }
    let r = w
        .post(
            &w.a1,
            pledges.clone(),
            json!({"kind": "money", "amount": 0}),
        )
        .await;
    assert_eq!(
        (r.0, r.1["error"]["fields"]["amount"].as_str()),
        (422, Some("out_of_range"))
    );
    let r = w
        .post(&w.a1, pledges.clone(), json!({"kind": "venue"}))
        .await;
    assert_eq!(r.1["error"]["fields"]["description"], "required");
    let (_, topic) = w.app.get_json(&format!("/api/v1/consultations/{id}")).await;
    assert_eq!(
        topic["pledged"],
        json!({"money_fen": 250000, "hours": 6, "materials": "1", "venue": false})
    );
    assert_eq!(topic["asks"]["money_fen"], 500000);
    let (_, list) = w.app.get_as(&w.b, &pledges).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn the_meeting_fills_up_and_the_convenor_takes_attendance() {
    let w = World::new().await;
    let id = w.open_topic().await;
    let register = format!("/api/v1/consultations/{id}/registrations");
    let (status, topic) = w.post(&w.a1, register.clone(), json!({})).await;
    assert_eq!(
        (status, topic["meeting"]["registered"].as_i64()),
        (201, Some(1))
    );
    assert_eq!(topic["meeting"]["mine"], true);
    assert_eq!(
        w.post(&w.b, register.clone(), json!({})).await.0,
        409,
        "capacity 1"
    );
    let attendance = format!("/api/v1/consultations/{id}/attendance");
    assert_eq!(
        w.post(&w.a1, attendance.clone(), json!({"person_ids": [44]}))
            .await
            .0,
        403
    );
    let (status, taken) = w
        .post(&w.head, attendance, json!({"person_ids": [44, 46]}))
        .await;
    assert_eq!(
        (status, taken["meeting"]["attended"].as_i64()),
        (201, Some(2))
    );
}

#[tokio::test]
async fn one_vote_per_household_changed_until_close_and_moving_out_counts() {
    let w = World::new().await;
    let id = w.open_topic().await;
    assert_eq!(w.vote(&w.a1, id, json!([0])).await.0, 409, "not open yet");
    let (status, voting) = w
        .step(
            &w.head,
            id,
            json!({"step": "open_voting", "vote_rule": {
                "options": ["同意加装", "不同意", "再议"], "multiple": false,
                "per": "household", "secret": false, "quorum_percent": 50,
            }}),
        )
        .await;
    assert_eq!(status, 201, "{voting}");
    let (status, after) = w.vote(&w.a1, id, json!([0])).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["vote"]["my_choices"], json!([0]));
    // The second member of the household is refused, and sees who voted.
    let r = w.vote(&w.a2, id, json!([1])).await;
    assert_eq!(code(&r), (409, Some("conflict")));
    let (_, seen) = w
        .app
        .get_as(&w.a2, &format!("/api/v1/consultations/{id}"))
        .await;
    assert_eq!(seen["vote"]["household_voted"], true);
    assert_eq!(seen["vote"]["household_voter"], "李阿婆（李桂兰）");
    assert_eq!(w.vote(&w.outsider, id, json!([0])).await.0, 403);
    assert_eq!(
        w.vote(&w.b, id, json!([0, 1])).await.0,
        422,
        "single choice"
    );
    assert_eq!(w.vote(&w.b, id, json!([5])).await.0, 422);
    let (_, counted) = w.vote(&w.b, id, json!([1])).await;
    assert_eq!(
        counted["vote"]["tally"],
        json!({"counts": [1, 1, 0], "turnout": 2, "eligible": 2, "quorum_met": true})
    );
    // A changed vote replaces the first.
    let (_, changed) = w.vote(&w.b, id, json!([0])).await;
    assert_eq!(changed["vote"]["tally"]["counts"], json!([2, 0, 0]));
    // 李阿婆 moves out: her ballot stops counting and 陈志明 may vote for the household.
    let (status, _) = w
        .app
        .send_as(
            &w.a1,
            Method::POST,
            &format!("/api/v1/household-requests/{}/move-outs", w.a1_binding),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (_, after_move) = w.app.get_json(&format!("/api/v1/consultations/{id}")).await;
    assert_eq!(after_move["vote"]["tally"]["counts"], json!([1, 0, 0]));
    assert_eq!(
        w.vote(&w.a1, id, json!([0])).await.0,
        403,
        "no longer a resident"
    );
    let (status, took_over) = w.vote(&w.a2, id, json!([2])).await;
    assert_eq!(status, 200);
    assert_eq!(took_over["vote"]["tally"]["counts"], json!([1, 0, 1]));
    // Closing publishes the outcome; voting is over.
    let conclude = json!({"step": "conclude", "outcome": {
        "decision": "同意加装电梯，按楼层分摊", "reasoning": "两户中过半同意，达到法定人数",
        "action_items": ["联系电梯公司报价", "收集各户意见书"],
    }});
    assert_eq!(
        w.step(&w.head, id, json!({"step": "conclude"})).await.0,
        422
    );
    let (status, concluded) = w.step(&w.head, id, conclude).await;
    assert_eq!(
        (status, concluded["state"].as_str()),
        (201, Some("concluded"))
    );
    assert_eq!(w.vote(&w.b, id, json!([1])).await.0, 409, "after close");
    // What was concluded stays: 陈志明 deleting his account afterwards
    // changes neither the count nor who could vote.
    let kept = json!({"counts": [1, 0, 1], "turnout": 2, "eligible": 2, "quorum_met": true});
    assert_eq!(concluded["vote"]["tally"], kept);
    let (status, _) = w
        .app
        .send_as(&w.a2, Method::DELETE, "/api/v1/me", None)
        .await;
    assert_eq!(status, 204);
    let (_, later) = w.app.get_json(&format!("/api/v1/consultations/{id}")).await;
    assert_eq!(later["vote"]["tally"], kept);
    let item = concluded["outcome"]["action_items"][0]["id"]
        .as_i64()
        .unwrap();
    let signup = format!("/api/v1/consultations/{id}/action-items/{item}/signups");
    // The first sign-up tapped sixteen times at once: one sign-up, and
    // every answer shows it.
    let signed = at_once(16, |_| w.post(&w.b, signup.clone(), json!({}))).await;
    for (status, body) in &signed {
        assert_eq!(
            (
                *status,
                body["outcome"]["action_items"][0]["volunteers"].clone()
            ),
            (201, json!(["王药师（王淑贞）"])),
            "signing up sixteen times at once is one sign-up"
        );
    }
    let progress = format!("/api/v1/consultations/{id}/progress");
    assert_eq!(
        w.post(&w.b, progress.clone(), json!({"body": "x"})).await.0,
        403
    );
    let (status, progressed) = w
        .post(&w.head, progress, json!({"body": "电梯公司已来现场勘察"}))
        .await;
    assert_eq!(
        (status, progressed["progress"][0]["author_name"].as_str()),
        (201, Some("王秀英"))
    );
    let (status, done) = w.step(&w.head, id, json!({"step": "implement"})).await;
    assert_eq!((status, done["state"].as_str()), (201, Some("implemented")));
    // The public board shows it with its decision.
    let (_, board) = w
        .app
        .get_json(&format!("/api/v1/compounds/{}/board", w.compound))
        .await;
    assert_eq!(
        board["consultations"][0]["decision"],
        "同意加装电梯，按楼层分摊"
    );
}

#[tokio::test]
async fn a_secret_per_resident_ballot_shows_no_count_until_it_closes() {
    let w = World::new().await;
    let id = w.open_topic().await;
    w.step(
        &w.head,
        id,
        json!({"step": "open_voting", "vote_rule": {
            "options": ["甲", "乙"], "multiple": true, "per": "resident", "secret": true,
            "quorum_percent": 100,
        }}),
    )
    .await;
    assert_eq!(w.vote(&w.a1, id, json!([0, 1])).await.0, 200);
    let (status, second) = w.vote(&w.a2, id, json!([1])).await;
    assert_eq!(status, 200, "per resident: both members vote");
    assert_eq!(second["vote"]["tally"], Value::Null, "secret while open");
    assert_eq!(second["vote"]["household_voter"], Value::Null);
    let (_, closed) = w
        .step(
            &w.head,
            id,
            json!({"step": "conclude", "outcome": {"decision": "乙", "reasoning": "多数"}}),
        )
        .await;
    assert_eq!(
        closed["vote"]["tally"],
        json!({"counts": [1, 2], "turnout": 2, "eligible": 3, "quorum_met": false})
    );
}

#[tokio::test]
async fn a_building_topic_is_for_that_buildings_residents() {
    let w = World::new().await;
    let mut topic = w.topic("building");
    topic["building_id"] = json!(w.buildings[1]);
    let (status, posted) = w.post(&w.head, "/api/v1/consultations".into(), topic).await;
    assert_eq!(status, 201, "{posted}");
    let id = posted["id"].as_i64().unwrap();
    w.step(&w.head, id, json!({"step": "open_discussion"}))
        .await;
    // Our residents live in 1号楼: not in scope of a 5号楼 topic.
    let r = w
        .post(
            &w.a1,
            format!("/api/v1/consultations/{id}/comments"),
            json!({"body": "我也想说"}),
        )
        .await;
    assert_eq!(r.0, 403);
    // The station moderates and may speak.
    let r = w
        .post(
            &w.head,
            format!("/api/v1/consultations/{id}/comments"),
            json!({"body": "欢迎5号楼邻居发言"}),
        )
        .await;
    assert_eq!(r.0, 201);
    let (_, other) = w.app.get_json("/api/v1/compounds?limit=2").await;
    let foreign = other["items"][1]["id"].as_i64().unwrap();
    let (_, detail) = w
        .app
        .get_json(&format!("/api/v1/compounds/{foreign}"))
        .await;
    let mut wrong = w.topic("building");
    wrong["building_id"] = detail["grids"][0]["buildings"][0]["id"].clone();
    let r = w.post(&w.head, "/api/v1/consultations".into(), wrong).await;
    assert_eq!(
        (r.0, r.1["error"]["fields"]["building_id"].as_str()),
        (422, Some("invalid"))
    );
}

/// A newcomer to 1号楼 1单元 101 on the register, who has never signed in.
const NEWCOMER: &str = "13900000061";

#[tokio::test]
async fn staff_register_residents_who_phoned_and_they_see_it_when_they_sign_in() {
    let w = World::new().await;
    let id = w.open_topic().await;
    sqlx::query("UPDATE consultations SET meeting_capacity = 5 WHERE id = $1")
        .bind(id)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    w.app
        .upload_roster(
            &w.head,
            w.compound,
            &format!("楼栋,单元,房号,手机号,姓名\n1号楼,1单元,101,{NEWCOMER},刘奶奶\n"),
        )
        .await;
    let register = format!("/api/v1/consultations/{id}/registrations");
    let for_newcomer =
        json!({"on_behalf": {"phone": "139 0000 0061", "name": "刘奶奶", "channel": "phone_call"}});

    // A resident may not register someone else.
    assert_eq!(
        code(&w.post(&w.b, register.clone(), for_newcomer.clone()).await),
        (403, Some("forbidden"))
    );
    // Nor may the head of another compound's station.
    let other = w.app.sign_in(OTHER_HEAD).await;
    assert_eq!(
        w.post(&other, register.clone(), for_newcomer.clone())
            .await
            .0,
        403
    );
    // A bad number or an unknown channel names the field.
    let (status, bad) = w
        .post(
            &w.head,
            register.clone(),
            json!({"on_behalf": {"phone": "12345", "channel": "visit"}}),
        )
        .await;
    assert_eq!(
        (status, bad["error"]["fields"]["on_behalf.phone"].as_str()),
        (422, Some("invalid"))
    );
    let (status, bad) = w
        .post(
            &w.head,
            register.clone(),
            json!({"on_behalf": {"phone": NEWCOMER, "channel": "fax"}}),
        )
        .await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (422, Some("validation_failed")),
        "{bad}"
    );
    assert!(
        bad["error"]["fields"]["on_behalf.channel"].is_string(),
        "{bad}"
    );
    assert_eq!(w.app.count("meeting_registrations").await, 0);

    // The head registers the newcomer who phoned; a retry changes nothing.
    let (status, topic) = w
        .app
        .post_keyed(&w.head, &register, for_newcomer.clone(), "register-liu")
        .await;
    assert_eq!(status, 201, "{topic}");
    assert_eq!(topic["meeting"]["registered"], 1);
    assert_eq!(topic["meeting"]["mine"], false, "not the head's own");
    let (status, again) = w
        .app
        .post_keyed(&w.head, &register, for_newcomer.clone(), "register-liu")
        .await;
    assert_eq!(
        (status, again["meeting"]["registered"].clone()),
        (201, json!(1))
    );
    assert_eq!(w.app.count("meeting_registrations").await, 1);
    // Without the key it is the same registration of the same person.
    assert_eq!(w.post(&w.head, register.clone(), for_newcomer).await.0, 201);
    assert_eq!(w.app.count("meeting_registrations").await, 1);
    let head_id: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '13800000002'")
        .fetch_one(&w.app.db.pool)
        .await
        .unwrap();
    let stored: (String, Option<i64>, Option<String>) = sqlx::query_as(
        "SELECT p.name, m.recorded_by, m.channel FROM meeting_registrations m \
         JOIN people p ON p.id = m.person_id WHERE m.consultation_id = $1",
    )
    .bind(id)
    .fetch_one(&w.app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        stored,
        (
            "刘奶奶".to_owned(),
            Some(head_id),
            Some("phone_call".to_owned())
        )
    );
    // She signs in with that number later: the registration is hers.
    let newcomer = w.app.sign_in(NEWCOMER).await;
    let (_, seen) = w
        .app
        .get_as(&newcomer, &format!("/api/v1/consultations/{id}"))
        .await;
    assert_eq!(seen["meeting"]["mine"], true, "{seen}");

    // A resident who uses the app, registered when he came in.
    let (status, topic) = w
        .post(
            &w.head,
            register.clone(),
            json!({"on_behalf": {"phone": "13800000046", "name": "别的名字", "channel": "visit"}}),
        )
        .await;
    assert_eq!(
        (status, topic["meeting"]["registered"].clone()),
        (201, json!(2))
    );
    let (_, seen) = w
        .app
        .get_as(&w.b, &format!("/api/v1/consultations/{id}"))
        .await;
    assert_eq!(seen["meeting"]["mine"], true);
    // The resident's own rules hold: someone not verified in scope cannot
    // be registered, nor a number no register lists — and refusing that
    // number creates nobody.
    let people = w.app.count("people").await;
    for phone in ["13800000047", "13900000062"] {
        assert_eq!(
            code(
                &w.post(
                    &w.head,
                    register.clone(),
                    json!({"on_behalf": {"phone": phone, "channel": "wechat_group"}}),
                )
                .await
            ),
            (403, Some("forbidden")),
            "{phone}"
        );
    }
    assert_eq!(w.app.count("people").await, people);
    // Residents still register themselves without a body.
    let (status, mine) = w.app.send_as(&w.a2, Method::POST, &register, None).await;
    assert_eq!(
        (status, mine["meeting"]["mine"].clone()),
        (201, json!(true))
    );
    assert_eq!(w.app.count("meeting_registrations").await, 3);
}

#[tokio::test]
async fn acting_for_a_resident_is_an_optional_documented_body() {
    let app = TestApp::empty().await;
    let (status, doc) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    for path in [
        "/api/v1/consultations/{id}/registrations",
        "/api/v1/slots/{id}/claims",
    ] {
        let post = &doc["paths"][path]["post"];
        let body = &post["requestBody"];
        assert_ne!(body["required"], true, "{path}: residents send none");
        // `null` is read as no body, as the schema says.
        assert_eq!(
            body["content"]["application/json"]["schema"]["oneOf"][0]["$ref"],
            "#/components/schemas/ForResident",
            "{path}: {body}"
        );
        for status in ["201", "403", "415", "422"] {
            assert!(post["responses"][status].is_object(), "{path} {status}");
        }
    }
}

#[tokio::test]
async fn the_last_seat_goes_once_however_many_ask_at_once() {
    let w = World::new().await;
    let id = w.open_topic().await;
    let register = format!("/api/v1/consultations/{id}/registrations");
    let mut answers: Vec<u16> = futures_util::future::join_all(
        [&w.a1, &w.a2, &w.b].map(|token| w.app.send_as(token, Method::POST, &register, None)),
    )
    .await
    .into_iter()
    .map(|(status, _)| status)
    .collect();
    answers.sort_unstable();
    assert_eq!(answers, [201, 409, 409], "one seat");
    assert_eq!(w.app.count("meeting_registrations").await, 1);
}

#[tokio::test]
async fn two_members_of_a_household_voting_at_once_cast_one_ballot() {
    let w = World::new().await;
    let id = w.open_topic().await;
    let (status, voting) = w
        .step(
            &w.head,
            id,
            json!({"step": "open_voting", "vote_rule": {
                "options": ["同意加装", "不同意"], "multiple": false,
                "per": "household", "secret": false, "quorum_percent": 50,
            }}),
        )
        .await;
    assert_eq!(status, 201, "{voting}");
    // Eight taps of each member, interleaved, all at the same moment.
    let answers = at_once(16, |i| {
        let (token, choice) = if i % 2 == 0 { (&w.a1, 0) } else { (&w.a2, 1) };
        w.vote(token, id, json!([choice]))
    })
    .await;
    let counted: Vec<usize> = (0..16).filter(|i| answers[*i].0 == 200).collect();
    assert!(!counted.is_empty(), "somebody's ballot counts");
    let winner = counted[0] % 2;
    for (i, (status, body)) in answers.iter().enumerate() {
        if i % 2 == winner {
            assert_eq!(*status, 200, "the winner's taps all count: {body}");
        } else {
            assert_eq!(*status, 409, "the other member is refused: {body}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains("一户只算一票"), "{message}");
        }
    }
    let ballots: Vec<i64> =
        sqlx::query_scalar("SELECT person_id FROM ballots WHERE consultation_id = $1")
            .bind(id)
            .fetch_all(&w.app.db.pool)
            .await
            .unwrap();
    assert_eq!(ballots.len(), 1, "one ballot for the household");
}

#[tokio::test]
async fn acts_sent_twice_at_once_are_done_once() {
    let w = World::new().await;
    let (status, topic) = w.propose(&w.a1, "compound").await;
    assert_eq!(status, 201, "{topic}");
    let id = topic["id"].as_i64().unwrap();
    let support = format!("/api/v1/consultations/{id}/supports");
    let answers = at_once(16, |_| w.post(&w.a2, support.clone(), json!({}))).await;
    assert!(answers.iter().all(|(s, _)| *s == 201), "{answers:?}");
    assert_eq!(w.app.count("consultation_supports").await, 1);

    let id = w.open_topic().await;
    let comments = format!("/api/v1/consultations/{id}/comments");
    let body = json!({"body": "电梯井可以放在楼的北面", "proposal": true});
    let answers = at_once(16, |_| {
        w.app
            .post_keyed(&w.b, &comments, body.clone(), "comment-0001")
    })
    .await;
    for (status, body) in &answers {
        assert!(
            *status == 201 || body["error"]["code"] == "idempotency_key_in_progress",
            "{status} {body}"
        );
    }
    assert_eq!(w.app.count("consultation_comments").await, 1, "one comment");
    let (status, replayed) = w
        .app
        .post_keyed(&w.b, &comments, body.clone(), "comment-0001")
        .await;
    assert_eq!(status, 201);
    assert_eq!(replayed["items"].as_array().unwrap().len(), 1);

    let register = format!("/api/v1/consultations/{id}/registrations");
    let answers = at_once(16, |_| w.app.send_as(&w.b, Method::POST, &register, None)).await;
    assert!(answers.iter().all(|(s, _)| *s == 201), "{answers:?}");
    assert_eq!(w.app.count("meeting_registrations").await, 1);
}

#[tokio::test]
async fn those_who_took_part_hear_that_voting_opened() {
    let w = World::new().await;
    let id = w.open_topic().await;
    let r = w
        .post(
            &w.b,
            format!("/api/v1/consultations/{id}/comments"),
            json!({"body": "我家支持，希望尽快开会"}),
        )
        .await;
    assert_eq!(r.0, 201, "{}", r.1);
    let (status, voting) = w
        .step(
            &w.head,
            id,
            json!({"step": "open_voting", "vote_rule": {
                "options": ["同意", "不同意"], "multiple": false,
                "per": "resident", "secret": false, "quorum_percent": 0,
            }}),
        )
        .await;
    assert_eq!(status, 201, "{voting}");
    let told = async |token: &str| -> Vec<Value> {
        let (_, page) = w.app.get_as(token, "/api/v1/notices").await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["act"] == "voting_open")
            .cloned()
            .collect()
    };
    // The proposer and the commenter; not a neighbour who took no part,
    // nor the head who opened it.
    // Each names who opened the vote.
    let (_, head) = w.app.get_as(&w.head, "/api/v1/sessions/current").await;
    let head = &head["person"];
    assert!(head["name"].is_string(), "{head}");
    for token in [&w.a1, &w.b] {
        let notices = told(token).await;
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!(notices[0]["consultation_id"], id);
        assert_eq!(notices[0]["title"], "1号楼加装电梯");
        assert_eq!(notices[0]["actor_name"], head["name"], "{notices:?}");
    }
    assert!(told(&w.a2).await.is_empty());
    assert!(told(&w.head).await.is_empty());
    // And by SMS, which residents get unless they turned it off.
    w.app.relay_sms().await;
    w.app.deliver_sms().await;
    let texts: Vec<Value> = std::fs::read_to_string(&w.app.outbox)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|m| m["template"] == "voting_open")
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    let id = id.to_string();
    assert!(
        texts
            .iter()
            .all(|m| m["params"]["id"].as_str() == Some(id.as_str()))
    );
}
