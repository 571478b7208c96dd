//! A local stand-in for the SMS providers' `SendSms`, started by a test on a
//! loopback port. It checks each request as the providers document it and
//! answers as they do:
//!
//! - Aliyun (a request with `x-acs-action`): the V3 signature
//!   `ACS3-HMAC-SHA256` (help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature),
//!   recomputed here from the parameters and headers received; `400
//!   SignatureDoesNotMatch` when it differs.
//! - Tencent (a request with `x-tc-action`): `TC3-HMAC-SHA256`
//!   (cloud.tencent.com/document/api/382/52072); `AuthFailure.SignatureFailure`
//!   in a 200 answer when it differs.
//!
//! The signing here is written from those documents and checked against
//! their published examples (`tests/sms.rs`), not taken from the adapters.

#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// The stub's Aliyun AccessKey.
pub const ALIYUN_KEY_ID: &str = "LTAI-stub-key";
pub const ALIYUN_KEY_SECRET: &str = "stub-aliyun-secret";
/// The stub's Tencent CAM key and SMS application.
pub const TENCENT_SECRET_ID: &str = "AKID-stub";
pub const TENCENT_SECRET_KEY: &str = "stub-tencent-secret";
pub const TENCENT_APP_ID: &str = "1400006666";
/// The signature name and template ids the stub knows.
pub const SIGN_NAME: &str = "宁安街道";
pub const CODE_TEMPLATE: &str = "SMS_100001";
pub const INVITE_TEMPLATE: &str = "SMS_100002";
pub const DIGEST_TEMPLATE: &str = "SMS_100003";

/// How the stub answers a well-signed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Taken.
    Ok,
    /// The provider's per-number limit.
    Throttle,
    /// The provider failing: `503` with a body that is not JSON.
    Fail,
}

/// One request the stub received.
#[derive(Debug, Clone)]
pub struct Received {
    /// `aliyun` or `tencent`.
    pub provider: &'static str,
    /// Whether the signature and the documented headers checked out; if
    /// not, why.
    pub problem: Option<String>,
    /// The number as sent (`13912345678`, `+8613912345678`).
    pub phone: String,
    pub template: String,
    /// The parameters: a JSON object (Aliyun) or array (Tencent).
    pub params: serde_json::Value,
    /// `OutId` / `SessionContext`.
    pub reference: Option<String>,
    /// What the stub answered.
    pub answer: Answer,
}

#[derive(Default)]
struct Inner {
    /// Answers per template id; `Ok` for the rest.
    answers: BTreeMap<String, Answer>,
    received: Vec<Received>,
    nonces: BTreeSet<String>,
}

/// A running stub.
#[derive(Clone)]
pub struct Stub {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

impl Stub {
    /// Starts a stub on a free loopback port.
    pub async fn start() -> Stub {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new()
            .route("/", post(send_sms))
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Stub { base, inner }
    }

    /// Answers `answer` to requests for `template` from now on.
    pub fn answer(&self, template: &str, answer: Answer) {
        self.inner
            .lock()
            .unwrap()
            .answers
            .insert(template.to_owned(), answer);
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    /// The last code the stub took for `phone` (either provider).
    pub fn last_code(&self, phone: &str) -> Option<String> {
        self.received()
            .into_iter()
            .rev()
            .filter(|r| r.answer == Answer::Ok && r.problem.is_none())
            .filter(|r| r.phone.ends_with(phone) && r.template == CODE_TEMPLATE)
            .find_map(|r| match &r.params {
                serde_json::Value::Object(o) => o.get("code")?.as_str().map(str::to_owned),
                serde_json::Value::Array(a) => a.first()?.as_str().map(str::to_owned),
                _ => None,
            })
    }

    /// The environment a server needs to send through this stub as
    /// `provider` (`aliyun` or `tencent`).
    pub fn env(&self, provider: &str) -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("LINLI_SMS_PROVIDER", provider.to_owned()),
            ("LINLI_SMS_SIGN_NAME", SIGN_NAME.to_owned()),
            ("LINLI_SMS_TEMPLATE_SIGN_IN_CODE", CODE_TEMPLATE.to_owned()),
            (
                "LINLI_SMS_TEMPLATE_ROLE_INVITATION",
                INVITE_TEMPLATE.to_owned(),
            ),
            (
                "LINLI_SMS_TEMPLATE_NOTICE_DIGEST",
                DIGEST_TEMPLATE.to_owned(),
            ),
        ];
        match provider {
            "aliyun" => env.extend([
                ("LINLI_ALIYUN_ACCESS_KEY_ID", ALIYUN_KEY_ID.to_owned()),
                (
                    "LINLI_ALIYUN_ACCESS_KEY_SECRET",
                    ALIYUN_KEY_SECRET.to_owned(),
                ),
                ("LINLI_ALIYUN_SMS_ENDPOINT", self.base.clone()),
            ]),
            _ => env.extend([
                ("LINLI_TENCENT_SECRET_ID", TENCENT_SECRET_ID.to_owned()),
                ("LINLI_TENCENT_SECRET_KEY", TENCENT_SECRET_KEY.to_owned()),
                ("LINLI_TENCENT_SMS_SDK_APP_ID", TENCENT_APP_ID.to_owned()),
                ("LINLI_TENCENT_SMS_ENDPOINT", self.base.clone()),
            ]),
        }
        env
    }
}

