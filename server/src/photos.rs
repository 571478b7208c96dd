//! Photos of affairs: checked, decoded within limits, re-encoded as JPEG
//! (which drops every metadata block, the location included) and stored in
//! the database, so a backup of it is a backup of everything.

use crate::db::{Db, now_ms};
use crate::error::AppError;
use api_types::ErrorCode;
use api_types::affairs::Photo;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The most pixels decoded: a 48-megapixel phone camera's full frame. A
/// small file declaring more is a decompression bomb.
pub const MAX_PIXELS: u64 = 48_000_000;
/// The longest side kept: enough to read a meter or see a crack on a phone.
pub const MAX_SIDE: u32 = 1600;
/// A person's photos not yet on an affair; more are refused until they file.
pub const MAX_PENDING: i64 = 30;

/// A photo re-encoded for storage.
#[derive(Debug)]
pub struct Encoded {
    /// The JPEG.
    pub jpeg: Vec<u8>,
    /// Its width.
    pub width: u32,
    /// Its height.
    pub height: u32,
}

/// Checks, decodes, turns upright, shrinks and re-encodes an uploaded photo.
/// Blocking: run it off the async threads.
pub fn reencode(bytes: &[u8]) -> Result<Encoded, AppError> {
    let unsupported = || AppError::new(ErrorCode::UnsupportedImage);
    let format = image::guess_format(bytes).map_err(|_| unsupported())?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(unsupported());
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|err| decode_error(&err))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(AppError::new(ErrorCode::ImageTooLarge));
    }
    let orientation = decoder.orientation().map_err(|err| decode_error(&err))?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|err| decode_error(&err))?;
    image.apply_orientation(orientation);
    if image.width() > MAX_SIDE || image.height() > MAX_SIDE {
        image = image.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle);
    }
    let rgb = image.into_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 82)
        .encode_image(&rgb)
        .map_err(AppError::internal)?;
    Ok(Encoded {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
    })
}

fn decode_error(err: &image::ImageError) -> AppError {
    match err {
        image::ImageError::Limits(_) => AppError::new(ErrorCode::ImageTooLarge),
        _ => AppError::new(ErrorCode::UnsupportedImage),
    }
}

/// Stores `person`'s photo, not yet on any affair.
pub async fn store(db: &Db, person: i64, photo: &Encoded) -> Result<Photo, AppError> {
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM photos WHERE uploader_id = $1 AND affair_id IS NULL AND consultation_id IS NULL",
    )
    .bind(person)
    .fetch_one(&db.pool)
    .await?;
    if pending >= MAX_PENDING {
        return Err(AppError::new(ErrorCode::RateLimited).retry_after(3600));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO photos (uploader_id, width, height, jpeg, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(person)
    .bind(i64::from(photo.width))
    .bind(i64::from(photo.height))
    .bind(photo.jpeg.as_slice())
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await?;
    Ok(Photo {
        id,
        width: i64::from(photo.width),
        height: i64::from(photo.height),
    })
}

/// A stored photo: its JPEG, its uploader, and the affair or consultation
/// it is on.
pub async fn load(db: &Db, id: i64) -> Result<Option<StoredPhoto>, sqlx::Error> {
    sqlx::query_as("SELECT jpeg, uploader_id, affair_id, consultation_id FROM photos WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// A stored photo: JPEG, uploader, affair, consultation.
pub type StoredPhoto = (Vec<u8>, i64, Option<i64>, Option<i64>);

/// Puts `person`'s pending photos `ids` on a consultation (and a progress
/// update of it). 422 on `field` if any is not theirs or already used.
pub async fn claim_for_consultation(
    tx: &mut sqlx::AnyConnection,
    ids: &[i64],
    person: i64,
    consultation: i64,
    progress: Option<i64>,
    field: &str,
) -> Result<(), AppError> {
    for id in ids {
        let claimed = sqlx::query(
            "UPDATE photos SET consultation_id = $1, progress_id = $2 \
             WHERE id = $3 AND uploader_id = $4 AND affair_id IS NULL AND consultation_id IS NULL",
        )
        .bind(consultation)
        .bind(progress)
        .bind(id)
        .bind(person)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            return Err(AppError::validation(vec![api_types::FieldError::new(
                field,
                api_types::Rule::Invalid,
            )]));
        }
    }
    Ok(())
}

/// Puts `person`'s pending photos `ids` on an affair (and a step of it).
/// 422 on `field` if any is not theirs or already used.
pub async fn claim(
    tx: &mut sqlx::AnyConnection,
    ids: &[i64],
    person: i64,
    affair: i64,
    event: Option<i64>,
    field: &str,
) -> Result<(), AppError> {
    for id in ids {
        let claimed = sqlx::query(
            "UPDATE photos SET affair_id = $1, event_id = $2 \
             WHERE id = $3 AND uploader_id = $4 AND affair_id IS NULL AND consultation_id IS NULL",
        )
        .bind(affair)
        .bind(event)
        .bind(id)
        .bind(person)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            return Err(AppError::validation(vec![api_types::FieldError::new(
                field,
                api_types::Rule::Invalid,
            )]));
        }
    }
    Ok(())
}

/// Forgets photos uploaded more than a day ago and never put on an affair
/// or a consultation.
pub async fn purge_abandoned(db: &Db) -> Result<u64, sqlx::Error> {
    let cutoff = now_ms() - 24 * 3600 * 1000;
    let done = sqlx::query(
        "DELETE FROM photos WHERE affair_id IS NULL AND consultation_id IS NULL AND created_at < $1",
    )
        .bind(cutoff)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}
