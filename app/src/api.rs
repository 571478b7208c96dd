//! The one place the app talks to the server: a typed function per
//! endpoint, the error envelope decoded once.

use api_types::identity::{CodeRequest, CodeSent, CurrentSession, Me, SignIn};
use api_types::places::{CompoundDetail, CompoundSummary, StreetSummary};
use api_types::{API_PREFIX, ErrorBody, ErrorCode, Lang, Page};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A failed API call, ready to show to the resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The API's code; `None` when the server was never reached.
    pub code: Option<ErrorCode>,
    /// The server's message in the requested language, if it sent one.
    pub message: Option<String>,
}

impl ApiError {
    /// Whether the record is absent (or hidden from this person).
    pub fn is_not_found(&self) -> bool {
        self.code == Some(ErrorCode::NotFound)
    }
}

fn network_error<E>(_: E) -> ApiError {
    ApiError {
        code: None,
        message: None,
    }
}

async fn get<T: DeserializeOwned>(path: &str, lang: Lang) -> Result<T, ApiError> {
    let response = Request::get(&format!("{API_PREFIX}{path}"))
        .header("Accept-Language", lang.tag())
        .send()
        .await
        .map_err(network_error)?;
    decode(response).await
}

async fn send<B: Serialize>(
    builder: RequestBuilder,
    body: Option<&B>,
    lang: Lang,
) -> Result<Response, ApiError> {
    let builder = builder.header("Accept-Language", lang.tag());
    let request = match body {
        Some(body) => builder.json(body).map_err(network_error)?,
        None => builder.build().map_err(network_error)?,
    };
    let response = request.send().await.map_err(network_error)?;
    if response.ok() {
        Ok(response)
    } else {
        Err(decode_error(response).await)
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        response.json::<T>().await.map_err(|_| ApiError {
            code: Some(ErrorCode::Internal),
            message: None,
        })
    } else {
        Err(decode_error(response).await)
    }
}

async fn decode_error(response: Response) -> ApiError {
    match response.json::<ErrorBody>().await {
        Ok(body) => ApiError {
            code: Some(body.error.code),
            message: Some(body.error.message),
        },
        Err(_) => ApiError {
            code: Some(ErrorCode::for_status(response.status())),
            message: None,
        },
    }
}

/// `GET /streets`: the first page is all a deployment's streets.
pub async fn list_streets(lang: Lang) -> Result<Page<StreetSummary>, ApiError> {
    get("/streets?limit=100", lang).await
}

/// `GET /compounds`: every compound of the deployment, in id order.
pub async fn list_compounds(lang: Lang) -> Result<Vec<CompoundSummary>, ApiError> {
    let mut all = Vec::new();
    let mut path = "/compounds?limit=100".to_owned();
    loop {
        let page: Page<CompoundSummary> = get(&path, lang).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(cursor) => path = format!("/compounds?limit=100&cursor={cursor}"),
            None => return Ok(all),
        }
    }
}

/// `GET /compounds/{id}`.
pub async fn get_compound(id: i64, lang: Lang) -> Result<CompoundDetail, ApiError> {
    get(&format!("/compounds/{id}"), lang).await
}

/// `POST /sign-in-codes`: sends a code to `phone`.
pub async fn request_code(phone: String, lang: Lang) -> Result<CodeSent, ApiError> {
    let builder = Request::post(&format!("{API_PREFIX}/sign-in-codes"));
    decode(send(builder, Some(&CodeRequest { phone }), lang).await?).await
}

/// `POST /sessions`: signs in; the server sets the session cookie.
pub async fn sign_in(phone: String, code: String, lang: Lang) -> Result<Me, ApiError> {
    let builder = Request::post(&format!("{API_PREFIX}/sessions"));
    decode(send(builder, Some(&SignIn { phone, code }), lang).await?).await
}

/// `GET /sessions/current`: the signed-in person, or `None` for an
/// anonymous visitor.
pub async fn current_person(lang: Lang) -> Result<Option<Me>, ApiError> {
    get::<CurrentSession>("/sessions/current", lang)
        .await
        .map(|s| s.person)
}

/// `DELETE /sessions/current`, or with `everywhere`, `DELETE /sessions`.
pub async fn sign_out(everywhere: bool, lang: Lang) -> Result<(), ApiError> {
    let path = if everywhere {
        "/sessions"
    } else {
        "/sessions/current"
    };
    send::<()>(Request::delete(&format!("{API_PREFIX}{path}")), None, lang)
        .await
        .map(|_| ())
}
