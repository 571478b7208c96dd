//! Text messages to phones: sign-in codes and notices. Callers see only
//! [`SmsSender`]; `LINLI_SMS_PROVIDER` chooses the implementation:
//! [`aliyun::AliyunSender`] (阿里云短信 `SendSms`),
//! [`tencent::TencentSender`] (腾讯云短信 `SendSms`) or the development
//! [`OutboxSender`], which writes messages to a file.
//!
//! Providers in mainland China deliver only templates registered and
//! approved in their console, under an approved signature (签名). Each
//! [`Template`] is one such template; its id is configured per provider
//! with `LINLI_SMS_TEMPLATE_<NAME>`, and `.env.sample` gives the text to
//! register for it.

pub mod aliyun;
pub mod tencent;

use crate::config::{ConfigError, Lookup};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The messages Linli sends, each a template registered with the provider.
/// The parameters are named for Aliyun (`${code}`) and taken in this order
/// for Tencent (`{1}`, `{2}`…). None is a link: Tencent refuses URLs in
/// template variables (`InvalidParameterValue.ProhibitedUseUrlInTemplateParameter`),
/// so the portal's address is part of the registered text, with at most a
/// record's number as a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Template {
    /// A sign-in code: `code` (six digits, valid five minutes).
    SignInCode,
    /// A role is waiting for someone who has never signed in: `place`,
    /// `role`.
    RoleInvitation,
    /// The day's notices beyond the daily limit, folded into one message:
    /// `count`.
    NoticeDigest,
    /// An affair the person filed was taken on, passed on or handed back:
    /// `title`, `id` (the affair's).
    AffairMoved,
    /// An affair the person filed was resolved and waits for their rating:
    /// `title`, `id`.
    AffairResolved,
    /// An affair came to the handler's queue or was assigned to them:
    /// `title`, `id`.
    QueueNew,
    /// A volunteer place the person claimed starts within a day: `title`
    /// and `id` of the post.
    SlotReminder,
    /// An affair the handler holds went past its deadline: `title`, `id`.
    AffairOverdue,
    /// A consultation the person took part in opened its vote: `title`,
    /// `id` (the consultation's).
    VotingOpen,
}

impl Template {
    /// Every template, in the order `.env.sample` lists them.
    pub const ALL: [Template; 9] = [
        Template::SignInCode,
        Template::RoleInvitation,
        Template::NoticeDigest,
        Template::AffairMoved,
        Template::AffairResolved,
        Template::QueueNew,
        Template::SlotReminder,
        Template::AffairOverdue,
        Template::VotingOpen,
    ];

    /// The name in configuration (`LINLI_SMS_TEMPLATE_` + upper case) and
    /// in the queue table.
    pub fn name(self) -> &'static str {
        match self {
            Template::SignInCode => "sign_in_code",
            Template::RoleInvitation => "role_invitation",
            Template::NoticeDigest => "notice_digest",
            Template::AffairMoved => "affair_moved",
            Template::AffairResolved => "affair_resolved",
            Template::QueueNew => "queue_new",
            Template::SlotReminder => "slot_reminder",
            Template::AffairOverdue => "affair_overdue",
            Template::VotingOpen => "voting_open",
        }
    }

    /// The template called `name`, as [`Template::name`] writes it.
    pub fn parse(name: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The parameters' names, in the order Tencent numbers them.
    pub fn params(self) -> &'static [&'static str] {
        match self {
            Template::SignInCode => &["code"],
            Template::RoleInvitation => &["place", "role"],
            Template::NoticeDigest => &["count"],
            Template::AffairMoved
            | Template::AffairResolved
            | Template::QueueNew
            | Template::SlotReminder
            | Template::AffairOverdue
            | Template::VotingOpen => &["title", "id"],
        }
    }

    /// The template that carries notices of `kind`.
    pub fn for_notice(kind: api_types::sms::SmsNotice) -> Template {
        use api_types::sms::SmsNotice;
        match kind {
            SmsNotice::AffairMoved => Template::AffairMoved,
            SmsNotice::AffairResolved => Template::AffairResolved,
            SmsNotice::QueueNew => Template::QueueNew,
            SmsNotice::SlotReminder => Template::SlotReminder,
            SmsNotice::AffairOverdue => Template::AffairOverdue,
            SmsNotice::VotingOpen => Template::VotingOpen,
        }
    }

    fn variable(self) -> String {
        format!("LINLI_SMS_TEMPLATE_{}", self.name().to_ascii_uppercase())
    }
}

