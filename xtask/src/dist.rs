//! `cargo xtask dist`: what ships, in `dist/`.
//!
//! ```text
//! dist/
//!   livechat.js        the script-tag loader: www/loader.js with www/api.js inside
//!   widget.js          wasm-bindgen glue (--target web) without comments, imported by the loader
//!   widget_bg.wasm     the widget, wasm-opt -Oz; its CSS and English texts are inside
//!   i18n/<tag>.json    the other languages' texts (src/i18n/<tag>.json as arrays in Key order)
//!   rich.js            the second module's glue (crates/rich: formatted messages, files), loaded
//!   rich_bg.wasm       with its wasm the first time a message is more than plain text
//!   emoji.json         the shortcode table (xtask/emoji.mjs), fetched the first time a message
//!                      has a shortcode
//!   index.html         the demo host page (www/demo/index.html), with its demo.css and demo.js
//!                      (no inline script or style: it runs under a strict Content-Security-Policy)
//!   console/           the agent console, when its own build put it there (left alone here)
//!   npm/               the npm package: package.json, index.js (web.js its former name),
//!                      api.js, widget.js and widget_bg.wasm (the glue and wasm above, once),
//!                      rich.js and rich_bg.wasm, emoji.js (the table as a module),
//!                      i18n/<tag>.json and i18n/<tag>.js (the catalogues as modules),
//!                      index.d.ts, web.d.ts, README.md, CHANGELOG.md, LICENSE
//! ```
//!
//! The wasm is built for release and run through `wasm-opt -Oz` from `node_modules/binaryen`
//! (first on the children's PATH), never a system copy.
//!
//! The loader is www/loader.js with www/api.js (the JavaScript API, which the npm package ships
//! as a module) in place of its `/* www/api.js */` line, `export`s dropped, and without
//! whole-line `//` comments and indentation, which visitors need not download.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{Error, Result, Sh};

/// wasm-opt must know the features rustc's wasm32 target enables by default.
const WASM_OPT_FEATURES: &[&str] = &[
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
    /// `i18n/<tag>.json`, one per language besides English.
    pub catalogues: Vec<PathBuf>,
    /// The wasm as cargo built it, names and all (before wasm-bindgen and wasm-opt).
    pub built: PathBuf,
    /// The second module's glue and wasm, loaded when a message needs them.
    pub rich_glue: PathBuf,
    pub rich_wasm: PathBuf,
    /// The emoji shortcode table, fetched when a message has a shortcode.
    pub emoji: PathBuf,
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

/// Everything: the script-tag bundle, the demo page, the agent console and the npm package.
pub fn run(sh: &Sh) -> Result<()> {
    let bundle = for_demo_bundle(sh)?;
    npm(sh)?;
    report(sh, &bundle)?;
    println!("  dist/npm/ (the npm package: entries, glue, wasm, catalogues, TypeScript declarations)");
    Ok(())
}

/// What the demo serves: the script-tag bundle, the demo page and the agent console (an npm
/// package left from an earlier `dist` goes: it would be out of date).
pub fn for_demo(sh: &Sh) -> Result<()> {
    remove(&dir(sh).join("npm"))?;
    let bundle = for_demo_bundle(sh)?;
    report(sh, &bundle)
}

fn for_demo_bundle(sh: &Sh) -> Result<Bundle> {
    let bundle = script_tag(sh)?;
    demo_page(sh)?;
    crate::console::build(sh, &dir(sh).join("console"))?;
    Ok(bundle)
}

fn report(sh: &Sh, bundle: &Bundle) -> Result<()> {
    println!("==> dist/ is ready:");
    let rest = [&bundle.rich_glue, &bundle.rich_wasm, &bundle.emoji];
    for file in [&bundle.loader, &bundle.glue, &bundle.wasm].into_iter().chain(&bundle.catalogues).chain(rest) {
        let size = fs::metadata(file).map_err(|e| io("read", file, e))?.len();
        println!("  {:<28} {size:>9} bytes", file.strip_prefix(&sh.root).unwrap_or(file).display());
    }
    println!("  dist/console/ (the agent console)");
    Ok(())
}

/// Release wasm → wasm-bindgen (`--target web`) → `wasm-opt -Oz` → short names between the
/// wasm and its glue ([`crate::names`]), the loader and the catalogues, into `dist/`.
pub fn script_tag(sh: &Sh) -> Result<Bundle> {
    println!("==> building the widget (release wasm, standard library rebuilt for size)");
    sh.shipping()
        .cargo()
        .args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "livechat-widget", "--lib"])
        .run()?;
    let built = sh.shipping_target().join("wasm32-unknown-unknown/release/livechat_widget.wasm");
    let dist = dir(sh);
    fs::create_dir_all(&dist).map_err(|e| io("create", &dist, e))?;
    for old in [
        "widget.js",
        "widget_bg.wasm",
        "widget.d.ts",
        "widget_bg.wasm.d.ts",
        "rich.js",
        "rich_bg.wasm",
        "rich.d.ts",
        "rich_bg.wasm.d.ts",
        "emoji.json",
        "snippets",
        "livechat.js",
        "i18n",
    ] {
        remove(&dist.join(old))?;
    }
    let (glue, wasm) = bindgen(sh, &built, "widget")?;
    println!("==> building the second module (crates/rich: formatted messages and files, loaded when needed)");
    sh.shipping()
        .cargo()
        .args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "livechat-rich", "--lib"])
        .args(["--features", "module"])
        .run()?;
    let rich = sh.shipping_target().join("wasm32-unknown-unknown/release/livechat_rich.wasm");
    let (rich_glue, rich_wasm) = bindgen(sh, &rich, "rich")?;
    let loader = dist.join("livechat.js");
    write(&loader, &loader_source(&sh.root)?)?;
    // A syntax error would only show in a browser: node checks it here.
    sh.cmd("node").arg("--check").arg(&loader).run()?;
    let catalogues = write_catalogues(&sh.root, &dist.join("i18n"))?;
    let emoji = dist.join("emoji.json");
    sh.cmd("node").arg(sh.root.join("xtask/emoji.mjs")).arg(&emoji).run()?;
    Ok(Bundle { loader, glue, wasm, catalogues, built, rich_glue, rich_wasm, emoji })
}

