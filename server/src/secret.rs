//! The server's secret: the key of the keyed digests (HMAC-SHA256) that
//! keep roster phone numbers out of the database in readable form. It lives
//! outside the database, so a copy of the database alone reveals nothing:
//! `LINLI_SECRET`, or the file `LINLI_SECRET_FILE` (by default `secret.key`
//! in the data directory, created with 32 random bytes on first start).
//! Losing it unlinks uploaded rosters: back it up with the database.

use crate::config::Config;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The shortest `LINLI_SECRET` accepted, in characters.
pub const SECRET_MIN_CHARS: usize = 32;

/// A keyed digest maker, ready to clone per use.
#[derive(Clone)]
pub struct Secret {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// The secret from `key` bytes.
    pub fn from_key(key: &[u8]) -> Result<Secret, String> {
        if key.len() < SECRET_MIN_CHARS {
            return Err(format!(
                "the secret must be at least {SECRET_MIN_CHARS} characters long"
            ));
        }
        let mac = Hmac::<Sha256>::new_from_slice(key).map_err(|e| e.to_string())?;
        Ok(Secret { mac })
    }

    /// The configured secret: `LINLI_SECRET`, else the secret file, created
    /// on first start. The error names what to fix.
    pub fn load(config: &Config) -> Result<Secret, String> {
        if let Some(secret) = &config.secret {
            return Secret::from_key(secret.as_bytes())
                .map_err(|e| format!("environment variable LINLI_SECRET: {e}"));
        }
        let path = &config.secret_file;
        let key = match std::fs::read_to_string(path) {
            Ok(text) => text.trim().to_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_file(path)?,
            Err(e) => {
                return Err(format!(
                    "cannot read the secret file {}: {e}",
                    path.display()
                ));
            }
        };
        Secret::from_key(key.as_bytes())
            .map_err(|e| format!("the secret file {}: {e}", path.display()))
    }

    /// The keyed digest of `value` for `purpose` (so one value digested for
    /// two purposes gives two unrelated digests), as 64 hex digits.
    pub fn digest(&self, purpose: &str, value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

fn create_file(path: &std::path::Path) -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random source: {e}"))?;
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("cannot create the secret file {}: {e}", path.display()))?;
    std::io::Write::write_all(&mut file, format!("{key}\n").as_bytes())
        .map_err(|e| format!("cannot write the secret file {}: {e}", path.display()))?;
    tracing::info!(file = %path.display(), "created the server's secret: back it up with the database");
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_keyed_and_purposed() {
        let a = Secret::from_key(&[1; 32]).unwrap();
        let b = Secret::from_key(&[2; 32]).unwrap();
        assert_eq!(a.digest("roster", "13800000001").len(), 64);
        assert_eq!(
            a.digest("roster", "13800000001"),
            a.digest("roster", "13800000001")
        );
        assert_ne!(
            a.digest("roster", "13800000001"),
            b.digest("roster", "13800000001")
        );
        assert_ne!(
            a.digest("roster", "13800000001"),
            a.digest("code", "13800000001")
        );
        assert!(Secret::from_key(b"short").is_err());
    }

    #[test]
    fn the_file_is_created_once_and_read_after() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("nested/secret.key");
        let config = crate::Config::from_lookup(|name| {
            (name == "LINLI_SECRET_FILE").then(|| file.display().to_string())
        })
        .unwrap();
        let first = Secret::load(&config).unwrap();
        let second = Secret::load(&config).unwrap();
        assert_eq!(first.digest("p", "v"), second.digest("p", "v"));
    }
}
