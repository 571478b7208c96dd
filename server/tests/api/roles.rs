//! Roles are granted and revoked only from above, and every act is audited.

use crate::common::TestApp;
use serde_json::{Value, json};

fn demo(n: u32) -> String {
    format!("138{n:08}")
}

/// Demo people: 1 the street admin, 2 head of 海景花园, 11 head of 东港新村,
/// 36 community staff of 东港社区, 40 community staff of 临城社区, 44/45
/// residents without a role.
const ADMIN: u32 = 1;
const HEAD: u32 = 2;
const OTHER_HEAD: u32 = 11;
const DONGGANG_STAFF: u32 = 36;
const LINCHENG_STAFF: u32 = 40;
const RESIDENT: u32 = 44;
const NEIGHBOUR: u32 = 45;

async fn post(app: &TestApp, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
    let mut request = app.client.post(app.url(path)).json(&body);
    if let Some(token) = token {
        request = request.header("cookie", format!("linli_session={token}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// 海景花园 (compound) and its 第一网格 (grid).
async fn places(app: &TestApp) -> (i64, i64) {
    let compound = app.get_json("/api/v1/compounds?limit=1").await.1["items"][0]["id"]
        .as_i64()
        .unwrap();
    let grid = app
        .get_json(&format!("/api/v1/compounds/{compound}"))
        .await
        .1["grids"][0]["id"]
        .as_i64()
        .unwrap();
    (compound, grid)
}

fn member(phone: &str, compound: i64, position: &str) -> Value {
    json!({"phone": phone, "role": "station_member", "place_id": compound, "position": position, "reason": "居民推选"})
}

async fn roles_of(app: &TestApp, token: &str) -> Value {
    app.get_as(token, "/api/v1/sessions/current").await.1["person"]["roles"].clone()
}

#[tokio::test]
async fn the_street_admin_grants_and_revokes_with_an_audit_trail() {
    let app = TestApp::with_demo().await;
    let (compound, _) = places(&app).await;
    let admin = app.sign_in(&demo(ADMIN)).await;
    let resident = app.sign_in(&demo(RESIDENT)).await;
    let (status, grant) = post(
        &app,
        Some(&admin),
        "/api/v1/role-grants",
        member(&demo(RESIDENT), compound, "member"),
    )
    .await;
    assert_eq!(status, 201, "{grant}");
    assert_eq!(
        (grant["role"].as_str(), grant["place_name"].as_str()),
        (Some("station_member"), Some("海景花园"))
    );
    assert_eq!(roles_of(&app, &resident).await[0]["position"], "member");

    let (status, again) = post(
        &app,
        Some(&admin),
        "/api/v1/role-grants",
        member(&demo(RESIDENT), compound, "member"),
    )
    .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("conflict"))
    );

    let id = grant["id"].as_i64().unwrap();
    let (status, revoked) = post(
        &app,
        Some(&admin),
        &format!("/api/v1/role-grants/{id}/revocations"),
        json!({"reason": "搬离小区"}),
    )
    .await;
    assert_eq!(status, 201);
    assert!(revoked["revoked_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(roles_of(&app, &resident).await, json!([]));
    let (status, _) = post(
        &app,
        Some(&admin),
        &format!("/api/v1/role-grants/{id}/revocations"),
        json!({"reason": "again"}),
    )
    .await;
    assert_eq!(status, 409);

    let events: Vec<(String, Option<i64>, String)> = sqlx::query_as(
        "SELECT action, actor_id, reason FROM role_events WHERE role_grant_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        events,
        [
            ("grant".to_owned(), Some(1), "居民推选".to_owned()),
            ("revoke".to_owned(), Some(1), "搬离小区".to_owned())
        ]
    );
}

#[tokio::test]
async fn community_staff_manage_only_their_own_community() {
    let app = TestApp::with_demo().await;
    let (_, grid) = places(&app).await;
    app.sign_in(&demo(RESIDENT)).await;
    let worker = json!({"phone": demo(RESIDENT), "role": "grid_worker", "place_id": grid, "reason": "社区聘用"});
    let other = app.sign_in(&demo(LINCHENG_STAFF)).await;
    assert_eq!(
        post(&app, Some(&other), "/api/v1/role-grants", worker.clone())
            .await
            .0,
        403
    );
    let staff = app.sign_in(&demo(DONGGANG_STAFF)).await;
    assert_eq!(
        post(&app, Some(&staff), "/api/v1/role-grants", worker)
            .await
            .0,
        201
    );
    // Staff are appointed by the street, not by each other.
    let peer =
        json!({"phone": demo(RESIDENT), "role": "community_staff", "place_id": 1, "reason": "x"});
    assert_eq!(
        post(&app, Some(&staff), "/api/v1/role-grants", peer)
            .await
            .0,
        403
    );
}

#[tokio::test]
async fn a_station_head_appoints_members_of_their_own_station_only() {
    let app = TestApp::with_demo().await;
    let (compound, _) = places(&app).await;
    app.sign_in(&demo(RESIDENT)).await;
    let head = app.sign_in(&demo(HEAD)).await;
    assert_eq!(
        post(
            &app,
            Some(&head),
            "/api/v1/role-grants",
            member(&demo(RESIDENT), compound, "secretary_general")
        )
        .await
        .0,
        201
    );
    assert_eq!(
        post(
            &app,
            Some(&head),
            "/api/v1/role-grants",
            member(&demo(RESIDENT), compound, "head")
        )
        .await
        .0,
        403
    );
    let other_head = app.sign_in(&demo(OTHER_HEAD)).await;
    assert_eq!(
        post(
            &app,
            Some(&other_head),
            "/api/v1/role-grants",
            member(&demo(RESIDENT), compound, "member")
        )
        .await
        .0,
        403
    );
    let resident = app.sign_in(&demo(NEIGHBOUR)).await;
    assert_eq!(
        post(
            &app,
            Some(&resident),
            "/api/v1/role-grants",
            member(&demo(NEIGHBOUR), compound, "member")
        )
        .await
        .0,
        403
    );
    assert_eq!(
        post(
            &app,
            None,
            "/api/v1/role-grants",
            member(&demo(NEIGHBOUR), compound, "member")
        )
        .await
        .0,
        401
    );
}

#[tokio::test]
async fn grants_name_real_people_places_and_positions() {
    let app = TestApp::with_demo().await;
    let (compound, _) = places(&app).await;
    let admin = app.sign_in(&demo(ADMIN)).await;
    let (status, body) = post(
        &app,
        Some(&admin),
        "/api/v1/role-grants",
        member("13912345678", compound, "member"),
    )
    .await;
    // Someone who never signed in is invited, and the role waits for them.
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["person_name"], "居民5678");
    assert_eq!(app.deliver_sms().await.sent, 1, "the invitation was queued");
    let outbox = std::fs::read_to_string(&app.outbox).unwrap();
    let invitation: Value = outbox
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|m| m["phone"] == "13912345678")
        .expect("an invitation");
    assert_eq!(invitation["template"], "role_invitation");
    assert_eq!(invitation["params"]["role"], "互助站成员");
    assert_eq!(invitation["params"]["place"], body["place_name"]);
    let invited = app.sign_in("13912345678").await;
    let (_, me) = app.get_as(&invited, "/api/v1/sessions/current").await;
    assert_eq!(me["person"]["roles"][0]["role"], "station_member");
    let (status, body) = post(
        &app,
        Some(&admin),
        "/api/v1/role-grants",
        member(&demo(ADMIN), 99_999, "member"),
    )
    .await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"place_id": "invalid"}))
    );
    let no_position = json!({"phone": demo(ADMIN), "role": "station_member", "place_id": compound, "reason": "x"});
    let (status, body) = post(&app, Some(&admin), "/api/v1/role-grants", no_position).await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"position": "required"}))
    );
}

