//! A real server on a loopback port, over a fresh database, for each test.
//!
//! SQLite by default; set `LINLI_TEST_DATABASE_URL` to a PostgreSQL server's
//! URL and every test gets its own new database on it instead.

#![allow(dead_code, missing_docs)]

pub mod sms_stub;

use axum::Router;
use server::{AppState, Config, Db};
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

/// `n` requests made by `request(0..n)`, sent at once; their answers in
/// that order.
pub async fn at_once<T, F: std::future::Future<Output = T>>(
    n: usize,
    request: impl Fn(usize) -> F,
) -> Vec<T> {
    futures_util::future::join_all((0..n).map(request)).await
}

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The server's database, for checking what a request stored.
    pub db: Db,
    /// A client that speaks to the server.
    pub client: reqwest::Client,
    /// Where the development SMS sender writes codes.
    pub outbox: std::path::PathBuf,
    /// The database's URL, for running the server binary's commands on it.
    pub database_url: String,
    /// A scratch directory that lives as long as the server.
    pub dir: tempfile::TempDir,
    /// The server's SMS sender and settings, for sending queued messages.
    pub sms: std::sync::Arc<dyn server::sms::SmsSender>,
    pub sms_config: server::sms::SmsConfig,
    /// The server's photo store.
    pub photos: server::photo_store::PhotoStore,
}

/// The inline script of the station desk's test shell.
pub const STATION_SCRIPT: &str = "import init from '/station/station-0123456789abcdef.js';init();";

/// The inline script of the test shell, as Trunk writes one.
pub const SHELL_SCRIPT: &str = "import init from '/app-0123456789abcdef.js';init();";

impl TestApp {
    /// A server with the demo street loaded.
    pub async fn with_demo() -> TestApp {
        TestApp::with_demo_env(Vec::new()).await
    }

    /// A server with the demo street loaded, configured also by `env` (such
    /// as a photo store's settings).
    pub async fn with_demo_env(env: Vec<(&'static str, String)>) -> TestApp {
        let app = TestApp::with_env(env).await;
        assert!(
            server::demo::load_if_empty(&app.db)
                .await
                .expect("demo data")
        );
        app
    }

    /// A server over an empty database.
    pub async fn empty() -> TestApp {
        TestApp::serve(server::app).await
    }

    /// A server over an empty database, configured also by `env` (such as
    /// an SMS provider's settings).
    pub async fn with_env(env: Vec<(&'static str, String)>) -> TestApp {
        TestApp::serve_with(server::app, env).await
    }

    /// A server whose router `build` makes from the state (to test the
    /// middleware around routes of a test's own).
    pub async fn serve(build: impl FnOnce(AppState) -> Router) -> TestApp {
        TestApp::serve_with(build, Vec::new()).await
    }

    async fn serve_with(
        build: impl FnOnce(AppState) -> Router,
        env: Vec<(&'static str, String)>,
    ) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let dist = dir.path().join("dist");
        write_dist(&dist);
        let url = database_url(dir.path()).await;
        let outbox = dir.path().join("sms-outbox.jsonl");
        let outbox_path = outbox.display().to_string();
        let data_dir = dir.path().join("data").display().to_string();
        // What a test sets wins; then these defaults. Quiet hours are off
        // unless a test sets them, so notices go whatever the hour of the run.
        let config = Config::from_lookup(|name| {
            if let Some((_, v)) = env.iter().find(|(k, _)| *k == name) {
                return Some(v.clone());
            }
            match name {
                "DATABASE_URL" => Some(url.clone()),
                "LINLI_DATA_DIR" => Some(data_dir.clone()),
                "LINLI_SMS_QUIET_HOURS" => Some("off".into()),
                // Tests make many writes from one address in a moment; the
                // flood guard's own test sets a low limit.
                "LINLI_WRITE_LIMIT_PER_MINUTE" => Some("1000000".into()),
                "LINLI_DIST_DIR" => Some(dist.display().to_string()),
                "LINLI_BODY_LIMIT_BYTES" => Some("4096".into()),
                "LINLI_PHOTO_LIMIT_BYTES" => Some("1048576".into()),
                "LINLI_SMS_OUTBOX" => Some(outbox_path.clone()),
                _ => None,
            }
        })
        .expect("config");
        let db = Db::connect(&config.database_url, 4)
            .await
            .expect("database");
        let secret = server::secret::Secret::from_key(&[7; 32]).expect("a test secret");
        let state = AppState::new(db.clone(), config, secret).expect("the server's state");
        let sms = state.sms.clone();
        let sms_config = state.config.sms.clone();
        let photos = state.photos.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = build(state);
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
        });
        TestApp {
            base: format!("http://{addr}"),
            db,
            client: reqwest::Client::new(),
            outbox,
            database_url: url,
            dir,
            sms,
            sms_config,
            photos,
        }
    }

