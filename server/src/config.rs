//! Configuration from environment variables; each one is documented in
//! `.env.sample` at the repository's top.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything the server reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `LINLI_ADDR`: where to listen.
    pub addr: SocketAddr,
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`; by default a SQLite
    /// file in the data directory.
    pub database_url: String,
    /// `LINLI_DATA_DIR`: where the SQLite file lives, created on first start.
    pub data_dir: PathBuf,
    /// `LINLI_DIST_DIR`: the built app (Trunk's output).
    pub dist_dir: PathBuf,
    /// `LINLI_DEMO_DATA`: load the demo street into an empty database.
    pub demo_data: bool,
    /// `LINLI_REQUEST_TIMEOUT_SECS`: the longest a request may take.
    pub request_timeout: Duration,
    /// `LINLI_BODY_LIMIT_BYTES`: the largest request body accepted.
    pub body_limit: usize,
    /// `LINLI_PHOTO_LIMIT_BYTES`: the largest photo upload accepted.
    pub photo_limit: usize,
    /// `LINLI_PHOTO_STORE` (and `AWS_*` for a bucket): where photos are
    /// kept; by default `photos` in the data directory.
    pub photo_store: crate::photo_store::PhotoStoreConfig,
    /// `LINLI_IMPORT_LIMIT_BYTES`: the largest spreadsheet upload accepted
    /// (places ledgers and rosters).
    pub import_limit: usize,
    /// `LINLI_DB_MAX_CONNECTIONS`: the database pool's size.
    pub db_max_connections: u32,
    /// `LINLI_HTTPS`: the portal is served over HTTPS (by a proxy in front),
    /// so browsers are told to keep to HTTPS and cookies are `Secure`.
    pub https: bool,
    /// `LINLI_CLIENT_IP_HEADER`: the header a trusted proxy in front writes
    /// the client's address into (its last value is used). Unset: the TCP
    /// peer, since any client can write such a header itself.
    pub client_ip_header: Option<String>,
    /// `LINLI_SMS_*`, `LINLI_ALIYUN_*`, `LINLI_TENCENT_*`: who sends text
    /// messages, and how.
    pub sms: crate::sms::SmsConfig,
    /// `LINLI_WRITE_LIMIT_PER_MINUTE`: state-changing requests one client
    /// address may make a minute (default 300; see [`crate::throttle`]).
    pub write_limit_per_minute: std::num::NonZeroU32,
    /// `LINLI_SIGN_IN_CODES_PER_CLIENT_HOUR`: sign-in codes one client
    /// address may ask for in an hour (default
    /// [`crate::auth::CODES_PER_CLIENT_HOUR`]); a street whose residents
    /// share one carrier address may need more.
    pub codes_per_client_hour: std::num::NonZeroU32,
    /// `LINLI_METRICS_TOKEN`: the bearer token `GET /metrics` answers to on
    /// the portal's address (at least 16 characters); unset, it is 404 there.
    pub metrics_token: Option<String>,
    /// `LINLI_METRICS_ADDR`: a separate address serving `GET /metrics` to
    /// anyone who reaches it (a private network, a Prometheus next door).
    pub metrics_addr: Option<SocketAddr>,
    /// `LINLI_BACKUP_DIR`: where the server writes scheduled backups of the
    /// SQLite database; unset, it makes none.
    pub backup_dir: Option<PathBuf>,
    /// `LINLI_BACKUP_EVERY_HOURS`: how often (default 24).
    pub backup_every: Duration,
    /// `LINLI_BACKUP_KEEP`: how many scheduled backups to keep (default 7);
    /// older ones are deleted after a new one is complete.
    pub backup_keep: usize,
    /// `LINLI_SECRET`: the server's secret (at least 32 characters); unset,
    /// it is read from `secret_file`.
    pub secret: Option<String>,
    /// `LINLI_SECRET_FILE`: where the secret is kept when `LINLI_SECRET` is
    /// unset, created on first start (`secret.key` in the data directory).
    pub secret_file: PathBuf,
}

/// How configuration is read: a variable's value, if it is set.
pub type Lookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// A variable that is set but cannot be used.
#[derive(Debug)]
pub struct ConfigError {
    /// The variable's name.
    pub var: &'static str,
    /// What is wrong with it.
    pub problem: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "environment variable {}: {}", self.var, self.problem)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, so tests need not touch the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let lookup: &Lookup<'_> = &lookup;
        let data_dir = PathBuf::from(lookup("LINLI_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = lookup("DATABASE_URL")
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| {
                format!("sqlite://{}?mode=rwc", data_dir.join("linli.db").display())
            });
        Ok(Config {
            addr: parse(lookup, "LINLI_ADDR", "127.0.0.1:8080")?,
            database_url,
            dist_dir: PathBuf::from(lookup("LINLI_DIST_DIR").unwrap_or_else(|| "dist".into())),
            demo_data: flag(lookup, "LINLI_DEMO_DATA")?,
            request_timeout: Duration::from_secs(parse(
                lookup,
                "LINLI_REQUEST_TIMEOUT_SECS",
                "30",
            )?),
            body_limit: parse(lookup, "LINLI_BODY_LIMIT_BYTES", "65536")?,
            photo_limit: parse(lookup, "LINLI_PHOTO_LIMIT_BYTES", "10485760")?,
            photo_store: crate::photo_store::PhotoStoreConfig::from_lookup(lookup, &data_dir)?,
            import_limit: parse(
                lookup,
                "LINLI_IMPORT_LIMIT_BYTES",
                &api_types::imports::IMPORT_LIMIT_BYTES.to_string(),
            )?,
            db_max_connections: parse(lookup, "LINLI_DB_MAX_CONNECTIONS", "8")?,
            https: flag(lookup, "LINLI_HTTPS")?,
            client_ip_header: lookup("LINLI_CLIENT_IP_HEADER")
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty()),
            sms: crate::sms::SmsConfig::from_lookup(lookup, &data_dir)?,
            write_limit_per_minute: parse(lookup, "LINLI_WRITE_LIMIT_PER_MINUTE", "300")?,
            codes_per_client_hour: parse(
                lookup,
                "LINLI_SIGN_IN_CODES_PER_CLIENT_HOUR",
                &crate::auth::CODES_PER_CLIENT_HOUR.to_string(),
            )?,
            metrics_token: match lookup("LINLI_METRICS_TOKEN").map(|t| t.trim().to_owned()) {
                None => None,
                Some(t) if t.is_empty() => None,
                Some(t) if t.chars().count() >= 16 => Some(t),
                Some(_) => {
                    return Err(ConfigError {
                        var: "LINLI_METRICS_TOKEN",
                        problem: "must be at least 16 characters (e.g. `openssl rand -hex 16`)"
                            .into(),
                    });
                }
            },
            metrics_addr: match lookup("LINLI_METRICS_ADDR").filter(|a| !a.trim().is_empty()) {
                None => None,
                Some(_) => Some(parse(lookup, "LINLI_METRICS_ADDR", "")?),
            },
            backup_dir: lookup("LINLI_BACKUP_DIR")
                .filter(|d| !d.trim().is_empty())
                .map(PathBuf::from),
            backup_every: Duration::from_secs(
                3600 * parse::<u64>(lookup, "LINLI_BACKUP_EVERY_HOURS", "24")?.max(1),
            ),
            backup_keep: parse::<usize>(lookup, "LINLI_BACKUP_KEEP", "7")?.max(1),
            secret: lookup("LINLI_SECRET").filter(|s| !s.trim().is_empty()),
            secret_file: lookup("LINLI_SECRET_FILE")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("secret.key")),
            data_dir,
        })
    }

    /// Whether the database is the embedded SQLite one.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

fn parse<T: std::str::FromStr>(
    lookup: &Lookup<'_>,
    var: &'static str,
    default: &str,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    let raw = lookup(var).unwrap_or_else(|| default.to_owned());
    raw.trim().parse().map_err(|e: T::Err| ConfigError {
        var,
        problem: format!("{raw:?} is not valid: {e}"),
    })
}

/// A yes/no variable: `1`/`true` or `0`/`false`, unset meaning no.
pub(crate) fn flag(lookup: &Lookup<'_>, var: &'static str) -> Result<bool, ConfigError> {
    match lookup(var).as_deref().map(str::trim) {
        None | Some("") | Some("0") | Some("false") => Ok(false),
        Some("1") | Some("true") => Ok(true),
        Some(other) => Err(ConfigError {
            var,
            problem: format!("{other:?} is not one of 1, 0, true, false"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_environment() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(config.database_url, "sqlite://data/linli.db?mode=rwc");
        assert!(config.is_sqlite());
        assert!(!config.demo_data);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = Config::from_lookup(|name| (name == "LINLI_ADDR").then(|| "nowhere".into()))
            .unwrap_err();
        assert_eq!(err.var, "LINLI_ADDR");
        let err = Config::from_lookup(|name| (name == "LINLI_DEMO_DATA").then(|| "yes".into()))
            .unwrap_err();
        assert_eq!(err.var, "LINLI_DEMO_DATA");
    }
}
