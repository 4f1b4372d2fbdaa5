//! `cargo xtask bench`: sizes of what visitors download, as raw, gzip -9 and brotli -11 bytes.
//!
//! Measured: the script-tag bundle exactly as `cargo xtask dist` makes it (the loader, the
//! wasm-bindgen glue and the wasm: the whole widget; and each language's catalogue, of which a
//! visitor who does not speak English fetches one), against the budgets, with the largest
//! catalogue counted (the most any visitor downloads); and the whole typed client
//! (`examples/client_size.rs`: every visitor and agent call and the token store). Each is built
//! for release and run through wasm-bindgen and `wasm-opt -Oz`.
//!
//! Then timings in headless Chromium over loopback ([`timings`]): milliseconds from script start
//! to the launcher visible and from a click on it to a focusable composer, median of 7 runs.

use std::path::{Path, PathBuf};

use crate::cmd::{Error, Result, Sh};

/// The loader's budget, brotli bytes.
pub const LOADER_BUDGET: u64 = 6 * 1024;
/// The whole widget's budget (loader + glue + wasm), brotli bytes.
pub const WIDGET_BUDGET: u64 = 110 * 1024;

struct Variant {
    name: &'static str,
    example: &'static str,
    features: &'static [&'static str],
}

const VARIANTS: &[Variant] =
    &[Variant { name: "typed client + token store", example: "client_size", features: &["--no-default-features"] }];

/// Raw, gzip and brotli sizes of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

pub fn run(sh: &Sh) -> Result<()> {
    crate::ensure::run(sh, crate::ensure::Options { install: true, trunk: false })?;
    let bundle = crate::dist::script_tag(sh)?;
    let loader = sizes(sh, &bundle.loader)?;
    let glue = sizes(sh, &bundle.glue)?;
    let wasm = sizes(sh, &bundle.wasm)?;
    let mut catalogues = Vec::new();
    for file in &bundle.catalogues {
        let name = file.file_name().unwrap_or_default().to_string_lossy().into_owned();
        catalogues.push((format!("i18n/{name}"), sizes(sh, file)?));
    }
    let out = sh.root.join("target").join("bench");
    let mut rows = Vec::new();
    for variant in VARIANTS {
        let (wasm, js) = build_example(sh, variant.example, variant.features, &out.join(slug(variant.name)))?;
        rows.push((variant.name, "wasm (wasm-opt -Oz)", sizes(sh, &wasm)?));
        rows.push((variant.name, "js glue", sizes(sh, &js)?));
    }
    println!("\n==> the script-tag bundle (dist/), bytes");
    println!("{:<34} {:>9} {:>9} {:>9}", "file", "raw", "gzip -9", "brotli 11");
    for (name, s) in [("livechat.js (loader)", loader), ("widget.js (glue)", glue), ("widget_bg.wasm", wasm)] {
        println!("{name:<34} {:>9} {:>9} {:>9}", s.raw, s.gzip, s.brotli);
    }
    let whole = Sizes {
        raw: loader.raw + glue.raw + wasm.raw,
        gzip: loader.gzip + glue.gzip + wasm.gzip,
        brotli: loader.brotli + glue.brotli + wasm.brotli,
    };
    println!("{:<34} {:>9} {:>9} {:>9}", "whole widget (all three)", whole.raw, whole.gzip, whole.brotli);
    for (name, s) in &catalogues {
        println!("{name:<34} {:>9} {:>9} {:>9}", s.raw, s.gzip, s.brotli);
    }
    let (largest, worst) = with_largest(whole, &catalogues);
    let label = format!("whole widget + {largest}");
    println!("{label:<34} {:>9} {:>9} {:>9}", worst.raw, worst.gzip, worst.brotli);
    println!("{}", budget_line("loader", loader.brotli, LOADER_BUDGET));
    println!("{}", budget_line("whole widget, English", whole.brotli, WIDGET_BUDGET));
    println!("{}", budget_line(&format!("whole widget + {largest}"), worst.brotli, WIDGET_BUDGET));
    timings(sh)?;

    println!("\n==> the typed client alone (bytes)");
    println!("{:<34} {:<20} {:>9} {:>9} {:>9}", "artifact", "file", "raw", "gzip -9", "brotli 11");
    for (name, file, s) in &rows {
        println!("{name:<34} {file:<20} {:>9} {:>9} {:>9}", s.raw, s.gzip, s.brotli);
    }
    for pair in rows.chunks(2) {
        let total = pair[0].2.brotli + pair[1].2.brotli;
        println!("{:<34} total brotli {total}", pair[0].0);
    }
    Ok(())
}