    /// Sends the queued text messages due at `now` (Unix ms), as the
    /// server's background task would.
    pub async fn deliver_sms_at(&self, now: i64) -> server::deliveries::Pass {
        server::deliveries::deliver_due(&self.db, &*self.sms, &self.sms_config, now)
            .await
            .expect("the queue")
    }

    /// Queues for SMS the new notices their people chose to get so, as
    /// the server's background task would; how many.
    pub async fn relay_sms(&self) -> usize {
        server::deliveries::relay_notices(
            &self.db,
            &*self.sms,
            &self.sms_config,
            server::db::now_ms(),
        )
        .await
        .expect("the relay")
    }

    /// Sends the queued text messages due now.
    pub async fn deliver_sms(&self) -> server::deliveries::Pass {
        self.deliver_sms_at(server::db::now_ms()).await
    }

    /// `GET path`, decoded as JSON, with its status.
    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The last code the development SMS sender wrote for `phone`.
    pub fn last_code(&self, phone: &str) -> Option<String> {
        let text = std::fs::read_to_string(&self.outbox).ok()?;
        text.lines()
            .rev()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| m["phone"] == phone)
            .find_map(|m| m["code"].as_str().map(str::to_owned))
    }

    /// Asks for a code for `phone`; the status and body of the answer.
    pub async fn request_code(&self, phone: &str) -> (u16, serde_json::Value) {
        let response = self
            .client
            .post(self.url("/api/v1/sign-in-codes"))
            .json(&serde_json::json!({ "phone": phone }))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("json"))
    }

    /// Signs in as `phone` through a real code; the session cookie's value.
    pub async fn sign_in(&self, phone: &str) -> String {
        let (status, _) = self.request_code(phone).await;
        assert_eq!(status, 202, "code for {phone}");
        self.sign_in_with_sent_code(phone).await
    }

    /// Signs in with the last code sent to `phone`.
    pub async fn sign_in_with_sent_code(&self, phone: &str) -> String {
        if self.last_code(phone).is_none() {
            self.request_code(phone).await;
        }
        let code = self.last_code(phone).expect("a code in the outbox");
        let response = self
            .client
            .post(self.url("/api/v1/sessions"))
            .json(&serde_json::json!({ "phone": phone, "code": code }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 201, "sign in {phone}");
        session_cookie(&response).expect("a session cookie")
    }

    /// `GET path` with a session cookie.
    /// `method path` with `body` as `token`'s session; status and JSON body.
    pub async fn send_as(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut request = self
            .client
            .request(method, self.url(path))
            .header("cookie", format!("linli_session={token}"));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        )
    }

    /// Signs `phone` in and makes them a verified resident of `room` in
    /// `1单元` of `building`, approved by `approver` (a station member of the
    /// compound); their session and the binding's id.
    pub async fn verified_resident(
        &self,
        approver: &str,
        phone: &str,
        building: i64,
        room: &str,
    ) -> (String, i64) {
        let token = self.sign_in(phone).await;
        let (status, request) = self
            .post_as(
                &token,
                "/api/v1/household-requests",
                serde_json::json!({"building_id": building, "unit": "1单元", "room": room}),
            )
            .await;
        assert_eq!(status, 201, "{request}");
        let id = request["id"].as_i64().expect("a request id");
        let path = format!("/api/v1/household-requests/{id}/approvals");
        let (status, _) = self.post_as(approver, &path, serde_json::json!({})).await;
        assert_eq!(status, 201);
        (token, id)
    }

    /// `POST path` with a JSON body as `token`'s session.
    pub async fn post_as(
        &self,
        token: &str,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.send_as(token, reqwest::Method::POST, path, Some(body))
            .await
    }

    /// `POST path` with a JSON body and an `Idempotency-Key` as `token`'s
    /// session; status and JSON body.
    pub async fn post_keyed(
        &self,
        token: &str,
        path: &str,
        body: serde_json::Value,
        key: &str,
    ) -> (u16, serde_json::Value) {
        let response = self
            .client
            .post(self.url(path))
            .header("cookie", format!("linli_session={token}"))
            .header("idempotency-key", key)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("json"))
    }

    /// Uploads `csv` as `compound`'s household roster, as `token` (who keeps
    /// its register).
    pub async fn upload_roster(&self, token: &str, compound: i64, csv: &str) {
        let response = self
            .client
            .post(self.url(&format!("/api/v1/compounds/{compound}/roster-imports")))
            .header("cookie", format!("linli_session={token}"))
            .header("content-type", "text/csv")
            .body(csv.to_owned())
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 201, "roster upload");
    }

    pub async fn get_as(&self, token: &str, path: &str) -> (u16, serde_json::Value) {
        let response = self
            .client
            .get(self.url(path))
            .header("cookie", format!("linli_session={token}"))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("json"))
    }

    /// `SELECT COUNT(*) FROM table`.
    pub async fn count(&self, table: &'static str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&self.db.pool)
            .await
            .expect("count")
    }
}

