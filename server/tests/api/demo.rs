//! The demo street as README's run command loads it: every sample loader
//! runs on an empty database of either engine, and a new user finds every
//! area alive.

use crate::common::TestApp;
use serde_json::Value;

/// The demo with its samples, loaded in main.rs's order (the roster with
/// the test server's secret, so sign-ins match its digests).
async fn demo() -> TestApp {
    let app = TestApp::with_demo().await;
    let secret = server::secret::Secret::from_key(&[7; 32]).unwrap();
    server::demo::load_sample_roster(&app.db, &secret)
        .await
        .unwrap();
    server::demo::load_sample_affairs(&app.db).await.unwrap();
    server::demo::load_sample_units(&app.db).await.unwrap();
    server::demo::load_sample_consultations(&app.db)
        .await
        .unwrap();
    server::demo::load_sample_pool(&app.db).await.unwrap();
    app
}

fn items(list: &Value) -> &Vec<Value> {
    list["items"].as_array().unwrap()
}

#[tokio::test]
async fn a_new_user_finds_every_area_of_the_demo_alive() {
    let app = demo().await;
    let (_, compounds) = app.get_json("/api/v1/compounds?limit=1").await;
    let compound = compounds["items"][0]["id"].as_i64().unwrap();
    assert_eq!(compounds["items"][0]["name"], "海景花园");

    // One consultation at each stage, the proposal first.
    let (status, list) = app
        .get_json(&format!("/api/v1/consultations?compound_id={compound}"))
        .await;
    assert_eq!(status, 200);
    let states: Vec<&str> = items(&list)
        .iter()
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "proposed",
            "discussion",
            "voting",
            "declined",
            "concluded",
            "implemented"
        ]
    );

    // Posts to come: one full with a waiting list, one needing a skill.
    let (_, posts) = app
        .get_json(&format!("/api/v1/posts?compound_id={compound}"))
        .await;
    let posts = items(&posts);
    assert_eq!(posts.len(), 4);
    assert!(posts.iter().any(|p| {
        p["slots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["waiting"].as_i64() > Some(0))
    }));

    // The pharmacist's record has hours from the past weeks.
    let pharmacist = app.sign_in("13800000046").await;
    let (_, record) = app.get_as(&pharmacist, "/api/v1/me/volunteer-record").await;
    assert!(record["total_minutes"].as_i64().unwrap() >= 240);

    // A listed number whose person never signed in is verified at sign-in;
    // an unlisted one is not.
    let listed = app.sign_in("13912340003").await;
    let (_, me) = app.get_as(&listed, "/api/v1/sessions/current").await;
    let household = &me["person"]["households"][0];
    assert_eq!(household["status"], "approved");
    assert_eq!(household["building_name"], "3号楼");
    assert_eq!(household["room"], "502");
    let unlisted = app.sign_in("13800000044").await;
    let (_, me) = app.get_as(&unlisted, "/api/v1/sessions/current").await;
    assert_eq!(me["person"]["households"], serde_json::json!([]));
}
