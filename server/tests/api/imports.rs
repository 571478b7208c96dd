//! Setting a street up from its spreadsheets: the command line from an
//! empty database to the first affair, the places ledger and household
//! rosters over the API, and every kind of bad file.

use crate::common::TestApp;
use serde_json::{Value, json};
use std::process::Command;

const ADMIN: &str = "13800000001";
/// 王秀英, head of 海景花园's station (compound 1).
const HEAD: &str = "13800000002";
/// 李桂芳, head of 东港新村's station (compound 2).
const OTHER_HEAD: &str = "13800000011";
const RESIDENT: &str = "13800000044";

const LEDGER_HEADER: &str = "社区,小区,小区地址,网格,楼栋,单元数,层数,每层户数,房号\n";

/// `POST path?…` with a file body as `token`, in `lang`; status and JSON.
async fn upload(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Vec<u8>,
    content_type: &str,
    lang: &str,
) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(path))
        .header("cookie", format!("linli_session={token}"))
        .header("content-type", content_type)
        .header("accept-language", lang)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn csv(app: &TestApp, token: &str, path: &str, text: &str) -> (u16, Value) {
    upload(
        app,
        token,
        path,
        text.as_bytes().to_vec(),
        "text/csv",
        "zh-CN",
    )
    .await
}

