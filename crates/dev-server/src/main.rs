//! `livechat-dev-server`: serve the Livechat API on a loopback port.
//!
//! The first line printed is `livechat-dev-server listening on http://ADDR`, so scripts and
//! tests that start it on port 0 learn the port it got.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use livechat_dev_server::config::{DEMO_AGENT, Routing, ServerConfig};
use livechat_dev_server::cors::Cors;
use livechat_dev_server::db::Db;
use livechat_dev_server::{AppState, app};

// A flag given twice takes its last value; of `--db` and `--memory` the last one given counts.
/// Rocket.Chat's Livechat API (REST + DDP) backed by SQLite.
#[derive(Debug, Parser)]
#[command(name = "livechat-dev-server", version, args_override_self = true)]
struct Args {
    /// Address to listen on; port 0 picks a free one
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// SQLite database file, created if missing
    #[arg(long, value_name = "PATH", default_value = "data/livechat.db", overrides_with = "memory")]
    db: PathBuf,
    /// Keep everything in memory instead (gone when the server stops)
    #[arg(long, overrides_with = "db")]
    memory: bool,
    /// TOML settings: agents, departments, routing, theme, texts, triggers, custom fields
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Serve static files from DIR at /
    #[arg(long, value_name = "DIR")]
    www: Option<PathBuf>,
    /// Assign chats at once or queue them
    #[arg(long, value_name = "MODE")]
    routing: Option<RoutingMode>,
    /// 7 imitates Rocket.Chat 7 (no visitor/department.transfer) [default: 8]
    #[arg(long, value_name = "N")]
    api_version: Option<u8>,
    /// Start with every agent offline (visitors get the offline form)
    #[arg(long)]
    agents_offline: bool,
    /// Let chats start (queued) with nobody online
    #[arg(long)]
    accept_no_agents: bool,
    /// Enable Rocket.Chat's per-IP rate limits
    #[arg(long)]
    rate_limit: bool,
    /// Rocket.Chat's CORS Origin: "*" or comma-separated origins [default: off]
    #[arg(long, value_name = "LIST")]
    cors_origin: Option<String>,
}

/// `--routing`'s values.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoutingMode {
    Auto,
    Manual,
}

impl From<RoutingMode> for Routing {
    fn from(mode: RoutingMode) -> Routing {
        match mode {
            RoutingMode::Auto => Routing::Auto,
            RoutingMode::Manual => Routing::Manual,
        }
    }
}

#[tokio::main]
async fn main() {
    // Bad flags and --help end here, as clap reports them.
    let args = Args::parse();
    if let Err(e) = serve(args).await {
        eprintln!("livechat-dev-server: {e}");
        std::process::exit(1);
    }
}

async fn serve(args: Args) -> Result<(), String> {
    let db_path = (!args.memory).then_some(args.db);
    let mut config = match &args.config {
        Some(path) => ServerConfig::load(path)?,
        None => ServerConfig::default(),
    };
    if let Some(routing) = args.routing {
        config.routing = routing.into();
    }
    if let Some(v) = args.api_version {
        config.api_version = v;
    }
    if args.agents_offline {
        config.agents.iter_mut().for_each(|a| a.status = "offline".into());
    }
    config.accept_chats_with_no_agents |= args.accept_no_agents;
    config.rate_limit |= args.rate_limit;
    if let Some(origins) = args.cors_origin {
        config.cors_origin = Some(origins);
    }
    // The built-in agent (also in the demo's settings file) signs in with the printed password.
    let uses_demo_agent = config.agents.iter().any(|a| (a.username.as_str(), a.password.as_str()) == DEMO_AGENT);

    let db = match &db_path {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            Db::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?
        }
        None => Db::memory().map_err(|e| e.to_string())?,
    };
    let mut state = AppState::new(config, db)?;
    state.www = args.www.clone();
    if let Some(path) = &db_path {
        state.files = std::sync::Arc::new(livechat_dev_server::files::Files::beside(path));
        livechat_dev_server::routes::upload::sweep(&state).map_err(|e| format!("{e:?}"))?;
    }
    let listener =
        tokio::net::TcpListener::bind(args.addr).await.map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;

    // One write for the whole banner; a closed stdout (a parent that read the first line and
    // went away) must not stop the server.
    let mut banner = format!(
        "livechat-dev-server listening on http://{addr}\n  REST API   http://{addr}/api/v1/livechat/config\n  realtime   ws://{addr}/websocket\n"
    );
    banner += &format!("  CORS       {}\n", Cors::from_setting(state.config.cors_origin.as_deref()).describe());
    match &db_path {
        Some(path) => banner += &format!("  database   {}\n", path.display()),
        None => banner += "  database   in memory\n",
    }
    banner += &format!("  uploads    {}\n", state.files.describe());
    if uses_demo_agent {
        banner += &format!("  demo agent username {:?}, password {:?}\n", DEMO_AGENT.0, DEMO_AGENT.1);
    }
    banner += "Press Ctrl-C to stop.\n";
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(banner.as_bytes()).and_then(|()| stdout.flush());
    drop(stdout);

    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown_signal()).await.map_err(|e| e.to_string())
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let terminate = async {
        #[cfg(unix)]
        if let Ok(mut sigterm) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            sigterm.recv().await;
            return;
        }
        std::future::pending::<()>().await
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}
