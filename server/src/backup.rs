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
//! backup is on the same disk: a photo's object never changes), and
//! [`MISSING_FILE`] lists any in use whose file was already gone. A bucket
//! is not copied: keep it with the provider's versioning or replication.
//! `restore` puts the folder's photos into whichever store the restoring
//! server is configured with, so a directory's photos can move to a
//! bucket, and refuses a backup that lacks a photo in use without saying
//! so. Only regular files are read, in the live directory and in a backup:
//! a link is never followed.
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
/// it, with the photos it could not copy. The copy passes
/// `integrity_check` and is on disk before the folder gets its name; a
/// backup that fails (or is cut short) leaves no `.partial` folder behind.
/// Errors say what to fix.
///
/// A photo on an affair or consultation whose file is missing from the
/// photo directory (or is not a regular file) does not stop the backup —
/// one lost file must not end every backup after it — but it is listed in
/// the folder's [`MISSING_FILE`] and returned, so that the operator hears
/// of it and `restore` knows the backup lacks it on purpose.
pub async fn backup(db: &Db, config: &Config, dest: &Path, prefix: &str) -> Result<Backup, String> {
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
    let scratch = Scratch(Some(partial.clone()));
    let copy = partial.join(DB_FILE);
    sqlx::query("VACUUM INTO $1")
        .bind(copy.display().to_string())
        .execute(&db.pool)
        .await
        .map_err(|e| format!("cannot copy the database to {}: {e}", copy.display()))?;
    integrity(&copy, &copy).await?;
    let mut missing = Vec::new();
    if let crate::photo_store::PhotoStoreConfig::Directory(store) = &config.photo_store {
        missing = copy_photos(&copy, store, &partial.join(PHOTOS_DIR)).await?;
    }
    if !missing.is_empty() {
        let list: String = missing.iter().map(|m| format!("{m}\n")).collect();
        std::fs::write(partial.join(MISSING_FILE), list)
            .map_err(|e| format!("{}: {e}", partial.join(MISSING_FILE).display()))?;
    }
    if config.secret.is_none() && config.secret_file.exists() {
        std::fs::copy(&config.secret_file, partial.join(SECRET_FILE))
            .map_err(|e| format!("cannot copy {}: {e}", config.secret_file.display()))?;
    }
    for synced in [
        copy,
        partial.join(SECRET_FILE),
        partial.join(MISSING_FILE),
        partial.clone(),
    ] {
        if synced.exists() {
            sync(&synced)?;
        }
    }
    let done = dest.join(&name);
    std::fs::rename(&partial, &done).map_err(|e| format!("{}: {e}", done.display()))?;
    scratch.keep();
    sync(dest)?;
    Ok(Backup {
        folder: done,
        missing,
    })
}

/// A backup written by [`backup`].
#[derive(Debug)]
pub struct Backup {
    /// Its folder.
    pub folder: PathBuf,
    /// The photos on an affair or consultation it lacks, because their
    /// files were missing from the photo directory (as in [`MISSING_FILE`]).
    pub missing: Vec<MissingPhoto>,
}

/// The file in a backup listing the photos it lacks on purpose: one line
/// each, the key, a tab, and what it is on (`3f/3f….jpg`, tab, `affair 12`).
pub const MISSING_FILE: &str = "missing-photos.txt";

/// A photo a database names, with what it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingPhoto {
    /// Its object key.
    pub key: String,
    /// `affair 12` or `consultation 3`.
    pub on: String,
}

impl std::fmt::Display for MissingPhoto {
    /// The line of [`MISSING_FILE`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\t{}", self.key, self.on)
    }
}

/// A file or folder being written, removed when dropped unless kept, so a
/// backup or restore that fails or panics leaves nothing half-made.
struct Scratch(Option<PathBuf>);

impl Scratch {
    fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&path),
                Ok(_) => std::fs::remove_file(&path),
                Err(_) => Ok(()),
            };
        }
    }
}

/// A photo row the database says is in the store.
struct StoredKey {
    key: String,
    /// `affair 12` or `consultation 3`; `None` while it is on nothing.
    on: Option<String>,
}

