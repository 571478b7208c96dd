//! The database: embedded SQLite by default, PostgreSQL when `DATABASE_URL`
//! points at one. One code path serves both through sqlx's `Any` driver; the
//! SQL is written in the dialect both accept (`$1` parameters, `RETURNING`,
//! `ON CONFLICT`), and only the migrations differ per engine.

use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The embedded default.
    Sqlite,
    /// For deployments that outgrow one machine.
    Postgres,
}

/// The connection pool and the engine it talks to.
#[derive(Debug, Clone)]
pub struct Db {
    /// The pool every query runs on.
    pub pool: AnyPool,
    /// The engine behind it.
    pub engine: Engine,
}

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`) and applies the
    /// embedded migrations of that engine.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, sqlx::Error> {
        install_default_drivers();
        let engine = if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Engine::Postgres
        } else {
            return Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite: or postgres:".into(),
            ));
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // WAL lets readers work while one writer commits;
                        // FULL sync so a power cut loses no confirmed report.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        let migrator = match engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await?;
        Ok(Db { pool, engine })
    }

    /// Begins a transaction that will write. On SQLite it begins
    /// `IMMEDIATE`, taking the one writer's lock before its first read:
    /// a deferred transaction that reads and then writes fails at once with
    /// `SQLITE_BUSY` (the busy timeout cannot help it) when another writer
    /// committed in between, whereas an immediate one waits its turn for up
    /// to the busy timeout (SQLite's documentation, "BEGIN TRANSACTION" and
    /// "isolation"). On PostgreSQL it is an ordinary `READ COMMITTED`
    /// transaction; what must not interleave there takes a row lock or
    /// [`serialize_on`].
    ///
    /// Every function that writes more than one statement goes through
    /// here, so an act and what it causes (its notices, its audit line, its
    /// idempotency key) commit together or not at all.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => self.pool.begin().await,
        }
    }

    /// Whether the database answers a trivial query.
    pub async fn is_reachable(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// Makes the rest of the transaction `tx` run one at a time among the
/// transactions that name the same `what` (e.g. `"sign-in:13800000001"`),
/// for a rule no unique index can hold, such as "five codes an hour".
/// PostgreSQL: a transaction-scoped advisory lock on a 64-bit digest of
/// `what`, released at commit or rollback. SQLite: nothing to do, since a
/// transaction from [`Db::begin_write`] already holds the only writer's lock.
pub async fn serialize_on(
    engine: Engine,
    tx: &mut AnyConnection,
    what: &str,
) -> Result<(), sqlx::Error> {
    if engine == Engine::Postgres {
        let digest = Sha256::digest(what.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        // The lock's own `void` has no type in sqlx's Any driver: select 1.
        sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS locked")
            .bind(i64::from_be_bytes(first))
            .execute(tx)
            .await?;
    }
    Ok(())
}

/// Now, as stored: Unix milliseconds, UTC.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A stored time as the API writes it: RFC 3339 in UTC, to the second
/// (`2026-11-21T08:30:00Z`).
pub fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, day_secs) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        day_secs / 3600,
        day_secs % 3600 / 60,
        day_secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_249_800_000), "2026-11-21T08:30:00Z");
        assert_eq!(rfc3339(951_782_400_999), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1000), "1969-12-31T23:59:59Z");
    }
}