/// The whole widget plus the catalogue largest in brotli bytes (what the visitor who downloads
/// the most gets), and that catalogue's name; the widget alone when there is none.
fn with_largest(whole: Sizes, catalogues: &[(String, Sizes)]) -> (&str, Sizes) {
    match catalogues.iter().max_by_key(|(_, s)| s.brotli) {
        Some((name, s)) => {
            (name, Sizes { raw: whole.raw + s.raw, gzip: whole.gzip + s.gzip, brotli: whole.brotli + s.brotli })
        }
        None => ("no catalogue", whole),
    }
}

/// `loader: 3,225 of 6,144 bytes brotli: within budget` (or `OVER budget by …`).
fn budget_line(what: &str, brotli: u64, budget: u64) -> String {
    let verdict =
        if brotli <= budget { "within budget".to_owned() } else { format!("OVER budget by {} bytes", brotli - budget) };
    format!("{what}: {brotli} of {budget} bytes brotli: {verdict}")
}

/// How many runs each timing's median is taken over.
const TIMING_RUNS: &str = "7";

/// Load timings in headless Chromium over loopback (`tests/e2e/timings.mjs`): script start to
/// launcher visible, launcher click to a focusable composer. On the demo host page, served with
/// the bundle just built from `dist/` by a dev server on a free loopback port.
fn timings(sh: &Sh) -> Result<()> {
    crate::dist::demo_page(sh)?;
    let binary = crate::server::build(sh)?;
    sh.cmd("node")
        .args(["tests/e2e/timings.mjs", TIMING_RUNS])
        .env("LIVECHAT_DEV_SERVER", &binary)
        .env("LIVECHAT_DIST", crate::dist::dir(sh))
        .env("CHROMIUM", crate::ensure::CHROMIUM)
        .run()
}

fn slug(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

/// Builds `examples/<name>.rs` for release, runs wasm-bindgen (`--target web`) and
/// `wasm-opt -Oz`; returns the optimised .wasm and the .js glue.
fn build_example(sh: &Sh, name: &str, features: &[&str], out: &Path) -> Result<(PathBuf, PathBuf)> {
    sh.shipping()
        .cargo()
        .args(["build", "--release", "--target", "wasm32-unknown-unknown", "--example", name])
        .args(features)
        .run()?;
    let wasm = sh.shipping_target().join("wasm32-unknown-unknown/release/examples").join(format!("{name}.wasm"));
    let _ = std::fs::remove_dir_all(out);
    sh.cmd("wasm-bindgen").args(["--target", "web", "--out-dir"]).arg(out).arg(&wasm).run()?;
    let optimised = out.join(format!("{name}_bg.wasm"));
    crate::dist::wasm_opt(sh, &optimised)?;
    Ok((optimised, out.join(format!("{name}.js"))))
}

/// Sizes through Node's zlib (gzip level 9, brotli quality 11), so no extra tool is needed.
fn sizes(sh: &Sh, file: &Path) -> Result<Sizes> {
    const SCRIPT: &str = "const fs=require('fs'),z=require('zlib');const b=fs.readFileSync(process.argv[1]);\
        console.log(b.length,z.gzipSync(b,{level:9}).length,\
        z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,[z.constants.BROTLI_PARAM_SIZE_HINT]:b.length}}).length)";
    let out = sh.cmd("node").args(["-e", SCRIPT]).arg(file).read()?;
    parse_sizes(&out).ok_or_else(|| Error::new(format!("unexpected size output {out:?} for {}", file.display())))
}

fn parse_sizes(out: &str) -> Option<Sizes> {
    let mut n = out.split_whitespace().map(|w| w.parse::<u64>().ok());
    Some(Sizes { raw: n.next()??, gzip: n.next()??, brotli: n.next()?? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_lines() {
        assert_eq!(budget_line("loader", 3000, 6144), "loader: 3000 of 6144 bytes brotli: within budget");
        assert_eq!(budget_line("w", 200, 100), "w: 200 of 100 bytes brotli: OVER budget by 100 bytes");
    }

    #[test]
    fn the_largest_catalogue_counts() {
        let whole = Sizes { raw: 1000, gzip: 500, brotli: 400 };
        let catalogues = [
            ("i18n/de.json".to_owned(), Sizes { raw: 90, gzip: 60, brotli: 50 }),
            ("i18n/ar.json".to_owned(), Sizes { raw: 80, gzip: 70, brotli: 60 }),
        ];
        assert_eq!(with_largest(whole, &catalogues), ("i18n/ar.json", Sizes { raw: 1080, gzip: 570, brotli: 460 }));
        assert_eq!(with_largest(whole, &[]), ("no catalogue", whole));
    }

    #[test]
    fn size_line() {
        assert_eq!(parse_sizes("100 60 50\n"), Some(Sizes { raw: 100, gzip: 60, brotli: 50 }));
        assert_eq!(parse_sizes("100 sixty 50"), None);
        assert_eq!(parse_sizes(""), None);
    }
}
