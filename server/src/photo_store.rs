//! Where photos' JPEGs are kept: an object store, through the
//! `object_store` crate. By default a directory under the data directory;
//! for deployments, any S3-compatible bucket (MinIO, Aliyun OSS, Tencent
//! COS, AWS S3) named by `LINLI_PHOTO_STORE=s3://bucket/prefix` with the
//! `AWS_*` settings `object_store` documents (`AmazonS3ConfigKey`).
//!
//! The database keeps each photo's row and its object's key; objects are
//! written once under a fresh random key and never changed, so a copy of
//! the store taken at any moment is a good copy of every object it holds.

use bytes::Bytes;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::prefix::PrefixStore;
use object_store::{ClientOptions, ObjectStore, RetryConfig};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// The `AWS_*` variables read for an S3 store, by `object_store`'s names
/// for them (a subset of what its `AmazonS3Builder::from_env` reads: keys
/// given here, not instance or web-identity credentials).
pub const S3_VARIABLES: [&str; 7] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_ENDPOINT",
    "AWS_ALLOW_HTTP",
    "AWS_VIRTUAL_HOSTED_STYLE_REQUEST",
];

/// Where photos go (`LINLI_PHOTO_STORE`).
#[derive(Clone)]
pub enum PhotoStoreConfig {
    /// A directory (by default `photos` in the data directory), created on
    /// first start.
    Directory(PathBuf),
    /// An S3-compatible bucket.
    S3 {
        /// The bucket.
        bucket: String,
        /// The folder in the bucket, without slashes at its ends; may be
        /// empty.
        prefix: String,
        /// The `AWS_*` settings that are set, by name.
        options: Vec<(&'static str, String)>,
    },
}

impl std::fmt::Debug for PhotoStoreConfig {
    /// The settings' names only: the secret key stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhotoStoreConfig::Directory(dir) => f.debug_tuple("Directory").field(dir).finish(),
            PhotoStoreConfig::S3 {
                bucket,
                prefix,
                options,
            } => f
                .debug_struct("S3")
                .field("bucket", bucket)
                .field("prefix", prefix)
                .field("set", &options.iter().map(|(k, _)| k).collect::<Vec<_>>())
                .finish(),
        }
    }
}

impl PhotoStoreConfig {
    /// Reads `LINLI_PHOTO_STORE` (unset: `photos` under `data_dir`; a path
    /// or `file:///path`: that directory; `s3://bucket/prefix`: the bucket)
    /// and, for S3, the `AWS_*` variables. Errors name the variable.
    pub fn from_lookup(
        lookup: &crate::config::Lookup<'_>,
        data_dir: &std::path::Path,
    ) -> Result<PhotoStoreConfig, crate::config::ConfigError> {
        let bad = |problem: String| crate::config::ConfigError {
            var: "LINLI_PHOTO_STORE",
            problem,
        };
        let raw = lookup("LINLI_PHOTO_STORE").unwrap_or_default();
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(PhotoStoreConfig::Directory(data_dir.join("photos")));
        }
        if let Some(rest) = raw.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(bad(format!("{raw:?} names no bucket (s3://bucket/folder)")));
            }
            let options: Vec<(&'static str, String)> = S3_VARIABLES
                .iter()
                .filter_map(|&name| {
                    let value = lookup(name)?.trim().to_owned();
                    (!value.is_empty()).then_some((name, value))
                })
                .collect();
            check_s3(&options)?;
            return Ok(PhotoStoreConfig::S3 {
                bucket: bucket.to_owned(),
                prefix: prefix.trim_matches('/').to_owned(),
                options,
            });
        }
        let path = raw.strip_prefix("file://").unwrap_or(raw);
        if path.contains("://") {
            return Err(bad(format!(
                "{raw:?} is neither a directory nor s3://bucket/folder"
            )));
        }
        Ok(PhotoStoreConfig::Directory(PathBuf::from(path)))
    }
}

