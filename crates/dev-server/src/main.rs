//! `livechat-dev-server`: serve the Livechat API on a loopback port.
//!
//! The first line printed is `livechat-dev-server listening on http://ADDR`, so scripts and
//! tests that start it on port 0 learn the port it got.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use livechat_dev_server::config::{DEMO_AGENT, Routing, ServerConfig};
use livechat_dev_server::cors::Cors;
use livechat_dev_server::db::Db;
use livechat_dev_server::{AppState, app};

const USAGE: &str = "\
livechat-dev-server: Rocket.Chat's Livechat API (REST + DDP) backed by SQLite

USAGE: livechat-dev-server [OPTIONS]

OPTIONS:
  --addr ADDR          address to listen on [default: 127.0.0.1:3000]; port 0 picks a free one
  --db PATH            SQLite database file, created if missing [default: data/livechat.db]
  --memory             keep everything in memory instead (gone when the server stops)
  --config PATH        TOML settings: agents, departments, routing, theme, texts
  --www DIR            serve static files from DIR at /
  --routing MODE       auto (assign at once) or manual (agents take from the queue)
  --api-version N      7: no livechat/visitor/department.transfer, as Rocket.Chat 7 [default: 8]
  --agents-offline     start with every agent offline (visitors get the offline form)
  --accept-no-agents   let chats start (queued) with nobody online
  --rate-limit         enable Rocket.Chat's per-IP rate limits
  --cors-origin LIST   let pages on other origins call the API (Rocket.Chat's Enable CORS and
                       CORS Origin): \"*\" or comma-separated origins [default: off]
  -h, --help           this text
";

struct Args {
    addr: SocketAddr,
    db: Option<PathBuf>,
    config: Option<PathBuf>,
    www: Option<PathBuf>,
    routing: Option<Routing>,
    api_version: Option<u8>,
    agents_offline: bool,
    accept_no_agents: bool,
    rate_limit: bool,
    cors_origin: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        addr: "127.0.0.1:3000".parse().expect("valid default"),
        db: Some(PathBuf::from("data/livechat.db")),
        config: None,
        www: None,
        routing: None,
        api_version: None,
        agents_offline: false,
        accept_no_agents: false,
        rate_limit: false,
        cors_origin: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--addr" => args.addr = value("--addr")?.parse().map_err(|e| format!("--addr: {e}"))?,
            "--db" => args.db = Some(value("--db")?.into()),
            "--memory" => args.db = None,
            "--config" => args.config = Some(value("--config")?.into()),
            "--www" => args.www = Some(value("--www")?.into()),
            "--routing" => {
                args.routing = Some(match value("--routing")?.as_str() {
                    "auto" => Routing::Auto,
                    "manual" => Routing::Manual,
                    other => return Err(format!("--routing: expected auto or manual, got {other:?}")),
                })
            }
            "--api-version" => {
                args.api_version = Some(value("--api-version")?.parse().map_err(|e| format!("--api-version: {e}"))?)
            }
            "--agents-offline" => args.agents_offline = true,
            "--accept-no-agents" => args.accept_no_agents = true,
            "--rate-limit" => args.rate_limit = true,
            "--cors-origin" => args.cors_origin = Some(value("--cors-origin")?),
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other:?}\n\n{USAGE}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() {
    if let Err(e) = serve().await {
        eprintln!("livechat-dev-server: {e}");
        std::process::exit(1);
    }
}

async fn serve() -> Result<(), String> {
    let args = parse_args()?;
    let mut config = match &args.config {
        Some(path) => ServerConfig::load(path)?,
        None => ServerConfig::default(),
    };
    if let Some(routing) = args.routing {
        config.routing = routing;
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
    let uses_default_agents = args.config.is_none();

    let db = match &args.db {
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
    let listener =
        tokio::net::TcpListener::bind(args.addr).await.map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;

    // One write for the whole banner; a closed stdout (a parent that read the first line and
    // went away) must not stop the server.
    let mut banner = format!(
        "livechat-dev-server listening on http://{addr}\n  REST API   http://{addr}/api/v1/livechat/config\n  realtime   ws://{addr}/websocket\n"
    );
    banner += &format!("  CORS       {}\n", Cors::from_setting(state.config.cors_origin.as_deref()).describe());
    match &args.db {
        Some(path) => banner += &format!("  database   {}\n", path.display()),
        None => banner += "  database   in memory\n",
    }
    if uses_default_agents {
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
