//! `cargo xtask bench`: sizes of what visitors download, as raw, gzip -9 and brotli -11 bytes.
//!
//! Measured: the script-tag bundle exactly as `cargo xtask dist` makes it (the loader, the
//! wasm-bindgen glue and the wasm: the whole widget; and each language's catalogue, of which a
//! visitor who does not speak English fetches one), against the budgets, with the largest
//! catalogue counted (the most any visitor downloads); the parts fetched only when a message
//! needs them (the second module for rich messages, the emoji table), apart; and the whole typed client
//! (`examples/client_size.rs`: every visitor and agent call and the token store). Each is built
//! for release and run through wasm-bindgen and `wasm-opt -Oz`.
//!
//! Then timings in headless Chromium over loopback ([`timings`]): milliseconds from script start
//! to the launcher visible and from a click on it to a focusable composer, median of 7 runs.

use std::path::{Path, PathBuf};

use crate::cmd::{Error, Result, Sh};

/// The loader's budget, brotli bytes.
pub const LOADER_BUDGET: u64 = 6 * 1024;
/// The whole widget's hard ceiling (loader + glue + wasm + the largest catalogue), brotli
/// bytes: the bench fails over it.
pub const WIDGET_CEILING: u64 = 160 * 1024;
/// The target within the ceiling, brotli bytes.
pub const WIDGET_TARGET: u64 = 150 * 1024;

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
    crate::ensure::run(sh, crate::ensure::Options { twiggy: true, ..crate::ensure::Options::INSTALL })?;
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
    println!("{}", budget_line(&format!("whole widget + {largest} (target)"), worst.brotli, WIDGET_TARGET));
    println!("{}", budget_line(&format!("whole widget + {largest} (ceiling)"), worst.brotli, WIDGET_CEILING));
    // Not counted above: fetched only when a message needs them.
    println!("\n==> loaded when a message needs them (not in the whole widget), bytes");
    println!("{:<34} {:>9} {:>9} {:>9}", "file", "raw", "gzip -9", "brotli 11");
    let rich_glue = sizes(sh, &bundle.rich_glue)?;
    let rich_wasm = sizes(sh, &bundle.rich_wasm)?;
    let emoji = sizes(sh, &bundle.emoji)?;
    for (name, s) in [("rich.js (glue)", rich_glue), ("rich_bg.wasm", rich_wasm)] {
        println!("{name:<34} {:>9} {:>9} {:>9}", s.raw, s.gzip, s.brotli);
    }
    let rich = Sizes {
        raw: rich_glue.raw + rich_wasm.raw,
        gzip: rich_glue.gzip + rich_wasm.gzip,
        brotli: rich_glue.brotli + rich_wasm.brotli,
    };
    println!("{:<34} {:>9} {:>9} {:>9}", "rich messages (first formatted one)", rich.raw, rich.gzip, rich.brotli);
    println!("{:<34} {:>9} {:>9} {:>9}", "emoji.json (first shortcode)", emoji.raw, emoji.gzip, emoji.brotli);
    crates(sh, &bundle.built)?;
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
    if loader.brotli > LOADER_BUDGET || worst.brotli > WIDGET_CEILING {
        return Err(Error::new("over a size budget (see the lines above)"));
    }
    Ok(())
}

/// What the widget's wasm is made of, by crate: `twiggy top` on the shipping build before
/// wasm-bindgen and wasm-opt (which drop the names), code and data only, summed by crate.
fn crates(sh: &Sh, wasm: &Path) -> Result<()> {
    let csv = sh.cmd("twiggy").args(["top", "-n", "1000000", "--format", "csv"]).arg(wasm).read()?;
    let totals = by_crate(&csv);
    let all: u64 = totals.iter().map(|(_, n)| n).sum();
    println!(
        "\n==> the widget's wasm by crate (twiggy top, shipping build before wasm-bindgen and wasm-opt; code and data, bytes)"
    );
    for (name, bytes) in totals.iter().take(16) {
        println!("{name:<34} {bytes:>9} {:>5.1} %", *bytes as f64 * 100.0 / all.max(1) as f64);
    }
    let rest: u64 = totals.iter().skip(16).map(|(_, n)| n).sum();
    println!("{:<34} {rest:>9}\n{:<34} {all:>9}", "(the other crates)", "all code and data");
    Ok(())
}

