//! `Idempotency-Key`: a creating `POST` sent again with the same key and
//! body answers the first response and creates nothing new; with the same
//! key and another body it answers 422. Phones on 4G retry, residents
//! double-tap; neither may file a report twice.
//!
//! Keys are kept for a day, per signed-in person (anonymous requests share
//! one scope), so one resident's key can never replay another's answer.
//!
//! A crash can fall between the act's commit and the stored answer. So the
//! writes that make something new each time (filing an affair, a
//! circulation step, a comment…) also [`settle`] their key inside their own
//! transaction, with the path whose `GET` gives the same answer: a retry
//! that finds a settled key without an answer (its server died) replays
//! that `GET` and never does the act again. Acts that are the same done
//! twice (supporting, claiming, registering…) need no settling: running
//! them again answers success with how things stand.

use crate::db::{Db, now_ms};
use crate::error::{AppError, panic_response};
use crate::{AppState, auth};
use api_types::{ErrorCode, FieldError, IDEMPOTENCY_KEY_HEADER, Rule, validate};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

tokio::task_local! {
    /// The key of the request being handled, for [`settle`].
    static CURRENT: KeyRef;
}

/// A key in its scope.
#[derive(Debug, Clone)]
struct KeyRef {
    scope: String,
    key: String,
}

/// In the transaction of the write a keyed request makes, marks its key
/// settled: `status` is what it answers and a `GET` of `replay_path` (e.g.
/// `/api/v1/affairs/7`) answers the same body again. Outside a keyed request
/// it does nothing. Errors are the database's.
pub async fn settle(
    conn: &mut AnyConnection,
    status: StatusCode,
    replay_path: &str,
) -> Result<(), sqlx::Error> {
    let Ok(current) = CURRENT.try_with(KeyRef::clone) else {
        return Ok(());
    };
    sqlx::query(
        "UPDATE idempotency_keys SET replay_status = $1, replay_path = $2 \
         WHERE scope = $3 AND idem_key = $4 AND status IS NULL",
    )
    .bind(i64::from(status.as_u16()))
    .bind(replay_path.to_owned())
    .bind(current.scope)
    .bind(current.key)
    .execute(conn)
    .await?;
    Ok(())
}

/// How long a completed key is remembered.
pub const KEY_TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// The largest response body that is stored for replay.
const MAX_STORED_RESPONSE: usize = 1024 * 1024;
/// The header that marks a replayed answer.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// Middleware for the API router: applies to `POST` requests that carry an
/// `Idempotency-Key` header and passes everything else through.
pub async fn idempotency(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(raw_key) = request.headers().get(IDEMPOTENCY_KEY_HEADER) else {
        return next.run(request).await;
    };
    let key = match raw_key.to_str() {
        Ok(key) => match validate::idempotency_key(key) {
            Ok(()) => key.to_owned(),
            Err(field) => {
                return AppError::field(ErrorCode::InvalidIdempotencyKey, field).into_response();
            }
        },
        Err(_) => {
            return AppError::field(
                ErrorCode::InvalidIdempotencyKey,
                FieldError::new(IDEMPOTENCY_KEY_HEADER, Rule::Invalid),
            )
            .into_response();
        }
    };
    let scope = match auth::session_token(request.headers()) {
        Some(token) => match auth::session_person(&state.db, token).await {
            Ok(person) => person.map(|id| format!("person:{id}")).unwrap_or_default(),
            Err(err) => return err.into_response(),
        },
        None => String::new(),
    };
    let (parts, body) = request.into_parts();
    // The body is already capped by the body-limit layer outside.
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(err) => return body_error(&err).into_response(),
    };
    let hash = request_hash(parts.method.as_str(), &parts.uri.to_string(), &bytes);
    let stale_after_ms =
        i64::try_from(state.config.request_timeout.as_millis() * 2).unwrap_or(i64::MAX);
    match claim(&state.db, &scope, &key, &hash, stale_after_ms).await {
        Ok(Claim::Mine) => {}
        Ok(Claim::Replay(response)) => return response,
        Ok(Claim::Settled(status, path)) => {
            return replay_settled(&state.db, &scope, &key, &parts, status, &path, next).await;
        }
        Ok(Claim::OtherRequest) => {
            return AppError::new(ErrorCode::IdempotencyKeyReused).into_response();
        }
        Ok(Claim::InProgress) => {
            return AppError::new(ErrorCode::IdempotencyKeyInProgress)
                .retry_after(1)
                .into_response();
        }
        Err(err) => return AppError::from(err).into_response(),
    }
    let request = Request::from_parts(parts, Body::from(bytes));
    let db = state.db.clone();
    let task_key = key.clone();
    let task_scope = scope.clone();
    // Its own task, so a connection dropped on a flaky network cannot cancel
    // the handler halfway: the first answer is always recorded.
    let current = KeyRef {
        scope: scope.clone(),
        key: key.clone(),
    };
    let task = tokio::spawn(CURRENT.scope(current, async move {
        let response = next.run(request).await;
        record(&db, &task_scope, &task_key, response).await
    }));
    match task.await {
        Ok(response) => response,
        Err(join_error) => {
            if let Err(err) = release(&state.db, &scope, &key).await {
                tracing::error!(error = %err, "could not release an idempotency key");
            }
            match join_error.try_into_panic() {
                Ok(panic) => panic_response(panic),
                Err(err) => AppError::internal(err).into_response(),
            }
        }
    }
}

