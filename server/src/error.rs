//! One error type for every handler, and the layer that turns every failure
//! (ours, axum's, a timeout, a panic) into the API's JSON envelope in the
//! request's language.

use api_types::{ErrorBody, ErrorCode, ErrorDetail, FieldError, Lang};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

/// What a handler answers when it cannot do what was asked.
#[derive(Debug)]
pub struct AppError {
    code: ErrorCode,
    fields: Vec<FieldError>,
    retry_after_secs: Option<u64>,
    message: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl AppError {
    /// The outcome of a guarded write (`… WHERE answered_at IS NULL`): `Ok`
    /// when it changed exactly one row, else `code`, since the guard did
    /// not hold.
    pub fn one_row(rows: u64, code: ErrorCode) -> Result<(), AppError> {
        if rows == 1 {
            Ok(())
        } else {
            Err(AppError::new(code))
        }
    }

    /// An error with a code and nothing more to say.
    pub fn new(code: ErrorCode) -> Self {
        AppError {
            code,
            fields: Vec::new(),
            retry_after_secs: None,
            message: None,
            source: None,
        }
    }

    /// 422 listing every field that broke a rule.
    pub fn validation(fields: Vec<FieldError>) -> Self {
        AppError {
            fields,
            ..AppError::new(ErrorCode::ValidationFailed)
        }
    }

    /// An error with a code and one broken field.
    pub fn field(code: ErrorCode, field: FieldError) -> Self {
        AppError {
            fields: vec![field],
            ..AppError::new(code)
        }
    }

    /// A 500 whose cause goes to the log, never to the client.
    pub fn internal(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        AppError {
            source: Some(source.into()),
            ..AppError::new(ErrorCode::Internal)
        }
    }

    /// Says more than the code's message: `message` is written by the
    /// handler in the request's language (a file's first bad rows).
    pub fn with_message(mut self, message: String) -> Self {
        self.message = Some(message);
        self
    }

    /// Tells the client when to try again (`Retry-After`).
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// The code this error answers with.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The fields it names, if any.
    pub fn fields(&self) -> &[FieldError] {
        &self.fields
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.code)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AppError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => AppError::new(ErrorCode::NotFound),
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                AppError::new(ErrorCode::Conflict)
            }
            sqlx::Error::Database(db) if db.code().is_some_and(|c| is_contention(&c)) => AppError {
                source: Some(Box::new(err)),
                ..AppError::new(ErrorCode::ServiceUnavailable)
            }
            .retry_after(1),
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => AppError {
                source: Some(Box::new(err)),
                ..AppError::new(ErrorCode::ServiceUnavailable)
            }
            .retry_after(5),
            _ => AppError::internal(err),
        }
    }
}

/// Whether a database error code says "busy, try again" rather than "wrong":
/// SQLite's `SQLITE_BUSY` and `SQLITE_LOCKED` with their extended codes
/// (the low byte is 5 or 6, sqlite.org "Result and Error Codes"), met once
/// the busy timeout ran out; PostgreSQL's `serialization_failure`,
/// `deadlock_detected` and `lock_not_available` (SQLSTATE 40001, 40P01,
/// 55P03, PostgreSQL's "Error Codes" appendix). Each answers 503 with
/// `Retry-After`, never 500: the request did nothing and may be sent again.
fn is_contention(code: &str) -> bool {
    if code.len() == 5 {
        // A SQLSTATE is always five characters; SQLite's codes are shorter.
        return matches!(code, "40001" | "40P01" | "55P03");
    }
    code.parse::<i64>()
        .is_ok_and(|sqlite| matches!(sqlite & 0xff, 5 | 6))
}

/// The error's meaning, carried on the response so the outer layer can
/// write the envelope in the request's language.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    code: ErrorCode,
    fields: Vec<FieldError>,
    message: Option<String>,
}

impl ErrorInfo {
    /// The envelope in `lang`: with fields, the message names each one.
    pub fn envelope(&self, lang: Lang) -> ErrorBody {
        let message = if let Some(message) = &self.message {
            message.clone()
        } else if self.fields.is_empty() {
            self.code.message(lang).to_owned()
        } else {
            let separator = if lang == Lang::Zh { "；" } else { "; " };
            self.fields
                .iter()
                .map(|f| f.rule.message(&f.field, lang))
                .collect::<Vec<_>>()
                .join(separator)
        };
        let fields = (!self.fields.is_empty()).then(|| {
            self.fields
                .iter()
                .map(|f| (f.field.clone(), f.rule.code().to_owned()))
                .collect::<BTreeMap<_, _>>()
        });
        ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message,
                fields,
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(source) = &self.source {
            if status.is_server_error() {
                tracing::error!(code = ?self.code, error = %source, "request failed");
            } else {
                tracing::warn!(code = ?self.code, error = %source, "request refused");
            }
        }
        let info = ErrorInfo {
            code: self.code,
            fields: self.fields,
            message: self.message,
        };
        let mut response = envelope_response(status, &info, Lang::default());
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(info);
        response
    }
}

fn envelope_response(status: StatusCode, info: &ErrorInfo, lang: Lang) -> Response {
    let body = serde_json::to_vec(&info.envelope(lang)).unwrap_or_default();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.tag()),
    );
    response
}

