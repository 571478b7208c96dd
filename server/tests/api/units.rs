//! Service units: listing, monthly ratings by verified residents, the
//! liaison's anonymous view and answers, the report on a known month.

use crate::common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

/// 林晓燕, staff of 东港社区; 黄志明, its property liaison; 周海波, staff of 临城社区.
const STAFF: &str = "13800000036";
const LIAISON: &str = "13800000037";
const OTHER_STAFF: &str = "13800000040";

#[tokio::test]
async fn residents_rate_a_unit_monthly_and_the_report_adds_up() {
    let app = TestApp::with_demo().await;
    let (_, list) = app.get_json("/api/v1/compounds?limit=4").await;
    let compound = list["items"][0]["id"].as_i64().unwrap();
    let foreign = list["items"][2]["id"].as_i64().unwrap();
    let (_, detail) = app.get_json(&format!("/api/v1/compounds/{compound}")).await;
    let building = detail["grids"][0]["buildings"][0]["id"].as_i64().unwrap();
    let head = app.sign_in("13800000002").await;
    let mut residents = Vec::new();
    for (phone, room) in [
        ("13800000044", "101"),
        ("13800000045", "102"),
        ("13800000046", "201"),
    ] {
        let (token, _) = app.verified_resident(&head, phone, building, room).await;
        residents.push(token);
    }
    let staff = app.sign_in(STAFF).await;
    let unit = json!({"community_id": 1, "name": "海景物业服务中心", "kind": "property",
                      "compound_ids": [compound], "liaison_phone": LIAISON});
    let other = app.sign_in(OTHER_STAFF).await;
    assert_eq!(
        app.post_as(&other, "/api/v1/service-units", unit.clone())
            .await
            .0,
        403
    );
    let mut wrong = unit.clone();
    wrong["compound_ids"] = json!([foreign]);
    let r = app.post_as(&staff, "/api/v1/service-units", wrong).await;
    assert_eq!(
        (r.0, r.1["error"]["fields"]["compound_ids"].as_str()),
        (422, Some("invalid"))
    );
    let (status, created) = app.post_as(&staff, "/api/v1/service-units", unit).await;
    assert_eq!(status, 201);
    let id = created["id"].as_i64().unwrap();
    let rate = |token: String, body: Value| {
        let app = &app;
        async move {
            app.send_as(
                &token,
                Method::PUT,
                &format!("/api/v1/service-units/{id}/ratings/mine"),
                Some(body),
            )
            .await
        }
    };
    let outsider = app.sign_in("13800000047").await;
    assert_eq!(
        rate(outsider, json!({"satisfaction": "satisfied"})).await.0,
        403,
        "not verified"
    );
    let r = rate(
        residents[1].clone(),
        json!({"satisfaction": "very_dissatisfied"}),
    )
    .await;
    assert_eq!(
        (r.0, r.1["error"]["fields"]["comment"].as_str()),
        (422, Some("required"))
    );
    assert_eq!(
        rate(
            residents[0].clone(),
            json!({"satisfaction": "very_satisfied", "attitude": 5})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        rate(
            residents[1].clone(),
            json!({"satisfaction": "very_dissatisfied", "attitude": 1,
              "comment": "楼道垃圾三天没人清"})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        rate(
            residents[2].clone(),
            json!({"satisfaction": "satisfied", "attitude": 4})
        )
        .await
        .0,
        200
    );
    // A second rating in the month replaces the first.
    let (status, replaced) = rate(
        residents[0].clone(),
        json!({"satisfaction": "fair", "attitude": 3}),
    )
    .await;
    assert_eq!((status, replaced["mine"]["score"].as_i64()), (200, Some(3)));
    let (_, units) = app
        .get_as(
            &residents[0],
            &format!("/api/v1/service-units?compound_id={compound}"),
        )
        .await;
    assert_eq!(units["items"][0]["mine"]["score"], 3);
    assert_eq!(units["items"][0]["mine"]["answer"], Value::Null);

    let month = server::metrics::month_of(server::db::now_ms(), 0);
    let report_path = format!("/api/v1/service-units/{id}/report?month={month}");
    assert_eq!(app.get_as(&residents[0], &report_path).await.0, 403);
    let liaison = app.sign_in(LIAISON).await;
    let (status, report) = app.get_as(&liaison, &report_path).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["ratings"], 3);
    // 基本满意, 非常不满意, 满意 → distribution by level, 非常满意 first.
    assert_eq!(report["distribution"], json!([0, 1, 1, 0, 1]));
    assert_eq!(report["satisfaction"], json!({"count": 2, "of": 3}));
    assert_eq!(report["small_sample"], true);
    // Attitude (3 + 1 + 4) / 3 = 2.7.
    assert_eq!(report["aspects"], json!([27, null, null]));
    assert_eq!(report["answered"], json!({"count": 0, "of": 1}));
    let comment = &report["comments"][0];
    assert_eq!(comment["comment"], "楼道垃圾三天没人清");
    assert!(
        !report.to_string().contains("陈志明"),
        "the liaison never sees who rated"
    );
    // The bad rating reached the liaison's notices, without the rater.
    let (_, notices) = app.get_as(&liaison, "/api/v1/notices").await;
    let notice = &notices["items"][0];
    assert_eq!(
        (&notice["act"], &notice["unit_id"], &notice["title"]),
        (&json!("unit_rated"), &json!(id), &json!("海景物业服务中心"))
    );
    assert_eq!(
        notices["items"].as_array().unwrap().len(),
        1,
        "one bad rating"
    );
    // The liaison answers; the rater rates the fix.
    let rating = comment["rating_id"].as_i64().unwrap();
    let answer = format!("/api/v1/unit-ratings/{rating}/answers");
    assert_eq!(
        app.post_as(&residents[0], &answer, json!({"note": "x", "fixed": true}))
            .await
            .0,
        403
    );
    let re = format!("/api/v1/unit-ratings/{rating}/re-ratings");
    assert_eq!(
        app.post_as(&residents[1], &re, json!({"satisfaction": "satisfied"}))
            .await
            .0,
        409,
        "not answered yet"
    );
    let (status, _) = app
        .post_as(
            &liaison,
            &answer,
            json!({"note": "已安排保洁每天清运", "fixed": true}),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        app.post_as(&liaison, &answer, json!({"note": "再答", "fixed": true}))
            .await
            .0,
        409
    );
    assert_eq!(
        app.post_as(&residents[0], &re, json!({"satisfaction": "satisfied"}))
            .await
            .0,
        403
    );
    let (_, notices) = app.get_as(&residents[1], "/api/v1/notices").await;
    assert_eq!(notices["items"][0]["act"], "unit_answered");
    // The rater sees the call-back next to their own rating.
    let mine_path = format!("/api/v1/service-units?compound_id={compound}");
    let (_, units) = app.get_as(&residents[1], &mine_path).await;
    let mine = &units["items"][0]["mine"];
    assert_eq!(
        (mine["answer"].as_str(), &mine["fixed"], &mine["re_score"]),
        (Some("已安排保洁每天清运"), &json!(true), &Value::Null)
    );
    assert_eq!(
        app.post_as(&residents[1], &re, json!({"satisfaction": "satisfied"}))
            .await
            .0,
        204
    );
    let (_, after) = app.get_as(&staff, &report_path).await;
    assert_eq!(after["answered"], json!({"count": 1, "of": 1}));
    assert_eq!(after["fixed"], json!({"count": 1, "of": 1}));
    assert_eq!(
        after["median_answer_minutes"], 0,
        "answered within the minute"
    );
    assert_eq!(after["comments"][0]["re_score"], 4);
    assert_eq!(
        after["satisfaction"],
        json!({"count": 2, "of": 3}),
        "the month's rating stands; the fix is reported apart"
    );
    let trend = after["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 12);
    assert_eq!(
        trend[11],
        json!({"month": month, "ratings": 3, "satisfied": 2})
    );
    let (status, csv) = app
        .send_as(
            &staff,
            Method::GET,
            &format!("/api/v1/service-units/{id}/report/export?month={month}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        csv.as_str()
            .unwrap()
            .contains(&format!("{month},3,0,1,1,0,1,2/3"))
    );
    assert_eq!(app.get_as(&other, &report_path).await.0, 403);
    let (_, units) = app.get_as(&residents[1], &mine_path).await;
    assert_eq!(units["items"][0]["mine"]["re_score"], 4);

    // The public board: counts only, no comments, no sign-in.
    let (status, board) = app
        .get_json(&format!("/api/v1/compounds/{compound}/board"))
        .await;
    assert_eq!(status, 200);
    let figures = &board["units"][0];
    assert_eq!(figures["name"], "海景物业服务中心");
    assert_eq!(figures["satisfaction"], json!({"count": 2, "of": 3}));
    assert_eq!(figures["small_sample"], true);
    assert_eq!(figures["trend"][11]["ratings"], 3);
    assert!(!board.to_string().contains("楼道垃圾"));

    // Side by side for the community's staff, not for the liaison or others.
    let side = format!("/api/v1/communities/1/service-reports?month={month}");
    assert_eq!(app.get_as(&liaison, &side).await.0, 403);
    assert_eq!(app.get_as(&other, &side).await.0, 403);
    assert_eq!(
        app.get_as(
            &staff,
            "/api/v1/communities/999/service-reports?month=2026-01"
        )
        .await
        .0,
        404
    );
    let (status, reports) = app.get_as(&staff, &side).await;
    assert_eq!(status, 200, "{reports}");
    assert_eq!(
        reports["units"][0]["satisfaction"],
        json!({"count": 2, "of": 3})
    );
    assert_eq!(reports["units"][0]["comments"], json!([]));
    assert!(reports["stations"].as_array().unwrap().len() >= 2);

    // The window is the month: a rating given last month stays last month's,
    // and the same resident rates afresh this month.
    let previous = server::metrics::month_of(server::db::now_ms(), 1);
    sqlx::query("UPDATE unit_ratings SET month = $1 WHERE unit_id = $2 AND score = 3")
        .bind(previous.clone())
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (_, units) = app.get_as(&residents[0], &mine_path).await;
    assert_eq!(
        units["items"][0]["mine"],
        Value::Null,
        "not rated this month"
    );
    assert_eq!(
        rate(
            residents[0].clone(),
            json!({"satisfaction": "very_satisfied"})
        )
        .await
        .0,
        200
    );
    let (_, now) = app.get_as(&staff, &report_path).await;
    // 非常满意 (again), 满意, 非常不满意.
    assert_eq!(now["distribution"], json!([1, 1, 0, 0, 1]));
    let (_, then) = app
        .get_as(
            &staff,
            &format!("/api/v1/service-units/{id}/report?month={previous}"),
        )
        .await;
    assert_eq!(then["distribution"], json!([0, 0, 1, 0, 0]));
}

#[tokio::test]
async fn staff_keep_the_list_change_a_liaison_and_retire_a_unit() {
    let app = TestApp::with_demo().await;
    let (_, list) = app.get_json("/api/v1/compounds?limit=4").await;
    let compound = list["items"][0]["id"].as_i64().unwrap();
    let second = list["items"][1]["id"].as_i64().unwrap();
    let (_, detail) = app.get_json(&format!("/api/v1/compounds/{compound}")).await;
    let building = detail["grids"][0]["buildings"][0]["id"].as_i64().unwrap();
    let head = app.sign_in("13800000002").await;
    let (resident, _) = app
        .verified_resident(&head, "13800000044", building, "101")
        .await;
    let staff = app.sign_in(STAFF).await;
    let other = app.sign_in(OTHER_STAFF).await;
    let unit = json!({"community_id": 1, "name": "东港燃气", "kind": "gas",
                      "compound_ids": [compound], "liaison_phone": "13900000000"});
    let r = app
        .post_as(&staff, "/api/v1/service-units", unit.clone())
        .await;
    assert_eq!(
        (r.0, r.1["error"]["fields"]["liaison_phone"].as_str()),
        (422, Some("unknown")),
        "nobody signed in with that number"
    );
    let mut unit = unit;
    unit["liaison_phone"] = json!(LIAISON);
    let (status, created) = app
        .post_as(&staff, "/api/v1/service-units", unit.clone())
        .await;
    assert_eq!(status, 201);
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/service-units/{id}");

    // A new name, a second compound, no liaison: staff answer its ratings.
    let mut changed = unit.clone();
    changed["name"] = json!("港华燃气东港服务站");
    changed["compound_ids"] = json!([compound, second]);
    changed["liaison_phone"] = json!("");
    let put = |token: String, body: Value| {
        let (app, path) = (&app, path.clone());
        async move { app.send_as(&token, Method::PUT, &path, Some(body)).await.0 }
    };
    assert_eq!(put(other.clone(), changed.clone()).await, 403);
    let mut moved = changed.clone();
    moved["community_id"] = json!(2);
    assert_eq!(
        put(staff.clone(), moved).await,
        422,
        "units stay in their community"
    );
    assert_eq!(put(staff.clone(), changed).await, 204);
    let records = "/api/v1/communities/1/service-units";
    assert_eq!(app.get_as(&other, records).await.0, 403);
    let (status, kept) = app.get_as(&staff, records).await;
    assert_eq!(status, 200);
    assert_eq!(
        kept["items"][0],
        json!({"id": id, "name": "港华燃气东港服务站", "kind": "gas",
               "compound_ids": [compound, second], "liaison_name": null, "liaison_phone": null})
    );
    // Without a liaison, a bad rating reaches the community's staff.
    let (status, _) = app
        .send_as(
            &resident,
            Method::PUT,
            &format!("{path}/ratings/mine"),
            Some(json!({"satisfaction": "dissatisfied", "comment": "抄表不准"})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, notices) = app.get_as(&staff, "/api/v1/notices").await;
    assert_eq!(notices["items"][0]["act"], "unit_rated");

    // Retired: gone for residents and the board, its report stays.
    assert_eq!(
        app.send_as(&other, Method::DELETE, &path, None).await.0,
        403
    );
    assert_eq!(
        app.send_as(&staff, Method::DELETE, &path, None).await.0,
        204
    );
    let (_, units) = app
        .get_as(
            &resident,
            &format!("/api/v1/service-units?compound_id={compound}"),
        )
        .await;
    assert_eq!(units["items"], json!([]));
    let (status, _) = app
        .send_as(
            &resident,
            Method::PUT,
            &format!("{path}/ratings/mine"),
            Some(json!({"satisfaction": "satisfied"})),
        )
        .await;
    assert_eq!(status, 403, "a retired unit is not rated");
    let (_, board) = app
        .get_json(&format!("/api/v1/compounds/{compound}/board"))
        .await;
    assert_eq!(board["units"], json!([]));
    let (_, kept) = app.get_as(&staff, records).await;
    assert_eq!(kept["items"], json!([]));
    let month = server::metrics::month_of(server::db::now_ms(), 0);
    let (status, report) = app
        .get_as(&staff, &format!("{path}/report?month={month}"))
        .await;
    assert_eq!((status, &report["ratings"]), (200, &json!(1)));
    // The community's reports of the month it was retired in keep it.
    let (status, reports) = app
        .get_as(
            &staff,
            &format!("/api/v1/communities/1/service-reports?month={month}"),
        )
        .await;
    assert_eq!(status, 200, "{reports}");
    let gas = reports["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .expect("the retired unit is in its month's reports");
    assert_eq!(gas["ratings"], 1);
}
