//! Starts the portal: configuration, logging, database, serve.

use server::{AppState, Config, Db, app, demo, housekeeping, shutdown_signal};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info")),
        )
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
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
    if config.demo_data && demo::load_if_empty(&db).await? {
        demo::load_sample_affairs(&db)
            .await
            .map_err(|e| format!("cannot load the demo affairs: {:?}", e.code()))?;
        demo::load_sample_units(&db)
            .await
            .map_err(|e| format!("cannot load the demo units: {:?}", e.code()))?;
        tracing::info!("loaded the demo street (宁安街道) into the empty database");
    }
    tokio::spawn(housekeeping(db.clone()));
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr()?;
    let state = AppState::new(db, config);
    tracing::info!("Linli is serving at http://{addr}/");
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(())
}
