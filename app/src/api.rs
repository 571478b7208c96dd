//! The one place the app talks to the server: a typed function per
//! endpoint, the error envelope decoded once.

use api_types::places::{CompoundDetail, CompoundSummary, StreetSummary};
use api_types::{API_PREFIX, ErrorBody, ErrorCode, Lang, Page};
use gloo_net::http::{Request, Response};
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

async fn get<T: DeserializeOwned>(path: &str, lang: Lang) -> Result<T, ApiError> {
    let network = |_| ApiError {
        code: None,
        message: None,
    };
    let response = Request::get(&format!("{API_PREFIX}{path}"))
        .header("Accept-Language", lang.tag())
        .send()
        .await
        .map_err(network)?;
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
