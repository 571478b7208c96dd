//! Filing micro-affairs, reading them with privacy, and "me too".

use crate::common::TestApp;
use serde_json::{Value, json};

const RESIDENT: &str = "13800000044";
const NEIGHBOUR: &str = "13800000045";
/// 王秀英, head of 海景花园's station; 李桂芳, head of 东港新村's.
const HEAD: &str = "13800000002";
const OTHER_HEAD: &str = "13800000011";

/// 海景花园's id, its 1号楼, and 东港新村's first building.
async fn places(app: &TestApp) -> (i64, i64, i64) {
    let (_, list) = app.get_json("/api/v1/compounds?limit=2").await;
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    let first_building =
        |detail: &Value| detail["grids"][0]["buildings"][0]["id"].as_i64().unwrap();
    let haijing = app
        .get_json(&format!("/api/v1/compounds/{}", ids[0]))
        .await
        .1;
    let donggang = app
        .get_json(&format!("/api/v1/compounds/{}", ids[1]))
        .await
        .1;
    (ids[0], first_building(&haijing), first_building(&donggang))
}

async fn category(app: &TestApp, code: &str) -> i64 {
    let (_, list) = app.get_json("/api/v1/categories?street_id=1").await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn file(app: &TestApp, token: &str, body: Value, key: Option<&str>) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url("/api/v1/affairs"))
        .header("cookie", format!("linli_session={token}"))
        .json(&body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn second(app: &TestApp, token: &str, id: i64) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/affairs/{id}/seconds")))
        .header("cookie", format!("linli_session={token}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn categories_come_with_hints_in_the_requests_language() {
    let app = TestApp::with_demo().await;
    let (status, zh) = app.get_json("/api/v1/categories?street_id=1").await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = zh["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "facility_repair",
            "environment",
            "neighbour_care",
            "dispute",
            "safety_hazard",
            "other"
        ]
    );
    assert_eq!(zh["items"][4]["name"], "安全隐患");
    assert!(zh["items"][4]["hint"].as_str().unwrap().contains("119"));
    assert_eq!(zh["items"][3]["private_default"], true);
    let en: Value = app
        .client
        .get(app.url("/api/v1/categories?street_id=1"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(en["items"][0]["name"], "Facility repair");
}

#[tokio::test]
async fn a_public_affair_is_filed_open_at_the_station_and_seen_by_all() {
    let app = TestApp::with_demo().await;
    let (compound, building, _) = places(&app).await;
    let repair = category(&app, "facility_repair").await;
    let resident = app.sign_in(RESIDENT).await;
    let (status, affair) = file(
        &app,
        &resident,
        json!({"compound_id": compound, "category_id": repair, "title": "楼道灯坏了",
               "description": "1号楼2单元四楼的灯不亮，晚上看不见台阶", "building_id": building, "unit": "2单元"}),
        None,
    )
    .await;
    assert_eq!(status, 201, "{affair}");
    assert_eq!(
        (affair["status"].as_str(), affair["level"].as_str()),
        (Some("open"), Some("station"))
    );
    assert_eq!(
        (affair["private"].as_bool(), affair["mine"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(affair["building_name"], "1号楼");
    assert_eq!(affair["filer_name"], "李阿婆（李桂兰）");
    assert_eq!(affair["timeline"][0]["act"], "file");
    let id = affair["id"].as_i64().unwrap();

    let (status, public) = app.get_json(&format!("/api/v1/affairs/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(public["title"], "楼道灯坏了");
    assert_eq!(
        (&public["filer_name"], &public["timeline"]),
        (&Value::Null, &Value::Null)
    );
    let (_, list) = app
        .get_json(&format!("/api/v1/affairs?compound_id={compound}"))
        .await;
    assert_eq!(list["items"][0]["id"], id);
    assert_eq!(list["items"][0]["filer_name"], Value::Null);
}

#[tokio::test]
async fn a_dispute_is_private_to_the_filer_and_the_compounds_handlers() {
    let app = TestApp::with_demo().await;
    let (compound, building, _) = places(&app).await;
    let dispute = category(&app, "dispute").await;
    let resident = app.sign_in(RESIDENT).await;
    let (status, affair) = file(
        &app,
        &resident,
        json!({"compound_id": compound, "category_id": dispute, "title": "楼上漏水",
               "description": "楼上卫生间漏水到我家，协商不成", "building_id": building}),
        None,
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(affair["private"], true, "disputes default to private");
    let id = affair["id"].as_i64().unwrap();

    let neighbour = app.sign_in(NEIGHBOUR).await;
    let other_head = app.sign_in(OTHER_HEAD).await;
    assert_eq!(app.get_json(&format!("/api/v1/affairs/{id}")).await.0, 404);
    for token in [&neighbour, &other_head] {
        let (status, body) = app.get_as(token, &format!("/api/v1/affairs/{id}")).await;
        assert_eq!(status, 404, "{body}");
        let (_, list) = app
            .get_as(token, &format!("/api/v1/affairs?compound_id={compound}"))
            .await;
        assert_eq!(list["items"], json!([]));
    }
    assert_eq!(second(&app, &neighbour, id).await.0, 404);

    let head = app.sign_in(HEAD).await;
    let (status, seen) = app.get_as(&head, &format!("/api/v1/affairs/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(seen["filer_name"], "李阿婆（李桂兰）");
    assert_eq!(seen["timeline"].as_array().unwrap().len(), 1);
    let (_, queue) = app
        .get_as(&head, &format!("/api/v1/affairs?compound_id={compound}"))
        .await;
    assert_eq!(queue["items"][0]["id"], id);
}

#[tokio::test]
async fn neighbours_say_me_too_once_however_often_they_tap() {
    let app = TestApp::with_demo().await;
    let (compound, _, _) = places(&app).await;
    let environment = category(&app, "environment").await;
    let resident = app.sign_in(RESIDENT).await;
    let (_, affair) = file(
        &app,
        &resident,
        json!({"compound_id": compound, "category_id": environment, "title": "垃圾站异味",
               "description": "北门垃圾站三天没清运", "common_area": "北门垃圾站"}),
        None,
    )
    .await;
    let id = affair["id"].as_i64().unwrap();
    let neighbour = app.sign_in(NEIGHBOUR).await;
    assert_eq!(
        second(&app, &neighbour, id).await,
        (201, json!({"seconds": 1}))
    );
    let taps = crate::common::at_once(16, |_| second(&app, &neighbour, id)).await;
    assert!(
        taps.iter().all(|t| *t == (201, json!({"seconds": 1}))),
        "a double tap, or sixteen at once, is one \"me too\": {taps:?}"
    );
    assert_eq!(second(&app, &resident, id).await.0, 409, "one's own");
    let (_, seen) = app
        .get_as(&neighbour, &format!("/api/v1/affairs/{id}"))
        .await;
    assert_eq!(
        (seen["seconds"].as_i64(), seen["seconded"].as_bool()),
        (Some(1), Some(true))
    );
    let anonymous = app
        .client
        .post(app.url(&format!("/api/v1/affairs/{id}/seconds")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
}

#[tokio::test]
async fn an_affair_must_say_where_and_belong_to_its_compound() {
    let app = TestApp::with_demo().await;
    let (compound, _, other_building) = places(&app).await;
    let repair = category(&app, "facility_repair").await;
    let resident = app.sign_in(RESIDENT).await;
    let base = json!({"compound_id": compound, "category_id": repair, "title": "门禁坏了", "description": "刷卡没反应"});
    let (status, body) = file(&app, &resident, base.clone(), None).await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"building_id": "required"}))
    );
    let mut elsewhere = base.clone();
    elsewhere["building_id"] = json!(other_building);
    let (status, body) = file(&app, &resident, elsewhere, None).await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"building_id": "invalid"}))
    );
    let mut unknown = base.clone();
    unknown["common_area"] = json!("东门");
    unknown["category_id"] = json!(9999);
    let (status, body) = file(&app, &resident, unknown, None).await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"category_id": "invalid"}))
    );
    assert_eq!(app.count("affairs").await, 0);
}

#[tokio::test]
async fn a_retried_filing_files_once() {
    let app = TestApp::with_demo().await;
    let (compound, _, _) = places(&app).await;
    let repair = category(&app, "facility_repair").await;
    let resident = app.sign_in(RESIDENT).await;
    let body = json!({"compound_id": compound, "category_id": repair, "title": "门禁坏了",
                      "description": "刷卡没反应", "common_area": "东门"});
    let (first, a) = file(&app, &resident, body.clone(), Some("file-1")).await;
    let (again, b) = file(&app, &resident, body, Some("file-1")).await;
    assert_eq!((first, again), (201, 201));
    assert_eq!(a["id"], b["id"]);
    assert_eq!(app.count("affairs").await, 1);
    assert_eq!(app.count("affair_events").await, 1);
}

#[tokio::test]
async fn similar_open_public_affairs_are_offered_before_filing() {
    let app = TestApp::with_demo().await;
    let (compound, building, _) = places(&app).await;
    let repair = category(&app, "facility_repair").await;
    let resident = app.sign_in(RESIDENT).await;
    let body = |title: &str| {
        json!({
            "compound_id": compound, "category_id": repair, "title": title,
            "description": "晚上看不见", "building_id": building,
        })
    };
    let (_, lamp) = file(&app, &resident, body("楼道灯坏了"), None).await;
    file(&app, &resident, body("垃圾桶满了"), None).await;
    let neighbour = app.sign_in(NEIGHBOUR).await;
    let path = format!(
        "/api/v1/similar-affairs?compound_id={compound}&category_id={repair}&title=3%E5%8F%B7%E6%A5%BC%E6%A5%BC%E9%81%93%E7%81%AF%E4%B8%8D%E4%BA%AE"
    );
    let (status, similar) = app.get_as(&neighbour, &path).await;
    assert_eq!(status, 200);
    let titles: Vec<&str> = similar["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["楼道灯坏了"], "「3号楼楼道灯不亮」 looks like it");
    assert_eq!(similar["items"][0]["filer_name"], Value::Null);
    let (status, counted) = second(&app, &neighbour, lamp["id"].as_i64().unwrap()).await;
    assert_eq!((status, counted["seconds"].as_i64()), (201, Some(1)));
}

#[tokio::test]
async fn the_street_admin_extends_the_categories() {
    let app = TestApp::with_demo().await;
    let body = json!({
        "street_id": 1, "code": "elevator", "name_zh": "电梯故障", "name_en": "Elevator",
        "hint_zh": "有人被困？先拨打电梯里的救援电话。", "hint_en": "Someone trapped? Call the number in the car first.",
    });
    let head = app.sign_in(HEAD).await;
    let (status, _) = app.post_as(&head, "/api/v1/categories", body.clone()).await;
    assert_eq!(status, 403);
    let admin = app.sign_in("13800000001").await;
    let (status, added) = app
        .post_as(&admin, "/api/v1/categories", body.clone())
        .await;
    assert_eq!((status, added["name"].as_str()), (201, Some("电梯故障")));
    let (status, _) = app
        .post_as(&admin, "/api/v1/categories", body.clone())
        .await;
    assert_eq!(status, 409, "the code is taken");
    let mut bad = body.clone();
    bad["code"] = json!("Elevator!");
    bad["name_zh"] = json!(" ");
    let (status, problem) = app.post_as(&admin, "/api/v1/categories", bad).await;
    assert_eq!(status, 422);
    assert_eq!(problem["error"]["fields"]["code"], "invalid");
    assert_eq!(problem["error"]["fields"]["name_zh"], "required");
    let (_, list) = app.get_json("/api/v1/categories?street_id=1").await;
    let codes: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.last(), Some(&"elevator"), "added at the end");
}

#[tokio::test]
async fn filings_sent_at_once_are_each_filed_once() {
    let app = TestApp::with_demo().await;
    let (compound, _, _) = places(&app).await;
    let environment = category(&app, "environment").await;
    let resident = app.sign_in(RESIDENT).await;
    let report = |title: String| {
        json!({"compound_id": compound, "category_id": environment, "title": title,
               "description": "北门的路灯一直不亮", "common_area": "北门"})
    };
    let before = app.count("affairs").await;
    // One report tapped sixteen times with its key: one affair, and every
    // answer is it or says the first is still running.
    let answers = crate::common::at_once(16, |_| {
        file(
            &app,
            &resident,
            report("北门路灯不亮".into()),
            Some("lamp-1"),
        )
    })
    .await;
    let mut ids = std::collections::BTreeSet::new();
    for (status, body) in &answers {
        match status {
            201 => {
                ids.insert(body["id"].as_i64().unwrap());
            }
            409 => assert_eq!(body["error"]["code"], "idempotency_key_in_progress"),
            _ => panic!("{status} {body}"),
        }
    }
    assert_eq!(ids.len(), 1, "{answers:?}");
    assert_eq!(app.count("affairs").await, before + 1);
    // Sixteen different reports at once, each with its own key: sixteen
    // affairs, none lost, none twice.
    let answers = crate::common::at_once(16, |i| {
        let key = format!("report-{i}");
        let (app, resident) = (&app, &resident);
        async move {
            file(
                app,
                resident,
                report(format!("第{i}盏路灯不亮")),
                Some(&key),
            )
            .await
        }
    })
    .await;
    assert!(answers.iter().all(|(s, _)| *s == 201), "{answers:?}");
    let ids: std::collections::BTreeSet<i64> = answers
        .iter()
        .map(|(_, a)| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 16);
    assert_eq!(app.count("affairs").await, before + 17);
}
