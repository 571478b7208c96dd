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
