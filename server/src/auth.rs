//! Who is asking: one-time sign-in codes, server-side sessions behind an
//! `HttpOnly` cookie, and the extractors handlers use to know the person.

use crate::AppState;
use crate::db::{Db, now_ms, serialize_on};
use crate::error::AppError;
use crate::sms::{Sms, SmsFailure, Template};
use api_types::ErrorCode;
use api_types::identity::{CODE_MAX_ATTEMPTS, CODE_TTL_SECS, RESEND_AFTER_SECS, mask_phone};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{HeaderMap, HeaderValue, header, request::Parts};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "linli_session";
/// A session ends after this long without a request (elderly residents
/// open the portal every few weeks; signing in again each time loses them).
pub const SESSION_IDLE_MS: i64 = 30 * DAY_MS;
/// A session ends this long after sign-in, however active.
pub const SESSION_ABSOLUTE_MS: i64 = 180 * DAY_MS;
/// Codes one number may be sent per hour.
pub const CODES_PER_PHONE_HOUR: i64 = 5;
/// Codes one client address may ask for per hour by default (a compound's
/// shared Wi-Fi or a carrier NAT puts many residents behind one address;
/// `LINLI_SIGN_IN_CODES_PER_CLIENT_HOUR` sets another).
pub const CODES_PER_CLIENT_HOUR: u32 = 30;

const DAY_MS: i64 = 24 * HOUR_MS;
const HOUR_MS: i64 = 60 * 60 * 1000;
/// `last_seen_at` is written at most this often.
const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// Fills `buf` from the operating system's secure random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AppError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| AppError::internal(e.to_string()))?;
    Ok(buf)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
        hasher.update([0]);
    }
    hex(&hasher.finalize())
}

/// What is stored of a sign-in code: the server secret's keyed digest
/// (HMAC-SHA256, [`crate::secret::Secret::digest`]) of the number and the
/// code. A salted hash with its salt beside it gave a copy of the database
/// every code in a million tries; without the secret, which lives outside
/// the database, the digest gives nothing. (The `salt` column is left
/// empty: codes stored under the old scheme expire within minutes.)
fn code_digest(secret: &crate::secret::Secret, phone: &str, code: &str) -> String {
    secret.digest("sign-in-code", &format!("{phone}\0{code}"))
}

/// Compares two digests in time independent of where they differ.
/// Whether two strings are equal, compared in time that does not depend
/// on where they differ (for digests and tokens).
pub(crate) fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A uniformly drawn six-digit code.
pub fn new_code() -> Result<String, AppError> {
    // Rejection sampling keeps every code equally likely.
    const LIMIT: u32 = u32::MAX - (u32::MAX % 1_000_000);
    loop {
        let n = u32::from_le_bytes(random_bytes::<4>()?);
        if n < LIMIT {
            return Ok(format!("{:06}", n % 1_000_000));
        }
    }
}