/// One message: a template and its parameters for a mainland mobile number.
#[derive(Debug, Clone)]
pub struct Sms<'a> {
    /// An 11-digit mainland number as Linli stores it (`13912345678`).
    pub phone: &'a str,
    /// Which registered template.
    pub template: Template,
    /// Values for [`Template::params`], in that order.
    pub params: &'a [String],
    /// Linli's reference, handed to the provider (Aliyun `OutId`, Tencent
    /// `SessionContext`) so its delivery reports can be matched: the
    /// delivery's id in the queue.
    pub reference: Option<i64>,
}

/// Why a message was not taken by the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsFailure {
    /// The provider's rate limits (per number, per day, per account):
    /// worth trying again later.
    Throttled,
    /// This message can never be sent as it is (the number is not a
    /// mobile number, or is on the provider's blacklist): not retried.
    Rejected,
    /// Anything else: the provider unreachable or failing, credentials or
    /// templates not accepted. Retried; the log says which.
    Unavailable,
}

/// A failure to hand a message to the provider.
#[derive(Debug, Clone)]
pub struct SmsError {
    /// What kind of failure, which decides whether to retry.
    pub failure: SmsFailure,
    /// The provider's code and message, or the transport's error, for the log.
    pub detail: String,
}

impl SmsError {
    /// A failure of `failure`'s kind.
    pub fn new(failure: SmsFailure, detail: impl Into<String>) -> SmsError {
        SmsError {
            failure,
            detail: detail.into(),
        }
    }
}

impl std::fmt::Display for SmsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "could not send the SMS ({:?}): {}",
            self.failure, self.detail
        )
    }
}

impl std::error::Error for SmsError {}

/// The future a sender returns.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SmsError>> + Send + 'a>>;

/// Delivers messages to phones.
pub trait SmsSender: Send + Sync + std::fmt::Debug {
    /// Hands `sms` to the provider; `Ok` once the provider has taken it.
    fn send<'a>(&'a self, sms: &'a Sms<'a>) -> SendFuture<'a>;

    /// Whether a template id is configured for `template`: a notice
    /// without one stays in the app.
    fn has_template(&self, template: Template) -> bool;
}

/// Which sender `LINLI_SMS_PROVIDER` chose, with its settings.
#[derive(Debug, Clone)]
pub enum Provider {
    /// `outbox` (the default): [`OutboxSender`], for development and demos.
    Outbox(PathBuf),
    /// `aliyun`: 阿里云短信服务.
    Aliyun(aliyun::AliyunConfig),
    /// `tencent`: 腾讯云短信.
    Tencent(tencent::TencentConfig),
}

/// The SMS settings from the environment (see `.env.sample`).
#[derive(Debug, Clone)]
pub struct SmsConfig {
    /// The provider and its credentials.
    pub provider: Provider,
    /// `LINLI_ALLOW_OUTBOX`: serve with the outbox sender although the
    /// demo street is not loaded (a trial server nobody relies on).
    pub allow_outbox: bool,
    /// `LINLI_SMS_RETRY_SECS`: the first wait before a failed notice is
    /// tried again; each later wait is four times the one before.
    pub retry_base: Duration,
    /// `LINLI_SMS_QUIET_HOURS`: China-time hours (`21-8`) in which notices
    /// that are not urgent wait for the morning; `off` for none.
    pub quiet_hours: Option<(u8, u8)>,
}

