//! `cargo xtask dist`: what ships, in `dist/`.
//!
//! ```text
//! dist/
//!   livechat.js        the script-tag loader (www/loader.js)
//!   widget.js          wasm-bindgen glue (--target web), imported by the loader
//!   widget_bg.wasm     the widget, wasm-opt -Oz; its CSS is inside
//!   index.html         the demo host page (www/demo/index.html)
//!   console/           the agent console, when its own build put it there (left alone here)
//!   npm/               the npm package: package.json, index.d.ts, web.d.ts, README.md,
//!     bundler/         wasm-pack --target bundler (webpack, Vite, Rollup)
//!     web/             wasm-pack --target web (native ES modules)
//! ```
//!
//! The wasm is built for release and run through `wasm-opt -Oz` from `node_modules/binaryen`
//! (first on the children's PATH), never a system copy.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{Error, Result, Sh};

/// wasm-opt must know the features rustc's wasm32 target enables by default.
pub const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// The files of the script-tag bundle.
pub struct Bundle {
    pub loader: PathBuf,
    pub glue: PathBuf,
    pub wasm: PathBuf,
}

pub fn dir(sh: &Sh) -> PathBuf {
    sh.root.join("dist")
}

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(format!("cannot {what} {}: {e}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to).map(drop).map_err(|e| io("copy", from, e))
}

fn remove(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path).or_else(|_| fs::remove_file(path)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io("remove", path, e)),
        _ => Ok(()),
    }
}

/// Everything: the script-tag bundle, the demo page and the npm package.
pub fn run(sh: &Sh) -> Result<()> {
    let bundle = script_tag(sh)?;
    demo_page(sh)?;
    crate::console::build(sh, &dir(sh).join("console"))?;
    npm(sh)?;
    println!("==> dist/ is ready:");
    for file in [&bundle.loader, &bundle.glue, &bundle.wasm] {
        let size = fs::metadata(file).map_err(|e| io("read", file, e))?.len();
        println!("  {:<28} {size:>9} bytes", file.strip_prefix(&sh.root).unwrap_or(file).display());
    }
    println!("  dist/console/ (the agent console)");
    println!("  dist/npm/ (bundler and web builds, TypeScript declarations)");
    Ok(())
}

/// Release wasm → wasm-bindgen (`--target web`) → `wasm-opt -Oz`, and the loader, into `dist/`.
pub fn script_tag(sh: &Sh) -> Result<Bundle> {
    println!("==> building the widget (release wasm)");
    sh.cargo()
        .args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "livechat-widget", "--lib"])
        .run()?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| sh.root.join("target"), Into::into);
    let built = target.join("wasm32-unknown-unknown/release/livechat_widget.wasm");
    let dist = dir(sh);
    fs::create_dir_all(&dist).map_err(|e| io("create", &dist, e))?;
    for old in ["widget.js", "widget_bg.wasm", "widget.d.ts", "widget_bg.wasm.d.ts", "snippets", "livechat.js"] {
        remove(&dist.join(old))?;
    }
    sh.cmd("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-name", "widget", "--out-dir"])
        .arg(&dist)
        .arg(&built)
        .run()?;
    let wasm = dist.join("widget_bg.wasm");
    wasm_opt(sh, &wasm)?;
    let loader = dist.join("livechat.js");
    copy(&sh.root.join("www/loader.js"), &loader)?;
    Ok(Bundle { loader, glue: dist.join("widget.js"), wasm })
}

/// `wasm-opt -Oz` in place, with binaryen from `node_modules` (checked: not a system copy).
fn wasm_opt(sh: &Sh, wasm: &Path) -> Result<()> {
    let ours = sh.root.join("node_modules/.bin/wasm-opt");
    if sh.which("wasm-opt").as_deref() != Some(ours.as_path()) {
        return Err(Error::new("wasm-opt must come from node_modules/binaryen: run `cargo xtask ensure`"));
    }
    sh.cmd("wasm-opt").arg("-Oz").args(WASM_OPT_FEATURES).arg(wasm).arg("-o").arg(wasm).run()
}

/// The demo host page at `dist/index.html`.
pub fn demo_page(sh: &Sh) -> Result<()> {
    copy(&sh.root.join("www/demo/index.html"), &dir(sh).join("index.html"))
}

/// The npm package in `dist/npm/`: wasm-pack's bundler and web builds under one package.json.
pub fn npm(sh: &Sh) -> Result<()> {
    let npm = dir(sh).join("npm");
    remove(&npm)?;
    for (target, out) in [("bundler", "bundler"), ("web", "web")] {
        println!("==> npm package: {target} build");
        let out_dir = npm.join(out);
        sh.cmd("wasm-pack")
            .args(["build", "--release", "--mode", "no-install", "--no-pack", "--no-opt", "--no-gitignore"])
            .args(["--target", target])
            .args(["--out-name", "widget", "--out-dir"])
            .arg(&out_dir)
            .run()?;
        // One package: wasm-pack's own package.json, README and .gitignore go.
        for extra in ["package.json", "README.md", ".gitignore", "LICENSE"] {
            remove(&out_dir.join(extra))?;
        }
        wasm_opt(sh, &out_dir.join("widget_bg.wasm"))?;
    }
    let template = sh.root.join("www/npm");
    for file in ["package.json", "index.d.ts", "web.d.ts", "README.md"] {
        copy(&template.join(file), &npm.join(file))?;
    }
    Ok(())
}