/// 东港社区's id.
async fn donggang(app: &TestApp) -> i64 {
    app.get_json("/api/v1/communities?limit=1").await.1["items"][0]["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn departments_are_each_communitys_own_list() {
    let app = TestApp::with_demo().await;
    let community = donggang(&app).await;
    let path = format!("/api/v1/communities/{community}/departments");
    let (status, list) = app.get_json(&path).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "海景物业服务中心",
            "燃气公司东港服务站",
            "自来水公司东港营业所"
        ]
    );

    let staff = app.sign_in(&demo(DONGGANG_STAFF)).await;
    let other_staff = app.sign_in(&demo(LINCHENG_STAFF)).await;
    let resident = app.sign_in(&demo(RESIDENT)).await;
    let (status, police) = post(&app, Some(&staff), &path, json!({"name": "东港派出所"})).await;
    assert_eq!(status, 201, "{police}");
    let (status, body) = post(&app, Some(&staff), &path, json!({"name": "东港派出所"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("conflict"))
    );
    for token in [&other_staff, &resident] {
        let (status, _) = post(&app, Some(token), &path, json!({"name": "供热站"})).await;
        assert_eq!(status, 403);
    }
    let (status, body) = post(&app, Some(&staff), &path, json!({"name": " "})).await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"name": "required"}))
    );
    let (status, _) = app.get_json("/api/v1/communities/99999/departments").await;
    assert_eq!(status, 404);

    // A liaison is appointed to one department of the community's list.
    let liaison = |department: Value| {
        json!({"phone": demo(NEIGHBOUR), "role": "department_liaison", "place_id": community,
               "department_id": department, "reason": "派出所指派"})
    };
    let (status, grant) = post(
        &app,
        Some(&staff),
        "/api/v1/role-grants",
        liaison(police["id"].clone()),
    )
    .await;
    assert_eq!(status, 201, "{grant}");
    assert_eq!(grant["department_name"], "东港派出所");
    let neighbour = app.sign_in(&demo(NEIGHBOUR)).await;
    assert_eq!(
        roles_of(&app, &neighbour).await[0]["department"],
        "东港派出所"
    );
    let lincheng = app.get_json("/api/v1/communities?limit=2").await.1["items"][1]["id"]
        .as_i64()
        .unwrap();
    let elsewhere = app
        .get_json(&format!("/api/v1/communities/{lincheng}/departments"))
        .await
        .1[0]["id"]
        .clone();
    for (department, rule) in [(elsewhere, "invalid"), (Value::Null, "required")] {
        let (status, body) = post(
            &app,
            Some(&staff),
            "/api/v1/role-grants",
            liaison(department),
        )
        .await;
        assert_eq!(
            (status, &body["error"]["fields"]),
            (422, &json!({"department_id": rule}))
        );
    }
}