/// A built app as Trunk leaves it: a shell with an inline script and style,
/// a hashed script with its brotli twin, and an unhashed icon.
fn write_dist(dist: &Path) {
    std::fs::create_dir_all(dist).expect("dist");
    let shell = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><title>邻里</title>\
         <style>body{{margin:0}}</style></head>\
         <body><div id=\"boot\">邻里</div><script type=\"module\">{SHELL_SCRIPT}</script></body></html>"
    );
    std::fs::write(dist.join("index.html"), shell).expect("shell");
    std::fs::write(
        dist.join("app-0123456789abcdef.js"),
        "export default function init() {}",
    )
    .expect("script");
    std::fs::write(dist.join("app-0123456789abcdef.js.br"), b"brotli bytes").expect("br");
    std::fs::write(dist.join("favicon.svg"), "<svg/>").expect("icon");
    std::fs::create_dir_all(dist.join("station")).expect("station dist");
    let station = format!(
        "<!doctype html><html><head><title>互助站工作台</title></head>\
         <body><div id=\"boot\">station</div><script type=\"module\">{STATION_SCRIPT}</script></body></html>"
    );
    std::fs::write(dist.join("station/index.html"), station).expect("station shell");
}

static NEXT_DB: AtomicU32 = AtomicU32::new(0);

async fn database_url(dir: &Path) -> String {
    let Ok(admin_url) = std::env::var("LINLI_TEST_DATABASE_URL") else {
        return format!("sqlite://{}?mode=rwc", dir.join("test.db").display());
    };
    sqlx::any::install_default_drivers();
    let name = format!(
        "linli_test_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::SeqCst)
    );
    let admin = sqlx::AnyPool::connect(&admin_url)
        .await
        .expect("PostgreSQL admin connection");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&admin)
    .await
    .expect("drop old test database");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .expect("create test database");
    admin.close().await;
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("a URL with a database name");
    format!("{base}/{name}")
}

/// The session cookie a response sets (`Some("")` when it clears it).
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("linli_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
}
