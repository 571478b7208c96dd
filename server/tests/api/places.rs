//! The place hierarchy as the home page and the compound pages read it.

use crate::common::TestApp;
use serde_json::Value;

#[tokio::test]
async fn health_is_ok_once_the_database_answers() {
    let app = TestApp::empty().await;
    let (status, body) = app.get_json("/api/health").await;
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({"status": "ok"}));
}

#[tokio::test]
async fn the_demo_street_is_counted_from_its_households() {
    let app = TestApp::with_demo().await;
    let (status, body) = app.get_json("/api/v1/streets").await;
    assert_eq!(status, 200);
    let streets = body["items"].as_array().expect("items");
    assert_eq!(streets.len(), 1);
    assert_eq!(streets[0]["name"], "宁安街道");
    assert_eq!(streets[0]["community_count"], 2);
    assert_eq!(streets[0]["compound_count"], 4);
    // 海景花园 204 + 东港新村 80 + 临城佳苑 216 + 桂花苑 24.
    assert_eq!(streets[0]["household_count"], 524);
    assert_eq!(body["next_cursor"], Value::Null);

    let (_, body) = app.get_json("/api/v1/communities").await;
    let counts: Vec<(&str, i64, i64)> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().expect("name"),
                c["compound_count"].as_i64().expect("compounds"),
                c["household_count"].as_i64().expect("households"),
            )
        })
        .collect();
    assert_eq!(counts, [("东港社区", 2, 284), ("临城社区", 2, 240)]);
}

#[tokio::test]
async fn compounds_carry_their_station_and_size() {
    let app = TestApp::with_demo().await;
    let (status, body) = app.get_json("/api/v1/compounds").await;
    assert_eq!(status, 200);
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 4);
    let haijing = &items[0];
    assert_eq!(haijing["name"], "海景花园");
    assert_eq!(haijing["community_name"], "东港社区");
    assert_eq!(haijing["station"]["name"], "海景花园居民自治互助站");
    assert_eq!(haijing["station"]["head_name"], "王秀英");
    assert_eq!(haijing["station"]["member_count"], 7);
    assert_eq!(haijing["grid_count"], 2);
    assert_eq!(haijing["building_count"], 5);
    assert_eq!(haijing["household_count"], 204);
    // Public summaries carry no phone numbers or rooms.
    let text = body.to_string();
    assert!(!text.contains("138"), "a phone number leaked: {text}");
    assert!(!text.contains("room"), "a room leaked: {text}");
}

#[tokio::test]
async fn compounds_filter_by_community_and_street() {
    let app = TestApp::with_demo().await;
    let (_, communities) = app.get_json("/api/v1/communities").await;
    let linchen = communities["items"][1]["id"].as_i64().expect("id");
    let (_, body) = app
        .get_json(&format!("/api/v1/compounds?community_id={linchen}"))
        .await;
    let names: Vec<&str> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["临城佳苑", "桂花苑"]);
    let (_, body) = app.get_json("/api/v1/compounds?street_id=999").await;
    assert_eq!(body["items"], serde_json::json!([]));
}

#[tokio::test]
async fn a_compound_lists_its_grids_workers_and_buildings() {
    let app = TestApp::with_demo().await;
    let (_, list) = app.get_json("/api/v1/compounds?limit=1").await;
    let id = list["items"][0]["id"].as_i64().expect("id");
    let (status, body) = app.get_json(&format!("/api/v1/compounds/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "海景花园");
    let grids = body["grids"].as_array().expect("grids");
    assert_eq!(grids.len(), 2);
    assert_eq!(grids[0]["name"], "第一网格");
    assert_eq!(grids[0]["worker_name"], "刘海燕");
    assert_eq!(grids[0]["household_count"], 72);
    let buildings: Vec<&str> = grids[1]["buildings"]
        .as_array()
        .expect("buildings")
        .iter()
        .map(|b| b["name"].as_str().expect("name"))
        .collect();
    assert_eq!(buildings, ["5号楼", "6号楼"]);
    assert_eq!(grids[1]["buildings"][0]["unit_count"], 3);
    assert_eq!(grids[1]["buildings"][0]["household_count"], 66);
}

#[tokio::test]
async fn pages_follow_the_cursor_to_the_end() {
    let app = TestApp::with_demo().await;
    let mut names = Vec::new();
    let mut path = "/api/v1/compounds?limit=3".to_owned();
    loop {
        let (status, body) = app.get_json(&path).await;
        assert_eq!(status, 200);
        for item in body["items"].as_array().expect("items") {
            names.push(item["name"].as_str().expect("name").to_owned());
        }
        match body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/compounds?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(names, ["海景花园", "东港新村", "临城佳苑", "桂花苑"]);
}

#[tokio::test]
async fn bad_paging_is_refused_with_the_parameter_named() {
    let app = TestApp::with_demo().await;
    let (status, body) = app.get_json("/api/v1/compounds?limit=500").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "invalid_query");
    assert_eq!(body["error"]["fields"]["limit"], "out_of_range");
    assert_eq!(body["error"]["message"], "limit 须在 1 到 100 之间");

    let (status, body) = app.get_json("/api/v1/compounds?limit=ten").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["fields"]["limit"], "invalid");

    let (status, body) = app.get_json("/api/v1/streets?cursor=zzz").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "invalid_cursor");
}

#[tokio::test]
async fn an_absent_compound_is_404_in_the_envelope() {
    let app = TestApp::with_demo().await;
    for path in ["/api/v1/compounds/99999", "/api/v1/compounds/abc"] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found");
    }
}

#[tokio::test]
async fn demo_data_loads_once() {
    let app = TestApp::with_demo().await;
    let people = app.count("people").await;
    assert!(
        !server::demo::load_if_empty(&app.db)
            .await
            .expect("second load")
    );
    assert_eq!(app.count("people").await, people);
    assert_eq!(app.count("households").await, 524);
}
