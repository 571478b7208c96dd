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