/// The request's language, from `Accept-Language` (Chinese by default).
pub fn request_lang(headers: &axum::http::HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// Middleware: every error answer under `/api/` becomes the JSON envelope in
/// the request's language, including the bare ones axum and tower-http give
/// (unknown method, timeout, body too large, panic).
///
/// Outside `/api/`, an error a browser navigated to (it accepts
/// `text/html`) that is not already a page — a refused form post, a body
/// too large, a timeout — becomes a short page in the person's language
/// ([`error_page`]) instead of raw JSON or text.
pub async fn localize_errors(request: Request, next: Next) -> Response {
    let lang = request_lang(request.headers());
    let is_api = request.uri().path().starts_with("/api/");
    let page = (!is_api && accepts_html(request.headers())).then(|| {
        let path = request.uri().path();
        (request.method() == axum::http::Method::POST)
            .then(|| FORM_PAGES.iter().find(|form| **form == path).copied())
            .flatten()
    });
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    if let Some(again) = page
        && !is_html(&response)
    {
        let info = response
            .extensions()
            .get::<ErrorInfo>()
            .cloned()
            .unwrap_or(ErrorInfo {
                code: ErrorCode::for_status(status.as_u16()),
                fields: Vec::new(),
                message: None,
            });
        let mut fresh = error_page(status, &info, lang, again);
        for name in [header::RETRY_AFTER, header::ALLOW] {
            if let Some(value) = response.headers().get(&name) {
                fresh.headers_mut().insert(name, value.clone());
            }
        }
        fresh.extensions_mut().insert(info);
        return fresh;
    }
    let info = match response.extensions().get::<ErrorInfo>() {
        Some(_) if lang == Lang::default() => return response,
        Some(info) => info.clone(),
        None if is_api && !is_json(&response) => ErrorInfo {
            code: ErrorCode::for_status(status.as_u16()),
            fields: Vec::new(),
            message: None,
        },
        None => return response,
    };
    let (mut parts, _) = response.into_parts();
    let fresh = envelope_response(status, &info, lang);
    let (fresh_parts, body) = fresh.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    for name in [header::CONTENT_TYPE, header::CONTENT_LANGUAGE] {
        if let Some(value) = fresh_parts.headers.get(&name) {
            parts.headers.insert(name, value.clone());
        }
    }
    parts.extensions.insert(info);
    Response::from_parts(parts, Body::new(body))
}

/// The pages the server writes that post a form to themselves: a refused
/// post links back to its form. Only these: a link made from any posted
/// path could be made to lead off the site (`//other.example/`).
const FORM_PAGES: [&str; 1] = ["/me/sms"];

fn accepts_html(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|accept| accept.contains("text/html"))
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"))
}

/// An error as a page the server writes: the message in `lang`, a link
/// back to the form at `again` (when a form post was refused) and one to
/// the home page. Styled by [`crate::sms_page::STYLE`], the one style the
/// Content-Security-Policy allows for server-written pages.
pub fn error_page(
    status: StatusCode,
    info: &ErrorInfo,
    lang: Lang,
    again: Option<&str>,
) -> Response {
    let zh = lang == Lang::Zh;
    let message = info.envelope(lang).error.message;
    let mut html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{} · 邻里</title><style>{}</style></head><body><main><h1>{}</h1><p>{}</p>",
        lang.tag(),
        if zh {
            "出错了"
        } else {
            "Something went wrong"
        },
        crate::sms_page::STYLE,
        if zh {
            "出错了"
        } else {
            "Something went wrong"
        },
        escape_html(&message),
    );
    if let Some(again) = again {
        html.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape_html(again),
            if zh {
                "返回再试一次"
            } else {
                "Back, to try again"
            }
        ));
    }
    html.push_str(&format!(
        "<p><a href=\"/\">{}</a></p></main></body></html>",
        if zh { "回首页" } else { "Home" }
    ));
    let mut response = (status, axum::response::Html(html)).into_response();
    response.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.tag()),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `text` safe inside HTML text and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"))
}

/// The answer to a panic inside a handler: logged in full, answered with a
/// generic 500 (the envelope is written by [`localize_errors`]).
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "handler panicked");
    AppError::new(ErrorCode::Internal).into_response()
}

/// The answer to an unknown `/api/` path.
pub async fn api_not_found() -> AppError {
    AppError::new(ErrorCode::NotFound)
}

#[cfg(test)]
mod tests {
    use super::is_contention;

    #[test]
    fn busy_and_deadlocked_are_contention_and_nothing_else_is() {
        // SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED, SQLITE_LOCKED_SHAREDCACHE.
        for code in ["5", "517", "6", "262"] {
            assert!(is_contention(code), "{code}");
        }
        for code in ["40001", "40P01", "55P03"] {
            assert!(is_contention(code), "{code}");
        }
        // SQLITE_CONSTRAINT_UNIQUE, SQLITE_IOERR; unique_violation,
        // undefined_table.
        for code in ["2067", "10", "23505", "42P01", ""] {
            assert!(!is_contention(code), "{code}");
        }
    }
}