/// Sums `twiggy top --format csv` rows by crate, largest first. Sections that are neither code
/// nor data (names, custom sections, types, imports, exports, tables) are left out; data
/// segments count as one entry, code without a crate (the allocator's C, glue) as another.
fn by_crate(csv: &str) -> Vec<(String, u64)> {
    let mut totals: Vec<(String, u64)> = Vec::new();
    for line in csv.lines().skip(1) {
        let Some((name, size)) = csv_row(line) else { continue };
        let Some(owner) = owner(&name) else { continue };
        match totals.iter_mut().find(|(n, _)| *n == owner) {
            Some(entry) => entry.1 += size,
            None => totals.push((owner, size)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    totals
}

/// The first two fields of a CSV row: the (possibly quoted) name and a whole number.
fn csv_row(line: &str) -> Option<(String, u64)> {
    let (name, rest) = match line.strip_prefix('"') {
        Some(quoted) => {
            let mut name = String::new();
            let mut chars = quoted.char_indices();
            loop {
                let (i, c) = chars.next()?;
                if c != '"' {
                    name.push(c);
                } else if quoted[i + 1..].starts_with('"') {
                    name.push('"');
                    chars.next();
                } else {
                    break (name, quoted[i + 1..].strip_prefix(',')?);
                }
            }
        }
        None => {
            let (name, rest) = line.split_once(',')?;
            (name.to_owned(), rest)
        }
    };
    Some((name, rest.split(',').next()?.parse().ok()?))
}

/// Whom a twiggy item belongs to: the crate of the first path in its (v0-demangled) name —
/// `<reactive_graph[…]::owner::Owner>::with::<…>` is reactive_graph's — `(data segments)`,
/// `(no crate)`, or `None` for what is neither code nor data.
fn owner(name: &str) -> Option<String> {
    const NOT_CODE: &[&str] = &[
        "custom section",
        "\"function names\"",
        "\"local names\"",
        "type[",
        "import ",
        "export ",
        "elem[",
        "table[",
        "memory[",
        "global[",
        "wasm magic bytes",
        "code section headers",
        "section headers",
    ];
    // wasm-bindgen reads its `__wbindgen_describe…` functions and removes them: never shipped.
    if NOT_CODE.iter().any(|p| name.starts_with(p))
        || name.contains(" subsection")
        || name.starts_with("__wbindgen_describe")
    {
        return None;
    }
    if name.starts_with("data segment") || name.starts_with("data[") {
        return Some("(data segments)".to_owned());
    }
    // `ident[hex]::`: the first crate named.
    let bytes = name.as_bytes();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_alphanumeric() || b == b'_' {
            start.get_or_insert(i);
        } else if b == b'['
            && let Some(s) = start
        {
            let close = name[i..].find(']').map(|j| i + j)?;
            if close > i + 1 && name[i + 1..close].bytes().all(|h| h.is_ascii_hexdigit()) {
                return Some(name[s..i].to_owned());
            }
            start = None;
        } else {
            start = None;
        }
    }
    // Methods of primitive types (`<str>::parse::<u32>`, `<u64>::_fmt_inner`) are core's.
    if name.starts_with('<') {
        return Some("core".to_owned());
    }
    Some("(no crate)".to_owned())
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
    fn twiggy_rows_by_crate() {
        let csv = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent\n\
            \"\"\"function names\"\" subsection\",1447807,42.6,,\n\
            custom section '__wasm_bindgen_unstable',669386,19.7,,\n\
            \"data segment \"\".rodata\"\"\",63685,1.8,,\n\
            \"<reactive_graph[8fa67a8cc3dc8073]::owner::Owner>::with::<tachys[9063f6289df05de4]::view::any_view::AnyView, leptos[90f06ce412555d1]::X>\",5380,0.15,,\n\
            <livechat_widget[61a679f0ee971740]::session::state::Session>::flush_now::{closure#0},3768,0.11,,\n\
            livechat_widget[61a679f0ee971740]::embed::command,2979,0.08,,\n\
            elem[0],2200,0.06,,\n\
            core[1b80778acbf7b3a4]::ptr::drop_in_place::<livechat_widget[61a679f0ee971740]::api::Error>,100,0.01,,\n\
            memcpy,90,0.01,,\n\
            \"<str>::parse::<u32>\",288,0.01,,\n\
            __wbindgen_describe___wbg_initDragEvent_153674f83250910c,143,0.01,,\n";
        let got = by_crate(csv);
        let want = [
            ("(data segments)", 63685),
            ("livechat_widget", 6747),
            ("reactive_graph", 5380),
            ("core", 388),
            ("(no crate)", 90),
        ];
        assert_eq!(got, want.map(|(n, b)| (n.to_owned(), b)));
    }

    #[test]
    fn size_line() {
        assert_eq!(parse_sizes("100 60 50\n"), Some(Sizes { raw: 100, gzip: 60, brotli: 50 }));
        assert_eq!(parse_sizes("100 sixty 50"), None);
        assert_eq!(parse_sizes(""), None);
    }
}
