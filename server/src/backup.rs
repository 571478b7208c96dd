//! Backups of the embedded SQLite database, taken while the server runs
//! and writes, and restores into an empty data directory.
//!
//! A backup is a folder `linli-<UTC time>` (by hand) or
//! `linli-auto-<UTC time>` (scheduled, the only ones pruned) holding
//! `linli.db`, written by
//! SQLite's `VACUUM INTO` (a consistent copy of one read transaction: WAL
//! lets writers go on meanwhile), and the server's `secret.key` when the
//! secret lives in that file (without it, uploaded rosters match nobody).
//! It is written under a `.partial` name and renamed when complete, so a
//! backup cut short never looks like one.
//!
//! Photos: when the photo store is a directory, the folder's `photos/`
//! holds every photo the copied database names (hard links where the
//! backup is on the same disk: a photo's object never changes). A bucket
//! is not copied: keep it with the provider's versioning or replication.
//! `restore` puts the folder's photos into whichever store the restoring
//! server is configured with, so a directory's photos can move to a bucket.
//!
//! PostgreSQL has its own tools for this; the command says how
//! ([`POSTGRES_HELP`]).

use crate::config::Config;
use crate::db::{Db, Engine};
use std::path::{Path, PathBuf};

/// The database file's name in a backup.
pub const DB_FILE: &str = "linli.db";
/// The photos' folder in a backup.
pub const PHOTOS_DIR: &str = "photos";
/// The secret file's name in a backup.
pub const SECRET_FILE: &str = "secret.key";
/// What a backup folder's name starts with.
pub const PREFIX: &str = "linli-";
/// What a scheduled backup's name starts with: only these are pruned, so a
/// backup made by hand stays until someone deletes it.
pub const SCHEDULED: &str = "linli-auto-";

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