/// The photos the database at `path` says are in the store.
async fn stored_photos(
    conn: &mut sqlx::AnyConnection,
    path: &Path,
) -> Result<Vec<StoredKey>, String> {
    // A database from before the photo store (migration 0022) keeps its
    // photos in their rows, and the server moves them on start.
    let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info('photos')")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if columns.is_empty() {
        return Err(format!(
            "{} is not a Linli database: it has no photos table",
            path.display()
        ));
    }
    if !columns.iter().any(|c| c == "object_key") {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT object_key, affair_id, consultation_id FROM photos \
         WHERE object_key IS NOT NULL AND stored_at IS NOT NULL AND jpeg IS NULL ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| format!("cannot read the photos of {}: {e}", path.display()))?;
    Ok(rows
        .into_iter()
        .map(|(key, affair, consultation)| StoredKey {
            key,
            on: match (affair, consultation) {
                (Some(id), _) => Some(format!("affair {id}")),
                (None, Some(id)) => Some(format!("consultation {id}")),
                (None, None) => None,
            },
        })
        .collect())
}

/// Opens the SQLite file at `path` (`mode` `ro` or `rw`).
async fn connect(path: &Path, mode: &str) -> Result<sqlx::AnyConnection, String> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(&format!("sqlite://{}?mode={mode}", path.display()))
        .await
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

/// Why a photo's file in a folder cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unfit {
    /// Nothing there (or its shard folder is not a real folder).
    Missing,
    /// The database names a key [`PhotoStore::new_key`] does not make.
    ///
    /// [`PhotoStore::new_key`]: crate::photo_store::PhotoStore::new_key
    NotAKey,
    /// A link, a folder, a pipe or a device.
    NotRegular,
    /// An empty file.
    Empty,
    /// A file that does not start as a JPEG does.
    NotJpeg,
}

impl std::fmt::Display for Unfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unfit::Missing => "missing",
            Unfit::NotAKey => "not a photo key",
            Unfit::NotRegular => "not a regular file",
            Unfit::Empty => "empty",
            Unfit::NotJpeg => "not a JPEG",
        })
    }
}

/// The file of photo `key` in `folder`: a regular, non-empty file that
/// starts as a JPEG does, under a real shard folder. `folder` itself may be
/// a link (a photo directory on another disk, linked into the data
/// directory); the shard folder and the file are looked at without
/// following links. The key must be one the store makes, so a damaged
/// database cannot name a file outside `folder`. Backup and restore ask
/// the same question, so a file a backup copies is one its restore takes.
fn photo_file(folder: &Path, key: &str) -> Result<PathBuf, Unfit> {
    use std::io::Read;
    if !crate::photo_store::PhotoStore::is_key(key) {
        return Err(Unfit::NotAKey);
    }
    let file = folder.join(key);
    let real_dir = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_dir());
    if !folder.is_dir() || !file.parent().is_some_and(real_dir) {
        return Err(Unfit::Missing);
    }
    match std::fs::symlink_metadata(&file) {
        Err(_) => return Err(Unfit::Missing),
        Ok(m) if !m.file_type().is_file() => return Err(Unfit::NotRegular),
        Ok(m) if m.len() == 0 => return Err(Unfit::Empty),
        Ok(_) => {}
    }
    let mut start = [0u8; 3];
    std::fs::File::open(&file)
        .and_then(|mut f| f.read_exact(&mut start))
        .map_err(|_| Unfit::Missing)?;
    if start == [0xFF, 0xD8, 0xFF] {
        Ok(file)
    } else {
        Err(Unfit::NotJpeg)
    }
}

/// Links (or, across disks, copies) into `dest` each photo the database
/// copy at `db_copy` names from the photo directory `store`; returns those
/// on an affair or a consultation whose file is missing or unusable
/// ([`photo_file`]); one on nothing yet may have been cleaned up since the
/// copy, and is left out.
async fn copy_photos(
    db_copy: &Path,
    store: &Path,
    dest: &Path,
) -> Result<Vec<MissingPhoto>, String> {
    let mut conn = connect(db_copy, "ro").await?;
    let keys = stored_photos(&mut conn, db_copy).await?;
    drop(conn);
    let (store, dest) = (store.to_owned(), dest.to_owned());
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        let mut folders = std::collections::BTreeSet::new();
        let mut missing = Vec::new();
        for photo in keys {
            let from = match photo_file(&store, &photo.key) {
                Ok(from) => from,
                Err(_) => {
                    if let Some(on) = photo.on {
                        missing.push(MissingPhoto { key: photo.key, on });
                    }
                    continue;
                }
            };
            let to = dest.join(&photo.key);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
                folders.insert(parent.to_owned());
            }
            std::fs::hard_link(&from, &to)
                .or_else(|_| std::fs::copy(&from, &to).map(|_| ()))
                .map_err(|e| format!("cannot copy the photo {}: {e}", from.display()))?;
            sync(&to)?;
        }
        for folder in folders.iter().chain(std::iter::once(&dest)) {
            sync(folder)?;
        }
        Ok(missing)
    })
    .await
    .map_err(|e| e.to_string())?
}