/// The address a request came from: the configured proxy header's last hop
/// when one is configured, else the TCP peer.
pub fn client_address(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    header_name: Option<&str>,
) -> String {
    header_name
        .and_then(|name| headers.get(name))
        .and_then(|v| v.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .or_else(|| peer.map(|p| p.ip().to_string()))
        .unwrap_or_else(|| "unknown".into())
}

/// Creates and sends a code for `phone`, or refuses with 429 and how long
/// to wait. The answer never depends on whether the number has an account.
///
/// The limits (one code a minute and five an hour per number, thirty an
/// hour per client address) are counted and the new code stored in one
/// write transaction serialised on the number and on the address, so
/// requests at the same moment cannot all pass the count. The code is sent
/// after that commits: a slow provider holds no lock.
pub async fn send_code(state: &AppState, phone: &str, client: &str) -> Result<(), AppError> {
    let db = &state.db;
    let now = now_ms();
    let hour_ago = now - HOUR_MS;
    let mut tx = db.begin_write().await?;
    serialize_on(db.engine, &mut tx, &format!("sign-in-phone:{phone}")).await?;
    serialize_on(db.engine, &mut tx, &format!("sign-in-client:{client}")).await?;
    let (recent, oldest, newest): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM sign_in_codes \
         WHERE phone = $1 AND created_at > $2",
    )
    .bind(phone)
    .bind(hour_ago)
    .fetch_one(&mut *tx)
    .await?;
    let resend_ms = i64::try_from(RESEND_AFTER_SECS * 1000).unwrap_or(i64::MAX);
    if let Some(newest) = newest.filter(|n| now - n < resend_ms) {
        return Err(rate_limited(newest + resend_ms - now));
    }
    if recent >= CODES_PER_PHONE_HOUR {
        return Err(rate_limited(oldest.unwrap_or(now) + HOUR_MS - now));
    }
    let (from_client, client_oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM sign_in_codes WHERE client = $1 AND created_at > $2",
    )
    .bind(client)
    .bind(hour_ago)
    .fetch_one(&mut *tx)
    .await?;
    if from_client >= i64::from(state.config.codes_per_client_hour.get()) {
        return Err(rate_limited(client_oldest.unwrap_or(now) + HOUR_MS - now));
    }
    let code = new_code()?;
    let ttl_ms = i64::try_from(CODE_TTL_SECS * 1000).unwrap_or(i64::MAX);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sign_in_codes (phone, client, salt, code_digest, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(phone)
    .bind(client)
    .bind("")
    .bind(code_digest(&state.secret, phone, &code))
    .bind(now)
    .bind(now + ttl_ms)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let params = [code];
    let sms = Sms {
        phone,
        template: Template::SignInCode,
        params: &params,
        reference: None,
    };
    // The person waits for this code, so it is sent now rather than
    // queued (the adapters give up after 10 seconds): a code that did not
    // go out says so, and is expired, though it still counts towards the
    // limits, so a failing provider cannot be hammered through Linli.
    let sent = state.sms.send(&sms).await;
    crate::telemetry::sms_outcome(
        Template::SignInCode.name(),
        sent.as_ref().err().map(|e| e.failure),
    );
    if let Err(err) = sent {
        tracing::warn!(phone = %mask_phone(phone), error = %err, "a sign-in code was not sent");
        sqlx::query("UPDATE sign_in_codes SET expires_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&db.pool)
            .await?;
        return Err(match err.failure {
            SmsFailure::Throttled => {
                AppError::new(ErrorCode::RateLimited).retry_after(RESEND_AFTER_SECS)
            }
            SmsFailure::Rejected | SmsFailure::Unavailable => {
                AppError::new(ErrorCode::CodeNotSent).retry_after(RESEND_AFTER_SECS)
            }
        });
    }
    Ok(())
}

fn rate_limited(wait_ms: i64) -> AppError {
    let secs = u64::try_from(wait_ms.max(1000) / 1000).unwrap_or(1);
    AppError::new(ErrorCode::RateLimited).retry_after(secs)
}

/// Spends the code of `phone` if `code` matches it; every failure (none
/// sent, expired, used, spent, wrong, not the newest) is the same error.
///
/// Only the number's newest code counts: sending a new one retires the
/// older ones. Each guess takes one of its [`CODE_MAX_ATTEMPTS`] in a
/// single conditional write before it is compared, so twenty guesses at
/// once are five guesses and fifteen refusals. A right code spends every
/// code of the number, and of two sign-ins with it at once only one wins.
pub async fn redeem_code(
    db: &Db,
    secret: &crate::secret::Secret,
    phone: &str,
    code: &str,
) -> Result<(), AppError> {
    let now = now_ms();
    let guessed: Option<(i64, String)> = sqlx::query_as(
        "UPDATE sign_in_codes SET attempts = attempts + 1 \
         WHERE id = (SELECT MAX(id) FROM sign_in_codes WHERE phone = $1) \
           AND used_at IS NULL AND expires_at > $2 AND attempts < $3 \
         RETURNING id, code_digest",
    )
    .bind(phone)
    .bind(now)
    .bind(CODE_MAX_ATTEMPTS)
    .fetch_optional(&db.pool)
    .await?;
    let Some((id, stored)) = guessed else {
        return Err(AppError::new(ErrorCode::InvalidCode));
    };
    let offered = code_digest(secret, phone, code.trim());
    if !same_digest(&offered, &stored) {
        return Err(AppError::new(ErrorCode::InvalidCode));
    }
    let mut tx = db.begin_write().await?;
    let spent =
        sqlx::query("UPDATE sign_in_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if spent.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::InvalidCode));
    }
    sqlx::query("UPDATE sign_in_codes SET used_at = $1 WHERE phone = $2 AND used_at IS NULL")
        .bind(now)
        .bind(phone)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The person with this number, created on first sign-in (or when staff
/// record an affair for them), named `name` or 居民 and the number's last
/// four digits.
pub async fn person_for_phone(db: &Db, phone: &str, name: Option<&str>) -> Result<i64, AppError> {
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE phone = $1")
        .bind(phone)
        .fetch_optional(&db.pool)
        .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let tail: String = phone
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let created: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO people (name, phone, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(
        name.map(str::trim)
            .filter(|n| !n.is_empty())
            .map_or_else(|| format!("居民{tail}"), str::to_owned),
    )
    .bind(phone)
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await;
    match created {
        Ok(id) => Ok(id),
        // Two first sign-ins raced: the other one created the person.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Ok(sqlx::query_scalar("SELECT id FROM people WHERE phone = $1")
                .bind(phone)
                .fetch_one(&db.pool)
                .await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// Starts a session for `person`; returns the cookie value to set.
pub async fn start_session(
    db: &Db,
    person: i64,
    user_agent: Option<&str>,
) -> Result<String, AppError> {
    let token = base64url(&random_bytes::<32>()?);
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sessions (id_digest, person_id, created_at, last_seen_at, expires_at, user_agent) \
         VALUES ($1, $2, $3, $3, $4, $5)",
    )
    .bind(digest(&[token.as_bytes()]))
    .bind(person)
    .bind(now)
    .bind(now + SESSION_ABSOLUTE_MS)
    .bind(user_agent.map(|ua| ua.chars().take(300).collect::<String>()))
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// Bytes as URL-safe base64 without padding.
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

/// The session cookie's value in a request, if any.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

/// The live session behind a cookie value: its person, or `None` when it
/// is unknown, revoked, idle too long or past its absolute end.
pub async fn session_person(db: &Db, token: &str) -> Result<Option<i64>, AppError> {
    let now = now_ms();
    let id_digest = digest(&[token.as_bytes()]);
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT person_id, last_seen_at, expires_at FROM sessions \
         WHERE id_digest = $1 AND revoked_at IS NULL",
    )
    .bind(&id_digest)
    .fetch_optional(&db.pool)
    .await?;
    let Some((person, last_seen, expires)) = row else {
        return Ok(None);
    };
    if now >= expires || now - last_seen >= SESSION_IDLE_MS {
        return Ok(None);
    }
    if now - last_seen >= TOUCH_EVERY_MS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_digest = $2")
            .bind(now)
            .bind(&id_digest)
            .execute(&db.pool)
            .await?;
    }
    Ok(Some(person))
}

/// Ends the session behind `token`.
pub async fn end_session(db: &Db, token: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id_digest = $2 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(digest(&[token.as_bytes()]))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Ends every session of `person` ("sign out everywhere").
pub async fn end_all_sessions(db: &Db, person: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE person_id = $2 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(person)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The `Set-Cookie` value that stores `token` (or, with `None`, clears it).
pub fn session_cookie(token: Option<&str>, secure: bool) -> HeaderValue {
    let (value, max_age) = match token {
        Some(token) => (token, SESSION_ABSOLUTE_MS / 1000),
        None => ("", 0),
    };
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or(HeaderValue::from_static(
        "linli_session=; Path=/; Max-Age=0",
    ))
}

/// The answer to a sign-out or a deletion: 204, and the cookie cleared.
pub fn signed_out(secure: bool) -> impl axum::response::IntoResponse {
    (
        axum::http::StatusCode::NO_CONTENT,
        axum::response::AppendHeaders([(header::SET_COOKIE, session_cookie(None, secure))]),
    )
}

/// The signed-in person; 401 when nobody is.
#[derive(Debug, Clone, Copy)]
pub struct CurrentPerson {
    /// The person's id.
    pub id: i64,
}

impl FromRequestParts<AppState> for CurrentPerson {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        match MaybePerson::from_request_parts(parts, state).await?.0 {
            Some(person) => Ok(person),
            None => Err(AppError::new(ErrorCode::Unauthorized)),
        }
    }
}

/// The signed-in person, if any: anonymous visitors read public pages.
#[derive(Debug, Clone, Copy)]
pub struct MaybePerson(pub Option<CurrentPerson>);

impl FromRequestParts<AppState> for MaybePerson {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Some(token) = session_token(&parts.headers) else {
            return Ok(MaybePerson(None));
        };
        let person = session_person(&state.db, token).await?;
        Ok(MaybePerson(person.map(|id| CurrentPerson { id })))
    }
}

/// The client address of a request, as configured (`LINLI_CLIENT_IP_HEADER`).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| *addr);
        Ok(ClientAddress(client_address(
            &parts.headers,
            peer,
            state.config.client_ip_header.as_deref(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let code = new_code().unwrap();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; linli_session=tok; b=2"),
        );
        assert_eq!(session_token(&headers), Some("tok"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("linli_session_old=x"),
        );
        assert_eq!(session_token(&headers), None);
    }

    #[test]
    fn the_cookie_is_http_only_and_lax() {
        let set = session_cookie(Some("tok"), true);
        let set = set.to_str().unwrap();
        assert!(set.starts_with("linli_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age="));
        assert!(set.ends_with("; Secure"));
        assert!(
            session_cookie(None, false)
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
    }

    #[test]
    fn tokens_are_url_safe() {
        let token = base64url(&[0xfb, 0xff, 0xfe, 0x00]);
        assert_eq!(token, "-__-AA");
    }

    #[test]
    fn client_addresses_honour_only_the_configured_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 10.0.0.9"),
        );
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        assert_eq!(client_address(&headers, Some(peer), None), "127.0.0.1");
        assert_eq!(
            client_address(&headers, Some(peer), Some("x-forwarded-for")),
            "10.0.0.9"
        );
        assert_eq!(
            client_address(&HeaderMap::new(), Some(peer), Some("x-real-ip")),
            "127.0.0.1"
        );
    }
}