/// The running server's SQLite database, opened for a backup: never
/// created and never migrated (a wrong `LINLI_DATA_DIR` is an error, and a
/// newer binary does not upgrade the database it is asked to copy).
pub async fn open_existing(config: &Config) -> Result<Db, String> {
    let path = sqlite_path(&config.database_url).ok_or_else(|| POSTGRES_HELP.to_owned())?;
    if !path.is_file() {
        return Err(format!(
            "there is no database at {}: is LINLI_DATA_DIR (or DATABASE_URL) the server's?",
            path.display()
        ));
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{}?mode=rw", path.display()))
        .await
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    sqlx::query("PRAGMA busy_timeout = 5000")
        .execute(&pool)
        .await
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    Ok(Db {
        pool,
        engine: Engine::Sqlite,
    })
}

/// Writes a backup folder named `prefix` + the UTC time under `dest`
/// (created if missing, readable by the server's user only) and returns
/// its path. The copy passes `integrity_check` and is on disk before the
/// folder gets its name. Errors say what to fix.
pub async fn backup(
    db: &Db,
    config: &Config,
    dest: &Path,
    prefix: &str,
) -> Result<PathBuf, String> {
    use std::os::unix::fs::DirBuilderExt;
    if db.engine == Engine::Postgres {
        return Err(POSTGRES_HELP.into());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dest)
        .map_err(|e| format!("cannot create the backup directory {}: {e}", dest.display()))?;
    let stamp: String = crate::db::rfc3339(crate::db::now_ms())
        .chars()
        .filter(|c| !matches!(c, '-' | ':'))
        .collect();
    let mut name = format!("{prefix}{stamp}");
    let mut n = 1;
    while dest.join(&name).exists() {
        n += 1;
        name = format!("{prefix}{stamp}-{n}");
    }
    let partial = dest.join(format!(".{name}.partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| format!("{}: {e}", partial.display()))?;
    }
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&partial)
        .map_err(|e| format!("{}: {e}", partial.display()))?;
    let copy = partial.join(DB_FILE);
    sqlx::query("VACUUM INTO $1")
        .bind(copy.display().to_string())
        .execute(&db.pool)
        .await
        .map_err(|e| format!("cannot copy the database to {}: {e}", copy.display()))?;
    integrity(&copy).await?;
    if let crate::photo_store::PhotoStoreConfig::Directory(store) = &config.photo_store {
        copy_photos(&copy, store, &partial.join(PHOTOS_DIR)).await?;
    }
    if config.secret.is_none() && config.secret_file.exists() {
        std::fs::copy(&config.secret_file, partial.join(SECRET_FILE))
            .map_err(|e| format!("cannot copy {}: {e}", config.secret_file.display()))?;
    }
    for synced in [copy, partial.join(SECRET_FILE), partial.clone()] {
        if synced.exists() {
            sync(&synced)?;
        }
    }
    let done = dest.join(&name);
    std::fs::rename(&partial, &done).map_err(|e| format!("{}: {e}", done.display()))?;
    sync(dest)?;
    Ok(done)
}

/// The keys of the photos the database at `path` says are in the store.
async fn stored_photos(path: &Path) -> Result<Vec<(String, bool)>, String> {
    use sqlx::Connection;
    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut conn = sqlx::AnyConnection::connect(&url)
        .await
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let keys: Vec<(String, i64)> = sqlx::query_as(
        "SELECT object_key, CASE WHEN affair_id IS NULL AND consultation_id IS NULL THEN 0 ELSE 1 END \
         FROM photos WHERE object_key IS NOT NULL AND stored_at IS NOT NULL AND jpeg IS NULL",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(|e| format!("cannot read the photos of {}: {e}", path.display()))?;
    let _ = conn.close().await;
    Ok(keys.into_iter().map(|(k, on)| (k, on == 1)).collect())
}

/// Links (or, across disks, copies) into `dest` each photo the database
/// copy at `db_copy` names from the photo directory `store`. A photo on an
/// affair or a consultation that is missing is an error; one on nothing
/// yet may have been cleaned up since the copy, and is left out.
async fn copy_photos(db_copy: &Path, store: &Path, dest: &Path) -> Result<(), String> {
    let keys = stored_photos(db_copy).await?;
    let (store, dest) = (store.to_owned(), dest.to_owned());
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        let mut folders = std::collections::BTreeSet::new();
        for (key, claimed) in keys {
            let (from, to) = (store.join(&key), dest.join(&key));
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
                folders.insert(parent.to_owned());
            }
            let done =
                std::fs::hard_link(&from, &to).or_else(|_| std::fs::copy(&from, &to).map(|_| ()));
            match done {
                Ok(()) => sync(&to)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !claimed => {}
                Err(e) => return Err(format!("cannot copy the photo {}: {e}", from.display())),
            }
        }
        for folder in folders.iter().chain(std::iter::once(&dest)) {
            sync(folder)?;
        }
        Ok(())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Puts every photo in the backup's `photos` folder into the store
/// `config` names; returns how many.
async fn restore_photos(config: &Config, src: &Path) -> Result<usize, String> {
    let folder = src.join(PHOTOS_DIR);
    if !folder.is_dir() {
        return Ok(0);
    }
    let store = crate::photo_store::PhotoStore::open(&config.photo_store)?;
    let mut count = 0;
    for (key, path) in photo_files(&folder)? {
        let jpeg = tokio::fs::read(&path)
            .await
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        store
            .put(&key, jpeg.into())
            .await
            .map_err(|e| format!("cannot put the photo {key} into the photo store: {e}"))?;
        count += 1;
    }
    Ok(count)
}

/// The photos under a backup's `photos` folder: each key (`ab/….jpg`) and
/// its file.
fn photo_files(folder: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut found = Vec::new();
    for shard in std::fs::read_dir(folder).map_err(|e| format!("{}: {e}", folder.display()))? {
        let shard = shard.map_err(|e| format!("{}: {e}", folder.display()))?;
        if !shard.path().is_dir() {
            continue;
        }
        for file in
            std::fs::read_dir(shard.path()).map_err(|e| format!("{}: {e}", folder.display()))?
        {
            let file = file.map_err(|e| format!("{}: {e}", folder.display()))?;
            let key = format!(
                "{}/{}",
                shard.file_name().to_string_lossy(),
                file.file_name().to_string_lossy()
            );
            found.push((key, file.path()));
        }
    }
    found.sort();
    Ok(found)
}

/// Puts `path` (a file or a directory) on disk.
fn sync(path: &Path) -> Result<(), String> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot sync {}: {e}", path.display()))
}

/// Deletes all but the newest `keep` complete scheduled backups in `dir`
/// (backups made by hand are left alone); returns those deleted, and those
/// that could not be, with why.
pub fn prune(dir: &Path, keep: usize) -> Result<(Vec<PathBuf>, Vec<String>), String> {
    let mut backups: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(SCHEDULED))
        .map(|entry| entry.path())
        .filter(|path| path.join(DB_FILE).is_file())
        .collect();
    // The names are UTC times to the second: their order is their age.
    backups.sort();
    let surplus = backups.len().saturating_sub(keep);
    let (mut deleted, mut failed) = (Vec::new(), Vec::new());
    for path in backups.into_iter().take(surplus) {
        match std::fs::remove_dir_all(&path) {
            Ok(()) => deleted.push(path),
            Err(e) => failed.push(format!("{}: {e}", path.display())),
        }
    }
    Ok((deleted, failed))
}