/// Answers a retry of a settled key whose first answer was lost with its
/// server: the `GET` of `path` as the retry's sender, with the first
/// status. The answer is then stored like any first answer.
async fn replay_settled(
    db: &Db,
    scope: &str,
    key: &str,
    parts: &axum::http::request::Parts,
    status: StatusCode,
    path: &str,
    next: Next,
) -> Response {
    let mut get = Request::new(Body::empty());
    *get.method_mut() = Method::GET;
    *get.uri_mut() = match path.parse() {
        Ok(uri) => uri,
        Err(err) => return AppError::internal(err).into_response(),
    };
    for name in [
        header::COOKIE,
        header::AUTHORIZATION,
        header::ACCEPT_LANGUAGE,
    ] {
        if let Some(value) = parts.headers.get(&name) {
            get.headers_mut().insert(name, value.clone());
        }
    }
    let response = next.run(get).await;
    if !response.status().is_success() {
        return response;
    }
    let (mut head, body) = response.into_parts();
    head.status = status;
    let response = record(db, scope, key, Response::from_parts(head, body)).await;
    let (mut head, body) = response.into_parts();
    head.headers
        .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    Response::from_parts(head, body)
}

fn body_error(err: &axum::Error) -> AppError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return AppError::new(ErrorCode::PayloadTooLarge);
        }
        source = e.source();
    }
    AppError::new(ErrorCode::BadRequest)
}

