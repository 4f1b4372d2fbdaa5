//! `cargo xtask console`: build the agent console (`crates/agent-console`) into a folder any
//! static server can serve: `index.html`, `console.css`, the wasm-bindgen glue and the wasm.
//!
//! Release build for wasm32, wasm-bindgen `--target web`, then binaryen's `wasm-opt -Oz` from
//! `node_modules` (never the system's: Debian's wasm-opt 108 breaks wasm-bindgen 0.2.130 output).

use std::fs;
use std::path::Path;

use crate::cmd::{Error, Result, Sh};

/// Where `cargo xtask console` writes without `--out`.
pub const DEFAULT_OUT: &str = "dist/console";

/// The files the page needs, from the crate, copied as they are.
const STATIC_FILES: &[&str] = &["index.html", "console.css"];

/// Builds the console into `out` (emptied first). Served at `/console/`, it talks to the server
/// that serves it; `?server=http://host:port` points it elsewhere.
pub fn build(sh: &Sh, out: &Path) -> Result<()> {
    println!("==> building the agent console (release, wasm32) into {}", out.display());
    // Built like the widget (it shares most of its dependencies, so most of that build).
    sh.shipping()
        .cargo()
        .args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "agent-console"])
        .run()?;
    let wasm = sh.shipping_target().join("wasm32-unknown-unknown/release/agent_console.wasm");

    if out.exists() {
        fs::remove_dir_all(out).map_err(|e| Error::new(format!("cannot empty {}: {e}", out.display())))?;
    }
    fs::create_dir_all(out).map_err(|e| Error::new(format!("cannot create {}: {e}", out.display())))?;
    sh.cmd("wasm-bindgen").args(["--target", "web", "--no-typescript", "--out-dir"]).arg(out).arg(&wasm).run()?;
    let bindgen = out.join("agent_console_bg.wasm");
    crate::dist::wasm_opt(sh, &bindgen)?;

    let crate_dir = sh.root.join("crates").join("agent-console");
    for name in STATIC_FILES {
        let from = crate_dir.join(name);
        fs::copy(&from, out.join(name)).map_err(|e| Error::new(format!("cannot copy {}: {e}", from.display())))?;
    }
    let size = fs::metadata(&bindgen).map(|m| m.len()).unwrap_or(0);
    println!("==> agent console ready in {} (wasm {size} bytes)", out.display());
    Ok(())
}