/// The server binary's command `args` on the test database; exit success,
/// standard output and error.
fn command(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_linli-server"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("LINLI_DATA_DIR", app.dir.path())
        .env("LINLI_SECRET", "a-test-secret-of-at-least-32-characters")
        .env("LANG", "zh_CN.UTF-8")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the server binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn problems(report: &Value) -> Vec<(i64, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["problem"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_street_is_set_up_from_the_command_line_to_its_first_affair() {
    let app = TestApp::empty().await;
    let (_, streets) = app.get_json("/api/v1/streets").await;
    assert_eq!(streets["items"], json!([]));

    let create = [
        "street",
        "create",
        "--name",
        "新城街道",
        "--district",
        "定海区",
        "--city",
        "舟山市",
        "--admin-phone",
        "139 0000 0001",
        "--admin-name",
        "赵主任",
    ];
    let (ok, out, err) = command(&app, &create);
    assert!(ok, "{out}{err}");
    assert!(out.contains("已建立街道（编号 1）"), "{out}");
    assert!(out.contains("13900000001"), "{out}");
    let (ok, out, _) = command(&app, &create);
    assert!(ok);
    assert!(out.contains("没有做任何改动"), "{out}");
    assert_eq!(app.count("streets").await, 1);
    assert_eq!(app.count("role_grants").await, 1);
    let (ok, _, err) = command(
        &app,
        &[
            "street",
            "create",
            "--name",
            "x",
            "--district",
            "y",
            "--city",
            "z",
            "--admin-phone",
            "12345",
        ],
    );
    assert!(!ok);
    assert!(err.contains("--admin-phone"), "{err}");

    // The ledger as Excel saves CSV on Chinese Windows: GBK.
    let ledger = format!(
        "{LEDGER_HEADER}新城社区,幸福里,幸福路 1 号,幸福里一网格,1幢,2,3,2,\n\
         新城社区,幸福里,,幸福里一网格,2幢,1,,,\"101,102,201\"\n"
    );
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&ledger);
    assert!(!lossy);
    let file = app.dir.path().join("台账.csv");
    std::fs::write(&file, &gbk).unwrap();
    let path = file.display().to_string();
    let (ok, out, err) = command(
        &app,
        &["places", "import", &path, "--street", "1", "--dry-run"],
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("检查结果"), "{out}");
    assert!(out.contains("住户 15"), "{out}");
    assert_eq!(app.count("households").await, 0);
    let (ok, out, err) = command(&app, &["places", "import", &path, "--street", "1"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("已导入"), "{out}");
    assert_eq!(app.count("households").await, 15);
    assert_eq!(app.count("stations").await, 1);
    // Again: nothing new.
    let (ok, out, _) = command(&app, &["places", "import", &path, "--street", "1"]);
    assert!(ok);
    assert!(out.contains("住户 0"), "{out}");
    assert_eq!(app.count("households").await, 15);

    // The administrator signs in and sees the street; a resident files.
    let admin = app.sign_in("13900000001").await;
    let (_, me) = app.get_as(&admin, "/api/v1/sessions/current").await;
    assert_eq!(me["person"]["name"], "赵主任");
    assert_eq!(me["person"]["roles"][0]["role"], "street_admin");
    let (_, compounds) = app.get_json("/api/v1/compounds?street_id=1").await;
    let compound = compounds["items"][0]["id"].as_i64().unwrap();
    assert_eq!(compounds["items"][0]["household_count"], 15);
    let (_, categories) = app.get_json("/api/v1/categories?street_id=1").await;
    let category = categories["items"][0]["id"].as_i64().unwrap();
    let resident = app.sign_in("13900000002").await;
    let (status, affair) = app
        .post_as(
            &resident,
            "/api/v1/affairs",
            json!({"compound_id": compound, "category_id": category, "title": "路灯不亮",
                   "description": "幸福里门口的路灯坏了三天了", "common_area": "小区门口"}),
        )
        .await;
    assert_eq!(status, 201, "{affair}");
}

#[tokio::test]
async fn a_ledger_adds_changes_and_reports_but_never_deletes() {
    let app = TestApp::with_demo().await;
    let admin = app.sign_in(ADMIN).await;
    let households = app.count("households").await;
    let path = "/api/v1/streets/1/place-imports";
    // An Excel workbook: numbers as numbers, a new compound in 东港社区 and
    // one of the demo's buildings as it stands.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "社区",
        "小区",
        "小区地址",
        "网格",
        "楼栋",
        "单元数",
        "层数",
        "每层户数",
    ];
    for (col, text) in header.iter().enumerate() {
        sheet.write_string(0, col as u16, *text).unwrap();
    }
    let rows: [([&str; 5], [f64; 3]); 2] = [
        (
            ["东港社区", "海景花园", "东港路 88 号", "第一网格", "1号楼"],
            [2.0, 6.0, 2.0],
        ),
        (
            ["东港社区", "滨海苑", "滨海路 9 号", "滨海苑网格", "1号楼"],
            [2.0, 10.0, 3.0],
        ),
    ];
    for (i, (texts, numbers)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (col, text) in texts.iter().enumerate() {
            sheet.write_string(row, col as u16, *text).unwrap();
        }
        for (col, number) in numbers.iter().enumerate() {
            sheet.write_number(row, col as u16 + 5, *number).unwrap();
        }
    }
    let xlsx = book.save_to_buffer().unwrap();
    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let (status, report) = upload(
        &app,
        &admin,
        &format!("{path}?dry_run=true"),
        xlsx.clone(),
        xlsx_type,
        "zh-CN",
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["applied"], false);
    assert_eq!(
        report["created"],
        json!({"communities": 0, "compounds": 1, "grids": 1, "buildings": 1, "units": 2, "households": 60})
    );
    assert_eq!(report["unchanged_buildings"], 1);
    // The demo's other fourteen buildings are not in the file: kept, reported.
    assert_eq!(report["unlisted"].as_array().unwrap().len(), 14);
    assert_eq!(report["unlisted"][0]["place"], "东港社区 海景花园 2号楼");
    assert_eq!(report["unlisted"][0]["households"], 24);
    assert_eq!(app.count("households").await, households);

    let (status, report) = upload(
        &app,
        &admin,
        path,
        xlsx.clone(),
        "application/octet-stream",
        "zh-CN",
    )
    .await;
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["applied"], true);
    assert_eq!(app.count("households").await, households + 60);
    let (_, compounds) = app.get_json("/api/v1/compounds?community_id=1").await;
    let new = compounds["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "滨海苑")
        .unwrap()
        .clone();
    assert_eq!(new["station"]["name"], "滨海苑居民自治互助站");
    assert_eq!(new["household_count"], 60);
    let (_, detail) = app
        .get_json(&format!("/api/v1/compounds/{}", new["id"]))
        .await;
    assert_eq!(
        detail["grids"][0]["buildings"][0]["units"],
        json!(["1单元", "2单元"])
    );

    // The same file again changes nothing.
    let (status, report) = upload(&app, &admin, path, xlsx, xlsx_type, "zh-CN").await;
    assert_eq!(status, 201);
    assert_eq!(report["created"]["households"], 0);
    assert_eq!(report["unchanged_buildings"], 2);
    assert_eq!(app.count("households").await, households + 60);

    // A changed file: a new address, 1号楼 moved to 第二网格, a taller 滨海苑.
    let changed = format!(
        "{LEDGER_HEADER}东港社区,海景花园,东港路 90 号,第二网格,1号楼,2,6,2,\n\
         东港社区,滨海苑,滨海路 9 号,滨海苑网格,1号楼,2,11,3,\n"
    );
    let (status, report) = csv(&app, &admin, path, &changed).await;
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["created"]["households"], 6);
    let changes: Vec<(String, String, String)> = report["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap().into(),
                c["before"].as_str().unwrap().into(),
                c["after"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                "address".into(),
                "东港路 88 号".into(),
                "东港路 90 号".into()
            ),
            ("grid".into(), "第一网格".into(), "第二网格".into()),
        ]
    );
    // Recorded: who, when, before and after.
    let recorded: Vec<(Option<i64>, String, String)> =
        sqlx::query_as("SELECT actor_id, before, after FROM place_changes ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].0, Some(1));
    // The demo's own ledger, then this test's three.
    assert_eq!(app.count("place_imports").await, 4);
}

#[tokio::test]
async fn a_bad_ledger_names_every_bad_row_and_writes_nothing() {
    let app = TestApp::with_demo().await;
    let admin = app.sign_in(ADMIN).await;
    let path = "/api/v1/streets/1/place-imports";
    let before = (app.count("households").await, app.count("buildings").await);

    let bad = format!(
        "{LEDGER_HEADER}东港社区,新苑,新路 1 号,新苑网格,1号楼,2,六,2,\n\
         东港社区,新苑,,新苑网格,2号楼,=1+1,6,2,\n\
         东港社区,新苑,,新苑网格,3号楼,2,6,2,\n\
         东港社区,新苑,,新苑二网格,3号楼,2,6,2,\n\
         东港社区,新苑,,新苑网格,3号楼,2,6,2,\n\
         东港社区,另一苑,,另一苑网格,1号楼,2,6,2,\n\
         东港社区,新苑,,新苑网格,4号楼,2,6,2,\"101,,\"\n\
         东港社区,新苑,,新苑网格,5号楼,21,6,2,\n"
    );
    let (status, report) = csv(&app, &admin, &format!("{path}?dry_run=true"), &bad).await;
    assert_eq!(status, 200);
    assert_eq!(
        problems(&report),
        [
            (2, "not_a_number".into()),
            (3, "formula".into()),
            (5, "building_in_two_grids".into()),
            (6, "duplicate".into()),
            (7, "address_missing".into()),
            (9, "out_of_range".into()),
        ]
    );
    assert_eq!(report["errors"][0]["message"], "第 2 行「层数」：应是整数");
    assert_eq!(report["errors"][0]["column"], "层数");
    let (status, body) = csv(&app, &admin, path, &bad).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "validation_failed");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("表格中有 6 处错误，没有导入任何内容：第 2 行「层数」：应是整数"),
        "{body}"
    );
    assert_eq!(
        (app.count("households").await, app.count("buildings").await),
        before
    );
    assert_eq!(
        app.count("place_imports").await,
        1,
        "only the demo's ledger"
    );

    // In English, the same rows.
    let (_, report) = upload(
        &app,
        &admin,
        &format!("{path}?dry_run=true"),
        bad.into_bytes(),
        "text/csv",
        "en",
    )
    .await;
    assert_eq!(
        report["errors"][0]["message"],
        "Row 2, 层数: must be a whole number"
    );

    // A wrong header names what is missing.
    let (_, report) = csv(
        &app,
        &admin,
        &format!("{path}?dry_run=true"),
        "社区,小区,楼,单元数\n东港社区,海景花园,1号楼,2\n",
    )
    .await;
    assert_eq!(
        problems(&report),
        [(1, "missing_column".into()), (1, "missing_column".into())]
    );
    assert_eq!(
        report["errors"][0]["message"],
        "第 1 行：表头缺少这一列：网格 / grid / 网格名称 / 所属网格"
    );
    // An empty file, a file that is no spreadsheet, a header alone.
    for (file, problem) in [
        (Vec::new(), "empty"),
        (vec![0x00, 0xff, 0x81, 0x30, 0x00], "unreadable"),
        (b"PK\x03\x04garbage".to_vec(), "unreadable"),
        (LEDGER_HEADER.as_bytes().to_vec(), "empty"),
    ] {
        let (status, report) = upload(
            &app,
            &admin,
            &format!("{path}?dry_run=true"),
            file,
            "text/csv",
            "zh-CN",
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(problems(&report), [(0, problem.to_owned())]);
    }
    // A formula in a workbook cell is refused too.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, text) in [
        "社区",
        "小区",
        "小区地址",
        "网格",
        "楼栋",
        "单元数",
        "层数",
        "每层户数",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, col as u16, *text).unwrap();
    }
    for (col, text) in ["东港社区", "海景花园", "东港路 88 号", "第一网格", "1号楼"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, col as u16, *text).unwrap();
    }
    sheet.write_formula(1, 5, "=1+1").unwrap();
    sheet.write_number(1, 6, 6.0).unwrap();
    sheet.write_number(1, 7, 2.0).unwrap();
    let (_, report) = upload(
        &app,
        &admin,
        &format!("{path}?dry_run=true"),
        book.save_to_buffer().unwrap(),
        "application/octet-stream",
        "zh-CN",
    )
    .await;
    assert_eq!(problems(&report), [(2, "formula".into())]);

    // A 3 MiB ledger (a long remark column) is read: the import limit, not
    // axum's 2 MiB default, applies.
    let remark = "备".repeat(1024 * 1024);
    let big = format!(
        "社区,小区,小区地址,网格,楼栋,单元数,层数,每层户数,备注\n东港社区,海景花园,,第一网格,1号楼,2,6,2,{remark}\n"
    );
    assert!(big.len() > 3 * 1024 * 1024);
    let (status, report) = csv(&app, &admin, &format!("{path}?dry_run=true"), &big).await;
    assert_eq!(status, 200);
    assert_eq!(report["unchanged_buildings"], 1);
    // 50 MB is refused before it is read.
    let (status, body) = upload(
        &app,
        &admin,
        path,
        vec![b'a'; 50 * 1024 * 1024],
        "text/csv",
        "zh-CN",
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "payload_too_large");
    // Only the street's administrators import.
    let head = app.sign_in(HEAD).await;
    let (status, _) = csv(&app, &head, path, LEDGER_HEADER).await;
    assert_eq!(status, 403);
    let (status, _) = csv(
        &app,
        &admin,
        "/api/v1/streets/99/place-imports",
        LEDGER_HEADER,
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_roster_verifies_listed_residents_when_they_sign_in() {
    let app = TestApp::with_demo().await;
    let head = app.sign_in(HEAD).await;
    let path = "/api/v1/compounds/1/roster-imports";
    let roster = "楼栋,单元,房号,手机号,姓名\n\
                  1号楼,1,101,13900000050,张三\n\
                  1号楼,1单元,102,138 0000 0044,李桂兰\n\
                  1号楼,1单元,102,13900000052,\n";
    // A dry run writes nothing, and does not tell who has an account.
    let (status, report) = csv(&app, &head, &format!("{path}?dry_run=true"), roster).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (
            report["rows"].clone(),
            report["households"].clone(),
            report["verified_now"].clone()
        ),
        (json!(3), json!(2), json!(0))
    );
    assert_eq!(app.count("roster_entries").await, 0);
    assert_eq!(app.count("household_requests").await, 0);

    let (status, report) = csv(&app, &head, path, roster).await;
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["verified_now"], 1);
    // 李阿婆 had signed in before: bound and verified by the upload.
    let resident = app.sign_in(RESIDENT).await;
    let (_, me) = app.get_as(&resident, "/api/v1/sessions/current").await;
    assert_eq!(me["person"]["households"][0]["status"], "approved");
    assert_eq!(me["person"]["households"][0]["room"], "102");
    // A listed newcomer is verified at first sign-in, marked as by roster.
    let newcomer = app.sign_in("13900000050").await;
    let (_, me) = app.get_as(&newcomer, "/api/v1/sessions/current").await;
    let binding = &me["person"]["households"][0];
    assert_eq!(binding["status"], "approved");
    assert_eq!(
        (
            binding["building_name"].clone(),
            binding["unit"].clone(),
            binding["room"].clone()
        ),
        (json!("1号楼"), json!("1单元"), json!("101"))
    );
    let (_, state) = app.get_as(&head, "/api/v1/compounds/1/roster").await;
    assert_eq!(state["verified_by_roster"], 2, "李阿婆 and 张三");
    // Someone not listed asks and waits as before.
    let stranger = app.sign_in("13900000051").await;
    let (_, me) = app.get_as(&stranger, "/api/v1/sessions/current").await;
    assert_eq!(me["person"]["households"], json!([]));
    // The register's phones are only digests.
    let stored: Vec<String> = sqlx::query_scalar("SELECT phone_digest FROM roster_entries")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let secret = server::secret::Secret::from_key(&[7; 32]).unwrap();
    let mut expected: Vec<String> = ["13900000050", "13800000044", "13900000052"]
        .iter()
        .map(|phone| secret.digest(server::roster::PURPOSE, phone))
        .collect();
    let mut stored = stored;
    stored.sort();
    expected.sort();
    assert_eq!(stored, expected);
    let names: Vec<Option<String>> =
        sqlx::query_scalar("SELECT name FROM roster_entries ORDER BY name")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(names.len(), 3);
    assert!(names.contains(&Some("张三".to_owned())));

    // A later roster without 张三 does not unbind him: the station sees it.
    let later = "楼栋,单元,房号,手机号\n1号楼,1单元,102,13800000044\n";
    let (status, report) = csv(&app, &head, path, later).await;
    assert_eq!(status, 201);
    assert_eq!(report["not_in_roster"], 1);
    let (status, state) = app.get_as(&head, "/api/v1/compounds/1/roster").await;
    assert_eq!(status, 200);
    assert_eq!(state["latest"]["rows"], 1);
    assert_eq!(state["latest"]["uploaded_by"], "王秀英");
    let missing = state["not_in_roster"].as_array().unwrap();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["requester"]["phone"], "13900000050");
    assert_eq!(missing[0]["status"], "approved");
    assert_eq!(app.count("roster_entries").await, 1);

    // A binding the station ended stays ended, roster or not.
    let (_, me) = app.get_as(&resident, "/api/v1/sessions/current").await;
    let binding = me["person"]["households"][0]["id"].as_i64().unwrap();
    let (status, _) = app
        .post_as(
            &head,
            &format!("/api/v1/household-requests/{binding}/move-outs"),
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    // (What signing in again runs: the code limit keeps this test from a
    // second sign-in within the minute.)
    let person: i64 = me["person"]["id"].as_i64().unwrap();
    let bound = server::roster::verify_on_sign_in(&app.db, &secret, person, RESIDENT)
        .await
        .unwrap();
    assert!(!bound);
    let (_, me) = app.get_as(&resident, "/api/v1/sessions/current").await;
    assert_eq!(me["person"]["households"], json!([]));

    // Only those who keep the compound's register.
    let other = app.sign_in(OTHER_HEAD).await;
    for token in [&other, &resident] {
        let (status, _) = csv(&app, token, path, later).await;
        assert_eq!(status, 403);
        let (status, _) = app.get_as(token, "/api/v1/compounds/1/roster").await;
        assert_eq!(status, 403);
    }
}