/// The photos a backup's [`MISSING_FILE`] lists, by key.
fn listed_missing(src: &Path) -> Result<std::collections::BTreeSet<String>, String> {
    let path = src.join(MISSING_FILE);
    Ok(match regular(&path)? {
        false => Default::default(),
        true => std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .lines()
            .filter_map(|line| line.split('\t').next())
            .filter(|key| !key.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// Whether `path` is a regular file (`false`: nothing there); anything
/// else there (a link, a folder, a pipe) is an error, so that a restore
/// neither follows a link out of the backup nor waits on a pipe.
fn regular(path: &Path) -> Result<bool, String> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(format!("{}: {e}", path.display())),
        Ok(m) if m.file_type().is_file() => Ok(true),
        Ok(_) => Err(format!(
            "{} is not a regular file (a link, a folder or a device): a backup holds plain files only",
            path.display()
        )),
    }
}

/// What [`restore_photos`] put into the store, deleted again if the
/// restore fails after it, so a failed restore leaves the store as it was.
struct PutPhotos {
    store: crate::photo_store::PhotoStore,
    keys: Vec<String>,
    /// The photo directory, when the restore created it.
    made: Option<PathBuf>,
}

impl PutPhotos {
    async fn undo(self) {
        for key in &self.keys {
            if let Err(err) = self.store.delete(key).await {
                tracing::warn!(error = %err, key, "could not take back a restored photo");
            }
        }
        // Emptied by the deletes (the directory store removes emptied
        // folders); one that still holds anything stays.
        if let Some(dir) = &self.made {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Makes the restored copy at `db` whole with the store `config` names:
/// each photo it says is stored is put into the store from the backup's
/// `photos` folder, unless the store has it already (a bucket the backup
/// did not copy). A photo on nothing that neither has is marked never
/// stored (it cannot be put on an affair, and the clean-up removes it); one
/// on an affair or consultation that neither has is an error listing them
/// all, unless the backup's [`MISSING_FILE`] says it lacks it, when it too
/// is marked never stored (served as not found). A file there that is not
/// a plain JPEG is an error too. On an error, what was put is taken back.
async fn restore_photos(config: &Config, src: &Path, db: &Path) -> Result<PutPhotos, String> {
    let made = match &config.photo_store {
        crate::photo_store::PhotoStoreConfig::Directory(dir) if !dir.exists() => Some(dir.clone()),
        _ => None,
    };
    let store = crate::photo_store::PhotoStore::open(&config.photo_store)?;
    let mut put = PutPhotos {
        store,
        keys: Vec::new(),
        made,
    };
    match fill_photos(src, db, &mut put).await {
        Ok(()) => Ok(put),
        Err(err) => {
            put.undo().await;
            Err(err)
        }
    }
}

/// [`restore_photos`] on the working copy `db` of the backup's database
/// (named in errors as the backup's own file).
async fn fill_photos(src: &Path, db: &Path, put: &mut PutPhotos) -> Result<(), String> {
    use sqlx::Connection;
    let folder = src.join(PHOTOS_DIR);
    let shown = &src.join(DB_FILE);
    let lacking = listed_missing(src)?;
    let mut conn = connect(db, "rw")
        .await
        .map_err(|_| format!("cannot open a copy of {}", shown.display()))?;
    let (mut unstored, mut lost) = (Vec::new(), Vec::new());
    for photo in stored_photos(&mut conn, shown).await? {
        let kept = match photo_file(&folder, &photo.key) {
            Ok(file) => Ok(tokio::fs::read(&file)
                .await
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?),
            Err(why) => Err(why),
        };
        let there = put
            .store
            .has(&photo.key)
            .await
            .map_err(|e| format!("cannot reach the photo store: {e}"))?;
        match (kept, there) {
            (_, true) => {}
            (Ok(jpeg), false) => {
                put.store.put(&photo.key, jpeg.into()).await.map_err(|e| {
                    format!(
                        "cannot put the photo {} into the photo store: {e}",
                        photo.key
                    )
                })?;
                put.keys.push(photo.key);
            }
            (Err(why), false) => match photo.on {
                Some(on) if !lacking.contains(&photo.key) => {
                    lost.push(format!("{on} ({}: {why})", photo.key));
                }
                _ => unstored.push(photo.key),
            },
        }
    }
    if !lost.is_empty() {
        return Err(format!(
            "the backup's {PHOTOS_DIR} folder lacks photos its database names, and the photo \
             store has not got them either: {}. Restore from a complete backup, or put these \
             files back into its {PHOTOS_DIR} folder.",
            lost.join(", ")
        ));
    }
    for key in unstored {
        sqlx::query("UPDATE photos SET stored_at = NULL WHERE object_key = $1")
            .bind(&key)
            .execute(&mut conn)
            .await
            .map_err(|e| format!("cannot update a copy of {}: {e}", shown.display()))?;
    }
    let _ = conn.close().await;
    Ok(())
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
/// `src`: checks the secret (the configured one must be the backup's),
/// copies the database beside its place and checks it, makes its photos
/// whole in the configured photo store ([`restore_photos`]), then puts the
/// secret and the database in place, the database by a link so that
/// nothing there is ever replaced. Refuses a directory that already holds a
/// database, a backup whose secret is neither in it nor configured, a
/// different secret, and anything in the backup that is not a plain file.
/// A restore that fails leaves the data directory and the photo store as
/// they were. Returns the restored database's path.
pub async fn restore(config: &Config, src: &Path) -> Result<PathBuf, String> {
    let target = sqlite_path(&config.database_url).ok_or_else(|| POSTGRES_HELP.to_owned())?;
    if !src.is_dir() {
        return Err(format!(
            "there is no backup folder at {} (a folder that `linli-server backup` wrote, \
             named linli-…)",
            src.display()
        ));
    }
    let copy = src.join(DB_FILE);
    if !regular(&copy)? {
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
    let theirs = match regular(&secret)? {
        true => Some(
            std::fs::read_to_string(&secret)
                .map_err(|e| format!("cannot read {}: {e}", secret.display()))?,
        ),
        false => None,
    };
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
    let scratch = Scratch(Some(partial.clone()));
    std::fs::copy(&copy, &partial).map_err(|e| format!("cannot copy {}: {e}", copy.display()))?;
    integrity(&partial, &copy).await?;
    let put = restore_photos(config, src, &partial).await?;
    let placed = place(config, restore_secret, &secret, &partial, &target);
    if let Err(err) = placed {
        put.undo().await;
        return Err(err);
    }
    drop(scratch);
    Ok(target)
}

/// The last step of [`restore`]: the secret (if the backup's is used) and
/// the checked copy `partial` into their places. If the database cannot be
/// put there, the secret copied for it goes again; once it is there, the
/// restore has happened, and a failure to sync it is only logged.
fn place(
    config: &Config,
    restore_secret: bool,
    secret: &Path,
    partial: &Path,
    target: &Path,
) -> Result<(), String> {
    let copy_secret = restore_secret && !config.secret_file.exists();
    if copy_secret {
        std::fs::copy(secret, &config.secret_file).map_err(|e| {
            format!(
                "cannot copy the secret to {}: {e}",
                config.secret_file.display()
            )
        })?;
    }
    // A link fails if the database appeared meanwhile: nothing is replaced.
    if let Err(e) = std::fs::hard_link(partial, target) {
        if copy_secret {
            let _ = std::fs::remove_file(&config.secret_file);
        }
        return Err(format!(
            "cannot put the database at {}: {e}",
            target.display()
        ));
    }
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty());
    for synced in std::iter::once(target).chain(dir) {
        if let Err(err) = sync(synced) {
            tracing::warn!(error = %err, "the restored database is in place but not yet synced");
        }
    }
    Ok(())
}

/// SQLite's `PRAGMA integrity_check` on the file at `path`: `Ok` when it
/// says `ok`. Errors name `shown` (the file a person knows, when `path`
/// is a working copy of it).
pub async fn integrity(path: &Path, shown: &Path) -> Result<(), String> {
    use sqlx::Connection;
    let damaged = |e: String| {
        format!(
            "{} is damaged or not a Linli database: {e}",
            shown.display()
        )
    };
    let mut conn = connect(path, "ro")
        .await
        .map_err(|_| damaged("it cannot be opened".into()))?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| damaged(e.to_string()))?;
    let _ = conn.close().await;
    if verdict == "ok" {
        Ok(())
    } else {
        Err(damaged(verdict))
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
        let (db, config, dir) = (db.clone(), config.clone(), dir.clone());
        crate::survive("scheduled backup", async move {
            match backup(&db, &config, &dir, SCHEDULED).await {
                Ok(done) => {
                    tracing::info!(backup = %done.folder.display(), "backed up the database");
                    for photo in &done.missing {
                        tracing::error!(
                            key = %photo.key, on = %photo.on,
                            "a photo in use is missing from the photo directory, so from the backup"
                        );
                    }
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
        })
        .await;
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