#[tokio::test]
async fn a_places_roles_and_their_history_are_readable_by_those_who_appoint_there() {
    let app = TestApp::with_demo().await;
    let (compound, _) = places(&app).await;
    let admin = app.sign_in(&demo(ADMIN)).await;
    let (_, grant) = post(
        &app,
        Some(&admin),
        "/api/v1/role-grants",
        member(&demo(RESIDENT), compound, "member"),
    )
    .await;
    let id = grant["id"].as_i64().unwrap();
    let (status, _) = post(
        &app,
        Some(&admin),
        &format!("/api/v1/role-grants/{id}/revocations"),
        json!({"reason": "搬离小区"}),
    )
    .await;
    assert_eq!(status, 201);

    let head = app.sign_in(&demo(HEAD)).await;
    let (status, records) = app
        .get_as(
            &head,
            &format!("/api/v1/role-grants?compound_id={compound}"),
        )
        .await;
    assert_eq!(status, 200, "{records}");
    let records = records.as_array().unwrap();
    let revoked = records
        .iter()
        .find(|r| r["id"] == id)
        .expect("the revoked grant");
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(revoked["signed_in"], false);
    let events: Vec<(&str, &str, &str)> = revoked["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["actor_name"].as_str().unwrap(),
                e["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("grant", "陈建国", "居民推选"),
            ("revoke", "陈建国", "搬离小区")
        ]
    );
    // The station's members and its grids' workers, nobody else's.
    assert!(
        records
            .iter()
            .all(|r| { r["place_name"].as_str().unwrap().starts_with("海景花园") })
    );
    assert!(records.iter().any(|r| r["role"] == "grid_worker"));
    assert!(
        records
            .iter()
            .any(|r| r["person_id"].as_i64().is_some() && r["signed_in"] == true)
    );

    let other_head = app.sign_in(&demo(OTHER_HEAD)).await;
    let (status, _) = app
        .get_as(
            &other_head,
            &format!("/api/v1/role-grants?compound_id={compound}"),
        )
        .await;
    assert_eq!(status, 403);
    let staff = app.sign_in(&demo(DONGGANG_STAFF)).await;
    let community = donggang(&app).await;
    let (status, records) = app
        .get_as(
            &staff,
            &format!("/api/v1/role-grants?community_id={community}"),
        )
        .await;
    assert_eq!(status, 200);
    let liaisons: Vec<&str> = records
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["department_name"].as_str())
        .collect();
    assert_eq!(liaisons.len(), 3, "{records}");
    let (status, _) = app.get_as(&staff, "/api/v1/role-grants?street_id=1").await;
    assert_eq!(status, 403);
    let (status, records) = app.get_as(&admin, "/api/v1/role-grants?street_id=1").await;
    assert_eq!(status, 200);
    assert!(
        records
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["role"] == "street_admin")
    );
    assert!(
        records
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["role"] == "station_member")
    );
    for query in ["", "?street_id=1&compound_id=1"] {
        let (status, body) = app
            .get_as(&admin, &format!("/api/v1/role-grants{query}"))
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_query"))
        );
    }
}

