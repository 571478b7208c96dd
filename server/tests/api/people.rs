//! A resident's own data: download it, or delete the account.

use crate::common::TestApp;
use serde_json::json;

const RESIDENT: &str = "13800000044";
const HEAD: &str = "13800000002";

#[tokio::test]
async fn a_resident_downloads_what_the_portal_keeps() {
    let app = TestApp::with_demo().await;
    let token = app.sign_in(RESIDENT).await;
    let response = app
        .client
        .get(app.url("/api/v1/me/export"))
        .header("cookie", format!("linli_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let data: serde_json::Value = response.json().await.unwrap();
    assert_eq!(data["person"]["phone"], RESIDENT);
    assert_eq!(data["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(app.get_json("/api/v1/me/export").await.0, 401);
}

#[tokio::test]
async fn deleting_an_account_erases_the_person_and_keeps_nothing_personal() {
    let app = TestApp::with_demo().await;
    let (_, list) = app.get_json("/api/v1/compounds?limit=1").await;
    let compound = list["items"][0]["id"].as_i64().unwrap();
    let (_, detail) = app.get_json(&format!("/api/v1/compounds/{compound}")).await;
    let building = detail["grids"][0]["buildings"][0]["id"].as_i64().unwrap();
    let token = app.sign_in(RESIDENT).await;
    let (status, _) = app
        .client
        .post(app.url("/api/v1/household-requests"))
        .header("cookie", format!("linli_session={token}"))
        .json(&json!({"building_id": building, "unit": "1单元", "room": "301"}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 201);
    let admin = app.sign_in("13800000001").await;
    let grant = app
        .client
        .post(app.url("/api/v1/role-grants"))
        .header("cookie", format!("linli_session={admin}"))
        .json(&json!({"phone": RESIDENT, "role": "station_member", "place_id": compound, "position": "member", "reason": "推选"}))
        .send()
        .await
        .unwrap();
    assert_eq!(grant.status().as_u16(), 201);

    let response = app
        .client
        .delete(app.url("/api/v1/me"))
        .header("cookie", format!("linli_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let (_, current) = app.get_as(&token, "/api/v1/sessions/current").await;
    assert_eq!(
        current["person"],
        serde_json::Value::Null,
        "the session ended"
    );

    let (name, phone): (String, Option<String>) =
        sqlx::query_as("SELECT name, phone FROM people WHERE name = '已注销居民'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((name.as_str(), phone), ("已注销居民", None));
    assert_eq!(app.count("household_requests").await, 0);
    let revoked: (Option<i64>, String) =
        sqlx::query_as("SELECT actor_id, reason FROM role_events WHERE action = 'revoke'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(revoked, (None, "account deleted by its owner".to_owned()));

    // The head's queue no longer carries the resident's request.
    let head = app.sign_in(HEAD).await;
    let (_, queue) = app.get_as(&head, "/api/v1/household-requests").await;
    assert_eq!(queue["items"], json!([]));
    // The number is free: signing in again starts a new, empty account.
    let fresh = app.sign_in(RESIDENT).await;
    let (_, again) = app.get_as(&fresh, "/api/v1/sessions/current").await;
    assert_eq!(again["person"]["name"], "居民0044");
}
