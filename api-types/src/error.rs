//! The error envelope every failure answers with, and its stable codes.

use crate::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `{"error": {...}}`: the body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The inside of the error envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// A stable identifier to match on.
    pub code: ErrorCode,
    /// Human text in the request's language.
    pub message: String,
    /// For validation errors: each offending field and the rule it broke
    /// (`required`, `too_long`, `out_of_range`, `invalid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
}

/// The stable, snake_case error codes of the API. Clients match on these,
/// never on messages; a code is never renamed once published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not well-formed JSON.
    MalformedJson,
    /// 400: a query parameter has the wrong form.
    InvalidQuery,
    /// 400: a list cursor that this server did not hand out.
    InvalidCursor,
    /// 400: the `Idempotency-Key` header is empty, too long or not ASCII.
    InvalidIdempotencyKey,
    /// 400: any other request the server cannot read.
    BadRequest,
    /// 401: the action needs a signed-in person.
    Unauthorized,
    /// 403: signed in, but not allowed here.
    Forbidden,
    /// 403: a state-changing request that did not come from the portal's own origin.
    CrossOriginRequest,
    /// 404: absent, or not visible to the requester.
    NotFound,
    /// 405: the path exists, but not with this method.
    MethodNotAllowed,
    /// 408: the request took too long to arrive or to answer.
    Timeout,
    /// 409: the record changed meanwhile, or already exists.
    Conflict,
    /// 409: the first request with this `Idempotency-Key` is still running.
    IdempotencyKeyInProgress,
    /// 409: the act is not possible from where the affair stands (resolving
    /// an affair nobody accepted...).
    IllegalMove,
    /// 413: the body is larger than this endpoint accepts.
    PayloadTooLarge,
    /// 415: the body is not `application/json`.
    UnsupportedMediaType,
    /// 415: the photo is not a JPEG, PNG or WebP image.
    UnsupportedImage,
    /// 422: fields break validation rules (see `fields`).
    ValidationFailed,
    /// 422: the `Idempotency-Key` was used before with a different request
    /// (in the app: a form edited and sent again after its first answer was
    /// lost, so the first one arrived).
    IdempotencyKeyReused,
    /// 422: the sign-in code is wrong, expired, used or spent.
    InvalidCode,
    /// 422: the photo has more pixels than the server decodes.
    ImageTooLarge,
    /// 429: too many requests; see `Retry-After`.
    RateLimited,
    /// 500: something failed on the server; details are in its log.
    Internal,
    /// 503: the database or another dependency is unreachable.
    ServiceUnavailable,
    /// 503: the SMS provider did not take the sign-in code; nothing was
    /// sent, and the code cannot be used. Ask again after `Retry-After`
    /// (the usual wait between codes; the attempt still counts towards
    /// the hourly limits).
    CodeNotSent,
    /// A code this client does not know yet (sent by a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status this code is answered with.
    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            MalformedJson | InvalidQuery | InvalidCursor | InvalidIdempotencyKey | BadRequest => {
                400
            }
            Unauthorized => 401,
            Forbidden | CrossOriginRequest => 403,
            NotFound => 404,
            MethodNotAllowed => 405,
            Timeout => 408,
            Conflict | IdempotencyKeyInProgress | IllegalMove => 409,
            PayloadTooLarge => 413,
            UnsupportedMediaType | UnsupportedImage => 415,
            ValidationFailed | IdempotencyKeyReused | InvalidCode | ImageTooLarge => 422,
            RateLimited => 429,
            Internal | Unknown => 500,
            ServiceUnavailable | CodeNotSent => 503,
        }
    }

    /// The code that stands for a bare HTTP error status.
    pub fn for_status(status: u16) -> ErrorCode {
        use ErrorCode::*;
        match status {
            401 => Unauthorized,
            403 => Forbidden,
            404 => NotFound,
            405 => MethodNotAllowed,
            408 => Timeout,
            409 => Conflict,
            413 => PayloadTooLarge,
            415 => UnsupportedMediaType,
            422 => ValidationFailed,
            429 => RateLimited,
            503 => ServiceUnavailable,
            400..=499 => BadRequest,
            _ => Internal,
        }
    }

    /// A plain sentence for people, in `lang`.
    pub fn message(self, lang: Lang) -> &'static str {
        use ErrorCode::*;
        match lang {
            Lang::Zh => match self {
                MalformedJson => "提交的内容格式不正确",
                InvalidQuery => "请求参数不正确",
                InvalidCursor => "翻页参数无效，请从第一页重新加载",
                InvalidIdempotencyKey => "请求标识（Idempotency-Key）格式不正确",
                BadRequest => "请求无法识别",
                Unauthorized => "请先登录",
                Forbidden => "您没有权限进行此操作",
                CrossOriginRequest => "请从邻里门户页面内提交",
                NotFound => "没有找到您要的内容",
                MethodNotAllowed => "不支持这种操作",
                Timeout => "请求超时，请稍后重试",
                Conflict => "内容已被修改或已存在，请刷新后再试",
                IdempotencyKeyInProgress => "上一次提交仍在处理中，请稍候",
                IllegalMove => "这件事现在的状态不能这样办理，请刷新后再看",
                PayloadTooLarge => "提交的内容太大",
                UnsupportedMediaType => "提交的内容类型不受支持",
                UnsupportedImage => "只能上传照片（JPEG、PNG 或 WebP 格式）",
                ValidationFailed => "填写的内容有误，请检查",
                IdempotencyKeyReused => "刚才的提交已经收到了，请刷新页面查看",
                InvalidCode => "验证码不对或已过期，请核对短信，或重新获取验证码",
                ImageTooLarge => "照片像素太多，请换一张或先缩小",
                RateLimited => "操作太频繁，请稍等一会儿再试",
                Internal | Unknown => "服务器出了点问题，请稍后再试",
                ServiceUnavailable => "服务暂时不可用，请稍后再试",
                CodeNotSent => "验证码短信没能发出，请过一会儿再点“获取验证码”",
            },
            Lang::En => match self {
                MalformedJson => "The request body is not valid JSON",
                InvalidQuery => "A query parameter is invalid",
                InvalidCursor => "The page cursor is invalid; reload from the first page",
                InvalidIdempotencyKey => "The Idempotency-Key header is invalid",
                BadRequest => "The request could not be understood",
                Unauthorized => "Please sign in first",
                Forbidden => "You are not allowed to do this",
                CrossOriginRequest => "Please submit from the Linli portal itself",
                NotFound => "Nothing was found here",
                MethodNotAllowed => "This method is not supported here",
                Timeout => "The request timed out; please try again",
                Conflict => "This changed meanwhile or already exists; refresh and retry",
                IdempotencyKeyInProgress => "The first submission is still being processed",
                IllegalMove => "This cannot be done from where the affair stands; refresh",
                PayloadTooLarge => "The request body is too large",
                UnsupportedMediaType => "The request body must be JSON",
                UnsupportedImage => "Only JPEG, PNG or WebP photos can be uploaded",
                ValidationFailed => "Some fields are invalid; please check them",
                IdempotencyKeyReused => "Your earlier submission was received; refresh to see it",
                InvalidCode => {
                    "The code is wrong or has expired; check the message or ask for a new code"
                }
                ImageTooLarge => "The photo has too many pixels; pick another or shrink it",
                RateLimited => "Too many requests; please wait and retry",
                Internal | Unknown => "Something went wrong on the server; please retry later",
                ServiceUnavailable => "The service is unavailable; please retry later",
                CodeNotSent => "The code could not be sent; please ask for it again shortly",
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_snake_case_on_the_wire() {
        let body = ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::IdempotencyKeyReused,
                message: "x".into(),
                fields: None,
            },
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"error":{"code":"idempotency_key_reused","message":"x"}}"#
        );
    }

    #[test]
    fn unknown_codes_from_a_newer_server_still_decode() {
        let body: ErrorBody =
            serde_json::from_str(r#"{"error":{"code":"brand_new","message":"m"}}"#).unwrap();
        assert_eq!(body.error.code, ErrorCode::Unknown);
    }

    #[test]
    fn status_and_code_agree() {
        for status in [401, 403, 404, 405, 408, 409, 413, 415, 422, 429, 503, 500] {
            assert_eq!(ErrorCode::for_status(status).status(), status);
        }
        assert_eq!(ErrorCode::for_status(418), ErrorCode::BadRequest);
    }
}
