//! Photos of affairs and consultations: checked, decoded within limits,
//! re-encoded as JPEG (which drops every metadata block, the location
//! included) and kept in the photo store ([`crate::photo_store`]), with a
//! row in `photos` naming the object.
//!
//! A photo's row is written before its object and marked `stored_at` after
//! the store confirmed it, so a crash in between leaves a row that the
//! clean-up finds, never an object nobody knows of. Photos uploaded before
//! the store existed are in the row's `jpeg` until [`move_into_store`]
//! copies them out, on every start; until then they are served from there.

use crate::db::{Db, now_ms};
use crate::error::AppError;
use crate::photo_store::PhotoStore;
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

/// Keeps `person`'s photo, not yet on any affair: its row, then its
/// object, then the row marked stored. 429 past [`MAX_PENDING`] (counting
/// uploads under way, so that uploads sent at once cannot pass it); 503
/// when the store cannot take it (the row goes, and its key to the trash).
pub async fn store(
    db: &Db,
    photos: &PhotoStore,
    person: i64,
    photo: Encoded,
) -> Result<Photo, AppError> {
    // The count and the row in one writing transaction, one at a time per
    // person: uploads sent at once cannot all pass the limit.
    let mut tx = db.begin_write().await?;
    crate::db::serialize_on(db.engine, &mut tx, &format!("photos:{person}")).await?;
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM photos WHERE uploader_id = $1 AND affair_id IS NULL AND consultation_id IS NULL",
    )
    .bind(person)
    .fetch_one(&mut *tx)
    .await?;
    if pending >= MAX_PENDING {
        return Err(AppError::new(ErrorCode::RateLimited).retry_after(3600));
    }
    let key = PhotoStore::new_key();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO photos (uploader_id, width, height, object_key, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(person)
    .bind(i64::from(photo.width))
    .bind(i64::from(photo.height))
    .bind(&key)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    if let Err(err) = photos.put(&key, photo.jpeg.into()).await {
        tracing::error!(error = %err, photo = id, "the photo store did not take a photo");
        // The object may be there although the answer was lost.
        forget(db, id).await?;
        return Err(AppError::new(ErrorCode::ServiceUnavailable).retry_after(30));
    }
    sqlx::query("UPDATE photos SET stored_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(Photo {
        id,
        width: i64::from(photo.width),
        height: i64::from(photo.height),
    })
}

/// A photo's row: who uploaded it, the affair or consultation it is on,
/// and where its JPEG is; `None` if there is no such photo or it was never
/// stored (an upload cut short).
pub async fn find(db: &Db, id: i64) -> Result<Option<StoredPhoto>, AppError> {
    let row: Option<PhotoRow> = sqlx::query_as(
        "SELECT jpeg, object_key, stored_at, uploader_id, affair_id, consultation_id \
         FROM photos WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((jpeg, key, stored_at, uploader, affair, consultation)) = row else {
        return Ok(None);
    };
    let kept = match (jpeg, key, stored_at) {
        (Some(jpeg), _, _) => Kept::Row(bytes::Bytes::from(jpeg)),
        (None, Some(key), Some(_)) => Kept::Store(key),
        _ => return Ok(None),
    };
    Ok(Some(StoredPhoto {
        id,
        kept,
        uploader,
        affair,
        consultation,
    }))
}

type PhotoRow = (
    Option<Vec<u8>>,
    Option<String>,
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
);

/// Where a photo's JPEG is.
#[derive(Debug)]
pub enum Kept {
    /// Still in its row, from before the store.
    Row(bytes::Bytes),
    /// In the photo store, under this key.
    Store(String),
}

/// A stored photo's row.
#[derive(Debug)]
pub struct StoredPhoto {
    /// Its id.
    pub id: i64,
    /// Where its JPEG is.
    pub kept: Kept,
    /// Who uploaded it.
    pub uploader: i64,
    /// The affair it is on.
    pub affair: Option<i64>,
    /// The consultation it is on.
    pub consultation: Option<i64>,
}

impl StoredPhoto {
    /// The JPEG: from the row, or read from the store (503 when the store
    /// does not answer; 404, logged, when it has lost the object).
    pub async fn jpeg(self, photos: &PhotoStore) -> Result<bytes::Bytes, AppError> {
        let key = match self.kept {
            Kept::Row(jpeg) => return Ok(jpeg),
            Kept::Store(key) => key,
        };
        photos.get(&key).await.map_err(|err| {
            tracing::error!(error = %err, photo = self.id, "the photo store did not give a photo");
            match err {
                object_store::Error::NotFound { .. } => AppError::new(ErrorCode::NotFound),
                _ => AppError::new(ErrorCode::ServiceUnavailable).retry_after(30),
            }
        })
    }
}

