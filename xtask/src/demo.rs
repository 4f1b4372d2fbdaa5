//! `cargo xtask demo`: build and run the development server in the foreground.

use std::fs;

use crate::cmd::{Error, Result, Sh};

pub const DEFAULT_PORT: u16 = 3000;

pub struct Options {
    pub port: u16,
    /// An in-memory database instead of `data/livechat.db`.
    pub memory: bool,
}

pub fn run(sh: &Sh, opts: Options) -> Result<()> {
    let addr = format!("127.0.0.1:{}", opts.port);
    let server = sh.cargo().args(["run", "--release", "-p", "livechat-dev-server", "--", "--addr", &addr]);
    let server = if opts.memory {
        println!("==> database: in memory (gone when the server stops)");
        server.arg("--memory")
    } else {
        let data = sh.root.join("data");
        fs::create_dir_all(&data).map_err(|e| Error::new(format!("cannot create {}: {e}", data.display())))?;
        println!("==> database: data/livechat.db (kept between runs; delete it or pass --memory for a fresh one)");
        server.args(["--db", "data/livechat.db"])
    };
    println!("==> building the dev server (release) and starting it on http://{addr}; Ctrl-C stops it");
    println!("$ {server}");
    Err(server.exec())
}