/// Checks an S3 store's settings before anything reaches the bucket:
/// both keys are given (without them `object_store` asks the cloud's
/// instance-metadata address, which on a street's own server answers
/// nothing useful), the endpoint is an `http(s)://host` URL (the crate
/// panics on a request to one that is not), a plain-HTTP endpoint comes
/// with `AWS_ALLOW_HTTP=true`, and the yes/no settings are `true` or
/// `false`. Errors name the variable.
fn check_s3(options: &[(&'static str, String)]) -> Result<(), crate::config::ConfigError> {
    let get = |name: &str| {
        options
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    };
    for var in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
        if get(var).is_none() {
            return Err(crate::config::ConfigError {
                var,
                problem: "must be set for an s3:// photo store: the bucket's access key id \
                          and secret (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
                    .into(),
            });
        }
    }
    for var in ["AWS_ALLOW_HTTP", "AWS_VIRTUAL_HOSTED_STYLE_REQUEST"] {
        if let Some(value) = get(var)
            && yes_or_no(value).is_none()
        {
            return Err(crate::config::ConfigError {
                var,
                problem: format!("{value:?} is neither true nor false"),
            });
        }
    }
    if let Some(endpoint) = get("AWS_ENDPOINT") {
        let bad = |problem: String| crate::config::ConfigError {
            var: "AWS_ENDPOINT",
            problem,
        };
        let url = reqwest::Url::parse(endpoint).map_err(|e| {
            bad(format!(
                "{endpoint:?} is not a URL ({e}): write it as https://host[:port]"
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(bad(format!(
                "{endpoint:?} is not an http(s)://host[:port] address"
            )));
        }
        if url.scheme() == "http" && get("AWS_ALLOW_HTTP").and_then(yes_or_no) != Some(true) {
            return Err(bad(format!(
                "{endpoint:?} is plain HTTP: set AWS_ALLOW_HTTP=true to allow it (for a store \
                 on this machine or its own network only)"
            )));
        }
    }
    Ok(())
}

/// A yes/no setting as `object_store` reads it: `true`, `1`, `yes`, `y`
/// or `on` (any case) is yes. It takes anything else for no; here only
/// `false`, `0`, `no`, `n` and `off` are, and a typo is `None`.
fn yes_or_no(value: &str) -> Option<bool> {
    let value = value.to_ascii_lowercase();
    match value.as_str() {
        "true" | "1" | "yes" | "y" | "on" => Some(true),
        "false" | "0" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

/// The photo store the server writes to.
#[derive(Debug, Clone)]
pub struct PhotoStore {
    inner: Arc<dyn ObjectStore>,
    /// The directory, when the store is one (backups copy from it).
    directory: Option<PathBuf>,
}

impl PhotoStore {
    /// Opens the store `config` describes: a directory is created (readable
    /// by the server's user only); an S3 bucket's settings are checked (the
    /// bucket is first reached on the first photo). Errors say what to fix.
    pub fn open(config: &PhotoStoreConfig) -> Result<PhotoStore, String> {
        match config {
            PhotoStoreConfig::Directory(dir) => {
                use std::os::unix::fs::DirBuilderExt;
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                    .map_err(|e| {
                        format!("cannot create the photo directory {}: {e}", dir.display())
                    })?;
                let local = LocalFileSystem::new_with_prefix(dir)
                    .map_err(|e| format!("cannot use the photo directory {}: {e}", dir.display()))?
                    .with_automatic_cleanup(true);
                Ok(PhotoStore {
                    inner: Arc::new(local),
                    directory: Some(dir.clone()),
                })
            }
            PhotoStoreConfig::S3 {
                bucket,
                prefix,
                options,
            } => {
                // A resident waits on an upload: a bucket that does not
                // answer is an error in seconds, not after the crate's
                // default three minutes of retries.
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_client_options(
                        ClientOptions::new()
                            .with_connect_timeout(Duration::from_secs(5))
                            .with_timeout(Duration::from_secs(20)),
                    )
                    .with_retry(RetryConfig {
                        max_retries: 2,
                        retry_timeout: Duration::from_secs(10),
                        ..RetryConfig::default()
                    });
                for (name, value) in options {
                    let key = AmazonS3ConfigKey::from_str(&name.to_ascii_lowercase())
                        .map_err(|e| format!("{name}: {e}"))?;
                    builder = builder.with_config(key, value);
                }
                let s3 = builder
                    .build()
                    .map_err(|e| format!("LINLI_PHOTO_STORE s3://{bucket}: {e}"))?;
                let inner: Arc<dyn ObjectStore> = if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(PrefixStore::new(s3, prefix.as_str()))
                };
                Ok(PhotoStore {
                    inner,
                    directory: None,
                })
            }
        }
    }

    /// The directory the photos are in, when the store is a directory.
    pub fn directory(&self) -> Option<&std::path::Path> {
        self.directory.as_deref()
    }

    /// A fresh key for a new object: `ab/ab…(32 hex digits).jpg`, random,
    /// so that two servers, or a restored copy, never write the same one.
    pub fn new_key() -> String {
        let mut raw = [0u8; 16];
        getrandom::fill(&mut raw).expect("the system's random source");
        let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        format!("{}/{hex}.jpg", &hex[..2])
    }

    /// Whether `key` has the shape [`PhotoStore::new_key`] gives.
    pub fn is_key(key: &str) -> bool {
        let hex = |s: &str| s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        match key.split_once('/') {
            Some((shard, rest)) => rest.strip_suffix(".jpg").is_some_and(|name| {
                shard.len() == 2 && name.len() == 32 && hex(name) && name.starts_with(shard)
            }),
            None => false,
        }
    }

    /// Writes `jpeg` under `key` (again, if it is there: same bytes). In a
    /// directory the file and its folders are on disk before this returns
    /// (`object_store` renames a written file into place but does not sync
    /// it), so a row marked stored after it never names a file a power cut
    /// took.
    pub async fn put(&self, key: &str, jpeg: Bytes) -> Result<(), object_store::Error> {
        let started = std::time::Instant::now();
        let mut done = self
            .inner
            .put(&location(key)?, jpeg.into())
            .await
            .map(|_| ());
        if let (Ok(()), Some(dir)) = (&done, &self.directory) {
            let (dir, key) = (dir.clone(), key.to_owned());
            done = tokio::task::spawn_blocking(move || sync_file(&dir, &key))
                .await
                .map_err(|e| generic(e.to_string()))
                .and_then(|synced| synced.map_err(|e| generic(e.to_string())));
        }
        crate::telemetry::photo_store("put", started, done.is_ok());
        done
    }

    /// The object under `key`. In a directory only a regular file is read
    /// (a link, a folder or a device put there is not a photo, and is
    /// `NotFound`); an empty object is `NotFound` too, since no photo is
    /// empty.
    pub async fn get(&self, key: &str) -> Result<Bytes, object_store::Error> {
        let started = std::time::Instant::now();
        let read = match self.check_regular(key).await {
            Err(err) => Err(err),
            Ok(()) => match self.inner.get(&location(key)?).await {
                Ok(found) => found.bytes().await,
                Err(err) => Err(err),
            },
        }
        .and_then(|bytes| {
            if bytes.is_empty() {
                Err(not_found(key, "the object is empty"))
            } else {
                Ok(bytes)
            }
        });
        crate::telemetry::photo_store("get", started, read.is_ok());
        read
    }

    /// Whether the store holds a non-empty object under `key` (in a
    /// directory: a regular file).
    pub async fn has(&self, key: &str) -> Result<bool, object_store::Error> {
        match self.check_regular(key).await {
            Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(err) => return Err(err),
            Ok(()) => {}
        }
        match self.inner.head(&location(key)?).await {
            Ok(meta) => Ok(meta.size > 0),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// In a directory: `NotFound` unless the shard folder is a folder and
    /// the file a regular file, neither of them a link (`object_store`'s
    /// directory store follows links, so a link put there would serve
    /// whatever it points at).
    async fn check_regular(&self, key: &str) -> Result<(), object_store::Error> {
        let Some(dir) = &self.directory else {
            return Ok(());
        };
        let file = dir.join(key);
        let shard = file.parent().map(std::path::Path::to_owned);
        let (shard_ok, file_ok) = tokio::task::spawn_blocking(move || {
            let shard_ok = shard
                .and_then(|s| std::fs::symlink_metadata(s).ok())
                .is_some_and(|m| m.file_type().is_dir());
            let file_ok = std::fs::symlink_metadata(&file).is_ok_and(|m| m.file_type().is_file());
            (shard_ok, file_ok)
        })
        .await
        .map_err(|e| generic(e.to_string()))?;
        if shard_ok && file_ok {
            Ok(())
        } else {
            Err(not_found(key, "not a regular file in the photo directory"))
        }
    }

    /// Deletes the object under `key`; one already gone is no error.
    pub async fn delete(&self, key: &str) -> Result<(), object_store::Error> {
        let started = std::time::Instant::now();
        let done = match self.inner.delete(&location(key)?).await {
            Err(object_store::Error::NotFound { .. }) => Ok(()),
            other => other,
        };
        crate::telemetry::photo_store("delete", started, done.is_ok());
        done
    }
}

/// Syncs the file `key` under `dir`, its folder and `dir` itself.
pub fn sync_file(dir: &std::path::Path, key: &str) -> std::io::Result<()> {
    let file = dir.join(key);
    std::fs::File::open(&file)?.sync_all()?;
    if let Some(folder) = file.parent() {
        std::fs::File::open(folder)?.sync_all()?;
    }
    std::fs::File::open(dir)?.sync_all()
}

fn not_found(key: &str, why: &str) -> object_store::Error {
    object_store::Error::NotFound {
        path: key.to_owned(),
        source: why.to_owned().into(),
    }
}

fn generic(message: String) -> object_store::Error {
    object_store::Error::Generic {
        store: "photo directory",
        source: message.into(),
    }
}

/// The store's path for `key`; keys are made by [`PhotoStore::new_key`],
/// so one that does not parse is a damaged row.
fn location(key: &str) -> Result<ObjectPath, object_store::Error> {
    ObjectPath::parse(key).map_err(object_store::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<PhotoStoreConfig, crate::config::ConfigError> {
        let lookup = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        PhotoStoreConfig::from_lookup(&lookup, std::path::Path::new("/srv/linli"))
    }

    #[test]
    fn the_store_is_read_from_its_variable() {
        assert!(matches!(
            read(&[]).unwrap(),
            PhotoStoreConfig::Directory(d) if d == std::path::Path::new("/srv/linli/photos")
        ));
        assert!(matches!(
            read(&[("LINLI_PHOTO_STORE", "file:///mnt/photos")]).unwrap(),
            PhotoStoreConfig::Directory(d) if d == std::path::Path::new("/mnt/photos")
        ));
        let s3 = read(&[
            ("LINLI_PHOTO_STORE", "s3://linli/street-1/"),
            ("AWS_REGION", "cn-hangzhou"),
            ("AWS_ACCESS_KEY_ID", "LTAI5t"),
            ("AWS_SECRET_ACCESS_KEY", "very-secret"),
        ])
        .unwrap();
        let PhotoStoreConfig::S3 {
            bucket,
            prefix,
            options,
        } = &s3
        else {
            panic!("not S3: {s3:?}");
        };
        assert_eq!((bucket.as_str(), prefix.as_str()), ("linli", "street-1"));
        assert_eq!(options.len(), 3);
        assert!(!format!("{s3:?}").contains("very-secret"));
        for bad in ["s3:///folder", "oss://bucket"] {
            let err = read(&[("LINLI_PHOTO_STORE", bad)]).unwrap_err();
            assert_eq!(err.var, "LINLI_PHOTO_STORE");
        }
    }

    #[test]
    fn s3_settings_that_cannot_work_are_refused_with_their_variable() {
        let keys = [
            ("LINLI_PHOTO_STORE", "s3://linli"),
            ("AWS_ACCESS_KEY_ID", "LTAI5t"),
            ("AWS_SECRET_ACCESS_KEY", "very-secret"),
        ];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut vars = keys.to_vec();
            vars.extend_from_slice(extra);
            read(&vars)
        };
        assert!(with(&[]).is_ok());
        assert!(with(&[("AWS_ENDPOINT", "https://oss-cn-hangzhou.aliyuncs.com")]).is_ok());
        for yes in ["true", "1", "TRUE", "yes"] {
            assert!(
                with(&[
                    ("AWS_ENDPOINT", "http://127.0.0.1:9000"),
                    ("AWS_ALLOW_HTTP", yes)
                ])
                .is_ok(),
                "{yes}"
            );
        }
        for (extra, var) in [
            (&[("AWS_ENDPOINT", "not-a-url")][..], "AWS_ENDPOINT"),
            (&[("AWS_ENDPOINT", "ftp://host")][..], "AWS_ENDPOINT"),
            (
                &[("AWS_ENDPOINT", "http://127.0.0.1:9000")][..],
                "AWS_ENDPOINT",
            ),
            (&[("AWS_ALLOW_HTTP", "ture")][..], "AWS_ALLOW_HTTP"),
        ] {
            assert_eq!(with(extra).unwrap_err().var, var, "{extra:?}");
        }
        let keyless = read(&[("LINLI_PHOTO_STORE", "s3://linli")]).unwrap_err();
        assert_eq!(keyless.var, "AWS_ACCESS_KEY_ID");
        assert!(keyless.problem.contains("AWS_SECRET_ACCESS_KEY"));
    }

    #[test]
    fn keys_are_fresh_and_sharded() {
        let (a, b) = (PhotoStore::new_key(), PhotoStore::new_key());
        assert_ne!(a, b);
        assert_eq!(a.len(), 2 + 1 + 32 + 4);
        assert!(a.starts_with(&a[3..5]));
        assert!(location(&a).is_ok());
        assert!(PhotoStore::is_key(&a));
        for bad in [
            "../secret.key",
            "ab/../../x.jpg",
            "ab/abcd.jpg",
            "AB/AB0000000000000000000000000000.jpg",
        ] {
            assert!(!PhotoStore::is_key(bad), "{bad}");
        }
    }
}
