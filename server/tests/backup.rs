//! `linli-server backup` while residents file affairs, then `restore` into
//! an empty data directory: the copy passes SQLite's `integrity_check` and
//! holds every affair acknowledged before the backup began, the photos of
//! the photo directory come with it, and the secret comes back with it.

#![allow(clippy::unwrap_used, missing_docs)]

use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const RESIDENTS: usize = 4;

fn binary(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_linli-server"));
    // Nothing from the developer's shell (a real SMS provider, a backup
    // directory) reaches the server under test.
    command
        .env_clear()
        .env("LINLI_DATA_DIR", data)
        .env("LINLI_DIST_DIR", data.join("no-dist"))
        .env("RUST_LOG", "error")
        .env("LANG", "en_US.UTF-8")
        .env("LINLI_WRITE_LIMIT_PER_MINUTE", "1000000");
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn sign_in(client: &reqwest::Client, base: &str, outbox: &Path, phone: &str) -> String {
    let sent = client
        .post(format!("{base}/api/v1/sign-in-codes"))
        .json(&json!({ "phone": phone }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status().as_u16(), 202);
    let code = std::fs::read_to_string(outbox)
        .unwrap()
        .lines()
        .rev()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|m| m["phone"] == phone && m["code"].is_string())
        .and_then(|m| m["code"].as_str().map(str::to_owned))
        .unwrap();
    let session = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({ "phone": phone, "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(session.status().as_u16(), 201);
    session
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("linli_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned()
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The files under `dir`, at any depth.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.path().is_dir() {
            files.extend(walk(&entry.path()));
        } else {
            files.push(entry.path());
        }
    }
    files
}

/// The server with the demo street on `data`, once it answers: the
/// process and its base URL.
async fn serve_demo(data: &Path) -> (std::process::Child, String) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = binary(data)
        .env("LINLI_ADDR", format!("127.0.0.1:{port}"))
        .env("LINLI_DEMO_DATA", "1")
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !client
        .get(format!("{base}/api/health"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (server, base)
}

#[tokio::test]
async fn a_backup_under_load_restores_everything_acknowledged_before_it() {
    let data = tempfile::tempdir().unwrap();
    let backups = tempfile::tempdir().unwrap();
    let (mut server, base) = serve_demo(data.path()).await;
    let client = reqwest::Client::new();
    let get = |path: String| {
        let client = client.clone();
        async move {
            client
                .get(path)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let compound = get(format!("{base}/api/v1/compounds?limit=1")).await["items"][0]["id"]
        .as_i64()
        .unwrap();
    let category = get(format!("{base}/api/v1/categories?street_id=1")).await["items"][0]["id"]
        .as_i64()
        .unwrap();
    let outbox = data.path().join("sms-outbox.jsonl");
    let mut tokens = Vec::new();
    for r in 0..RESIDENTS {
        tokens.push(sign_in(&client, &base, &outbox, &format!("1391234{:04}", 6000 + r)).await);
    }

    // A photo on an affair, in the photo directory.
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&image::RgbImage::from_fn(64, 48, |x, y| {
            image::Rgb([x as u8 * 4, y as u8 * 5, 90])
        }))
        .unwrap();
    let photographer = tokens[0].clone();
    let photo = client
        .post(format!("{base}/api/v1/photos"))
        .header("cookie", format!("linli_session={photographer}"))
        .header("content-type", "image/jpeg")
        .body(jpeg)
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status().as_u16(), 201);
    let photo = photo.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let filed = client
        .post(format!("{base}/api/v1/affairs"))
        .header("cookie", format!("linli_session={photographer}"))
        .json(&json!({"compound_id": compound, "category_id": category,
            "title": "备份里的照片", "description": "照片也要备份",
            "common_area": "北门", "photo_ids": [photo]}))
        .send()
        .await
        .unwrap();
    assert_eq!(filed.status().as_u16(), 201);
    let photo_url = |base: &str| format!("{base}/api/v1/photos/{photo}");
    let kept_jpeg = client
        .get(photo_url(&base))
        .header("cookie", format!("linli_session={photographer}"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();

    // Residents file one affair after another, before, during and after
    // the backup; each acknowledged affair is noted with its moment.
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(r, token)| {
            let (client, base, stop) = (client.clone(), base.clone(), stop.clone());
            tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let title = format!("backup-{r}-{n}");
                    n += 1;
                    let response = client
                        .post(format!("{base}/api/v1/affairs"))
                        .header("cookie", format!("linli_session={token}"))
                        .json(&json!({"compound_id": compound, "category_id": category,
                            "title": title, "description": "备份测试：备份时仍在登记",
                            "common_area": "北门"}))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status().as_u16(), 201);
                    let id = response.json::<Value>().await.unwrap()["id"]
                        .as_i64()
                        .unwrap();
                    acknowledged.push((id, Instant::now()));
                }
                acknowledged
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let began = Instant::now();
    let dest = backups.path().to_owned();
    let data_dir = data.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        binary(&data_dir).arg("backup").arg(&dest).output().unwrap()
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut before = BTreeSet::new();
    let mut after = 0;
    for writer in writers {
        for (id, at) in writer.await.unwrap() {
            if at < began {
                before.insert(id);
            } else {
                after += 1;
            }
        }
    }
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(output.status.success(), "{}", said(&output));
    assert!(after > 0, "writes went on during the backup");
    assert!(!before.is_empty());
    let folder = std::path::PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
    assert!(folder.join("linli.db").is_file(), "{}", folder.display());
    let in_backup: Vec<_> = walk(&folder.join("photos"));
    assert_eq!(
        in_backup.len(),
        1,
        "the photo is in the backup: {in_backup:?}"
    );

    // Restore into an empty data directory.
    let restored = tempfile::tempdir().unwrap();
    let output = binary(restored.path())
        .arg("restore")
        .arg(&folder)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", said(&output));
    assert!(
        said(&output).contains("integrity check says ok"),
        "{}",
        said(&output)
    );
    assert_eq!(
        std::fs::read(restored.path().join("secret.key")).unwrap(),
        std::fs::read(data.path().join("secret.key")).unwrap(),
        "the secret comes back with the database"
    );
    let url = format!(
        "sqlite://{}?mode=ro",
        restored.path().join("linli.db").display()
    );
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(&url).await.unwrap();
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(verdict, "ok");
    let kept: BTreeSet<i64> =
        sqlx::query_scalar::<_, i64>("SELECT id FROM affairs WHERE title LIKE 'backup-%'")
            .fetch_all(&db)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let missing: Vec<_> = before.difference(&kept).collect();
    assert!(
        missing.is_empty(),
        "acknowledged before the backup, missing: {missing:?}"
    );
    db.close().await;

    // A backup without its secret (the server kept it in LINLI_SECRET) is
    // restored only with LINLI_SECRET set: rosters would match nobody.
    let bare = copy_of(&folder);
    std::fs::remove_file(bare.path().join("secret.key")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let output = binary(elsewhere.path())
        .arg("restore")
        .arg(bare.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(said(&output).contains("LINLI_SECRET"), "{}", said(&output));
    assert!(!elsewhere.path().join("linli.db").exists());
    let output = binary(elsewhere.path())
        .env("LINLI_SECRET", "a-secret-of-at-least-32-characters!")
        .arg("restore")
        .arg(bare.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", said(&output));

    // A backup of a data directory without a database is refused, not an
    // empty database made and copied.
    let empty = tempfile::tempdir().unwrap();
    let output = binary(empty.path())
        .arg("backup")
        .arg(backups.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        said(&output).contains("there is no database"),
        "{}",
        said(&output)
    );
    assert!(!empty.path().join("linli.db").exists());

    // A data directory that holds a database is never overwritten.
    let output = binary(restored.path())
        .arg("restore")
        .arg(&folder)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        said(&output).contains("already exists"),
        "{}",
        said(&output)
    );

    // The restored directory serves.
    let port = free_port();
    let mut again = binary(restored.path())
        .env("LINLI_ADDR", format!("127.0.0.1:{port}"))
        .env("LINLI_ALLOW_OUTBOX", "1")
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let affairs = loop {
        if let Ok(r) = client
            .get(format!(
                "http://127.0.0.1:{port}/api/v1/affairs?compound_id={compound}&limit=1"
            ))
            .send()
            .await
        {
            break r;
        }
        assert!(
            Instant::now() < deadline,
            "the restored server did not come up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(affairs.status().as_u16(), 200);
    let served = client
        .get(photo_url(&format!("http://127.0.0.1:{port}")))
        .header("cookie", format!("linli_session={photographer}"))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status().as_u16(), 200);
    assert_eq!(
        served.bytes().await.unwrap(),
        kept_jpeg,
        "the photo came back"
    );
    again.kill().unwrap();
    again.wait().unwrap();
}

#[test]
fn old_scheduled_backups_are_pruned_newest_kept() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "linli-auto-20261201T020000Z",
        "linli-auto-20261202T020000Z",
        "linli-auto-20261202T020000Z-2",
        "linli-auto-20261203T020000Z",
        "linli-20261130T090000Z",
    ] {
        std::fs::create_dir(dir.path().join(name)).unwrap();
        std::fs::write(dir.path().join(name).join("linli.db"), b"").unwrap();
    }
    std::fs::create_dir(dir.path().join(".linli-auto-20261204T020000Z.partial")).unwrap();
    std::fs::create_dir(dir.path().join("unrelated")).unwrap();
    let (deleted, failed) = server::backup::prune(dir.path(), 2).unwrap();
    assert!(failed.is_empty(), "{failed:?}");
    let names: Vec<String> = deleted
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["linli-auto-20261201T020000Z", "linli-auto-20261202T020000Z"]
    );
    for kept in [
        "linli-auto-20261202T020000Z-2",
        "linli-auto-20261203T020000Z",
        "linli-20261130T090000Z",
        "unrelated",
    ] {
        assert!(dir.path().join(kept).exists(), "{kept} is kept");
    }
}

/// A small JPEG, different for each `n`.
fn jpeg(n: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&image::RgbImage::from_fn(32, 24, |x, y| {
            image::Rgb([x as u8 * 8, y as u8 * 10, n.wrapping_mul(40)])
        }))
        .unwrap();
    out
}

/// The photos' keys a backup's database names, in id order.
async fn keys_in(db: &Path) -> Vec<(String, Option<i64>)> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap();
    let keys = sqlx::query_as("SELECT object_key, stored_at FROM photos ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    keys
}

/// `src` copied to a fresh folder, to damage.
fn copy_of(src: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for file in walk(src) {
        let to = copy.path().join(file.strip_prefix(src).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, &to).unwrap();
    }
    copy
}

/// Restores `backup` into a fresh data directory: its output, and whether
/// it left anything behind (a database, a half-made copy, a photo).
fn restore_into_fresh(backup: &Path, env: &[(&str, &str)]) -> (Output, Vec<std::path::PathBuf>) {
    let data = tempfile::tempdir().unwrap();
    let mut command = binary(data.path());
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.arg("restore").arg(backup).output().unwrap();
    (output, everything(data.path()))
}

/// The files and folders under `dir`, at any depth.
fn everything(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        found.push(entry.path());
        if entry.path().is_dir() {
            found.extend(everything(&entry.path()));
        }
    }
    found
}

#[tokio::test]
async fn damaged_backups_are_refused_and_leave_nothing_behind() {
    let data = tempfile::tempdir().unwrap();
    let backups = tempfile::tempdir().unwrap();
    let (mut server, base) = serve_demo(data.path()).await;
    let client = reqwest::Client::new();
    let outbox = data.path().join("sms-outbox.jsonl");
    let token = sign_in(&client, &base, &outbox, "13912347001").await;
    let compound: Value = client
        .get(format!("{base}/api/v1/compounds?limit=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let categories: Value = client
        .get(format!("{base}/api/v1/categories?street_id=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut photos = Vec::new();
    for n in 0..2 {
        let photo: Value = client
            .post(format!("{base}/api/v1/photos"))
            .header("cookie", format!("linli_session={token}"))
            .header("content-type", "image/jpeg")
            .body(jpeg(n))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        photos.push(photo["id"].as_i64().unwrap());
    }
    let filed: Value = client
        .post(format!("{base}/api/v1/affairs"))
        .header("cookie", format!("linli_session={token}"))
        .json(&json!({"compound_id": compound["items"][0]["id"],
            "category_id": categories["items"][0]["id"],
            "title": "两张照片", "description": "备份要带上两张照片",
            "common_area": "北门", "photo_ids": photos}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let affair = format!("affair {}", filed["id"].as_i64().unwrap());

    let backup = |dest: &Path| {
        let output = binary(data.path())
            .arg("backup")
            .arg(dest)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", said(&output));
        let folder = String::from_utf8(output.stdout.clone()).unwrap();
        (std::path::PathBuf::from(folder.trim()), said(&output))
    };
    let (complete, _) = backup(backups.path());
    let keys: Vec<String> = keys_in(&complete.join("linli.db"))
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(keys.len(), 2);

    // A backup that lacks a photo's file is refused, naming the affair;
    // the photo it had put into the store is taken back.
    let lacking = copy_of(&complete);
    std::fs::remove_file(lacking.path().join("photos").join(&keys[1])).unwrap();
    let (output, left) = restore_into_fresh(lacking.path(), &[]);
    assert!(!output.status.success());
    assert!(said(&output).contains(&affair), "{}", said(&output));
    assert!(said(&output).contains(&keys[1]), "{}", said(&output));
    assert!(left.is_empty(), "a failed restore left {left:?}");
    // So is one whose photos folder is gone altogether.
    let bare = copy_of(&complete);
    std::fs::remove_dir_all(bare.path().join("photos")).unwrap();
    let (output, left) = restore_into_fresh(bare.path(), &[]);
    assert!(said(&output).contains(&keys[0]), "{}", said(&output));
    assert!(left.is_empty(), "{left:?}");

    // A link, a file that is no JPEG, a pipe for the secret: refused, and
    // neither followed nor waited on.
    let linked = copy_of(&complete);
    let file = linked.path().join("photos").join(&keys[0]);
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(data.path().join("secret.key"), &file).unwrap();
    let (output, left) = restore_into_fresh(linked.path(), &[]);
    assert!(
        said(&output).contains("not a regular file"),
        "{}",
        said(&output)
    );
    assert!(left.is_empty(), "{left:?}");
    let garbled = copy_of(&complete);
    std::fs::write(garbled.path().join("photos").join(&keys[0]), b"GIF89a...").unwrap();
    let (output, _) = restore_into_fresh(garbled.path(), &[]);
    assert!(said(&output).contains("not a JPEG"), "{}", said(&output));
    let piped = copy_of(&complete);
    std::fs::remove_file(piped.path().join("secret.key")).unwrap();
    let made = Command::new("mkfifo")
        .arg(piped.path().join("secret.key"))
        .status()
        .unwrap();
    assert!(made.success());
    let (output, left) = restore_into_fresh(piped.path(), &[]);
    assert!(!output.status.success());
    assert!(
        said(&output).contains("not a regular file"),
        "{}",
        said(&output)
    );
    assert!(left.is_empty(), "{left:?}");

    // A damaged database is named as the backup's file, not a working copy.
    let broken = copy_of(&complete);
    std::fs::write(broken.path().join("linli.db"), b"not a database at all").unwrap();
    let (output, left) = restore_into_fresh(broken.path(), &[]);
    assert!(
        said(&output).contains(&broken.path().join("linli.db").display().to_string()),
        "{}",
        said(&output)
    );
    assert!(!said(&output).contains(".restoring"), "{}", said(&output));
    assert!(left.is_empty(), "{left:?}");
    // A sound SQLite file that is not a Linli database.
    let foreign = copy_of(&complete);
    std::fs::remove_file(foreign.path().join("linli.db")).unwrap();
    {
        sqlx::any::install_default_drivers();
        let url = format!(
            "sqlite://{}?mode=rwc",
            foreign.path().join("linli.db").display()
        );
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::query("CREATE TABLE recipes (name TEXT)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    let (output, left) = restore_into_fresh(foreign.path(), &[]);
    assert!(
        said(&output).contains("not a Linli database")
            && said(&output).contains(&foreign.path().join("linli.db").display().to_string()),
        "{}",
        said(&output)
    );
    assert!(left.is_empty(), "{left:?}");
    let (output, _) = restore_into_fresh(&backups.path().join("no-such-backup"), &[]);
    assert!(
        said(&output).contains("there is no backup folder"),
        "{}",
        said(&output)
    );

    // A photo store that cannot work is said before anything is written.
    let (output, left) = restore_into_fresh(
        &complete,
        &[
            ("LINLI_PHOTO_STORE", "s3://linli"),
            ("AWS_ACCESS_KEY_ID", "x"),
            ("AWS_SECRET_ACCESS_KEY", "y"),
            ("AWS_ENDPOINT", "not-a-url"),
        ],
    );
    assert!(said(&output).contains("AWS_ENDPOINT"), "{}", said(&output));
    assert!(left.is_empty(), "{left:?}");
    let (output, _) = restore_into_fresh(&complete, &[("LINLI_PHOTO_STORE", "s3://linli")]);
    assert!(
        said(&output).contains("AWS_ACCESS_KEY_ID"),
        "{}",
        said(&output)
    );

    // A photo in use whose file the photo directory lost: the backup is
    // made, says so, and lists it; its restore accepts that one as lost.
    std::fs::remove_file(data.path().join("photos").join(&keys[0])).unwrap();
    let (partial, told) = backup(backups.path());
    assert!(told.contains(&affair) && told.contains(&keys[0]), "{told}");
    let listed = std::fs::read_to_string(partial.join("missing-photos.txt")).unwrap();
    assert_eq!(listed, format!("{}\t{affair}\n", keys[0]));
    let leftovers: Vec<_> = std::fs::read_dir(backups.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let restored = tempfile::tempdir().unwrap();
    let output = binary(restored.path())
        .arg("restore")
        .arg(&partial)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", said(&output));
    let rows = keys_in(&restored.path().join("linli.db")).await;
    assert_eq!(rows[0].1, None, "the lost photo is marked never stored");
    assert!(rows[1].1.is_some());
    assert!(restored.path().join("photos").join(&keys[1]).is_file());

    // A photo file damaged in the live directory is listed as lacking,
    // not copied into a backup that could then never be restored.
    std::fs::write(data.path().join("photos").join(&keys[1]), b"\0\0\0\0").unwrap();
    let (damaged, told) = backup(backups.path());
    assert!(told.contains(&keys[1]), "{told}");
    assert!(!damaged.join("photos").join(&keys[1]).exists());
    let (output, left) = restore_into_fresh(&damaged, &[]);
    assert!(output.status.success(), "{}", said(&output));
    assert!(left.iter().any(|p| p.ends_with("linli.db")), "{left:?}");
    std::fs::write(data.path().join("photos").join(&keys[1]), jpeg(1)).unwrap();

    // A photo directory linked in from another disk is followed: its
    // photos are backed up.
    let moved = tempfile::tempdir().unwrap();
    let elsewhere = moved.path().join("photos");
    std::fs::rename(data.path().join("photos"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, data.path().join("photos")).unwrap();
    let (linked_root, told) = backup(backups.path());
    assert!(
        linked_root.join("photos").join(&keys[1]).is_file(),
        "{told}"
    );
    assert!(!told.contains(&keys[1]), "{told}");
    std::fs::remove_file(data.path().join("photos")).unwrap();
    std::fs::rename(&elsewhere, data.path().join("photos")).unwrap();

    // A backup that fails part-way leaves no .partial folder.
    std::fs::rename(
        data.path().join("secret.key"),
        data.path().join("secret.bak"),
    )
    .unwrap();
    std::fs::create_dir(data.path().join("secret.key")).unwrap();
    let output = binary(data.path())
        .arg("backup")
        .arg(backups.path())
        .output()
        .unwrap();
    assert!(!output.status.success(), "{}", said(&output));
    std::fs::remove_dir(data.path().join("secret.key")).unwrap();
    std::fs::rename(
        data.path().join("secret.bak"),
        data.path().join("secret.key"),
    )
    .unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(backups.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "a failed backup left {leftovers:?}");

    // A backup whose photo's file the live directory has as a link does
    // not copy what the link points at.
    std::os::unix::fs::symlink(
        data.path().join("secret.key"),
        data.path().join("photos").join(&keys[0]),
    )
    .unwrap();
    let (linked_live, told) = backup(backups.path());
    assert!(told.contains(&keys[0]), "{told}");
    assert!(!linked_live.join("photos").join(&keys[0]).exists());

    server.kill().unwrap();
    server.wait().unwrap();
}