/// A digest of what makes two requests the same request.
fn request_hash(method: &str, uri: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update([0]);
    hasher.update(uri.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A stored key: request hash, status, content type, body, creation time,
/// and, once settled, the status and path to replay.
type StoredKey = (
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
    Option<String>,
);

enum Claim {
    /// The key is new (or abandoned): this request runs.
    Mine,
    /// The first request finished: its answer.
    Replay(Response),
    /// The key was used for another request.
    OtherRequest,
    /// The first request is still running.
    InProgress,
    /// The first request's write committed and its server died before it
    /// answered: replay the `GET` of the path, with the status.
    Settled(StatusCode, String),
}

async fn claim(
    db: &Db,
    scope: &str,
    key: &str,
    hash: &str,
    stale_after_ms: i64,
) -> Result<Claim, sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 AND created_at < $3",
    )
    .bind(scope)
    .bind(key)
    .bind(now - KEY_TTL_MS)
    .execute(&db.pool)
    .await?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (scope, idem_key, request_hash, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (scope, idem_key) DO NOTHING",
    )
    .bind(scope)
    .bind(key)
    .bind(hash)
    .bind(now)
    .execute(&db.pool)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::Mine);
    }
    let row: Option<StoredKey> = sqlx::query_as(
        "SELECT request_hash, status, content_type, response_body, created_at, \
           replay_status, replay_path \
         FROM idempotency_keys WHERE scope = $1 AND idem_key = $2",
    )
    .bind(scope)
    .bind(key)
    .fetch_optional(&db.pool)
    .await?;
    let Some((stored_hash, status, content_type, body, created_at, settled, replay_path)) = row
    else {
        // Released between our insert and our read: the client may retry.
        return Ok(Claim::InProgress);
    };
    if stored_hash != hash {
        return Ok(Claim::OtherRequest);
    }
    match status {
        Some(status) => Ok(Claim::Replay(replay(
            status,
            content_type,
            body.unwrap_or_default(),
        ))),
        None if created_at < now - stale_after_ms && replay_path.is_some() => {
            // The first request wrote and died before it answered.
            let status = settled
                .and_then(|s| u16::try_from(s).ok())
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(StatusCode::OK);
            Ok(Claim::Settled(status, replay_path.unwrap_or_default()))
        }
        None if created_at < now - stale_after_ms => {
            // The first request died with its server before it wrote; take
            // the key over.
            let taken = sqlx::query(
                "UPDATE idempotency_keys SET created_at = $1 \
                 WHERE scope = $2 AND idem_key = $3 AND status IS NULL AND created_at = $4",
            )
            .bind(now)
            .bind(scope)
            .bind(key)
            .bind(created_at)
            .execute(&db.pool)
            .await?;
            Ok(if taken.rows_affected() == 1 {
                Claim::Mine
            } else {
                Claim::InProgress
            })
        }
        None => Ok(Claim::InProgress),
    }
}

fn replay(status: i64, content_type: Option<String>, body: String) -> Response {
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if let Some(ct) = content_type.and_then(|ct| HeaderValue::from_str(&ct).ok()) {
        headers.insert(header::CONTENT_TYPE, ct);
    }
    headers.insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    response
}

/// Stores a successful first answer for replay; forgets the key otherwise,
/// so a request that failed can be retried with the same key.
async fn record(db: &Db, scope: &str, key: &str, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_STORED_RESPONSE).await {
        Ok(bytes) => bytes,
        Err(err) => {
            if let Err(e) = release(db, scope, key).await {
                tracing::error!(error = %e, "could not release an idempotency key");
            }
            return AppError::internal(err).into_response();
        }
    };
    let text = std::str::from_utf8(&bytes).ok();
    let outcome = match text {
        Some(text) if parts.status.is_success() => {
            let content_type = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            sqlx::query(
                "UPDATE idempotency_keys SET status = $1, content_type = $2, response_body = $3 \
                 WHERE scope = $4 AND idem_key = $5",
            )
            .bind(i64::from(parts.status.as_u16()))
            .bind(content_type)
            .bind(text)
            .bind(scope)
            .bind(key)
            .execute(&db.pool)
            .await
            .map(|_| ())
        }
        _ => release(db, scope, key).await,
    };
    if let Err(err) = outcome {
        tracing::error!(error = %err, "could not record an idempotency key");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Frees a key whose first attempt failed, so a corrected retry may use
/// it; never a settled one, whose act committed.
async fn release(db: &Db, scope: &str, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 \
         AND status IS NULL AND replay_status IS NULL",
    )
    .bind(scope)
    .bind(key)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// Forgets keys older than a day; run periodically.
pub async fn purge_expired(db: &Db) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(now_ms() - KEY_TTL_MS)
        .execute(&db.pool)
        .await
        .map(|r| r.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_method_path_and_body() {
        let base = request_hash("POST", "/api/v1/x", b"{}");
        assert_eq!(base, request_hash("POST", "/api/v1/x", b"{}"));
        assert_ne!(base, request_hash("POST", "/api/v1/y", b"{}"));
        assert_ne!(base, request_hash("POST", "/api/v1/x", b"{ }"));
        assert_ne!(base, request_hash("PUT", "/api/v1/x", b"{}"));
        assert_eq!(base.len(), 64);
    }
}