impl SmsConfig {
    /// Reads the SMS settings; the error names the variable to fix.
    pub fn from_lookup(
        lookup: &Lookup<'_>,
        data_dir: &std::path::Path,
    ) -> Result<SmsConfig, ConfigError> {
        let var = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let provider = match var("LINLI_SMS_PROVIDER").as_deref() {
            None | Some("outbox") => Provider::Outbox(
                var("LINLI_SMS_OUTBOX")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| data_dir.join("sms-outbox.jsonl")),
            ),
            Some("aliyun") => Provider::Aliyun(aliyun::AliyunConfig::from_lookup(&var)?),
            Some("tencent") => Provider::Tencent(tencent::TencentConfig::from_lookup(&var)?),
            Some(other) => {
                return Err(ConfigError {
                    var: "LINLI_SMS_PROVIDER",
                    problem: format!("{other:?} is not one of aliyun, tencent, outbox"),
                });
            }
        };
        let retry_secs: u64 = match var("LINLI_SMS_RETRY_SECS") {
            None => 30,
            Some(raw) => raw
                .parse()
                .ok()
                .filter(|s| *s > 0)
                .ok_or_else(|| ConfigError {
                    var: "LINLI_SMS_RETRY_SECS",
                    problem: format!("{raw:?} is not a whole number of seconds above 0"),
                })?,
        };
        Ok(SmsConfig {
            provider,
            allow_outbox: crate::config::flag(lookup, "LINLI_ALLOW_OUTBOX")?,
            retry_base: Duration::from_secs(retry_secs),
            quiet_hours: quiet_hours(var("LINLI_SMS_QUIET_HOURS").as_deref())?,
        })
    }

    /// The sender these settings describe.
    pub fn sender(&self) -> Arc<dyn SmsSender> {
        match &self.provider {
            Provider::Outbox(path) => Arc::new(OutboxSender::new(path.clone())),
            Provider::Aliyun(config) => Arc::new(aliyun::AliyunSender::new(config.clone())),
            Provider::Tencent(config) => Arc::new(tencent::TencentSender::new(config.clone())),
        }
    }

    /// Refuses the development sender on a server that is not a demo: codes
    /// would be written to a file there and nobody could sign in.
    pub fn check_production(&self, demo_data: bool) -> Result<(), String> {
        if matches!(self.provider, Provider::Outbox(_)) && !demo_data && !self.allow_outbox {
            return Err(
                "LINLI_SMS_PROVIDER is outbox (the default), which writes sign-in codes \
                 to a file on this server instead of sending them, so nobody could sign in. \
                 Set LINLI_SMS_PROVIDER=aliyun or tencent with its credentials (see \
                 .env.sample), or LINLI_ALLOW_OUTBOX=1 for a trial server."
                    .into(),
            );
        }
        Ok(())
    }
}

fn quiet_hours(raw: Option<&str>) -> Result<Option<(u8, u8)>, ConfigError> {
    let bad = |raw: &str| ConfigError {
        var: "LINLI_SMS_QUIET_HOURS",
        problem: format!("{raw:?} is not `off` or two China-time hours such as 21-8"),
    };
    match raw {
        None => Ok(Some((21, 8))),
        Some("off") => Ok(None),
        Some(raw) => {
            let (from, to) = raw.split_once('-').ok_or_else(|| bad(raw))?;
            let hour = |h: &str| h.trim().parse::<u8>().ok().filter(|h| *h < 24);
            match (hour(from), hour(to)) {
                (Some(from), Some(to)) if from != to => Ok(Some((from, to))),
                _ => Err(bad(raw)),
            }
        }
    }
}

/// Template ids from `LINLI_SMS_TEMPLATE_<NAME>`; the sign-in code's is
/// required, a notice without one stays in the app.
pub(crate) fn template_ids(
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<std::collections::BTreeMap<Template, String>, ConfigError> {
    let ids: std::collections::BTreeMap<Template, String> = Template::ALL
        .into_iter()
        .filter_map(|t| var(&t.variable()).map(|id| (t, id)))
        .collect();
    if !ids.contains_key(&Template::SignInCode) {
        return Err(ConfigError {
            var: "LINLI_SMS_TEMPLATE_SIGN_IN_CODE",
            problem: "the provider's template id for sign-in codes is required".into(),
        });
    }
    Ok(ids)
}

/// The provider's id for `template`, from `templates`; unavailable (and
/// retried, the log naming the variable) when none is configured.
pub(crate) fn template_id(
    templates: &std::collections::BTreeMap<Template, String>,
    template: Template,
) -> Result<&str, SmsError> {
    templates.get(&template).map(String::as_str).ok_or_else(|| {
        SmsError::new(
            SmsFailure::Unavailable,
            format!("no {} is configured", template.variable()),
        )
    })
}

/// The host (and port) of an endpoint such as `https://sms.tencentcloudapi.com`.
pub(crate) fn host_of(endpoint: &str) -> &str {
    endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest)
}

/// A variable a provider cannot work without.
pub(crate) fn required(
    var: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<String, ConfigError> {
    var(name).ok_or(ConfigError {
        var: name,
        problem: "required by the chosen LINLI_SMS_PROVIDER".into(),
    })
}

/// The HTTP client of the provider adapters: rustls, a 10-second limit on
/// each call, so a stalled provider holds nothing for long.
pub(crate) fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default()
}

/// A transport failure: retried as [`SmsFailure::Unavailable`]. Its URL
/// is left out: Aliyun's carries the number and the parameters.
pub(crate) fn transport(err: reqwest::Error) -> SmsError {
    SmsError::new(SmsFailure::Unavailable, err.without_url().to_string())
}