#[tokio::test]
async fn a_role_is_held_once_and_a_station_has_one_head() {
    let app = TestApp::with_demo().await;
    let (compound, _) = places(&app).await;
    let admin = app.sign_in(&demo(ADMIN)).await;
    // Sixteen requests racing for one grant: one is made, one invitation
    // is sent.
    let grant = |phone: &'static str, position: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            post(
                app,
                Some(admin),
                "/api/v1/role-grants",
                member(phone, compound, position),
            )
            .await
            .0
        }
    };
    let raced = crate::common::at_once(16, |_| grant("13912345699", "member")).await;
    assert_eq!(raced.iter().filter(|s| **s == 201).count(), 1, "{raced:?}");
    assert!(raced.iter().all(|s| [201, 409].contains(s)), "{raced:?}");
    app.deliver_sms().await;
    let outbox = std::fs::read_to_string(&app.outbox).unwrap();
    assert_eq!(outbox.matches("13912345699").count(), 1);
    // Sixteen conflicting grants for another person, each position of a
    // station: one position is given, never two.
    let positions = ["member", "deputy", "secretary_general"];
    let raced =
        crate::common::at_once(16, |i| grant("13912345698", positions[i % positions.len()])).await;
    assert_eq!(raced.iter().filter(|s| **s == 201).count(), 1, "{raced:?}");
    assert!(raced.iter().all(|s| [201, 409].contains(s)), "{raced:?}");
    let live: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM role_grants g JOIN people p ON p.id = g.person_id \
         WHERE p.phone = '13912345698' AND g.revoked_at IS NULL",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(live, 1);
    // One position per person in a station: a new one after revoking.
    let (status, body) = post(
        &app,
        Some(&admin),
        "/api/v1/role-grants",
        member("13912345699", compound, "deputy"),
    )
    .await;
    assert_eq!(
        (status, body["error"]["message"].as_str()),
        (409, Some("此人在这里已有职务；要换职务，请先撤销原来的"))
    );
    // One head: 王秀英 heads 海景花园.
    let (status, body) = post(
        &app,
        Some(&admin),
        "/api/v1/role-grants",
        member(&demo(RESIDENT), compound, "head"),
    )
    .await;
    assert_eq!(
        (status, body["error"]["message"].as_str()),
        (
            409,
            Some("这个互助站已有站长（王秀英），请先撤销原站长的职务再任命")
        )
    );
}
