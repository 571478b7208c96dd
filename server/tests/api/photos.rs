//! Photos: uploaded, re-encoded without metadata, put on an affair, shown
//! only to whoever may see it; wrong types, oversized bodies and
//! decompression bombs refused.

use crate::common::TestApp;
use serde_json::{Value, json};

const RESIDENT: &str = "13800000044";
const NEIGHBOUR: &str = "13800000045";

/// A real JPEG of `w`×`h` with an EXIF block carrying a GPS marker.
fn jpeg_with_location(w: u32, h: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
        .encode_image(&image)
        .unwrap();
    // APP1 "Exif" segment right after SOI, with a recognisable GPS payload.
    let payload = b"Exif\0\0MM\0*GPSLatitude=30.2741N;GPSLongitude=120.1551E";
    let len = (payload.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&plain[2..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFF_u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A tiny PNG whose header claims 30 000 × 30 000 pixels: decoding it would
/// allocate gigabytes.
fn decompression_bomb() -> Vec<u8> {
    let mut small = Vec::new();
    image::GrayImage::new(8, 8)
        .write_to(
            &mut std::io::Cursor::new(&mut small),
            image::ImageFormat::Png,
        )
        .unwrap();
    // The IHDR chunk: length (4), "IHDR" (4), width, height, 5 more bytes, CRC.
    small[16..20].copy_from_slice(&30_000_u32.to_be_bytes());
    small[20..24].copy_from_slice(&30_000_u32.to_be_bytes());
    let crc = crc32(&small[12..29]);
    small[29..33].copy_from_slice(&crc.to_be_bytes());
    small
}

async fn upload(app: &TestApp, token: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/api/v1/photos"))
        .header("cookie", format!("linli_session={token}"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn fetch(app: &TestApp, token: Option<&str>, id: i64) -> (u16, Vec<u8>) {
    let mut request = app.client.get(app.url(&format!("/api/v1/photos/{id}")));
    if let Some(token) = token {
        request = request.header("cookie", format!("linli_session={token}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

async fn compound_and_category(app: &TestApp) -> (i64, i64) {
    let (_, list) = app.get_json("/api/v1/compounds?limit=1").await;
    let (_, categories) = app.get_json("/api/v1/categories?street_id=1").await;
    (
        list["items"][0]["id"].as_i64().unwrap(),
        categories["items"][0]["id"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn photos_are_shrunk_stripped_and_shown_with_their_affair() {
    let app = TestApp::with_demo().await;
    let resident = app.sign_in(RESIDENT).await;
    let original = jpeg_with_location(2400, 1200);
    assert!(original.windows(11).any(|w| w == b"GPSLatitude"));
    let (status, photo) = upload(&app, &resident, "image/jpeg", original).await;
    assert_eq!(status, 201, "{photo}");
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(1600), Some(800))
    );
    let id = photo["id"].as_i64().unwrap();
    // Before filing, only the uploader sees it.
    let neighbour = app.sign_in(NEIGHBOUR).await;
    assert_eq!(fetch(&app, Some(&neighbour), id).await.0, 404);
    let (status, stored) = fetch(&app, Some(&resident), id).await;
    assert_eq!(status, 200);
    assert_eq!(&stored[..2], &[0xFF, 0xD8]);
    assert!(
        !stored.windows(3).any(|w| w == b"GPS"),
        "the location is gone"
    );
    assert!(!stored.windows(4).any(|w| w == b"Exif"));
    let decoded = image::load_from_memory(&stored).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1600, 800));

    let (compound, category) = compound_and_category(&app).await;
    let (status, affair) = app
        .post_as(
            &resident,
            "/api/v1/affairs",
            json!({
                "compound_id": compound, "category_id": category, "title": "车棚顶破了",
                "description": "下雨漏水", "common_area": "北门车棚", "photo_ids": [id],
            }),
        )
        .await;
    assert_eq!(status, 201, "{affair}");
    assert_eq!(affair["photo_ids"], json!([id]));
    // Public affair: everyone sees its photo now.
    assert_eq!(fetch(&app, None, id).await.0, 200);
    // A photo goes on one affair only; someone else's cannot be claimed.
    let (status, again) = app
        .post_as(
            &neighbour,
            "/api/v1/affairs",
            json!({
                "compound_id": compound, "category_id": category, "title": "同一张照片",
                "description": "借用", "common_area": "北门车棚", "photo_ids": [id],
            }),
        )
        .await;
    assert_eq!(
        (status, again["error"]["fields"]["photo_ids"].as_str()),
        (422, Some("invalid"))
    );
    assert_eq!(
        app.count("affairs").await,
        1,
        "the refused filing left nothing"
    );
}

#[tokio::test]
async fn a_private_affairs_photos_stay_private() {
    let app = TestApp::with_demo().await;
    let resident = app.sign_in(RESIDENT).await;
    let (_, photo) = upload(&app, &resident, "image/jpeg", jpeg_with_location(40, 30)).await;
    let id = photo["id"].as_i64().unwrap();
    let (compound, category) = compound_and_category(&app).await;
    let (status, _) = app
        .post_as(
            &resident,
            "/api/v1/affairs",
            json!({
                "compound_id": compound, "category_id": category, "title": "家里墙裂了",
                "description": "担心安全", "common_area": "家中", "private": true, "photo_ids": [id],
            }),
        )
        .await;
    assert_eq!(status, 201);
    let neighbour = app.sign_in(NEIGHBOUR).await;
    assert_eq!(fetch(&app, Some(&neighbour), id).await.0, 404);
    assert_eq!(fetch(&app, None, id).await.0, 404);
    let head = app.sign_in("13800000002").await;
    assert_eq!(fetch(&app, Some(&head), id).await.0, 200);
}

#[tokio::test]
async fn bad_photos_get_specific_errors() {
    let app = TestApp::with_demo().await;
    let resident = app.sign_in(RESIDENT).await;
    // Not an image at all, whatever it claims.
    let (status, body) = upload(
        &app,
        &resident,
        "image/jpeg",
        b"GIF? no, plain text".to_vec(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (415, Some("unsupported_image"))
    );
    // A real image of a kind we do not take.
    let bmp = [b"BM".as_slice(), &[0_u8; 60]].concat();
    let (status, _) = upload(&app, &resident, "image/bmp", bmp).await;
    assert_eq!(status, 415);
    // JSON where a photo should be.
    let (status, body) = upload(&app, &resident, "application/json", b"{}".to_vec()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (415, Some("unsupported_image"))
    );
    // A decompression bomb.
    let (status, body) = upload(&app, &resident, "image/png", decompression_bomb()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("image_too_large"))
    );
    // Larger than the photo limit (the test server's is 1 MiB).
    let (status, body) = upload(&app, &resident, "image/jpeg", vec![0xFF; 1100 * 1024]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    // Signed out.
    let response = app
        .client
        .post(app.url("/api/v1/photos"))
        .header("content-type", "image/jpeg")
        .body(jpeg_with_location(8, 8))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(app.count("photos").await, 0);
}

/// Uploads a photo as the resident and puts it on a new affair; returns
/// the photo's id and the JPEG the server keeps.
async fn filed_photo(app: &TestApp, resident: &str, title: &str) -> (i64, Vec<u8>) {
    let (status, photo) = upload(app, resident, "image/jpeg", jpeg_with_location(64, 48)).await;
    assert_eq!(status, 201, "{photo}");
    let id = photo["id"].as_i64().unwrap();
    let (compound, category) = compound_and_category(app).await;
    let (status, affair) = app
        .post_as(
            resident,
            "/api/v1/affairs",
            json!({
                "compound_id": compound, "category_id": category, "title": title,
                "description": "照片存放", "common_area": "北门", "photo_ids": [id],
            }),
        )
        .await;
    assert_eq!(status, 201, "{affair}");
    let (status, jpeg) = fetch(app, Some(resident), id).await;
    assert_eq!(status, 200);
    (id, jpeg)
}

/// The photo's row: its `jpeg` (if still in the database), key and when
/// the store confirmed it.
async fn photo_row(app: &TestApp, id: i64) -> (Option<Vec<u8>>, Option<String>, Option<i64>) {
    sqlx::query_as("SELECT jpeg, object_key, stored_at FROM photos WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// A photo goes into the store, not the database, and comes back as it
/// went in.
async fn photos_round_trip(app: &TestApp, resident: &str) -> String {
    let (id, served) = filed_photo(app, resident, "车棚顶破了").await;
    let (jpeg, key, stored_at) = photo_row(app, id).await;
    assert_eq!(jpeg, None, "the database keeps no photo bytes");
    assert!(stored_at.is_some());
    let key = key.unwrap();
    assert_eq!(app.photos.get(&key).await.unwrap().to_vec(), served);
    key
}

/// Photos kept in the database, as before the store, move into it; so do
/// those a move cut short left behind, at either point.
async fn photos_from_the_database_move_into_the_store(app: &TestApp, resident: &str) {
    let mut photos = Vec::new();
    for title in ["从前的照片", "搬到一半", "已写入未记下"] {
        photos.push(filed_photo(app, resident, title).await);
    }
    for (n, (id, jpeg)) in photos.iter().enumerate() {
        let (_, key, _) = photo_row(app, *id).await;
        let key = key.unwrap();
        match n {
            // From before the store: bytes in the row, no key, no object.
            0 => {
                app.photos.delete(&key).await.unwrap();
                sqlx::query("UPDATE photos SET jpeg = $1, object_key = NULL, stored_at = NULL WHERE id = $2")
            }
            // Interrupted after the key was chosen, before the object.
            1 => {
                app.photos.delete(&key).await.unwrap();
                sqlx::query("UPDATE photos SET jpeg = $1, stored_at = NULL WHERE id = $2")
            }
            // Interrupted after the object, before the row said so.
            _ => sqlx::query("UPDATE photos SET jpeg = $1, stored_at = NULL WHERE id = $2"),
        }
        .bind(jpeg.as_slice())
        .bind(*id)
        .execute(&app.db.pool)
        .await
        .unwrap();
        // Still served, from the row.
        assert_eq!(fetch(app, Some(resident), *id).await, (200, jpeg.clone()));
    }
    let moved = server::photos::move_into_store(&app.db, &app.photos)
        .await
        .unwrap();
    assert_eq!(moved, 3);
    for (id, jpeg) in &photos {
        let (in_row, key, stored_at) = photo_row(app, *id).await;
        assert_eq!(in_row, None);
        assert!(stored_at.is_some());
        assert_eq!(app.photos.get(&key.unwrap()).await.unwrap().to_vec(), *jpeg);
        assert_eq!(fetch(app, Some(resident), *id).await, (200, jpeg.clone()));
    }
    let again = server::photos::move_into_store(&app.db, &app.photos)
        .await
        .unwrap();
    assert_eq!(again, 0, "nothing is left to move");
}

#[tokio::test]
async fn photos_live_in_the_photo_directory() {
    let app = TestApp::with_demo().await;
    let key = photos_round_trip(&app, &app.sign_in(RESIDENT).await).await;
    let file = app.dir.path().join("data").join("photos").join(&key);
    assert!(file.is_file(), "{} is a file", file.display());
}

#[tokio::test]
async fn photos_kept_in_the_database_move_into_the_store() {
    let app = TestApp::with_demo().await;
    photos_from_the_database_move_into_the_store(&app, &app.sign_in(RESIDENT).await).await;
}

#[tokio::test]
async fn uploads_cut_short_and_abandoned_photos_are_cleaned_up() {
    let app = TestApp::with_demo().await;
    let resident = app.sign_in(RESIDENT).await;
    let hours_ago = |h: i64| server::db::now_ms() - h * 3600 * 1000;
    // Cut short: the object written, the row never marked stored.
    let (_, cut) = upload(&app, &resident, "image/jpeg", jpeg_with_location(40, 30)).await;
    let cut = cut["id"].as_i64().unwrap();
    sqlx::query("UPDATE photos SET stored_at = NULL, created_at = $1 WHERE id = $2")
        .bind(hours_ago(2))
        .bind(cut)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(fetch(&app, Some(&resident), cut).await.0, 404);
    let (compound, category) = compound_and_category(&app).await;
    let (status, refused) = app
        .post_as(
            &resident,
            "/api/v1/affairs",
            json!({
                "compound_id": compound, "category_id": category, "title": "没传完的照片",
                "description": "上传中断", "common_area": "北门", "photo_ids": [cut],
            }),
        )
        .await;
    assert_eq!(
        (status, refused["error"]["fields"]["photo_ids"].as_str()),
        (422, Some("invalid")),
        "a photo never stored cannot go on an affair"
    );
    // Abandoned: stored a day ago and never used.
    let (_, old) = upload(&app, &resident, "image/jpeg", jpeg_with_location(40, 30)).await;
    let old = old["id"].as_i64().unwrap();
    // Used: old too, but on an affair.
    let (used, used_jpeg) = filed_photo(&app, &resident, "用上的照片").await;
    for id in [old, used] {
        sqlx::query("UPDATE photos SET created_at = $1 WHERE id = $2")
            .bind(hours_ago(25))
            .bind(id)
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
    // Fresh and unused: the resident may still be writing.
    let (_, fresh) = upload(&app, &resident, "image/jpeg", jpeg_with_location(40, 30)).await;
    let fresh = fresh["id"].as_i64().unwrap();
    let keys = [
        photo_row(&app, cut).await.1.unwrap(),
        photo_row(&app, old).await.1.unwrap(),
    ];
    let gone = server::photos::purge_abandoned(&app.db, &app.photos)
        .await
        .unwrap();
    assert_eq!(gone, 2);
    for key in keys {
        assert!(
            matches!(
                app.photos.get(&key).await,
                Err(object_store::Error::NotFound { .. })
            ),
            "{key} deleted from the store"
        );
    }
    assert_eq!(fetch(&app, Some(&resident), used).await, (200, used_jpeg));
    assert_eq!(fetch(&app, Some(&resident), fresh).await.0, 200);
    assert_eq!(app.count("photos").await, 2);
}

/// An S3 store on a port nobody listens on.
fn unreachable_bucket() -> Vec<(&'static str, String)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    vec![
        ("LINLI_PHOTO_STORE", "s3://linli-photos/street".into()),
        ("AWS_ENDPOINT", format!("http://127.0.0.1:{port}")),
        ("AWS_ALLOW_HTTP", "true".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "test".into()),
        ("AWS_SECRET_ACCESS_KEY", "test".into()),
    ]
}

#[tokio::test]
async fn a_photo_store_that_does_not_answer_is_a_503_and_keeps_nothing() {
    let app = TestApp::with_demo_env(unreachable_bucket()).await;
    let resident = app.sign_in(RESIDENT).await;
    let response = app
        .client
        .post(app.url("/api/v1/photos"))
        .header("cookie", format!("linli_session={resident}"))
        .header("content-type", "image/jpeg")
        .body(jpeg_with_location(40, 30))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "service_unavailable");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM photos WHERE stored_at IS NOT NULL")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "no photo is taken for stored");
}

/// The S3 stand-in test.sh starts (moto's server mode), at
/// `LINLI_TEST_S3_ENDPOINT`; run with `--ignored`.
#[tokio::test]
#[ignore = "needs an S3 stand-in: LINLI_TEST_S3_ENDPOINT (scripts/test.sh starts moto)"]
async fn photos_go_to_an_s3_bucket() {
    let endpoint = std::env::var("LINLI_TEST_S3_ENDPOINT")
        .expect("LINLI_TEST_S3_ENDPOINT: the S3 stand-in's address");
    let bucket = format!("linli-{}", std::process::id());
    // The bucket is the operator's to make; the stand-in makes it on a PUT.
    let made = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(made.status().is_success(), "{}", made.status());
    let app = TestApp::with_demo_env(vec![
        ("LINLI_PHOTO_STORE", format!("s3://{bucket}/street-1")),
        ("AWS_ENDPOINT", endpoint.clone()),
        ("AWS_ALLOW_HTTP", "true".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "testing".into()),
        ("AWS_SECRET_ACCESS_KEY", "testing".into()),
    ])
    .await;
    let resident = app.sign_in(RESIDENT).await;
    let key = photos_round_trip(&app, &resident).await;
    // In the bucket under the folder, as another S3 client lists it.
    let listing = reqwest::get(format!("{endpoint}/{bucket}?list-type=2&prefix=street-1/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        listing.contains(&format!("<Key>street-1/{key}</Key>")),
        "{listing}"
    );
    photos_from_the_database_move_into_the_store(&app, &resident).await;
}

/// Uploads sent at once are counted one at a time: no more than the
/// pending limit get in, however many race for it.
#[tokio::test]
async fn uploads_sent_at_once_cannot_pass_the_pending_limit() {
    let app = TestApp::with_demo().await;
    let resident = app.sign_in(RESIDENT).await;
    let jpeg = jpeg_with_location(16, 16);
    let extra = 8;
    let answers = crate::common::at_once(server::photos::MAX_PENDING as usize + extra, |_| {
        upload(&app, &resident, "image/jpeg", jpeg.clone())
    })
    .await;
    let created = answers.iter().filter(|(s, _)| *s == 201).count();
    let refused = answers.iter().filter(|(s, _)| *s == 429).count();
    assert_eq!(
        (created, refused),
        (server::photos::MAX_PENDING as usize, extra),
        "{answers:?}"
    );
    let (_, me) = app.get_as(&resident, "/api/v1/sessions/current").await;
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM photos WHERE uploader_id = $1 \
         AND affair_id IS NULL AND consultation_id IS NULL",
    )
    .bind(me["person"]["id"].as_i64().unwrap())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(pending, server::photos::MAX_PENDING);
}

/// A link, an empty file or a folder where a photo's file should be is not
/// served: the photo directory is read for regular files only, so a link
/// planted there cannot serve the file it points at.
#[tokio::test]
async fn only_regular_files_in_the_photo_directory_are_served() {
    let app = TestApp::with_demo().await;
    let resident = app.sign_in(RESIDENT).await;
    let (id, _) = filed_photo(&app, &resident, "楼道灯坏了").await;
    let (_, key, _) = photo_row(&app, id).await;
    let file = app.photos.directory().unwrap().join(key.unwrap());
    let private = app.dir.path().join("private.txt");
    std::fs::write(&private, "not for residents").unwrap();

    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&private, &file).unwrap();
    let (status, body) = fetch(&app, Some(&resident), id).await;
    assert_eq!(status, 404, "a link is not followed");
    assert!(!String::from_utf8_lossy(&body).contains("not for residents"));

    std::fs::remove_file(&file).unwrap();
    std::fs::write(&file, b"").unwrap();
    assert_eq!(
        fetch(&app, Some(&resident), id).await.0,
        404,
        "an empty file"
    );

    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    assert_eq!(fetch(&app, Some(&resident), id).await.0, 404, "a folder");

    // A linked shard folder is not followed either.
    std::fs::remove_dir(&file).unwrap();
    let shard = file.parent().unwrap().to_owned();
    let elsewhere = app.dir.path().join("elsewhere");
    std::fs::rename(&shard, &elsewhere).unwrap();
    std::fs::write(
        elsewhere.join(file.file_name().unwrap()),
        b"\xFF\xD8\xFFplanted",
    )
    .unwrap();
    std::os::unix::fs::symlink(&elsewhere, &shard).unwrap();
    assert_eq!(
        fetch(&app, Some(&resident), id).await.0,
        404,
        "a linked folder"
    );
}