/// What the stub records for a link in a template parameter: Tencent
/// refuses it (`InvalidParameterValue.ProhibitedUseUrlInTemplateParameter`),
/// and Linli's templates carry their links in the registered text.
pub const URL_IN_PARAM: &str = "a URL in a template parameter";

fn has_url(value: &str) -> bool {
    value.contains("://") || value.contains("www.")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// RFC 3986 percent-encoding as the Aliyun V3 document specifies it:
/// `A-Z a-z 0-9 - _ . ~` stay, every other UTF-8 byte is `%XX`.
pub fn aliyun_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Aliyun's canonical query string: parameters sorted by name, each name
/// and value encoded, joined by `=` and `&`.
pub fn aliyun_canonical_query(params: &BTreeMap<String, String>) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (aliyun_encode(k), aliyun_encode(v)))
        .collect();
    pairs.sort();
    pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The ACS3-HMAC-SHA256 signature of a request: `headers` are the signed
/// ones (lower-case names, any order), `payload` the body.
pub fn aliyun_signature(
    secret: &str,
    method: &str,
    canonical_query: &str,
    headers: &BTreeMap<String, String>,
    payload: &[u8],
) -> (String, String) {
    let canonical_headers: String = headers
        .iter()
        .map(|(k, v)| format!("{k}:{}\n", v.trim()))
        .collect();
    let signed: Vec<&str> = headers.keys().map(String::as_str).collect();
    let canonical_request = format!(
        "{method}\n/\n{canonical_query}\n{canonical_headers}\n{}\n{}",
        signed.join(";"),
        sha256_hex(payload)
    );
    let hashed = sha256_hex(canonical_request.as_bytes());
    let string_to_sign = format!("ACS3-HMAC-SHA256\n{hashed}");
    (
        hashed,
        hex(&hmac(secret.as_bytes(), string_to_sign.as_bytes())),
    )
}