#[tokio::test]
async fn a_bad_roster_names_every_bad_row_and_changes_nothing() {
    let app = TestApp::with_demo().await;
    let head = app.sign_in(HEAD).await;
    let path = "/api/v1/compounds/1/roster-imports";
    let bad = "楼栋,单元,房号,手机号,姓名\n\
               9号楼,1,101,13900000060,\n\
               1号楼,1,999,13900000061,\n\
               1号楼,1,101,1234,\n\
               1号楼,1,101,13900000062,\n\
               1号楼,1,102,13900000062,\n\
               1号楼,1,101,13900000062,\n\
               1号楼,1,103,,\n\
               1号楼,1,103,=HYPERLINK(\"x\"),\n";
    let (status, report) = csv(&app, &head, &format!("{path}?dry_run=true"), bad).await;
    assert_eq!(status, 200);
    assert_eq!(
        problems(&report),
        [
            (2, "unknown_building".into()),
            (3, "unknown_room".into()),
            (4, "bad_phone".into()),
            (6, "phone_in_two_households".into()),
            (7, "duplicate".into()),
            (8, "required".into()),
            (9, "formula".into()),
        ]
    );
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1号楼、2号楼、3号楼、5号楼、6号楼")
    );
    let (status, body) = csv(&app, &head, path, bad).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(app.count("roster_imports").await, 0);
    assert_eq!(app.count("roster_entries").await, 0);
}

