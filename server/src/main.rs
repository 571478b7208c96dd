//! The server binary: `serve` (the default) runs the portal; `street
//! create`, `places import` and `roster import` set a real street up from
//! the command line, through the same code as the pages; `backup` and
//! `restore` copy the embedded database out and back.

use api_types::Lang;
use clap::{Parser, Subcommand};
use server::secret::Secret;
use server::{AppState, Config, Db, app, demo, housekeeping, shutdown_signal};
use std::path::PathBuf;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// Linli (邻里): the neighbourhood self-governance portal. Configuration is
/// read from environment variables (see `.env.sample`).
#[derive(Debug, Parser)]
#[command(name = "linli-server", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the portal (the default).
    Serve,
    /// Streets: create one with its first administrator.
    Street {
        #[command(subcommand)]
        command: StreetCommand,
    },
    /// A street's places ledger (楼栋台账): communities, compounds, grids,
    /// buildings and households from one spreadsheet.
    Places {
        #[command(subcommand)]
        command: PlacesCommand,
    },
    /// A compound's household roster (花名册): listed residents are verified
    /// when they sign in.
    Roster {
        #[command(subcommand)]
        command: RosterCommand,
    },
    /// Back the SQLite database (with its photos) and the secret up into a
    /// new folder under DEST, while the server runs. With PostgreSQL, says
    /// how to use pg_dump instead.
    Backup {
        /// The directory backups go into, e.g. /var/backups/linli.
        dest: PathBuf,
    },
    /// Fill an empty data directory (LINLI_DATA_DIR) from a backup folder
    /// that `backup` wrote; run it before the server starts.
    Restore {
        /// The backup folder, e.g. /var/backups/linli/linli-20261203T083000Z.
        src: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum StreetCommand {
    /// Create a street and its first street administrator, with the default
    /// affair categories and skills. Running it again changes nothing.
    Create {
        /// The street's name, e.g. 宁安街道.
        #[arg(long)]
        name: String,
        /// Its district, e.g. 定海区.
        #[arg(long)]
        district: String,
        /// Its city, e.g. 舟山市.
        #[arg(long)]
        city: String,
        /// The administrator's mobile number: they sign in with it.
        #[arg(long)]
        admin_phone: String,
        /// The administrator's name.
        #[arg(long)]
        admin_name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum PlacesCommand {
    /// Import a places ledger (XLSX, or CSV in UTF-8 or GBK).
    Import {
        /// The spreadsheet.
        file: PathBuf,
        /// The street's id (`street create` prints it).
        #[arg(long)]
        street: i64,
        /// Only check the file and say what it would do.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
enum RosterCommand {
    /// Import a compound's household roster (XLSX, or CSV in UTF-8 or GBK).
    Import {
        /// The spreadsheet.
        file: PathBuf,
        /// The compound's id.
        #[arg(long)]
        compound: i64,
        /// Only check the file and say what it would do.
        #[arg(long)]
        dry_run: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info")),
        )
        .with_writer(std::io::stderr);
    // LINLI_LOG_FORMAT=json: one JSON object per line, for a log collector.
    match std::env::var("LINLI_LOG_FORMAT").as_deref().map(str::trim) {
        Err(_) | Ok("") | Ok("text") => logs.init(),
        Ok("json") => logs.json().flatten_event(true).init(),
        Ok(other) => {
            eprintln!("environment variable LINLI_LOG_FORMAT: {other:?} is not one of text, json");
            return ExitCode::FAILURE;
        }
    }
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve().await,
        Command::Street {
            command:
                StreetCommand::Create {
                    name,
                    district,
                    city,
                    admin_phone,
                    admin_name,
                },
        } => {
            let street = server::street::NewStreet {
                name,
                district,
                city,
                admin_phone,
                admin_name,
            };
            create_street(&street).await
        }
        Command::Places {
            command:
                PlacesCommand::Import {
                    file,
                    street,
                    dry_run,
                },
        } => import_places(&file, street, dry_run).await,
        Command::Roster {
            command:
                RosterCommand::Import {
                    file,
                    compound,
                    dry_run,
                },
        } => import_roster(&file, compound, dry_run).await,
        Command::Backup { dest } => backup(&dest).await,
        Command::Restore { src } => restore(&src).await,
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            tracing::error!("{err}");
            ExitCode::FAILURE
        }
    }
}

type Failure = Box<dyn std::error::Error>;

/// The configuration and the database, migrated.
async fn open() -> Result<(Config, Db), Failure> {
    let config = Config::from_env()?;
    if config.is_sqlite() {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            format!(
                "cannot create the data directory {}: {e}",
                config.data_dir.display()
            )
        })?;
    }
    let db = Db::connect(&config.database_url, config.db_max_connections)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    tracing::info!(engine = ?db.engine, "database ready, migrations applied");
    Ok((config, db))
}

/// The language of the command line's messages: English when `LANG` says
/// so, else Chinese.
fn cli_lang() -> Lang {
    std::env::var("LANG")
        .ok()
        .and_then(|tag| Lang::from_tag(tag.split('.').next().unwrap_or_default()))
        .unwrap_or_default()
}

async fn serve() -> Result<ExitCode, Failure> {
    let config = Config::from_env()?;
    config.sms.check_production(config.demo_data)?;
    let (config, db) = open().await?;
    let secret = Secret::load(&config)?;
    if config.demo_data
        && demo::load_if_empty(&db)
            .await
            .map_err(|e| format!("cannot load the demo street: {e:?}"))?
    {
        // The roster first: the consultations and posts are taken part in
        // by the residents it verifies.
        demo::load_sample_roster(&db, &secret)
            .await
            .map_err(|e| format!("cannot load the demo roster: {e:?}"))?;
        demo::load_sample_affairs(&db)
            .await
            .map_err(|e| format!("cannot load the demo affairs: {e:?}"))?;
        demo::load_sample_units(&db)
            .await
            .map_err(|e| format!("cannot load the demo units: {e:?}"))?;
        demo::load_sample_consultations(&db)
            .await
            .map_err(|e| format!("cannot load the demo consultations: {e:?}"))?;
        demo::load_sample_pool(&db)
            .await
            .map_err(|e| format!("cannot load the demo posts: {e:?}"))?;
        tracing::info!("loaded the demo street (宁安街道) into the empty database");
    }
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr()?;
    let state = AppState::new(db, config, secret)?;
    tokio::spawn(housekeeping(state.db.clone(), state.photos.clone()));
    tokio::spawn(server::deliveries::run(
        state.db.clone(),
        state.sms.clone(),
        state.config.sms.clone(),
    ));
    tokio::spawn(server::telemetry::upkeep());
    tokio::spawn(server::throttle::forget_idle(state.throttle.clone()));
    tokio::spawn(server::backup::run_schedule(
        state.db.clone(),
        state.config.clone(),
    ));
    if let Some(metrics_addr) = state.config.metrics_addr {
        let metrics = tokio::net::TcpListener::bind(metrics_addr)
            .await
            .map_err(|e| format!("cannot listen on {metrics_addr} (LINLI_METRICS_ADDR): {e}"))?;
        let figures = axum::Router::new()
            .route("/metrics", axum::routing::get(server::telemetry::render))
            .with_state(state.clone());
        tracing::info!("metrics at http://{metrics_addr}/metrics");
        tokio::spawn(async move { axum::serve(metrics, figures).await });
    }
    tracing::info!("Linli is serving at http://{addr}/");
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(ExitCode::SUCCESS)
}

async fn backup(dest: &std::path::Path) -> Result<ExitCode, Failure> {
    let config = Config::from_env()?;
    if !config.is_sqlite() {
        println!("{}", server::backup::POSTGRES_HELP);
        return Ok(ExitCode::FAILURE);
    }
    let db = server::backup::open_existing(&config).await?;
    let done = server::backup::backup(&db, &config, dest, server::backup::PREFIX).await?;
    println!("{}", done.folder.display());
    if !done.missing.is_empty() {
        let list: Vec<String> = done
            .missing
            .iter()
            .map(|m| format!("{} ({})", m.on, m.key))
            .collect();
        let listed = done.folder.join(server::backup::MISSING_FILE);
        match cli_lang() {
            Lang::Zh => eprintln!(
                "注意：照片目录里缺少 {} 张已用照片的文件，备份里也没有：{}。清单在 {}。",
                list.len(),
                list.join("，"),
                listed.display()
            ),
            Lang::En => eprintln!(
                "Note: the photo directory lacks the files of {} photo(s) in use, so the backup \
                 lacks them too: {}. They are listed in {}.",
                list.len(),
                list.join(", "),
                listed.display()
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn restore(src: &std::path::Path) -> Result<ExitCode, Failure> {
    let config = Config::from_env()?;
    let restored = server::backup::restore(&config, src).await?;
    match cli_lang() {
        Lang::Zh => println!(
            "已恢复到 {}，完整性检查通过。现在可以启动服务。",
            restored.display()
        ),
        Lang::En => println!(
            "Restored into {}; the integrity check says ok. The server can start now.",
            restored.display()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

async fn create_street(street: &server::street::NewStreet) -> Result<ExitCode, Failure> {
    let (_, db) = open().await?;
    let lang = cli_lang();
    let outcome = server::street::create(&db, street).await.map_err(|e| {
        let fields: Vec<String> = e
            .fields()
            .iter()
            .map(|f| {
                f.rule
                    .message(&format!("--{}", f.field.replace('_', "-")), lang)
            })
            .collect();
        if fields.is_empty() {
            format!("{:?}", e.code())
        } else {
            fields.join("; ")
        }
    })?;
    let phone = api_types::identity::normalize_phone("admin_phone", &street.admin_phone)
        .unwrap_or_default();
    match (outcome, lang) {
        (server::street::Outcome::Created { street, admin }, Lang::Zh) => println!(
            "已建立街道（编号 {street}），街道管理员（人员编号 {admin}）可用手机号 {} 登录。\n\
             下一步：linli-server places import 楼栋台账.xlsx --street {street}",
            phone
        ),
        (server::street::Outcome::Created { street, admin }, Lang::En) => println!(
            "Created the street (id {street}); its administrator (person {admin}) signs in with {}.\n\
             Next: linli-server places import ledger.xlsx --street {street}",
            phone
        ),
        (server::street::Outcome::Exists { street }, Lang::Zh) => {
            println!("已有同名街道（编号 {street}），没有做任何改动。")
        }
        (server::street::Outcome::Exists { street }, Lang::En) => {
            println!("A street of this name exists (id {street}); nothing was changed.")
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_file(file: &std::path::Path) -> Result<Vec<u8>, Failure> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    if bytes.len() > api_types::imports::IMPORT_LIMIT_BYTES {
        return Err(format!(
            "{} is larger than {} bytes",
            file.display(),
            api_types::imports::IMPORT_LIMIT_BYTES
        )
        .into());
    }
    Ok(bytes)
}

/// Prints a report's errors; the exit code says whether there were any.
fn print_errors(errors: &[api_types::imports::RowError]) -> ExitCode {
    for error in errors {
        eprintln!("{}", error.message);
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

async fn import_places(
    file: &std::path::Path,
    street: i64,
    dry_run: bool,
) -> Result<ExitCode, Failure> {
    let bytes = read_file(file)?;
    let (_, db) = open().await?;
    let lang = cli_lang();
    let report = server::ledger::import(&db, street, &bytes, dry_run, None, lang)
        .await
        .map_err(|e| format!("{:?}: street {street}", e.code()))?;
    println!("{}", report.summary(lang));
    for change in &report.changed {
        println!(
            "  {} {}: {} → {}",
            change.place, change.field, change.before, change.after
        );
    }
    Ok(print_errors(&report.errors))
}

async fn import_roster(
    file: &std::path::Path,
    compound: i64,
    dry_run: bool,
) -> Result<ExitCode, Failure> {
    let bytes = read_file(file)?;
    let (config, db) = open().await?;
    let secret = Secret::load(&config)?;
    let lang = cli_lang();
    let report = server::roster::import(&db, &secret, compound, &bytes, dry_run, None, lang)
        .await
        .map_err(|e| format!("{:?}: compound {compound}", e.code()))?;
    println!("{}", report.summary(lang));
    Ok(print_errors(&report.errors))
}