/// Fills the empty data directory `config` names from the backup folder
/// `src`: the secret first (or a check that the configured one is the
/// backup's), then its photos into the configured photo store, then the
/// database, linked into place so that nothing there is ever replaced. Refuses a directory that already holds a database, a
/// backup whose secret is neither in it nor configured, and a different
/// secret. The copy must pass `integrity_check` first. Returns the
/// restored database's path.
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
    let theirs = std::fs::read_to_string(&secret).ok();
    match (&config.secret, &theirs) {
        (Some(ours), Some(theirs)) if ours.trim() != theirs.trim() => {
            return Err(format!(
                "LINLI_SECRET is not the secret in {}: unset LINLI_SECRET to restore with the backup's",
                secret.display()
            ));
        }
        (None, None) => {
            return Err(format!(
                "{} holds no {SECRET_FILE}: the server that made it kept its secret in \
                 LINLI_SECRET; set LINLI_SECRET to that value and restore again",
                src.display()
            ));
        }
        _ => {}
    }
    let restore_secret = config.secret.is_none();
    if restore_secret && config.secret_file.exists() {
        let ours = std::fs::read_to_string(&config.secret_file).unwrap_or_default();
        if Some(ours.trim()) != theirs.as_deref().map(str::trim) {
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
    if let Err(err) = integrity(&partial).await {
        let _ = std::fs::remove_file(&partial);
        return Err(err);
    }
    if let Err(err) = restore_photos(config, src).await {
        let _ = std::fs::remove_file(&partial);
        return Err(err);
    }
    if restore_secret && !config.secret_file.exists() {
        std::fs::copy(&secret, &config.secret_file).map_err(|e| {
            format!(
                "cannot copy the secret to {}: {e}",
                config.secret_file.display()
            )
        })?;
    }
    // A link fails if the database appeared meanwhile: nothing is replaced.
    let linked = std::fs::hard_link(&partial, &target)
        .map_err(|e| format!("cannot put the database at {}: {e}", target.display()));
    let _ = std::fs::remove_file(&partial);
    linked?;
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

/// When the newest complete scheduled backup in `dir` was written.
fn newest_scheduled(dir: &Path) -> Option<std::time::SystemTime> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(SCHEDULED))
        .filter_map(|entry| entry.path().join(DB_FILE).metadata().ok()?.modified().ok())
        .max()
}

/// Backs up every `LINLI_BACKUP_EVERY_HOURS` into `LINLI_BACKUP_DIR` and
/// keeps the newest `LINLI_BACKUP_KEEP`, for as long as the server runs.
pub async fn run_schedule(db: Db, config: std::sync::Arc<Config>) {
    let Some(dir) = config.backup_dir.clone() else {
        return;
    };
    // The first when the newest scheduled backup is a full period old (at
    // once if there is none): restarts neither add backups nor put them off.
    let age = newest_scheduled(&dir)
        .and_then(|at| at.elapsed().ok())
        .unwrap_or(config.backup_every);
    let first = tokio::time::Instant::now() + config.backup_every.saturating_sub(age);
    let mut tick = tokio::time::interval_at(first, config.backup_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match backup(&db, &config, &dir, SCHEDULED).await {
            Ok(path) => {
                tracing::info!(backup = %path.display(), "backed up the database");
                match prune(&dir, config.backup_keep) {
                    Ok((deleted, failed)) => {
                        for path in deleted {
                            tracing::info!(backup = %path.display(), "deleted an old backup");
                        }
                        for err in failed {
                            tracing::warn!(error = %err, "could not delete an old backup");
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
