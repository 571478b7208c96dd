//! Household bindings and invite links, and who may see and decide them.

use crate::common::TestApp;
use serde_json::{Value, json};

/// A demo person's number: 1 is the street admin, 2 王秀英 head of 海景花园,
/// 9 刘海燕 grid worker of its 第一网格, 10 陈晓东 of its 第二网格, 11 李桂芳
/// head of 东港新村, 44-47 residents without a role.
fn demo(n: u32) -> String {
    format!("138{n:08}")
}

const HEAD: u32 = 2;
const DEPUTY: u32 = 3;
const GRID_ONE: u32 = 9;
const GRID_TWO: u32 = 10;
const OTHER_HEAD: u32 = 11;
const RESIDENT: u32 = 44;
const NEIGHBOUR: u32 = 45;

/// 海景花园's 1号楼 (in 第一网格) and 5号楼 (in 第二网格).
async fn buildings(app: &TestApp) -> (i64, i64) {
    let (_, list) = app.get_json("/api/v1/compounds?limit=1").await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (_, detail) = app.get_json(&format!("/api/v1/compounds/{id}")).await;
    assert_eq!(
        detail["grids"][0]["buildings"][0]["units"],
        json!(["1单元", "2单元"])
    );
    (
        detail["grids"][0]["buildings"][0]["id"].as_i64().unwrap(),
        detail["grids"][1]["buildings"][0]["id"].as_i64().unwrap(),
    )
}

async fn send(
    app: &TestApp,
    token: Option<&str>,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.header("cookie", format!("linli_session={token}"));
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    send(app, Some(token), reqwest::Method::POST, path, Some(body)).await
}

async fn ask(app: &TestApp, token: &str, building: i64, room: &str) -> (u16, Value) {
    post(
        app,
        token,
        "/api/v1/household-requests",
        json!({"building_id": building, "unit": "1单元", "room": room}),
    )
    .await
}

#[tokio::test]
async fn a_resident_asks_and_the_station_head_approves() {
    let app = TestApp::with_demo().await;
    let (building, _) = buildings(&app).await;
    let resident = app.sign_in(&demo(RESIDENT)).await;
    let (status, request) = ask(&app, &resident, building, "301").await;
    assert_eq!(status, 201, "{request}");
    assert_eq!(request["status"], "pending");
    assert_eq!(request["compound_name"], "海景花园");
    assert_eq!(
        (request["building_name"].as_str(), request["room"].as_str()),
        (Some("1号楼"), Some("301"))
    );
    assert_eq!(request["requester"], Value::Null);
    assert!(request["requested_at"].as_str().unwrap().ends_with('Z'));
    let (_, me) = app.get_as(&resident, "/api/v1/sessions/current").await;
    assert_eq!(me["person"]["households"][0]["status"], "pending");

    let head = app.sign_in(&demo(HEAD)).await;
    let (status, queue) = app
        .get_as(&head, "/api/v1/household-requests?status=pending")
        .await;
    assert_eq!(status, 200);
    let item = &queue["items"][0];
    assert_eq!(item["id"], request["id"]);
    assert_eq!(item["requester"]["name"], "李阿婆（李桂兰）");
    assert_eq!(
        item["requester"]["phone"],
        demo(RESIDENT),
        "the deciding station sees the number to call"
    );

    let id = request["id"].as_i64().unwrap();
    let (status, approved) = post(
        &app,
        &head,
        &format!("/api/v1/household-requests/{id}/approvals"),
        json!({}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(approved["status"], "approved");
    let (_, me) = app.get_as(&resident, "/api/v1/sessions/current").await;
    assert_eq!(me["person"]["households"][0]["status"], "approved");
    let (status, again) = post(
        &app,
        &head,
        &format!("/api/v1/household-requests/{id}/approvals"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("conflict"))
    );
}

#[tokio::test]
async fn the_grid_worker_of_the_buildings_grid_decides_too() {
    let app = TestApp::with_demo().await;
    let (building, _) = buildings(&app).await;
    let resident = app.sign_in(&demo(RESIDENT)).await;
    let (_, request) = ask(&app, &resident, building, "302").await;
    let id = request["id"].as_i64().unwrap();
    let grid = app.sign_in(&demo(GRID_ONE)).await;
    let (status, rejected) = post(
        &app,
        &grid,
        &format!("/api/v1/household-requests/{id}/rejections"),
        json!({"reason": "  "}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(rejected["error"]["fields"], json!({"reason": "required"}));
    let (status, rejected) = post(
        &app,
        &grid,
        &format!("/api/v1/household-requests/{id}/rejections"),
        json!({"reason": "302 室登记的住户不是您，请到互助站核对"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(rejected["status"], "rejected");
    let (_, me) = app.get_as(&resident, "/api/v1/sessions/current").await;
    assert_eq!(
        me["person"]["households"][0]["reason"],
        "302 室登记的住户不是您，请到互助站核对"
    );
    // A refusal closes the request: the resident may ask again.
    assert_eq!(ask(&app, &resident, building, "301").await.0, 201);
}

#[tokio::test]
async fn one_open_binding_at_a_time_and_only_real_rooms() {
    let app = TestApp::with_demo().await;
    let (building, _) = buildings(&app).await;
    let resident = app.sign_in(&demo(RESIDENT)).await;
    let (status, body) = ask(&app, &resident, building, "999").await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"room": "invalid"}))
    );
    let (status, body) = ask(&app, &resident, 999_999, "301").await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"building_id": "invalid"}))
    );
    assert_eq!(ask(&app, &resident, building, "301").await.0, 201);
    let (status, body) = ask(&app, &resident, building, "302").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("conflict"))
    );
    let (status, _) = send(
        &app,
        None,
        reqwest::Method::POST,
        "/api/v1/household-requests",
        Some(json!({"building_id": building, "unit": "1单元", "room": "301"})),
    )
    .await;
    assert_eq!(status, 401);
}

