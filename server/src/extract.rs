//! Extractors whose rejections are [`AppError`]s, so a malformed body, a
//! wrong type or a bad query parameter answers the envelope with the field
//! it concerns.

use crate::error::AppError;
use api_types::{ErrorCode, FieldError, Rule};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use serde::de::DeserializeOwned;

/// A JSON body: 415 unless it is JSON, 413 when too large, 400 when it does
/// not parse, 422 naming the field when a value has the wrong type.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        if !is_json(&req) {
            return Err(AppError::new(ErrorCode::UnsupportedMediaType));
        }
        let bytes = body_bytes(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// An optional JSON body, for acts that took none before and now take one
/// for some callers: no body (or `null`) is `None` whatever the content
/// type; a body is read as [`ApiJson`] reads it.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalJson<T>(pub Option<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for OptionalJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_json = is_json(&req);
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(None));
        }
        if !is_json {
            return Err(AppError::new(ErrorCode::UnsupportedMediaType));
        }
        parse_json(&bytes).map(OptionalJson)
    }
}

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim();
            mime.eq_ignore_ascii_case("application/json")
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, AppError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::new(ErrorCode::PayloadTooLarge)
        } else {
            AppError::new(ErrorCode::BadRequest)
        }
    })
}

/// Parses a JSON document, naming the offending field on a data error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if !inner.is_data() {
            return AppError::new(ErrorCode::MalformedJson);
        }
        let message = inner.to_string();
        // serde names a missing field only in its message.
        if let Some(name) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            let field = if path == "." {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            };
            return AppError::validation(vec![FieldError::new(field, Rule::Required)]);
        }
        let field = if path == "." { "body".to_owned() } else { path };
        AppError::validation(vec![FieldError::new(field, Rule::Invalid)])
    })?;
    de.end()
        .map_err(|_| AppError::new(ErrorCode::MalformedJson))?;
    Ok(value)
}

/// Query parameters: 400 `invalid_query` naming the parameter.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|err| {
                let field = err.path().to_string();
                let field = if field == "." {
                    "query".to_owned()
                } else {
                    field
                };
                AppError::field(
                    ErrorCode::InvalidQuery,
                    FieldError::new(field, Rule::Invalid),
                )
            })
    }
}

/// Path parameters: a path that does not parse names nothing, so it is 404.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|_| AppError::new(ErrorCode::NotFound))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        title: String,
        count: i64,
    }

    fn fields(err: AppError) -> (ErrorCode, Vec<(String, &'static str)>) {
        let broken = err
            .fields()
            .iter()
            .map(|f| (f.field.clone(), f.rule.code()))
            .collect();
        (err.code(), broken)
    }

    #[test]
    fn syntax_errors_are_malformed_json() {
        let err = parse_json::<Body>(b"{\"title\": ").unwrap_err();
        assert_eq!(err.code(), ErrorCode::MalformedJson);
        let err = parse_json::<Body>(b"{\"title\":\"a\",\"count\":1} trailing").unwrap_err();
        assert_eq!(err.code(), ErrorCode::MalformedJson);
    }

    #[test]
    fn data_errors_name_the_field() {
        let (code, f) = fields(parse_json::<Body>(br#"{"title":"a","count":"x"}"#).unwrap_err());
        assert_eq!(code, ErrorCode::ValidationFailed);
        assert_eq!(f, [("count".to_owned(), "invalid")]);
        let (_, f) = fields(parse_json::<Body>(br#"{"count":1}"#).unwrap_err());
        assert_eq!(f, [("title".to_owned(), "required")]);
    }
}