/// `built` through wasm-bindgen (`--target web`) as `<name>.js` and `<name>_bg.wasm` in `dist/`,
/// `wasm-opt -Oz`, short names between the two ([`crate::names`]) and the glue without comments
/// (checked by node).
fn bindgen(sh: &Sh, built: &Path, name: &str) -> Result<(PathBuf, PathBuf)> {
    let dist = dir(sh);
    sh.cmd("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-name", name, "--out-dir"])
        .arg(&dist)
        .arg(built)
        .run()?;
    let wasm = dist.join(format!("{name}_bg.wasm"));
    wasm_opt(sh, &wasm)?;
    let glue = dist.join(format!("{name}.js"));
    let bytes = fs::read(&wasm).map_err(|e| io("read", &wasm, e))?;
    let (bytes, short) = crate::names::shorten(&bytes, &read(&glue)?)
        .map_err(|e| Error::new(format!("shortening the glue's names in {}: {e}", wasm.display())))?;
    fs::write(&wasm, bytes).map_err(|e| io("write", &wasm, e))?;
    let stripped = strip(&short).ok_or_else(|| Error::new("wasm-bindgen's glue has code after a comment"))?;
    write(&glue, &stripped)?;
    sh.cmd("node").arg("--check").arg(&glue).run()?;
    Ok((glue, wasm))
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| io("read", path, e))
}

fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).map_err(|e| io("write", path, e))
}

/// The loader as it ships: www/loader.js with www/api.js inside.
pub fn loader_source(root: &Path) -> Result<String> {
    inline_api(&read(&root.join("www/loader.js"))?, &read(&root.join("www/api.js"))?)
        .ok_or_else(|| Error::new("www/loader.js must have one `/* www/api.js */` line"))
}

/// `loader` with `api` in place of its `/* www/api.js */` line (`export` dropped), through
/// [`strip`].
fn inline_api(loader: &str, api: &str) -> Option<String> {
    const MARK: &str = "/* www/api.js */";
    if loader.lines().filter(|l| l.trim() == MARK).count() != 1 {
        return None;
    }
    let api: String =
        api.lines().map(|l| l.trim_start().strip_prefix("export ").unwrap_or(l)).collect::<Vec<_>>().join("\n");
    strip(&loader.lines().map(|l| if l.trim() == MARK { api.as_str() } else { l }).collect::<Vec<_>>().join("\n"))
}