/// Deletes photo `id`'s row if it is on nothing, and puts its key in the
/// trash in the same transaction; whether it went.
async fn forget(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let key: Option<Option<String>> = sqlx::query_scalar(
        "DELETE FROM photos WHERE id = $1 AND affair_id IS NULL AND consultation_id IS NULL \
         RETURNING object_key",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(Some(key)) = &key {
        trash(&mut tx, key).await?;
    }
    tx.commit().await?;
    Ok(key.is_some())
}

/// Marks the object under `key` for deletion from the store.
async fn trash(conn: &mut sqlx::AnyConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO photo_trash (object_key, at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(key)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Puts `person`'s pending photos `ids` on a consultation (and a progress
/// update of it). 422 on `field` if any is not theirs, already used, or
/// never stored (an upload cut short).
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
             WHERE id = $3 AND uploader_id = $4 AND affair_id IS NULL AND consultation_id IS NULL \
             AND (stored_at IS NOT NULL OR jpeg IS NOT NULL)",
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
/// 422 on `field` if any is not theirs, already used, or never stored.
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
             WHERE id = $3 AND uploader_id = $4 AND affair_id IS NULL AND consultation_id IS NULL \
             AND (stored_at IS NOT NULL OR jpeg IS NOT NULL)",
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
/// or a consultation, and uploads cut short (a row whose object was never
/// confirmed) after an hour, then deletes the trashed objects from the
/// store. A row goes in the same transaction as its key enters the trash,
/// and only while it is on nothing, so a photo put on an affair meanwhile
/// stays whole; an object is deleted before its key leaves the trash, so a
/// crash leaves the key for the next run. Returns how many photos went.
pub async fn purge_abandoned(db: &Db, photos: &PhotoStore) -> Result<u64, AppError> {
    let now = now_ms();
    let abandoned: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM photos \
         WHERE affair_id IS NULL AND consultation_id IS NULL \
         AND (created_at < $1 OR (stored_at IS NULL AND jpeg IS NULL AND created_at < $2)) \
         ORDER BY id LIMIT 500",
    )
    .bind(now - 24 * 3600 * 1000)
    .bind(now - 3600 * 1000)
    .fetch_all(&db.pool)
    .await?;
    let mut gone = 0;
    for id in abandoned {
        gone += u64::from(forget(db, id).await?);
    }
    empty_trash(db, photos).await?;
    Ok(gone)
}

/// Deletes the trashed objects from the store; returns how many.
pub async fn empty_trash(db: &Db, photos: &PhotoStore) -> Result<u64, AppError> {
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT object_key FROM photo_trash ORDER BY at LIMIT 500")
            .fetch_all(&db.pool)
            .await?;
    let mut deleted = 0;
    for key in keys {
        if let Err(err) = photos.delete(&key).await {
            tracing::warn!(error = %err, "could not delete a trashed photo from the store");
            continue;
        }
        sqlx::query("DELETE FROM photo_trash WHERE object_key = $1")
            .bind(&key)
            .execute(&db.pool)
            .await?;
        deleted += 1;
    }
    Ok(deleted)
}

/// Copies photos kept in the database (from before the photo store) into
/// the store, a few at a time, and empties their `jpeg`; returns how many
/// moved. Each gets its key in its row first and loses its `jpeg` only
/// after the store confirmed the object, so an interrupted run loses
/// nothing and the next one writes the same object again. Two servers may
/// run it at once: the first key written wins, and both write the same
/// bytes under it. A row that went meanwhile (an abandoned photo cleaned
/// up) has its new object trashed.
pub async fn move_into_store(db: &Db, photos: &PhotoStore) -> Result<u64, AppError> {
    let mut moved = 0;
    let mut after = 0;
    loop {
        let batch: Vec<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT id, jpeg FROM photos WHERE jpeg IS NOT NULL AND id > $1 ORDER BY id LIMIT 20",
        )
        .bind(after)
        .fetch_all(&db.pool)
        .await?;
        let Some(&(last, _)) = batch.last() else {
            return Ok(moved);
        };
        after = last;
        for (id, jpeg) in batch {
            sqlx::query("UPDATE photos SET object_key = $1 WHERE id = $2 AND object_key IS NULL")
                .bind(PhotoStore::new_key())
                .bind(id)
                .execute(&db.pool)
                .await?;
            let key: Option<String> =
                sqlx::query_scalar("SELECT object_key FROM photos WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&db.pool)
                    .await?
                    .flatten();
            let Some(key) = key else {
                continue;
            };
            photos.put(&key, jpeg.into()).await.map_err(|err| {
                tracing::error!(error = %err, photo = id, "the photo store did not take a photo");
                AppError::new(ErrorCode::ServiceUnavailable)
            })?;
            let mut tx = db.begin_write().await?;
            let done = sqlx::query(
                "UPDATE photos SET jpeg = NULL, stored_at = COALESCE(stored_at, $1) \
                 WHERE id = $2 AND object_key = $3",
            )
            .bind(now_ms())
            .bind(id)
            .bind(&key)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                trash(&mut tx, &key).await?;
            }
            tx.commit().await?;
            moved += done;
        }
    }
}
