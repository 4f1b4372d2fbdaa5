//! `cargo xtask demo`: build what it serves into `dist/` (the script-tag widget, the demo host
//! page, the agent console; not the npm package), then run the development server in the
//! foreground, serving `dist/`: the demo host page at `/`, the agent console at `/console/`.
//! It installs what it uses (the build tools, not the browser the tests need).

use std::fs;

use crate::cmd::{Error, Result, Sh};

pub const DEFAULT_PORT: u16 = 3000;

pub struct Options {
    pub port: u16,
    /// An in-memory database instead of `data/livechat.db`.
    pub memory: bool,
}

pub fn run(sh: &Sh, opts: Options) -> Result<()> {
    // The dev server needs none of the tools `ensure` installs: it builds meanwhile, and
    // alongside the widget (its own target directory, so its own cargo lock). The tool install
    // and each build end in a long single-threaded step (linking; LTO into one codegen unit),
    // which leaves a core free for the other.
    println!("==> building the dev server (release) alongside the tools and the widget");
    std::thread::scope(|scope| {
        let server =
            scope.spawn(|| sh.cargo().args(["build", "--release", "--quiet", "-p", "livechat-dev-server"]).run());
        let widget = crate::ensure::run(sh, crate::ensure::Options::DEMO).and_then(|()| crate::dist::for_demo(sh));
        let server = server.join().unwrap_or_else(|_| Err(Error::new("the dev server's build panicked")));
        widget.and(server)
    })?;
    let www = crate::dist::dir(sh);
    let addr = format!("127.0.0.1:{}", opts.port);
    // CORS on for the demo page's origin alone, as a site owner turns it on in Rocket.Chat for
    // their site. The demo page is served by this server, so it needs none; the setting is there
    // (and printed) for the page a site owner copies it to.
    let origin = format!("http://{addr}");
    let server = sh
        .cargo()
        .args(["run", "--release", "-p", "livechat-dev-server", "--", "--addr", &addr, "--cors-origin", &origin])
        // Rocket.Chat's defaults plus what a site shows off: a trigger, transcripts, pre-chat fields.
        .args(["--config", "crates/dev-server/livechat.demo.toml"])
        .arg("--www")
        .arg(&www);
    let server = if opts.memory {
        println!("==> database: in memory (gone when the server stops)");
        server.arg("--memory")
    } else {
        let data = sh.root.join("data");
        fs::create_dir_all(&data).map_err(|e| Error::new(format!("cannot create {}: {e}", data.display())))?;
        println!("==> database: data/livechat.db (kept between runs; delete it or pass --memory for a fresh one)");
        server.args(["--db", "data/livechat.db"])
    };
    println!("==> starting the dev server on http://{addr}; Ctrl-C stops it");
    println!("    demo host page  http://{addr}/");
    println!("    agent console   http://{addr}/console/");
    println!("    CORS            on for {origin} only (Rocket.Chat: Administration > Settings > General > REST API >");
    println!("                    Enable CORS, and the origin of each site that embeds the widget in CORS Origin)");
    println!("$ {server}");
    Err(server.exec())
}
