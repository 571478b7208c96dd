//! 腾讯云短信 (Tencent Cloud SMS): the `SendSms` action, API version
//! `2021-01-11`, signed with `TC3-HMAC-SHA256` as documented in 「签名方法
//! v3」 (cloud.tencent.com/document/api/382/52072) and the SendSms
//! reference (cloud.tencent.com/document/api/382/55981).
//!
//! The call is a `POST /` with a JSON body. Tencent answers HTTP 200 in
//! every case: a failure of the whole call is `Response.Error`
//! (`AuthFailure.SignatureFailure`, `RequestLimitExceeded`…), the fate of
//! each number is `Response.SendStatusSet[].Code` (`Ok`, or
//! `LimitExceeded.PhoneNumberDailyLimit`…).

use super::{
    Credential, SendFuture, Sms, SmsError, SmsFailure, SmsSender, Template, hex, hmac_sha256,
    host_of, http_client, required, sha256_hex, template_id, template_ids, transport,
};
use crate::config::ConfigError;
use std::collections::BTreeMap;

/// The documented endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://sms.tencentcloudapi.com";
/// The API version `SendSms` belongs to.
pub const API_VERSION: &str = "2021-01-11";
/// The service name in the credential scope.
pub const SERVICE: &str = "sms";
/// The content type the signature covers.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// Tencent's settings.
#[derive(Debug, Clone)]
pub struct TencentConfig {
    /// `LINLI_TENCENT_SECRET_ID`: a CAM key's SecretId.
    pub secret_id: String,
    /// `LINLI_TENCENT_SECRET_KEY`: its SecretKey.
    pub secret_key: Credential,
    /// `LINLI_TENCENT_SMS_SDK_APP_ID`: the SMS application's SdkAppId.
    pub sdk_app_id: String,
    /// `LINLI_SMS_SIGN_NAME`: the approved signature (签名内容).
    pub sign_name: String,
    /// `LINLI_SMS_TEMPLATE_<NAME>`: approved template ids (numbers).
    pub templates: BTreeMap<Template, String>,
    /// `LINLI_TENCENT_SMS_REGION`: `ap-guangzhou` unless set.
    pub region: String,
    /// `LINLI_TENCENT_SMS_ENDPOINT`: [`DEFAULT_ENDPOINT`] unless set.
    pub endpoint: String,
}

impl TencentConfig {
    pub(crate) fn from_lookup(
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<TencentConfig, ConfigError> {
        Ok(TencentConfig {
            secret_id: required(var, "LINLI_TENCENT_SECRET_ID")?,
            secret_key: Credential(required(var, "LINLI_TENCENT_SECRET_KEY")?),
            sdk_app_id: required(var, "LINLI_TENCENT_SMS_SDK_APP_ID")?,
            sign_name: required(var, "LINLI_SMS_SIGN_NAME")?,
            templates: template_ids(var)?,
            region: var("LINLI_TENCENT_SMS_REGION").unwrap_or_else(|| "ap-guangzhou".to_owned()),
            endpoint: var("LINLI_TENCENT_SMS_ENDPOINT")
                .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned())
                .trim_end_matches('/')
                .to_owned(),
        })
    }
}

/// Sends through Tencent Cloud's `SendSms`.
#[derive(Debug, Clone)]
pub struct TencentSender {
    config: TencentConfig,
    client: reqwest::Client,
}

impl TencentSender {
    /// A sender with `config`'s credentials.
    pub fn new(config: TencentConfig) -> TencentSender {
        TencentSender {
            config,
            client: http_client(),
        }
    }