/// Every route that takes a request's id, walked by everyone who must not
/// see or decide it: each gets 401/403/404 and none of its data.
#[tokio::test]
async fn outsiders_get_nothing_from_a_request() {
    let app = TestApp::with_demo().await;
    let (building, _) = buildings(&app).await;
    let resident = app.sign_in(&demo(RESIDENT)).await;
    let (_, request) = ask(&app, &resident, building, "301").await;
    let id = request["id"].as_i64().unwrap();

    let mut outsiders: Vec<(&str, Option<String>)> = vec![("anonymous", None)];
    for (who, n) in [
        ("a resident of another household", NEIGHBOUR),
        ("the head of another compound", OTHER_HEAD),
        ("the grid worker of another grid", GRID_TWO),
    ] {
        outsiders.push((who, Some(app.sign_in(&demo(n)).await)));
    }
    let routes = [
        (
            reqwest::Method::GET,
            format!("/api/v1/household-requests/{id}"),
            None,
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/household-requests/{id}/approvals"),
            Some(json!({})),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/household-requests/{id}/rejections"),
            Some(json!({"reason": "no"})),
        ),
    ];
    for (who, token) in &outsiders {
        for (method, path, body) in &routes {
            let (status, answer) =
                send(&app, token.as_deref(), method.clone(), path, body.clone()).await;
            let expected = if token.is_none() { 401 } else { 404 };
            assert_eq!(status, expected, "{who}: {method} {path}");
            let text = answer.to_string();
            assert!(
                !text.contains("301") && !text.contains(&demo(RESIDENT)),
                "{who} saw {text}"
            );
        }
        if let Some(token) = token {
            let (_, queue) = app.get_as(token, "/api/v1/household-requests").await;
            assert_eq!(queue["items"], json!([]), "{who} sees the queue");
        }
    }
    // The resident sees their own request, but cannot approve it.
    let (status, own) = app
        .get_as(&resident, &format!("/api/v1/household-requests/{id}"))
        .await;
    assert_eq!((status, &own["requester"]), (200, &Value::Null));
    let (status, _) = post(
        &app,
        &resident,
        &format!("/api/v1/household-requests/{id}/approvals"),
        json!({}),
    )
    .await;
    assert_eq!(status, 403);
    let (_, after) = app.get_as(&resident, "/api/v1/sessions/current").await;
    assert_eq!(after["person"]["households"][0]["status"], "pending");
}