/// JavaScript without what visitors need not download: comments on lines of their own (`//`
/// lines, `/* … */` blocks), indentation and blank lines. Line breaks stay, so no statement
/// changes. `None` when a block comment ends before code on its line (that code would be lost).
/// For the loader and wasm-bindgen's glue, which have no multi-line template literals.
fn strip(js: &str) -> Option<String> {
    let mut out = String::with_capacity(js.len());
    let mut in_comment = false;
    for line in js.lines() {
        let line = line.trim();
        if in_comment || line.starts_with("/*") {
            if line.contains("*/") && !line.ends_with("*/") {
                return None;
            }
            in_comment = !line.ends_with("*/") || line == "/*";
        } else if !line.is_empty() && !line.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    Some(out)
}

/// Writes each `src/i18n/<tag>.json` into `out` as an array of its texts in file order (which a
/// test of the widget keeps to `Key`'s), so the wasm needs no key names. Every catalogue must
/// have the same keys in the same order.
pub fn write_catalogues(root: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    let src = root.join("src/i18n");
    let mut files: Vec<PathBuf> = fs::read_dir(&src)
        .map_err(|e| io("read", &src, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    fs::create_dir_all(out).map_err(|e| io("create", out, e))?;
    let mut first: Option<(PathBuf, Vec<String>)> = None;
    let mut written = Vec::new();
    for file in files {
        let json = read(&file)?;
        let entries =
            catalogue(&json).ok_or_else(|| Error::new(format!("{}: not an object of texts", file.display())))?;
        let keys: Vec<String> = entries.iter().map(|(k, _)| (*k).to_owned()).collect();
        match &first {
            Some((other, theirs)) if *theirs != keys => {
                return Err(Error::new(format!(
                    "{} and {} differ in their keys or their order: `cargo test -p livechat-widget i18n` says how",
                    file.display(),
                    other.display()
                )));
            }
            Some(_) => {}
            None => first = Some((file.clone(), keys)),
        }
        let texts: Vec<&str> = entries.iter().map(|(_, t)| *t).collect();
        let target = out.join(file.file_name().unwrap_or_default());
        write(&target, &format!("[{}]", texts.join(",")))?;
        written.push(target);
    }
    Ok(written)
}

/// The entries of a catalogue, a JSON object whose values are strings, in file order: each key
/// unquoted and each text as its JSON string literal; `None` for anything else.
fn catalogue(json: &str) -> Option<Vec<(&str, &str)>> {
    let mut rest = json.trim_start().strip_prefix('{')?;
    let mut entries = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix('}') {
            return after.trim().is_empty().then_some(entries);
        }
        if !entries.is_empty() {
            rest = rest.strip_prefix(',')?.trim_start();
        }
        let (key, after) = string_literal(rest)?;
        let (text, after) = string_literal(after.trim_start().strip_prefix(':')?.trim_start())?;
        entries.push((&key[1..key.len() - 1], text));
        rest = after;
    }
}

/// The JSON string literal `s` starts with, and what follows it.
fn string_literal(s: &str) -> Option<(&str, &str)> {
    if !s.starts_with('"') {
        return None;
    }
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some((&s[..=i], &s[i + 1..])),
            _ => {}
        }
    }
    None
}

/// `wasm-opt -Oz` in place, with binaryen from `node_modules` (checked: not a system copy).
pub fn wasm_opt(sh: &Sh, wasm: &Path) -> Result<()> {
    let ours = sh.root.join("node_modules/.bin/wasm-opt");
    if sh.which("wasm-opt").as_deref() != Some(ours.as_path()) {
        return Err(Error::new("wasm-opt must come from node_modules/binaryen: run `cargo xtask ensure`"));
    }
    // `--converge` repeats the passes while they still shrink it (0.9 KB brotli); the producers
    // and target-features sections are for tools, not browsers. `--low-memory-unused` lets it
    // fold constant addresses into loads and stores (0.7 KB brotli): Rust's wasm32 puts the stack
    // first, growing down from 1 MiB to 0, with the data above it, so the first KiB is touched
    // only by a stack a few bytes short of overflowing (1 MiB deep).
    sh.cmd("wasm-opt")
        .args(["-Oz", "--converge", "--low-memory-unused"])
        .args(WASM_OPT_FEATURES)
        .args(["--strip-producers", "--strip-target-features"])
        .arg(wasm)
        .arg("-o")
        .arg(wasm)
        .run()
}

/// The demo host page at `dist/index.html`, with its own stylesheet and script beside it.
pub fn demo_page(sh: &Sh) -> Result<()> {
    for file in ["index.html", "demo.css", "demo.js"] {
        copy(&sh.root.join("www/demo").join(file), &dir(sh).join(file))?;
    }
    Ok(())
}