    async fn send_sms(&self, sms: &Sms<'_>) -> Result<(), SmsError> {
        let template = template_id(&self.config.templates, sms.template)?;
        let mut body = serde_json::json!({
            "PhoneNumberSet": [format!("+86{}", sms.phone)],
            "SmsSdkAppId": self.config.sdk_app_id,
            "SignName": self.config.sign_name,
            "TemplateId": template,
            "TemplateParamSet": sms.params,
        });
        if let Some(reference) = sms.reference {
            body["SessionContext"] = reference.to_string().into();
        }
        let payload = body.to_string();
        let host = host_of(&self.config.endpoint).to_owned();
        let timestamp = crate::db::now_ms() / 1000;
        let authorization = authorization(
            &self.config.secret_id,
            &self.config.secret_key.0,
            &host,
            "SendSms",
            timestamp,
            &payload,
        );
        let response = self
            .client
            .post(format!("{}/", self.config.endpoint))
            .header("authorization", authorization)
            .header("content-type", CONTENT_TYPE)
            .header("host", host)
            .header("x-tc-action", "SendSms")
            .header("x-tc-timestamp", timestamp.to_string())
            .header("x-tc-version", API_VERSION)
            .header("x-tc-region", &self.config.region)
            .body(payload)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let answer = super::answer_json("Tencent", response).await?;
        let answer = &answer["Response"];
        let request_id = answer["RequestId"].as_str().unwrap_or_default();
        if let Some(code) = answer["Error"]["Code"].as_str() {
            return Err(SmsError::new(
                classify(code),
                format!(
                    "Tencent answered {status} {code}: {} (RequestId {request_id})",
                    super::scrub(answer["Error"]["Message"].as_str().unwrap_or_default())
                ),
            ));
        }
        let sent = &answer["SendStatusSet"][0];
        match sent["Code"].as_str() {
            Some("Ok") if status.is_success() => Ok(()),
            code => {
                let code = code.unwrap_or("no SendStatusSet");
                Err(SmsError::new(
                    classify(code),
                    format!(
                        "Tencent answered {status} {code}: {} (RequestId {request_id})",
                        super::scrub(sent["Message"].as_str().unwrap_or_default())
                    ),
                ))
            }
        }
    }
}

impl SmsSender for TencentSender {
    fn send<'a>(&'a self, sms: &'a Sms<'a>) -> SendFuture<'a> {
        Box::pin(self.send_sms(sms))
    }

    fn has_template(&self, template: Template) -> bool {
        self.config.templates.contains_key(&template)
    }
}

/// What a Tencent error code means for retrying (codes from the SendSms
/// error list and the common errors).
fn classify(code: &str) -> SmsFailure {
    if code.starts_with("LimitExceeded") || code.starts_with("RequestLimitExceeded") {
        SmsFailure::Throttled
    } else if matches!(
        code,
        "InvalidParameterValue.IncorrectPhoneNumber"
            | "FailedOperation.PhoneNumberInBlacklist"
            | "FailedOperation.ContainSensitiveWord"
            | "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter"
    ) {
        SmsFailure::Rejected
    } else {
        SmsFailure::Unavailable
    }
}

/// The `Authorization` header of a call to `action` at `host` with the
/// JSON `payload` at `timestamp` (Unix seconds): signed headers
/// `content-type;host;x-tc-action`, the credential scope
/// `{UTC date}/sms/tc3_request`.
pub fn authorization(
    secret_id: &str,
    secret_key: &str,
    host: &str,
    action: &str,
    timestamp: i64,
    payload: &str,
) -> String {
    let date = &crate::db::rfc3339(timestamp * 1000)[..10];
    let signed_headers = "content-type;host;x-tc-action";
    let canonical_request = format!(
        "POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{host}\nx-tc-action:{}\n\n{signed_headers}\n{}",
        action.to_ascii_lowercase(),
        sha256_hex(payload.as_bytes())
    );
    let scope = format!("{date}/{SERVICE}/tc3_request");
    let string_to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let secret_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let secret_service = hmac_sha256(&secret_date, SERVICE.as_bytes());
    let secret_signing = hmac_sha256(&secret_service, b"tc3_request");
    let signature = hex(&hmac_sha256(&secret_signing, string_to_sign.as_bytes()));
    format!(
        "TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_retried_and_bad_numbers_are_not() {
        assert_eq!(
            classify("LimitExceeded.PhoneNumberDailyLimit"),
            SmsFailure::Throttled
        );
        assert_eq!(classify("RequestLimitExceeded"), SmsFailure::Throttled);
        assert_eq!(
            classify("InvalidParameterValue.IncorrectPhoneNumber"),
            SmsFailure::Rejected
        );
        assert_eq!(
            classify("AuthFailure.SignatureFailure"),
            SmsFailure::Unavailable
        );
    }
}