#[tokio::test]
async fn a_station_member_makes_invites_that_fill_in_the_building() {
    let app = TestApp::with_demo().await;
    let (building, other_building) = buildings(&app).await;
    let deputy = app.sign_in(&demo(DEPUTY)).await;
    let (status, invite) = post(
        &app,
        &deputy,
        "/api/v1/invites",
        json!({"building_id": building}),
    )
    .await;
    assert_eq!(status, 201, "{invite}");
    let token = invite["token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 20);
    assert_eq!(invite["path"], format!("/invites/{token}"));
    assert_eq!(
        (invite["max_uses"].as_i64(), invite["usable"].as_bool()),
        (Some(100), Some(true))
    );

    let (status, public) = app.get_json(&format!("/api/v1/invites/{token}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            public["compound_name"].as_str(),
            public["building_name"].as_str()
        ),
        (Some("海景花园"), Some("1号楼"))
    );
    assert_eq!(app.get_json("/api/v1/invites/nope").await.0, 404);

    let resident = app.sign_in(&demo(RESIDENT)).await;
    let (status, body) = post(
        &app,
        &resident,
        "/api/v1/household-requests",
        json!({"building_id": other_building, "unit": "1单元", "room": "101", "invite_token": token}),
    )
    .await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"invite_token": "invalid"})),
        "wrong building"
    );
    let (status, _) = post(
        &app,
        &resident,
        "/api/v1/household-requests",
        json!({"building_id": building, "unit": "2单元", "room": "101", "invite_token": token}),
    )
    .await;
    assert_eq!(status, 201);
    let (_, listed) = app
        .get_as(
            &deputy,
            &format!("/api/v1/invites?compound_id={}", invite["compound_id"]),
        )
        .await;
    assert_eq!(listed["items"][0]["uses"], 1);
}

#[tokio::test]
async fn household_invites_are_used_up_and_expire() {
    let app = TestApp::with_demo().await;
    let (building, _) = buildings(&app).await;
    let head = app.sign_in(&demo(HEAD)).await;
    let (status, invite) = post(
        &app,
        &head,
        "/api/v1/invites",
        json!({"building_id": building, "unit": "1单元", "room": "502", "max_uses": 1}),
    )
    .await;
    assert_eq!(status, 201, "{invite}");
    assert_eq!(
        (invite["unit"].as_str(), invite["room"].as_str()),
        (Some("1单元"), Some("502"))
    );
    let token = invite["token"].as_str().unwrap();
    let use_it = |room: &'static str| json!({"building_id": building, "unit": "1单元", "room": room, "invite_token": token});
    let resident = app.sign_in(&demo(RESIDENT)).await;
    assert_eq!(
        post(&app, &resident, "/api/v1/household-requests", use_it("501"))
            .await
            .0,
        422,
        "another room"
    );
    assert_eq!(
        post(&app, &resident, "/api/v1/household-requests", use_it("502"))
            .await
            .0,
        201
    );
    let neighbour = app.sign_in(&demo(NEIGHBOUR)).await;
    assert_eq!(
        post(
            &app,
            &neighbour,
            "/api/v1/household-requests",
            use_it("502")
        )
        .await
        .0,
        422,
        "used up"
    );
    let (_, public) = app.get_json(&format!("/api/v1/invites/{token}")).await;
    assert_eq!(public["usable"], false);

    let (_, week) = post(
        &app,
        &head,
        "/api/v1/invites",
        json!({"building_id": building}),
    )
    .await;
    sqlx::query("UPDATE invites SET expires_at = 0")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let expired = json!({"building_id": building, "unit": "1单元", "room": "101", "invite_token": week["token"]});
    let late = app.sign_in(&demo(46)).await;
    assert_eq!(
        post(&app, &late, "/api/v1/household-requests", expired)
            .await
            .0,
        422,
        "expired"
    );
}

#[tokio::test]
async fn only_the_compounds_station_makes_and_lists_its_invites() {
    let app = TestApp::with_demo().await;
    let (building, _) = buildings(&app).await;
    let compound = app.get_json("/api/v1/compounds?limit=1").await.1["items"][0]["id"]
        .as_i64()
        .unwrap();
    for n in [RESIDENT, OTHER_HEAD, GRID_ONE] {
        let token = app.sign_in(&demo(n)).await;
        let (status, _) = post(
            &app,
            &token,
            "/api/v1/invites",
            json!({"building_id": building}),
        )
        .await;
        assert_eq!(status, 403, "person {n} made an invite");
        let (status, _) = app
            .get_as(&token, &format!("/api/v1/invites?compound_id={compound}"))
            .await;
        assert_eq!(status, 403, "person {n} listed invites");
    }
    assert_eq!(app.count("invites").await, 0);
    let (status, _) = send(
        &app,
        None,
        reqwest::Method::POST,
        "/api/v1/invites",
        Some(json!({"building_id": building})),
    )
    .await;
    assert_eq!(status, 401);
}