/// The npm package in `dist/npm/`: the script-tag build's glue and wasm (one copy, which
/// `index.js` loads in bundlers and native ES modules alike), the entries, `api.js`, the
/// catalogues as JSON (for a site that serves them) and as modules (`export default [...]`, which
/// bundlers make chunks of their own), LICENSE and CHANGELOG.md. Needs [`script_tag`]'s output.
pub fn npm(sh: &Sh) -> Result<()> {
    println!("==> npm package");
    let dist = dir(sh);
    let npm = dist.join("npm");
    remove(&npm)?;
    fs::create_dir_all(&npm).map_err(|e| io("create", &npm, e))?;
    // The glue finds its wasm with `new URL('widget_bg.wasm', import.meta.url)`, which Vite and
    // webpack 5 emit as an asset.
    for file in ["widget.js", "widget_bg.wasm", "rich.js", "rich_bg.wasm"] {
        copy(&dist.join(file), &npm.join(file))?;
    }
    let template = sh.root.join("www/npm");
    for file in ["package.json", "index.js", "web.js", "index.d.ts", "web.d.ts", "README.md", "CHANGELOG.md"] {
        copy(&template.join(file), &npm.join(file))?;
    }
    copy(&sh.root.join("LICENSE"), &npm.join("LICENSE"))?;
    copy(&sh.root.join("www/api.js"), &npm.join("api.js"))?;
    for json in write_catalogues(&sh.root, &npm.join("i18n"))? {
        write(&json.with_extension("js"), &format!("export default {};\n", read(&json)?))?;
    }
    sh.cmd("node").arg(sh.root.join("xtask/emoji.mjs")).arg(npm.join("emoji.json")).arg(npm.join("emoji.js")).run()?;
    remove(&npm.join("emoji.json"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_goes_inside_the_loader_without_exports_comments_or_indentation() {
        let loader = "/* The loader.\n * Two lines. */\n(function () {\n  'use strict';\n  /* www/api.js */\n  // a note\n  /* one */\n  var x = create();\n})();\n";
        let api = "// The API.\nexport var E = 'a b';\n\nexport function create() {\n  return E; // kept\n}\n";
        assert_eq!(
            inline_api(loader, api).unwrap(),
            "(function () {\n'use strict';\nvar E = 'a b';\nfunction create() {\nreturn E; // kept\n}\nvar x = create();\n})();\n"
        );
        assert_eq!(inline_api("(function () {})();", api), None, "no place for it");
        assert_eq!(inline_api("/* www/api.js */\n/* www/api.js */\n", api), None, "two places");
        assert_eq!(inline_api("/* a\n b */ var lost;\n/* www/api.js */\n", api), None, "code after a comment");
    }

    #[test]
    fn the_shipped_loader_has_the_api() {
        let loader = loader_source(&crate::cmd::project_root()).unwrap();
        assert!(loader.contains("function create(host, options, load, i18n, booted, parts)"));
        assert!(!loader.contains("export "), "no module syntax in a classic script");
        assert!(!loader.contains("/* www/api.js */"));
    }

    #[test]
    fn catalogues_become_arrays_in_file_order() {
        let json = "{\n  \"B\": \"two \\\"quoted\\\" \\\\\",\n  \"A\": \"Ölförsäljning {n}\"\n}\n";
        let entries = catalogue(json).unwrap();
        assert_eq!(entries, [("B", "\"two \\\"quoted\\\" \\\\\""), ("A", "\"Ölförsäljning {n}\"")]);
        assert_eq!(catalogue("{}"), Some(vec![]));
        for bad in ["", "[]", "{\"a\": 1}", "{\"a\": \"b\",}", "{\"a\" \"b\"}", "{\"a\": \"b\"} x", "{\"a\": \"b"] {
            assert_eq!(catalogue(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_catalogues_are_written_as_arrays() {
        let out = std::env::temp_dir().join(format!("livechat-i18n-{}", std::process::id()));
        let written = write_catalogues(&crate::cmd::project_root(), &out).unwrap();
        let names: Vec<String> =
            written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["ar.json", "de.json", "es.json", "fr.json", "pt-BR.json"]);
        let de = fs::read_to_string(out.join("de.json")).unwrap();
        assert!(de.starts_with("[\"Chat öffnen\",\"Chat schließen\","), "{de}");
        let _ = fs::remove_dir_all(out);
    }
}
