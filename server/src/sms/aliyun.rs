//! 阿里云短信服务 (Aliyun SMS): the `SendSms` action of the `dysmsapi` API,
//! version `2017-05-25`, signed with Aliyun's V3 request signature
//! (`ACS3-HMAC-SHA256`), as documented in 「V3版本请求体&签名机制」
//! (help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature)
//! and the SendSms reference (help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-2017-05-25-sendsms).
//!
//! The action's parameters travel in the query string of a `POST /` with
//! an empty body. The answer is JSON: `Code` `OK` when the message was
//! taken, else an error code (`isv.BUSINESS_LIMIT_CONTROL` when a number
//! has had too many messages, `isv.MOBILE_NUMBER_ILLEGAL`…).

use super::{
    Credential, SendFuture, Sms, SmsError, SmsFailure, SmsSender, Template, hex, hmac_sha256,
    host_of, http_client, required, sha256_hex, template_id, template_ids, transport,
};
use crate::config::ConfigError;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::collections::BTreeMap;

/// The documented endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://dysmsapi.aliyuncs.com";
/// The API version `SendSms` belongs to.
pub const API_VERSION: &str = "2017-05-25";
/// The signature algorithm's name, first line of the string to sign.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Aliyun's settings.
#[derive(Debug, Clone)]
pub struct AliyunConfig {
    /// `LINLI_ALIYUN_ACCESS_KEY_ID`: a RAM user's AccessKey ID.
    pub access_key_id: String,
    /// `LINLI_ALIYUN_ACCESS_KEY_SECRET`: its secret.
    pub access_key_secret: Credential,
    /// `LINLI_SMS_SIGN_NAME`: the approved signature (签名), e.g. 宁安街道.
    pub sign_name: String,
    /// `LINLI_SMS_TEMPLATE_<NAME>`: approved template codes (`SMS_1234…`).
    pub templates: BTreeMap<Template, String>,
    /// `LINLI_ALIYUN_SMS_ENDPOINT`: [`DEFAULT_ENDPOINT`] unless set (a
    /// regional endpoint, or a stand-in in tests).
    pub endpoint: String,
}

impl AliyunConfig {
    pub(crate) fn from_lookup(
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<AliyunConfig, ConfigError> {
        Ok(AliyunConfig {
            access_key_id: required(var, "LINLI_ALIYUN_ACCESS_KEY_ID")?,
            access_key_secret: Credential(required(var, "LINLI_ALIYUN_ACCESS_KEY_SECRET")?),
            sign_name: required(var, "LINLI_SMS_SIGN_NAME")?,
            templates: template_ids(var)?,
            endpoint: var("LINLI_ALIYUN_SMS_ENDPOINT")
                .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned())
                .trim_end_matches('/')
                .to_owned(),
        })
    }
}

/// Sends through Aliyun's `SendSms`.
#[derive(Debug, Clone)]
pub struct AliyunSender {
    config: AliyunConfig,
    client: reqwest::Client,
}

impl AliyunSender {
    /// A sender with `config`'s credentials.
    pub fn new(config: AliyunConfig) -> AliyunSender {
        AliyunSender {
            config,
            client: http_client(),
        }
    }

    async fn send_sms(&self, sms: &Sms<'_>) -> Result<(), SmsError> {
        let template = template_id(&self.config.templates, sms.template)?;
        let params: serde_json::Map<String, serde_json::Value> = sms
            .template
            .params()
            .iter()
            .zip(sms.params)
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
            .collect();
        let mut query = vec![
            ("PhoneNumbers", sms.phone.to_owned()),
            ("SignName", self.config.sign_name.clone()),
            ("TemplateCode", template.to_owned()),
            (
                "TemplateParam",
                serde_json::Value::Object(params).to_string(),
            ),
        ];
        if let Some(reference) = sms.reference {
            query.push(("OutId", reference.to_string()));
        }
        let host = host_of(&self.config.endpoint).to_owned();
        let request = SignedRequest {
            host,
            query: canonical_query(&query),
            date: crate::db::rfc3339(crate::db::now_ms()),
            nonce: nonce()?,
        };
        let headers = request.headers(&self.config.access_key_id, &self.config.access_key_secret.0);
        let mut call = self
            .client
            .post(format!("{}/?{}", self.config.endpoint, request.query));
        for (name, value) in &headers {
            call = call.header(*name, value);
        }
        let response = call.send().await.map_err(transport)?;
        let status = response.status();
        let body = super::answer_json("Aliyun", response).await?;
        let code = body["Code"].as_str().unwrap_or_default();
        if status.is_success() && code == "OK" {
            return Ok(());
        }
        let detail = format!(
            "Aliyun answered {status} {code}: {} (RequestId {})",
            super::scrub(body["Message"].as_str().unwrap_or_default()),
            body["RequestId"].as_str().unwrap_or_default()
        );
        Err(SmsError::new(classify(code), detail))
    }
}