#[tokio::test]
async fn the_station_records_an_affair_for_a_caller_who_later_rates_it() {
    let app = TestApp::with_demo().await;
    let head = app.sign_in(HEAD).await;
    let (_, categories) = app.get_json("/api/v1/categories?street_id=1").await;
    let category = categories["items"][0]["id"].as_i64().unwrap();
    let affair = |on_behalf: Value| {
        json!({"compound_id": 1, "category_id": category, "title": "家里水管漏水",
               "description": "孙阿姨打电话说厨房水管漏水，她自己不会弄", "building_id": 1,
               "unit": "1单元", "on_behalf": on_behalf})
    };
    let caller = json!({"phone": "139 0000 0070", "name": "孙阿姨", "channel": "phone_call"});
    let (status, filed) = app
        .post_as(&head, "/api/v1/affairs", affair(caller.clone()))
        .await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    assert_eq!(filed["mine"], false);
    assert_eq!(filed["filer_name"], "孙阿姨");
    assert_eq!(filed["timeline"][0]["note"], "由王秀英代为登记（电话）");
    assert_eq!(filed["timeline"][0]["actor_name"], "孙阿姨");

    // Only those who keep the compound's register record for others.
    let resident = app.sign_in(RESIDENT).await;
    let other = app.sign_in(OTHER_HEAD).await;
    for token in [&resident, &other] {
        let (status, _) = app
            .post_as(token, "/api/v1/affairs", affair(caller.clone()))
            .await;
        assert_eq!(status, 403);
    }
    let (status, body) = app
        .post_as(
            &head,
            "/api/v1/affairs",
            affair(json!({"phone": "12345", "channel": "visit"})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"]["on_behalf.phone"], "invalid");
    let (status, _) = app
        .post_as(
            &head,
            "/api/v1/affairs",
            affair(json!({"phone": "13900000070", "channel": "fax"})),
        )
        .await;
    assert_eq!(status, 422);

    // The caller signs in later: it is theirs to follow and rate.
    let sun = app.sign_in("13900000070").await;
    let (_, mine) = app
        .get_as(&sun, "/api/v1/affairs?compound_id=1&mine=true")
        .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let (_, seen) = app.get_as(&sun, &format!("/api/v1/affairs/{id}")).await;
    assert_eq!(seen["mine"], true);
    assert_eq!(seen["timeline"][0]["note"], "由王秀英代为登记（电话）");
    // A neighbour sees neither who filed it nor who recorded it.
    let (_, public) = app
        .get_as(&resident, &format!("/api/v1/affairs/{id}"))
        .await;
    assert_eq!(public["filer_name"], Value::Null);
    assert_eq!(public["timeline"], Value::Null);
    for act in ["accept", "resolve"] {
        let (status, _) = app
            .post_as(
                &head,
                &format!("/api/v1/affairs/{id}/events"),
                json!({"act": act, "note": "换了阀门"}),
            )
            .await;
        assert_eq!(status, 201);
    }
    let (status, rated) = app
        .post_as(
            &sun,
            &format!("/api/v1/affairs/{id}/rating"),
            json!({"satisfaction": "very_satisfied"}),
        )
        .await;
    assert_eq!(status, 201, "{rated}");
}

#[tokio::test]
async fn the_station_records_a_callers_rating_from_a_call_back_and_the_rates_say_so() {
    let app = TestApp::with_demo().await;
    let head = app.sign_in(HEAD).await;
    let (_, categories) = app.get_json("/api/v1/categories?street_id=1").await;
    let category = categories["items"][0]["id"].as_i64().unwrap();
    let (status, filed) = app
        .post_as(
            &head,
            "/api/v1/affairs",
            json!({"compound_id": 1, "category_id": category, "title": "楼道灯坏了",
                   "description": "钱大爷来站里说三楼的灯不亮", "building_id": 1,
                   "on_behalf": {"phone": "13900000080", "name": "钱大爷", "channel": "visit"}}),
        )
        .await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    let path = format!("/api/v1/affairs/{id}/call-back-ratings");
    let (status, _) = app
        .post_as(&head, &path, json!({"satisfaction": "satisfied"}))
        .await;
    assert_eq!(status, 409, "not resolved yet");
    for act in ["accept", "resolve"] {
        let (status, _) = app
            .post_as(
                &head,
                &format!("/api/v1/affairs/{id}/events"),
                json!({"act": act, "note": "换了灯泡"}),
            )
            .await;
        assert_eq!(status, 201);
    }
    // A resident who did not handle it cannot rate it for the filer.
    let resident = app.sign_in(RESIDENT).await;
    let (status, _) = app
        .post_as(&resident, &path, json!({"satisfaction": "satisfied"}))
        .await;
    assert_eq!(status, 403);
    // Nor may the station rate an affair its filer filed themselves.
    let (status, own) = app
        .post_as(
            &resident,
            "/api/v1/affairs",
            json!({"compound_id": 1, "category_id": category, "title": "门禁坏了",
                   "description": "北门门禁刷不开", "common_area": "北门"}),
        )
        .await;
    assert_eq!(status, 201, "{own}");
    let own = own["id"].as_i64().unwrap();
    for act in ["accept", "resolve"] {
        let (status, _) = app
            .post_as(
                &head,
                &format!("/api/v1/affairs/{own}/events"),
                json!({"act": act, "note": "修好了"}),
            )
            .await;
        assert_eq!(status, 201);
    }
    let (status, _) = app
        .post_as(
            &head,
            &format!("/api/v1/affairs/{own}/call-back-ratings"),
            json!({"satisfaction": "satisfied"}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, rated) = app
        .post_as(
            &head,
            &path,
            json!({"satisfaction": "satisfied", "comment": "电话回访，说很满意"}),
        )
        .await;
    assert_eq!(status, 201, "{rated}");
    assert_eq!(rated["status"], "closed");
    assert_eq!(rated["rating"]["satisfaction"], "satisfied");
    let last = rated["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (
            last["act"].as_str(),
            last["actor_name"].as_str(),
            last["note"].as_str()
        ),
        (
            Some("rate"),
            Some("王秀英"),
            Some("回访录入：电话回访，说很满意")
        )
    );
    // Once: the filer's own rating now conflicts.
    let (status, _) = app
        .post_as(&head, &path, json!({"satisfaction": "satisfied"}))
        .await;
    assert_eq!(status, 409);
    // The month's export says which ratings came from a call-back.
    let month = server::metrics::month_of(server::db::now_ms(), 0);
    let response = app
        .client
        .get(app.url(&format!(
            "/api/v1/affair-metrics/export?scope=station&place_id=1&month={month}"
        )))
        .header("cookie", format!("linli_session={head}"))
        .send()
        .await
        .unwrap();
    let csv = response.text().await.unwrap();
    assert!(
        csv.lines().next().unwrap().ends_with(",满意度,回访录入"),
        "{csv}"
    );
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("\"{id}\",")))
        .unwrap();
    assert!(line.ends_with(",\"满意\",\"是\""), "{line}");
}
