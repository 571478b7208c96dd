//! Who may see an affair: a table of viewers × affairs (private and public,
//! at the station, passed to a grid, escalated, resolved), each cell what
//! the detail, the compound's list, the photo and the month's export show.

use crate::common::TestApp;
use serde_json::{Value, json};

/// 李阿婆, who files every affair here, in a building of 海景花园's first grid.
const FILER: &str = "13800000044";
/// Another resident, who filed nothing.
const NEIGHBOUR: &str = "13800000045";
/// 海景花园's station head and deputy (the deputy's role is revoked below).
const HEAD: &str = "13800000002";
const DEPUTY: &str = "13800000003";
/// The workers of 海景花园's first grid (the affairs' own) and second.
const GRID_ONE: &str = "13800000009";
const GRID_TWO: &str = "13800000010";
/// 林晓燕, staff of 东港社区, and 黄志明, its property company's liaison.
const COMMUNITY: &str = "13800000036";
const LIAISON: &str = "13800000037";
/// 周海波, staff of another community; 李桂芳, head of another compound's
/// station in the same community.
const OTHER_COMMUNITY: &str = "13800000040";
const OTHER_HEAD: &str = "13800000011";

/// How far an affair went before the table is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    /// Accepted by the station.
    Station,
    /// Passed to the first grid and accepted there.
    Grid,
    /// Escalated by the grid to the community.
    Community,
    /// Resolved by the community.
    Resolved,
}

const STAGES: [Stage; 4] = [
    Stage::Station,
    Stage::Grid,
    Stage::Community,
    Stage::Resolved,
];

fn jpeg() -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&image::RgbImage::from_fn(24, 16, |x, y| {
            image::Rgb([x as u8 * 9, y as u8 * 13, 120])
        }))
        .unwrap();
    out
}

struct Filed {
    id: i64,
    photo: i64,
    title: String,
    private: bool,
    stage: Stage,
}

/// Who may see a private affair that went as far as `stage`.
fn sees_private(viewer: &str, stage: Stage) -> bool {
    match viewer {
        FILER | HEAD => true,
        GRID_ONE => stage >= Stage::Grid,
        COMMUNITY | LIAISON => stage >= Stage::Community,
        _ => false,
    }
}