/// The TC3-HMAC-SHA256 signature of a `POST /`: `headers` are the signed
/// ones (names and values as sent; lower-cased here as the document says).
pub fn tencent_signature(
    secret_key: &str,
    service: &str,
    timestamp: i64,
    headers: &BTreeMap<String, String>,
    payload: &[u8],
) -> (String, String) {
    let canonical_headers: String = headers
        .iter()
        .map(|(k, v)| format!("{}:{}\n", k.to_lowercase(), v.trim().to_lowercase()))
        .collect();
    let signed: Vec<String> = headers.keys().map(|k| k.to_lowercase()).collect();
    let canonical_request = format!(
        "POST\n/\n\n{canonical_headers}\n{}\n{}",
        signed.join(";"),
        sha256_hex(payload)
    );
    let hashed = sha256_hex(canonical_request.as_bytes());
    let date = utc_date(timestamp);
    let string_to_sign =
        format!("TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{hashed}");
    let k_date = hmac(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac(&k_date, service.as_bytes());
    let k_signing = hmac(&k_service, b"tc3_request");
    (hashed, hex(&hmac(&k_signing, string_to_sign.as_bytes())))
}

/// `YYYY-MM-DD` in UTC of Unix seconds `t`.
pub fn utc_date(t: i64) -> String {
    server::db::rfc3339(t * 1000)[..10].to_owned()
}

fn now_secs() -> i64 {
    server::db::now_ms() / 1000
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn send_sms(
    State(inner): State<Arc<Mutex<Inner>>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if headers.contains_key("x-acs-action") {
        aliyun(&inner, query.unwrap_or_default(), &headers, &body)
    } else {
        tencent(&inner, &headers, &body)
    }
}

fn answer_for(inner: &Mutex<Inner>, template: &str) -> Answer {
    inner
        .lock()
        .unwrap()
        .answers
        .get(template)
        .copied()
        .unwrap_or(Answer::Ok)
}

fn aliyun(inner: &Mutex<Inner>, query: String, headers: &HeaderMap, body: &[u8]) -> Response {
    let params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let problem = aliyun_problem(inner, &params, headers, body).err();
    let template = params.get("TemplateCode").cloned().unwrap_or_default();
    let answer = answer_for(inner, &template);
    let received = Received {
        provider: "aliyun",
        problem: problem.clone(),
        phone: params.get("PhoneNumbers").cloned().unwrap_or_default(),
        template,
        params: params
            .get("TemplateParam")
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default(),
        reference: params.get("OutId").cloned(),
        answer,
    };
    inner.lock().unwrap().received.push(received);
    let request_id = "F655A8D5-B967-440B-8683-DAD6FF8DE990";
    if let Some(problem) = problem {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({
                "RequestId": request_id,
                "Code": "SignatureDoesNotMatch",
                "Message": format!("Specified signature does not match our calculation. ({problem})"),
            })),
        )
            .into_response();
    }
    match answer {
        Answer::Ok => axum::Json(serde_json::json!({
            "Message": "OK", "RequestId": request_id, "Code": "OK", "BizId": "900619746936498440^0",
        }))
        .into_response(),
        Answer::Throttle => axum::Json(serde_json::json!({
            "Message": "触发天级流控Permits:10", "RequestId": request_id, "Code": "isv.BUSINESS_LIMIT_CONTROL",
        }))
        .into_response(),
        Answer::Fail => (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response(),
    }
}

/// What is wrong with an Aliyun request, by the V3 document and the
/// SendSms reference; `None` when nothing is.
fn aliyun_problem(
    inner: &Mutex<Inner>,
    params: &BTreeMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), String> {
    let authorization = header(headers, "authorization");
    let rest = authorization
        .strip_prefix("ACS3-HMAC-SHA256 ")
        .ok_or("no ACS3-HMAC-SHA256 Authorization")?;
    let fields: BTreeMap<&str, &str> = rest
        .split(',')
        .filter_map(|part| part.split_once('='))
        .collect();
    if fields.get("Credential") != Some(&ALIYUN_KEY_ID) {
        return Err("unknown AccessKey".into());
    }
    let signed: Vec<&str> = fields
        .get("SignedHeaders")
        .ok_or("no SignedHeaders")?
        .split(';')
        .collect();
    for name in headers.keys().map(|k| k.as_str()) {
        if (name.starts_with("x-acs-") || name == "host" || name == "content-type")
            && !signed.contains(&name)
        {
            return Err(format!("{name} is not signed"));
        }
    }
    if header(headers, "x-acs-action") != "SendSms"
        || header(headers, "x-acs-version") != "2017-05-25"
    {
        return Err("wrong action or version".into());
    }
    if header(headers, "x-acs-content-sha256") != sha256_hex(body) {
        return Err("x-acs-content-sha256 is not the body's hash".into());
    }
    let date = header(headers, "x-acs-date");
    let (early, late) = (
        server::db::rfc3339((now_secs() - 900) * 1000),
        server::db::rfc3339((now_secs() + 900) * 1000),
    );
    if date.len() != 20 || date < early || date > late {
        return Err(format!("x-acs-date {date:?} is not within 15 minutes"));
    }
    let nonce = header(headers, "x-acs-signature-nonce");
    if nonce.is_empty() || !inner.lock().unwrap().nonces.insert(nonce) {
        return Err("x-acs-signature-nonce missing or used before".into());
    }
    for required in ["PhoneNumbers", "SignName", "TemplateCode"] {
        if params.get(required).is_none_or(String::is_empty) {
            return Err(format!("{required} is missing"));
        }
    }
    if params.get("TemplateParam").is_some_and(|p| has_url(p)) {
        return Err(URL_IN_PARAM.into());
    }
    if let Some(p) = params.get("TemplateParam") {
        let parsed: serde_json::Value =
            serde_json::from_str(p).map_err(|_| "TemplateParam is not JSON")?;
        let object = parsed.as_object().ok_or("TemplateParam is not an object")?;
        if !object.values().all(serde_json::Value::is_string) {
            return Err("TemplateParam values must be strings".into());
        }
    }
    let signed_headers: BTreeMap<String, String> = signed
        .iter()
        .map(|name| ((*name).to_owned(), header(headers, name)))
        .collect();
    let (_, signature) = aliyun_signature(
        ALIYUN_KEY_SECRET,
        "POST",
        &aliyun_canonical_query(params),
        &signed_headers,
        body,
    );
    if fields.get("Signature") == Some(&signature.as_str()) {
        Ok(())
    } else {
        Err("signature".into())
    }
}

fn tencent(inner: &Mutex<Inner>, headers: &HeaderMap, body: &[u8]) -> Response {
    let request: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let problem = tencent_problem(&request, headers, body).err();
    let template = request["TemplateId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let answer = answer_for(inner, &template);
    let phone = request["PhoneNumberSet"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    inner.lock().unwrap().received.push(Received {
        provider: "tencent",
        problem: problem.clone(),
        phone: phone.clone(),
        template,
        params: request["TemplateParamSet"].clone(),
        reference: request["SessionContext"].as_str().map(str::to_owned),
        answer,
    });
    let request_id = "a0aabda6-cf91-4f3e-a2a0-a2fb8e6e2a6c";
    if let Some(problem) = problem {
        let code = if problem == URL_IN_PARAM {
            "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter"
        } else {
            "AuthFailure.SignatureFailure"
        };
        return axum::Json(serde_json::json!({ "Response": {
            "Error": { "Code": code, "Message": format!("The request was refused. ({problem})") },
            "RequestId": request_id,
        }}))
        .into_response();
    }
    let status = |code: &str, message: &str| {
        axum::Json(serde_json::json!({ "Response": {
            "SendStatusSet": [{
                "SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": phone, "Fee": 1,
                "SessionContext": request["SessionContext"], "Code": code, "Message": message, "IsoCode": "CN",
            }],
            "RequestId": request_id,
        }}))
        .into_response()
    };
    match answer {
        Answer::Ok => status("Ok", "send success"),
        Answer::Throttle => status(
            "LimitExceeded.PhoneNumberDailyLimit",
            "the number of sms messages sent from a single mobile number every day exceeds the upper limit",
        ),
        Answer::Fail => (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response(),
    }
}

/// What is wrong with a Tencent request, by the TC3 document and the
/// SendSms reference; `None` when nothing is.
fn tencent_problem(
    request: &serde_json::Value,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), String> {
    let authorization = header(headers, "authorization");
    let rest = authorization
        .strip_prefix("TC3-HMAC-SHA256 ")
        .ok_or("no TC3-HMAC-SHA256 Authorization")?;
    let fields: BTreeMap<&str, &str> = rest
        .split(", ")
        .filter_map(|part| part.split_once('='))
        .collect();
    let timestamp: i64 = header(headers, "x-tc-timestamp")
        .parse()
        .map_err(|_| "X-TC-Timestamp")?;
    if (now_secs() - timestamp).abs() > 300 {
        return Err("AuthFailure.SignatureExpire".into());
    }
    let scope = format!("{}/sms/tc3_request", utc_date(timestamp));
    if fields.get("Credential") != Some(&format!("{TENCENT_SECRET_ID}/{scope}").as_str()) {
        return Err("credential or scope".into());
    }
    let signed: Vec<&str> = fields
        .get("SignedHeaders")
        .ok_or("no SignedHeaders")?
        .split(';')
        .collect();
    if !signed.contains(&"content-type") || !signed.contains(&"host") {
        return Err("content-type and host must be signed".into());
    }
    if header(headers, "x-tc-action") != "SendSms"
        || header(headers, "x-tc-version") != "2021-01-11"
        || header(headers, "x-tc-region").is_empty()
    {
        return Err("X-TC-Action, X-TC-Version or X-TC-Region".into());
    }
    if request["SmsSdkAppId"] != TENCENT_APP_ID || request["SignName"] != SIGN_NAME {
        return Err("SmsSdkAppId or SignName".into());
    }
    let phones = request["PhoneNumberSet"]
        .as_array()
        .ok_or("no PhoneNumberSet")?;
    if phones.len() != 1 || !phones[0].as_str().unwrap_or_default().starts_with("+86") {
        return Err("PhoneNumberSet must be E.164 (+86…)".into());
    }
    if request["TemplateParamSet"].to_string().contains("://") {
        return Err(URL_IN_PARAM.into());
    }
    if !request["TemplateParamSet"]
        .as_array()
        .ok_or("no TemplateParamSet")?
        .iter()
        .all(serde_json::Value::is_string)
    {
        return Err("TemplateParamSet must be strings".into());
    }
    let signed_headers: BTreeMap<String, String> = signed
        .iter()
        .map(|name| ((*name).to_owned(), header(headers, name)))
        .collect();
    let (_, signature) =
        tencent_signature(TENCENT_SECRET_KEY, "sms", timestamp, &signed_headers, body);
    if fields.get("Signature") == Some(&signature.as_str()) {
        Ok(())
    } else {
        Err("signature".into())
    }
}
