//! Editing places on the staff page: who may, what each change does, that
//! nothing holding data is lost, and that every change is recorded.

use crate::common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

/// The demo's street administrator, staff of 东港社区 and of 临城社区, and
/// a resident without a role.
const ADMIN: &str = "13800000001";
const DONGGANG_STAFF: &str = "13800000036";
const LINCHENG_STAFF: &str = "13800000040";
const RESIDENT: &str = "13800000044";

async fn send(app: &TestApp, token: &str, method: Method, path: &str, body: Value) -> (u16, Value) {
    app.send_as(token, method, path, Some(body)).await
}

/// The id of the community or compound named `name` in a list.
async fn id_named(app: &TestApp, list: &str, name: &str) -> i64 {
    let (_, page) = app.get_json(&format!("{list}?limit=100")).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {page}"))["id"]
        .as_i64()
        .unwrap()
}

async fn compound(app: &TestApp, id: i64) -> Value {
    app.get_json(&format!("/api/v1/compounds/{id}")).await.1
}

#[tokio::test]
async fn the_street_admin_builds_a_compound_and_every_change_is_recorded() {
    let app = TestApp::with_demo().await;
    let admin = app.sign_in(ADMIN).await;
    let post = Method::POST;

    let (status, community) = send(
        &app,
        &admin,
        post.clone(),
        "/api/v1/streets/1/communities",
        json!({"name": " 新港社区 "}),
    )
    .await;
    assert_eq!(status, 201, "{community}");
    assert_eq!(community["name"], "新港社区");
    let (status, again) = send(
        &app,
        &admin,
        post.clone(),
        "/api/v1/streets/1/communities",
        json!({"name": "新港社区"}),
    )
    .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("conflict"))
    );

    let community = community["id"].as_i64().unwrap();
    let path = format!("/api/v1/communities/{community}/compounds");
    let (status, body) = send(&app, &admin, post.clone(), &path, json!({"name": "新港苑"})).await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"address": "required"}))
    );
    let (status, created) = send(
        &app,
        &admin,
        post.clone(),
        &path,
        json!({"name": "新港苑", "address": "新港路 1 号"}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let new_compound = created["id"].as_i64().unwrap();
    let detail = compound(&app, new_compound).await;
    assert_eq!(detail["station"]["name"], "新港苑居民自治互助站");
    assert_eq!(detail["grids"], json!([]));

    let grids = format!("/api/v1/compounds/{new_compound}/grids");
    let (_, first) = send(
        &app,
        &admin,
        post.clone(),
        &grids,
        json!({"name": "第一网格"}),
    )
    .await;
    let (_, second) = send(
        &app,
        &admin,
        post.clone(),
        &grids,
        json!({"name": "第二网格"}),
    )
    .await;
    let (first, second) = (
        first["id"].as_i64().unwrap(),
        second["id"].as_i64().unwrap(),
    );
    let (status, _) = send(
        &app,
        &admin,
        post.clone(),
        &grids,
        json!({"name": "第一网格"}),
    )
    .await;
    assert_eq!(status, 409);

    let buildings = format!("/api/v1/grids/{first}/buildings");
    let (status, body) = send(
        &app,
        &admin,
        post.clone(),
        &buildings,
        json!({"name": "1幢", "units": 0, "floors": 61, "per_floor": 2}),
    )
    .await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"units": "invalid", "floors": "invalid"}))
    );
    let (status, building) = send(
        &app,
        &admin,
        post.clone(),
        &buildings,
        json!({"name": "1幢", "units": 2, "floors": 6, "per_floor": 2}),
    )
    .await;
    assert_eq!(status, 201, "{building}");
    let building = building["id"].as_i64().unwrap();
    let detail = compound(&app, new_compound).await;
    assert_eq!(detail["household_count"], 24);
    assert_eq!(
        detail["grids"][0]["buildings"][0]["units"],
        json!(["1单元", "2单元"])
    );
    // A building's name is the compound's to give once, whichever grid.
    let (status, _) = send(
        &app,
        &admin,
        post.clone(),
        &format!("/api/v1/grids/{second}/buildings"),
        json!({"name": "1幢", "units": 1, "floors": 1, "per_floor": 1}),
    )
    .await;
    assert_eq!(status, 409);

    // A grid with a building stays; moved out, the grid can be retired.
    let (status, body) = send(
        &app,
        &admin,
        Method::DELETE,
        &format!("/api/v1/grids/{first}"),
        json!(null),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("conflict"))
    );
    let edit = format!("/api/v1/buildings/{building}");
    let (status, moved) = send(
        &app,
        &admin,
        Method::PUT,
        &edit,
        json!({"name": "1号楼", "grid_id": second}),
    )
    .await;
    assert_eq!((status, moved["name"].as_str()), (200, Some("1号楼")));
    let (status, _) = send(
        &app,
        &admin,
        Method::DELETE,
        &format!("/api/v1/grids/{first}"),
        json!(null),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = send(
        &app,
        &admin,
        Method::DELETE,
        &format!("/api/v1/grids/{first}"),
        json!(null),
    )
    .await;
    assert_eq!(status, 204, "a retry answers as the first time did");
    let (status, _) = send(
        &app,
        &admin,
        Method::DELETE,
        "/api/v1/grids/99999",
        json!(null),
    )
    .await;
    assert_eq!(status, 404);
    let detail = compound(&app, new_compound).await;
    assert_eq!(detail["grid_count"], 1);
    assert_eq!(detail["grids"][0]["name"], "第二网格");
    assert_eq!(detail["grids"][0]["buildings"][0]["name"], "1号楼");
    let (status, _) = send(
        &app,
        &admin,
        Method::PUT,
        &format!("/api/v1/grids/{second}"),
        json!({"name": "新港网格"}),
    )
    .await;
    assert_eq!(status, 200);

    // Another compound's grid, a retired one, or no name: refused.
    let haijing = id_named(&app, "/api/v1/compounds", "海景花园").await;
    let other_grid = compound(&app, haijing).await["grids"][0]["id"]
        .as_i64()
        .unwrap();
    for bad in [
        json!({"name": "1号楼", "grid_id": other_grid}),
        json!({"name": "1号楼", "grid_id": first}),
    ] {
        let (status, body) = send(&app, &admin, Method::PUT, &edit, bad).await;
        assert_eq!(
            (status, &body["error"]["fields"]),
            (422, &json!({"grid_id": "invalid"}))
        );
    }
    let (status, body) = send(
        &app,
        &admin,
        Method::PUT,
        &edit,
        json!({"name": " ", "grid_id": second}),
    )
    .await;
    assert_eq!(
        (status, &body["error"]["fields"]),
        (422, &json!({"name": "required"}))
    );

    let (status, changes) = app.get_as(&admin, "/api/v1/streets/1/place-changes").await;
    assert_eq!(status, 200);
    let seen: Vec<(String, String, String, String)> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["actor_name"], "陈建国");
            assert_eq!(c["import_id"], Value::Null);
            let s = |k: &str| c[k].as_str().unwrap().to_owned();
            (s("place"), s("field"), s("before"), s("after"))
        })
        .collect();
    let expected = [
        ("新港苑 第二网格", "name", "第二网格", "新港网格"),
        ("新港苑 第一网格", "retired", "", "retired"),
        ("新港苑 1号楼", "grid", "第一网格", "第二网格"),
        ("新港苑 1幢", "name", "1幢", "1号楼"),
        ("新港苑 1幢", "created", "", "2单元 6层 每层2户"),
        ("新港苑 第二网格", "created", "", "第二网格"),
        ("新港苑 第一网格", "created", "", "第一网格"),
        ("新港社区 新港苑", "created", "", "新港路 1 号"),
        ("新港社区", "created", "", "新港社区"),
    ]
    .map(|(a, b, c, d)| (a.to_owned(), b.to_owned(), c.to_owned(), d.to_owned()));
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn staff_edit_only_within_their_community() {
    let app = TestApp::with_demo().await;
    let donggang_staff = app.sign_in(DONGGANG_STAFF).await;
    let lincheng_staff = app.sign_in(LINCHENG_STAFF).await;
    let resident = app.sign_in(RESIDENT).await;
    let haijing = id_named(&app, "/api/v1/compounds", "海景花园").await;
    let grids = format!("/api/v1/compounds/{haijing}/grids");

    let (status, grid) = send(
        &app,
        &donggang_staff,
        Method::POST,
        &grids,
        json!({"name": "第三网格"}),
    )
    .await;
    assert_eq!(status, 201, "{grid}");
    for token in [&lincheng_staff, &resident] {
        let (status, _) = send(
            &app,
            token,
            Method::POST,
            &grids,
            json!({"name": "第四网格"}),
        )
        .await;
        assert_eq!(status, 403);
        let (status, _) = app.get_as(token, "/api/v1/streets/1/place-changes").await;
        assert_eq!(status, 403);
    }
    // Communities are the street's to add.
    let (status, _) = send(
        &app,
        &donggang_staff,
        Method::POST,
        "/api/v1/streets/1/communities",
        json!({"name": "新港社区"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = send(
        &app,
        &donggang_staff,
        Method::PUT,
        "/api/v1/grids/99999",
        json!({"name": "x"}),
    )
    .await;
    assert_eq!(status, 404);
    let response = app
        .client
        .post(app.url(&grids))
        .json(&json!({"name": "第五网格"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    // The first grid holds buildings and its worker: it cannot be retired.
    let first = compound(&app, haijing).await["grids"][0]["id"]
        .as_i64()
        .unwrap();
    let (status, _) = send(
        &app,
        &donggang_staff,
        Method::DELETE,
        &format!("/api/v1/grids/{first}"),
        json!(null),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(app.count("place_changes").await, 1);
}

#[tokio::test]
async fn a_ledger_that_lists_a_retired_grid_brings_it_back() {
    let app = TestApp::with_demo().await;
    let admin = app.sign_in(ADMIN).await;
    let haijing = id_named(&app, "/api/v1/compounds", "海景花园").await;
    let (_, grid) = send(
        &app,
        &admin,
        Method::POST,
        &format!("/api/v1/compounds/{haijing}/grids"),
        json!({"name": "第九网格"}),
    )
    .await;
    let grid = grid["id"].as_i64().unwrap();
    let (status, _) = send(
        &app,
        &admin,
        Method::DELETE,
        &format!("/api/v1/grids/{grid}"),
        json!(null),
    )
    .await;
    assert_eq!(status, 204);
    let ledger = "社区,小区,小区地址,网格,楼栋,单元数,层数,每层户数\n东港社区,海景花园,东港路 88 号,第九网格,99号楼,1,2,2\n";
    let response = app
        .client
        .post(app.url("/api/v1/streets/1/place-imports"))
        .header("cookie", format!("linli_session={admin}"))
        .header("content-type", "text/csv")
        .body(ledger)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let report: Value = response.json().await.unwrap();
    assert_eq!(
        (status, report["applied"].as_bool()),
        (201, Some(true)),
        "{report}"
    );
    assert_eq!(
        report["changed"][0],
        json!({"row": 2, "place": "海景花园 第九网格", "field": "retired", "before": "retired", "after": ""})
    );
    let detail = compound(&app, haijing).await;
    let back = detail["grids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == grid)
        .expect("the grid is back");
    assert_eq!(back["buildings"][0]["name"], "99号楼");
}

#[tokio::test]
async fn adding_a_retired_grids_name_brings_it_back() {
    let app = TestApp::with_demo().await;
    let admin = app.sign_in(ADMIN).await;
    let haijing = id_named(&app, "/api/v1/compounds", "海景花园").await;
    let grids = format!("/api/v1/compounds/{haijing}/grids");
    let (_, grid) = send(
        &app,
        &admin,
        Method::POST,
        &grids,
        json!({"name": "第九网格"}),
    )
    .await;
    let (status, _) = send(
        &app,
        &admin,
        Method::DELETE,
        &format!("/api/v1/grids/{}", grid["id"]),
        json!(null),
    )
    .await;
    assert_eq!(status, 204);
    let (status, again) = send(
        &app,
        &admin,
        Method::POST,
        &grids,
        json!({"name": "第九网格"}),
    )
    .await;
    assert_eq!((status, &again["id"]), (201, &grid["id"]));
    let (_, changes) = app.get_as(&admin, "/api/v1/streets/1/place-changes").await;
    assert_eq!(
        (
            &changes[0]["field"],
            &changes[0]["before"],
            &changes[0]["after"]
        ),
        (&json!("retired"), &json!("retired"), &json!(""))
    );
}

#[tokio::test]
async fn staff_adding_grids_at_once_lose_none_and_duplicate_none() {
    let app = TestApp::with_demo().await;
    let admin = app.sign_in(ADMIN).await;
    let haijing = id_named(&app, "/api/v1/compounds", "海景花园").await;
    let path = format!("/api/v1/compounds/{haijing}/grids");
    let add = |name: String| {
        let (app, admin, path) = (&app, &admin, &path);
        async move {
            send(app, admin, Method::POST, path, json!({"name": name}))
                .await
                .0
        }
    };
    let distinct = futures_util::future::join_all((0..8).map(|i| add(format!("新网格{i}")))).await;
    assert_eq!(distinct, [201; 8]);
    let mut same = futures_util::future::join_all((0..8).map(|_| add("同名网格".to_owned()))).await;
    same.sort_unstable();
    assert_eq!(same, [201, 409, 409, 409, 409, 409, 409, 409]);
}