#[tokio::test]
async fn a_private_affair_is_seen_by_its_filer_and_those_it_reached_only() {
    let app = TestApp::with_demo().await;
    let (_, list) = app.get_json("/api/v1/compounds?limit=1").await;
    let compound = list["items"][0]["id"].as_i64().unwrap();
    let (_, detail) = app.get_json(&format!("/api/v1/compounds/{compound}")).await;
    let grid = detail["grids"][0]["id"].as_i64().unwrap();
    let building = detail["grids"][0]["buildings"][0]["id"].as_i64().unwrap();
    let community = list["items"][0]["community_id"].as_i64();
    assert!(community.is_some(), "{list}");
    let (_, categories) = app.get_json("/api/v1/categories?street_id=1").await;
    let category = categories["items"][0]["id"].as_i64().unwrap();
    let mut tokens = std::collections::BTreeMap::new();
    for phone in [
        FILER,
        NEIGHBOUR,
        HEAD,
        DEPUTY,
        GRID_ONE,
        GRID_TWO,
        COMMUNITY,
        LIAISON,
        OTHER_COMMUNITY,
        OTHER_HEAD,
    ] {
        tokens.insert(phone, app.sign_in(phone).await);
    }
    let act = async |who: &str, id: i64, body: Value| {
        let (status, answer) = app
            .post_as(
                &tokens[who],
                &format!("/api/v1/affairs/{id}/events"),
                body.clone(),
            )
            .await;
        assert_eq!(status, 201, "{who}: {body} → {answer}");
    };

    let mut filed = Vec::new();
    for private in [true, false] {
        for stage in STAGES {
            let photo: Value = app
                .client
                .post(app.url("/api/v1/photos"))
                .header("cookie", format!("linli_session={}", tokens[FILER]))
                .header("content-type", "image/jpeg")
                .body(jpeg())
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let photo = photo["id"].as_i64().unwrap();
            let title = format!("邻里照料-{private}-{stage:?}");
            let (status, affair) = app
                .post_as(
                    &tokens[FILER],
                    "/api/v1/affairs",
                    json!({"compound_id": compound, "category_id": category,
                        "title": title, "description": "家里老人需要有人照看",
                        "building_id": building, "unit": "1单元", "private": private,
                        "photo_ids": [photo]}),
                )
                .await;
            assert_eq!(status, 201, "{affair}");
            assert_eq!(affair["private"], private);
            let id = affair["id"].as_i64().unwrap();
            act(HEAD, id, json!({"act": "accept"})).await;
            if stage >= Stage::Grid {
                act(
                    HEAD,
                    id,
                    json!({"act": "pass_to_grid", "note": "请网格协调", "grid_id": grid}),
                )
                .await;
                act(GRID_ONE, id, json!({"act": "accept"})).await;
            }
            if stage >= Stage::Community {
                act(
                    GRID_ONE,
                    id,
                    json!({"act": "escalate", "note": "需要社区出面"}),
                )
                .await;
            }
            if stage >= Stage::Resolved {
                act(COMMUNITY, id, json!({"act": "accept"})).await;
                act(
                    COMMUNITY,
                    id,
                    json!({"act": "resolve", "note": "已安排照看"}),
                )
                .await;
            }
            filed.push(Filed {
                id,
                photo,
                title,
                private,
                stage,
            });
        }
    }

    // The deputy's role is revoked: what they saw as a station member, they
    // see no more.
    let (_, deputy) = app
        .get_as(&tokens[DEPUTY], "/api/v1/sessions/current")
        .await;
    sqlx::query("UPDATE role_grants SET revoked_at = $1 WHERE person_id = $2")
        .bind(server::db::now_ms())
        .bind(deputy["person"]["id"].as_i64().unwrap())
        .execute(&app.db.pool)
        .await
        .unwrap();

    let month = server::metrics::month_of(server::db::now_ms(), 0);
    let mut wrong = Vec::new();
    for viewer in std::iter::once("anonymous").chain(tokens.keys().copied()) {
        let token = tokens.get(viewer).map(String::as_str);
        let with = |request: reqwest::RequestBuilder| match token {
            Some(token) => request.header("cookie", format!("linli_session={token}")),
            None => request,
        };
        let listed: Value = with(
            app.client
                .get(app.url(&format!("/api/v1/affairs?compound_id={compound}&limit=50"))),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        let listed: Vec<i64> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        let export = match community {
            Some(place) => {
                let answer = with(app.client.get(app.url(&format!(
                    "/api/v1/affair-metrics/export?scope=community&place_id={place}&month={month}"
                ))))
                .send()
                .await
                .unwrap();
                (answer.status() == 200).then_some(answer.text().await.unwrap())
            }
            None => None,
        };
        for affair in &filed {
            let expected = !affair.private || sees_private(viewer, affair.stage);
            let detail = with(
                app.client
                    .get(app.url(&format!("/api/v1/affairs/{}", affair.id))),
            )
            .send()
            .await
            .unwrap();
            let status = detail.status().as_u16();
            let body: Value = detail.json().await.unwrap();
            let photo = with(
                app.client
                    .get(app.url(&format!("/api/v1/photos/{}", affair.photo))),
            )
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
            let cell = format!(
                "{viewer} × {} affair at {:?}",
                if affair.private { "private" } else { "public" },
                affair.stage
            );
            if status != if expected { 200 } else { 404 } {
                wrong.push(format!("{cell}: detail {status}"));
            }
            // The filer's name: for those who handle the compound's
            // affairs (and the filer), never for anyone else.
            let names_filer =
                [FILER, HEAD, GRID_ONE, GRID_TWO, COMMUNITY, LIAISON].contains(&viewer);
            if status == 200 && !names_filer && !body["filer_name"].is_null() {
                wrong.push(format!("{cell}: the filer's name is shown"));
            }
            if photo != if expected { 200 } else { 404 } {
                wrong.push(format!("{cell}: photo {photo}"));
            }
            if listed.contains(&affair.id) != expected {
                wrong.push(format!("{cell}: listed {}", !expected));
            }
            if let Some(csv) = &export {
                let row = csv
                    .lines()
                    .find(|l| l.starts_with(&format!("\"{}\",", affair.id)));
                match row {
                    None => wrong.push(format!("{cell}: no row in the export")),
                    Some(row) if row.contains(&affair.title) != expected => {
                        wrong.push(format!("{cell}: export shows the title: {}", !expected));
                    }
                    Some(_) => {}
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    // The revoked deputy's inbox no longer names the private affairs.
    let (_, notices) = app.get_as(&tokens[DEPUTY], "/api/v1/notices").await;
    let private_ids: Vec<i64> = filed.iter().filter(|a| a.private).map(|a| a.id).collect();
    let named: Vec<&Value> = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| {
            n["affair_id"]
                .as_i64()
                .is_some_and(|id| private_ids.contains(&id))
        })
        .collect();
    assert!(named.is_empty(), "{named:?}");
    let (_, notices) = app.get_as(&tokens[HEAD], "/api/v1/notices").await;
    assert!(
        notices["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["affair_id"]
                .as_i64()
                .is_some_and(|id| private_ids.contains(&id))),
        "the head still reads them: {notices}"
    );
}
