//! Backups of the embedded SQLite database, taken while the server runs
//! and writes, and restores into an empty data directory.
//!
//! A backup is a folder `linli-<UTC time>` holding `linli.db`, written by
//! SQLite's `VACUUM INTO` (a consistent copy of one read transaction: WAL
//! lets writers go on meanwhile), and the server's `secret.key` when the
//! secret lives in that file (without it, uploaded rosters match nobody).
//! It is written under a `.partial` name and renamed when complete, so a
//! backup cut short never looks like one. Photos are stored in the
//! database, so they are in the copy.
//!
//! PostgreSQL has its own tools for this; the command says how
//! ([`POSTGRES_HELP`]).

use crate::config::Config;
use crate::db::{Db, Engine};
use std::path::{Path, PathBuf};

/// The database file's name in a backup.
pub const DB_FILE: &str = "linli.db";
/// The secret file's name in a backup.
pub const SECRET_FILE: &str = "secret.key";
/// What a backup folder's name starts with.
pub const PREFIX: &str = "linli-";

/// What `backup` says on a PostgreSQL deployment.
pub const POSTGRES_HELP: &str = "This server's database is PostgreSQL: back it up with \
PostgreSQL's own tools, which copy a running database consistently:\n\
  pg_dump --format=custom --file=linli-$(date +%Y%m%d).dump \"$DATABASE_URL\"\n\
Restore into a new, empty database (then point DATABASE_URL at it and start the server):\n\
  createdb linli_restored && pg_restore --no-owner --dbname=linli_restored linli-YYYYMMDD.dump\n\
Keep the server's secret (LINLI_SECRET, or the file LINLI_SECRET_FILE) with the dumps.";

/// The SQLite file behind `url` (`sqlite://data/linli.db?mode=rwc`).
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Writes a backup folder under `dest` (created if missing) and returns its
/// path. Errors say what to fix.
pub async fn backup(db: &Db, config: &Config, dest: &Path) -> Result<PathBuf, String> {
    if db.engine == Engine::Postgres {
        return Err(POSTGRES_HELP.into());
    }
    std::fs::create_dir_all(dest)
        .map_err(|e| format!("cannot create the backup directory {}: {e}", dest.display()))?;
    let stamp: String = crate::db::rfc3339(crate::db::now_ms())
        .chars()
        .filter(|c| !matches!(c, '-' | ':'))
        .collect();
    let mut name = format!("{PREFIX}{stamp}");
    let mut n = 1;
    while dest.join(&name).exists() {
        n += 1;
        name = format!("{PREFIX}{stamp}-{n}");
    }
    let partial = dest.join(format!(".{name}.partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| format!("{}: {e}", partial.display()))?;
    }
    std::fs::create_dir(&partial).map_err(|e| format!("{}: {e}", partial.display()))?;
    let copy = partial.join(DB_FILE);
    sqlx::query("VACUUM INTO $1")
        .bind(copy.display().to_string())
        .execute(&db.pool)
        .await
        .map_err(|e| format!("cannot copy the database to {}: {e}", copy.display()))?;
    if config.secret.is_none() && config.secret_file.exists() {
        std::fs::copy(&config.secret_file, partial.join(SECRET_FILE))
            .map_err(|e| format!("cannot copy {}: {e}", config.secret_file.display()))?;
    }
    let done = dest.join(&name);
    std::fs::rename(&partial, &done).map_err(|e| format!("{}: {e}", done.display()))?;
    Ok(done)
}

/// Deletes all but the newest `keep` complete backups in `dir`.
pub fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>, String> {
    let mut backups: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(PREFIX))
        .map(|entry| entry.path())
        .filter(|path| path.join(DB_FILE).is_file())
        .collect();
    // The names are UTC times to the second: their order is their age.
    backups.sort();
    let surplus = backups.len().saturating_sub(keep);
    let old: Vec<PathBuf> = backups.into_iter().take(surplus).collect();
    for path in &old {
        std::fs::remove_dir_all(path).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(old)
}

/// Fills the empty data directory `config` names from the backup folder
/// `src`: the database and, when the secret lives in a file, the secret.
/// Refuses a directory that already holds a database. Afterwards SQLite's
/// `integrity_check` must say `ok`. Returns the restored database's path.
pub async fn restore(config: &Config, src: &Path) -> Result<PathBuf, String> {
    let target = sqlite_path(&config.database_url).ok_or_else(|| POSTGRES_HELP.to_owned())?;
    let copy = src.join(DB_FILE);
    if !copy.is_file() {
        return Err(format!(
            "{} is not a backup: it holds no {DB_FILE}",
            src.display()
        ));
    }
    for existing in [target.clone(), with_suffix(&target, "-wal")] {
        if existing.exists() {
            return Err(format!(
                "{} already exists: restore fills an empty data directory only (move it aside first)",
                existing.display()
            ));
        }
    }
    let secret = src.join(SECRET_FILE);
    let restore_secret = config.secret.is_none() && secret.is_file();
    if restore_secret && config.secret_file.exists() {
        let ours = std::fs::read(&config.secret_file).unwrap_or_default();
        let theirs = std::fs::read(&secret).unwrap_or_default();
        if ours != theirs {
            return Err(format!(
                "{} holds another secret than the backup's: restore fills an empty data directory only",
                config.secret_file.display()
            ));
        }
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let partial = with_suffix(&target, ".restoring");
    std::fs::copy(&copy, &partial).map_err(|e| format!("cannot copy {}: {e}", copy.display()))?;
    let check = integrity(&partial).await;
    if let Err(err) = check {
        let _ = std::fs::remove_file(&partial);
        return Err(err);
    }
    std::fs::rename(&partial, &target).map_err(|e| format!("{}: {e}", target.display()))?;
    if restore_secret && !config.secret_file.exists() {
        std::fs::copy(&secret, &config.secret_file).map_err(|e| {
            format!(
                "cannot copy the secret to {}: {e}",
                config.secret_file.display()
            )
        })?;
    }
    Ok(target)
}

/// SQLite's `PRAGMA integrity_check` on the file at `path`: `Ok` when it
/// says `ok`.
pub async fn integrity(path: &Path) -> Result<(), String> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut conn = sqlx::AnyConnection::connect(&url)
        .await
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| format!("cannot check {}: {e}", path.display()))?;
    let _ = conn.close().await;
    if verdict == "ok" {
        Ok(())
    } else {
        Err(format!("{} is damaged: {verdict}", path.display()))
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Backs up every `LINLI_BACKUP_EVERY_HOURS` into `LINLI_BACKUP_DIR` and
/// keeps the newest `LINLI_BACKUP_KEEP`, for as long as the server runs.
pub async fn run_schedule(db: Db, config: std::sync::Arc<Config>) {
    let Some(dir) = config.backup_dir.clone() else {
        return;
    };
    let mut tick = tokio::time::interval(config.backup_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match backup(&db, &config, &dir).await {
            Ok(path) => {
                tracing::info!(backup = %path.display(), "backed up the database");
                match prune(&dir, config.backup_keep) {
                    Ok(old) => {
                        for path in old {
                            tracing::info!(backup = %path.display(), "deleted an old backup");
                        }
                    }
                    Err(err) => tracing::warn!(error = %err, "could not delete old backups"),
                }
            }
            Err(err) => tracing::error!(error = %err, "the scheduled backup failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sqlite_file_is_read_from_the_url() {
        assert_eq!(
            sqlite_path("sqlite://data/linli.db?mode=rwc"),
            Some(PathBuf::from("data/linli.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:/srv/linli.db"),
            Some(PathBuf::from("/srv/linli.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }
}