/// A provider's message made fit for logs and the queue table: cut before
/// an echoed string to sign (Aliyun's `SignatureDoesNotMatch` quotes it),
/// every run of six or more digits (a number, a code) masked, at most 160
/// characters.
pub(crate) fn scrub(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let end = ["string to sign", "stringtosign"]
        .iter()
        .filter_map(|marker| lower.find(marker))
        .min()
        .unwrap_or(text.len());
    let mut out = String::new();
    let mut digits = String::new();
    for c in text[..end].chars().take(160) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        out.push_str(if digits.len() >= 6 { "…" } else { &digits });
        digits.clear();
        out.push(c);
    }
    out.push_str(if digits.len() >= 6 { "…" } else { &digits });
    out
}

/// The JSON of a provider's answer; an answer that is not JSON (a proxy's
/// error page, a 503 from a load balancer) is a failure to retry, named
/// with its status.
pub(crate) async fn answer_json(
    provider: &str,
    response: reqwest::Response,
) -> Result<serde_json::Value, SmsError> {
    let status = response.status();
    let text = response.text().await.map_err(transport)?;
    serde_json::from_str(&text).map_err(|_| {
        SmsError::new(
            SmsFailure::Unavailable,
            format!(
                "{provider} answered {status} without JSON: {}",
                scrub(&text)
            ),
        )
    })
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lower-case hex of SHA-256 of `data`.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length: `new_from_slice` cannot fail here.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// A credential kept out of `Debug` output and logs.
#[derive(Clone)]
pub struct Credential(pub String);

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credential(…)")
    }
}

/// The development sender: appends each message as a JSON line to an
/// outbox file (by default `data/sms-outbox.jsonl`), where a developer or a
/// test reads it; a sign-in code also as `code`. The server log only says
/// a message went there: logs carry no codes.
#[derive(Debug, Clone)]
pub struct OutboxSender {
    path: PathBuf,
}

impl OutboxSender {
    /// A sender writing to `path`.
    pub fn new(path: PathBuf) -> OutboxSender {
        OutboxSender { path }
    }

    /// Appends `message` as one JSON line.
    async fn append(&self, message: serde_json::Value) -> Result<(), SmsError> {
        use tokio::io::AsyncWriteExt;
        let failed = |e: std::io::Error| {
            SmsError::new(
                SmsFailure::Unavailable,
                format!("{}: {e}", self.path.display()),
            )
        };
        let line = message.to_string() + "\n";
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await
            .map_err(failed)?;
        // tokio writes in the background: flush, or the line may be lost.
        file.write_all(line.as_bytes()).await.map_err(failed)?;
        file.flush().await.map_err(failed)
    }
}

impl SmsSender for OutboxSender {
    fn send<'a>(&'a self, sms: &'a Sms<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            let params: serde_json::Map<String, serde_json::Value> = sms
                .template
                .params()
                .iter()
                .zip(sms.params)
                .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
                .collect();
            let mut line = serde_json::json!({
                "phone": sms.phone,
                "template": sms.template.name(),
                "params": params,
                "reference": sms.reference,
            });
            if sms.template == Template::SignInCode {
                line["code"] = params.get("code").cloned().unwrap_or_default();
            }
            self.append(line).await?;
            tracing::info!(
                phone = %api_types::identity::mask_phone(sms.phone),
                template = sms.template.name(),
                outbox = %self.path.display(),
                "message written to the development SMS outbox"
            );
            Ok(())
        })
    }

    fn has_template(&self, _: Template) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_are_two_hours_or_off() {
        assert_eq!(quiet_hours(None).unwrap(), Some((21, 8)));
        assert_eq!(quiet_hours(Some("22-7")).unwrap(), Some((22, 7)));
        assert_eq!(quiet_hours(Some("off")).unwrap(), None);
        for bad in ["21", "25-8", "8-8", "night"] {
            assert_eq!(
                quiet_hours(Some(bad)).unwrap_err().var,
                "LINLI_SMS_QUIET_HOURS"
            );
        }
    }

    #[test]
    fn provider_messages_lose_numbers_and_echoed_strings() {
        assert_eq!(
            scrub(
                "Specified signature does not match. server StringToSign is [POST&%2F&PhoneNumbers%3D13912345678]"
            ),
            "Specified signature does not match. server "
        );
        assert_eq!(
            scrub("invalid number +8613912345678 (code 482913)"),
            "invalid number +… (code …)"
        );
        assert_eq!(scrub("RequestId 1234"), "RequestId 1234");
    }

    #[test]
    fn template_names_round_trip() {
        for t in Template::ALL {
            assert_eq!(Template::parse(t.name()), Some(t));
        }
    }
}
