//! Sending sign-in codes. Callers see only [`SmsSender`]; a real SMS
//! provider is one more implementation, chosen in `main.rs`, without
//! touching them.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

/// A failure to hand a message to the gateway.
#[derive(Debug)]
pub struct SmsError(pub String);

impl std::fmt::Display for SmsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not send the SMS: {}", self.0)
    }
}

impl std::error::Error for SmsError {}

/// The future a sender returns.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SmsError>> + Send + 'a>>;

/// Delivers sign-in codes and notices to phones.
pub trait SmsSender: Send + Sync + std::fmt::Debug {
    /// Sends `code` to `phone`.
    fn send_code<'a>(&'a self, phone: &'a str, code: &'a str) -> SendFuture<'a>;

    /// Sends the notice `template` with its `params` to `phone` (providers
    /// in China send only registered templates: `role_invitation` with
    /// `role`, `place` and `link`).
    fn send_notice<'a>(
        &'a self,
        phone: &'a str,
        template: &'a str,
        params: &'a [(&'a str, String)],
    ) -> SendFuture<'a>;
}

/// The development sender: appends each message as a JSON line to an
/// outbox file (by default `data/sms-outbox.jsonl`), where a developer or a
/// test reads the code. The server log only says a code went there: logs
/// carry no codes.
#[derive(Debug, Clone)]
pub struct OutboxSender {
    path: PathBuf,
}

impl OutboxSender {
    /// A sender writing to `path`.
    pub fn new(path: PathBuf) -> OutboxSender {
        OutboxSender { path }
    }
}

impl OutboxSender {
    /// Appends `message` as one JSON line.
    async fn append(&self, message: serde_json::Value) -> Result<(), SmsError> {
        use tokio::io::AsyncWriteExt;
        let line = message.to_string() + "\n";
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await
            .map_err(|e| SmsError(format!("{}: {e}", self.path.display())))?;
        // tokio writes in the background: flush, or the line may be lost.
        file.write_all(line.as_bytes())
            .await
            .map_err(|e| SmsError(e.to_string()))?;
        file.flush().await.map_err(|e| SmsError(e.to_string()))
    }
}

impl SmsSender for OutboxSender {
    fn send_notice<'a>(
        &'a self,
        phone: &'a str,
        template: &'a str,
        params: &'a [(&'a str, String)],
    ) -> SendFuture<'a> {
        Box::pin(async move {
            let params: serde_json::Map<String, serde_json::Value> = params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
                .collect();
            self.append(
                serde_json::json!({ "phone": phone, "template": template, "params": params }),
            )
            .await?;
            tracing::info!(
                phone = %api_types::identity::mask_phone(phone),
                template,
                outbox = %self.path.display(),
                "notice written to the development SMS outbox"
            );
            Ok(())
        })
    }

    fn send_code<'a>(&'a self, phone: &'a str, code: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            self.append(serde_json::json!({ "phone": phone, "code": code }))
                .await?;
            tracing::info!(
                phone = %api_types::identity::mask_phone(phone),
                outbox = %self.path.display(),
                "sign-in code written to the development SMS outbox"
            );
            Ok(())
        })
    }
}