impl SmsSender for AliyunSender {
    fn send<'a>(&'a self, sms: &'a Sms<'a>) -> SendFuture<'a> {
        Box::pin(self.send_sms(sms))
    }

    fn has_template(&self, template: Template) -> bool {
        self.config.templates.contains_key(&template)
    }
}

/// What an Aliyun error code means for retrying (codes from the SendSms
/// error list: `isv.*_LIMIT_CONTROL` and `Throttling.*` are rate limits).
fn classify(code: &str) -> SmsFailure {
    if code.contains("LIMIT_CONTROL") || code.starts_with("Throttling") {
        SmsFailure::Throttled
    } else if matches!(
        code,
        "isv.MOBILE_NUMBER_ILLEGAL" | "isv.BLACK_KEY_CONTROL_LIMIT" | "isv.PARAM_LENGTH_LIMIT"
    ) {
        SmsFailure::Rejected
    } else {
        SmsFailure::Unavailable
    }
}

/// RFC 3986 unreserved characters stay; everything else is encoded, space
/// as `%20` (the V3 signature's encoding).
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn encode(s: &str) -> String {
    utf8_percent_encode(s, ENCODE).to_string()
}

/// `params` encoded and sorted by name: the canonical query string, sent
/// as it is signed.
pub fn canonical_query(params: &[(&str, String)]) -> String {
    let mut pairs: Vec<(String, String)> =
        params.iter().map(|(k, v)| (encode(k), encode(v))).collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn nonce() -> Result<String, SmsError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| SmsError::new(SmsFailure::Unavailable, e.to_string()))?;
    Ok(hex(&bytes))
}

/// The parts of a `SendSms` call that its signature covers.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    /// The endpoint's host (`dysmsapi.aliyuncs.com`).
    pub host: String,
    /// The canonical query string ([`canonical_query`]).
    pub query: String,
    /// `x-acs-date`: UTC, `2026-12-03T08:30:00Z`.
    pub date: String,
    /// `x-acs-signature-nonce`: random, never reused.
    pub nonce: String,
}

impl SignedRequest {
    /// The request's headers, `Authorization` last, for an empty body.
    pub fn headers(&self, key_id: &str, key_secret: &str) -> Vec<(&'static str, String)> {
        let payload_hash = sha256_hex(b"");
        let mut headers: Vec<(&'static str, String)> = vec![
            ("host", self.host.clone()),
            ("x-acs-action", "SendSms".to_owned()),
            ("x-acs-content-sha256", payload_hash.clone()),
            ("x-acs-date", self.date.clone()),
            ("x-acs-signature-nonce", self.nonce.clone()),
            ("x-acs-version", API_VERSION.to_owned()),
        ];
        // Already in order of name, as the canonical headers must be.
        let canonical_headers: String = headers
            .iter()
            .map(|(name, value)| format!("{name}:{}\n", value.trim()))
            .collect();
        let signed_headers = headers
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(";");
        let canonical_request = format!(
            "POST\n/\n{}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
            self.query
        );
        let string_to_sign = format!("{ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()));
        let signature = hex(&hmac_sha256(
            key_secret.as_bytes(),
            string_to_sign.as_bytes(),
        ));
        headers.push((
            "authorization",
            format!("{ALGORITHM} Credential={key_id},SignedHeaders={signed_headers},Signature={signature}"),
        ));
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_retried_and_bad_numbers_are_not() {
        assert_eq!(
            classify("isv.BUSINESS_LIMIT_CONTROL"),
            SmsFailure::Throttled
        );
        assert_eq!(classify("isv.DAY_LIMIT_CONTROL"), SmsFailure::Throttled);
        assert_eq!(classify("Throttling.User"), SmsFailure::Throttled);
        assert_eq!(classify("isv.MOBILE_NUMBER_ILLEGAL"), SmsFailure::Rejected);
        assert_eq!(classify("SignatureDoesNotMatch"), SmsFailure::Unavailable);
    }

    #[test]
    fn the_query_is_encoded_as_rfc_3986_and_sorted() {
        let query = canonical_query(&[
            ("TemplateParam", r#"{"code":"123 456"}"#.to_owned()),
            ("SignName", "宁安街道".to_owned()),
            ("PhoneNumbers", "13912345678".to_owned()),
        ]);
        assert_eq!(
            query,
            "PhoneNumbers=13912345678&SignName=%E5%AE%81%E5%AE%89%E8%A1%97%E9%81%93\
             &TemplateParam=%7B%22code%22%3A%22123%20456%22%7D"
        );
    }
}
