//! `cargo xtask ensure`: the pinned toolchain for building the widget and running its browser
//! tests. Each piece is checked first and installed only when missing or of the wrong version,
//! so a second run installs nothing. Nothing here reads stdin.
//!
//! The pins and the reasons for them are in `shared/reference/toolchain.md`.

use std::fs;
use std::path::Path;

use crate::cmd::{Cmd, Error, Result, Sh};

pub struct Options {
    /// Install what is missing; when false, fail with the command to run instead.
    pub install: bool,
    /// Also trunk, for `trunk serve` (no other command uses it).
    pub trunk: bool,
    /// Also twiggy, for the size breakdown of `cargo xtask bench`.
    pub twiggy: bool,
    /// Also wasm-pack, for `wasm-pack test` by hand (the xtask runs the browser tests without it).
    pub wasm_pack: bool,
    /// Chromium and its driver, for the tests (the demo and dist do not run a browser).
    pub chromium: bool,
}

impl Options {
    /// Installs what is missing of what dist and the tests use.
    pub const INSTALL: Options =
        Options { install: true, trunk: false, twiggy: false, wasm_pack: false, chromium: true };
    /// What the demo uses: the build tools, no browser.
    pub const DEMO: Options = Options { chromium: false, ..Options::INSTALL };
}

const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Debian's `binaryen` (wasm-opt 108) breaks wasm-bindgen 0.2.130 output, and trunk and
/// wasm-pack take `/usr/bin/wasm-opt` when it is the first on PATH.
const DEBIAN_WASM_OPT: &str = "/usr/bin/wasm-opt";

struct CargoTool {
    krate: &'static str,
    version: &'static str,
    /// The binaries it installs, each checked with `<bin> --version`.
    bins: &'static [&'static str],
    locked: bool,
    /// The name `--version` prints before the version, when it is not the binary's.
    reports_as: Option<&'static str>,
}

const CARGO_TOOLS: &[CargoTool] = &[CargoTool {
    krate: "wasm-bindgen-cli",
    // Must equal the `wasm-bindgen` crate version in Cargo.lock (checked below).
    version: "0.2.130",
    bins: &["wasm-bindgen", "wasm-bindgen-test-runner"],
    // Not --locked: one of its locked dependencies is missing from the registry.
    locked: false,
    reports_as: None,
}];

/// Only for `wasm-pack test` by hand (`cargo xtask ensure --wasm-pack`).
const WASM_PACK: CargoTool =
    CargoTool { krate: "wasm-pack", version: "0.15.1", bins: &["wasm-pack"], locked: true, reports_as: None };

/// Only for `trunk serve` (`cargo xtask ensure --trunk`): the demo, dist and the tests do not
/// use it, and it takes several minutes to compile. Newer trunk needs rustc 1.96+.
const TRUNK: CargoTool =
    CargoTool { krate: "trunk", version: "0.21.14", bins: &["trunk"], locked: true, reports_as: None };

/// Only for `cargo xtask bench` (what the wasm is made of, by crate).
/// It prints `twiggy-opt 0.8.0`.
const TWIGGY: CargoTool =
    CargoTool { krate: "twiggy", version: "0.8.0", bins: &["twiggy"], locked: true, reports_as: Some("twiggy-opt") };

/// Runs every check, reporting each failure, and fails if any did.
pub fn run(sh: &Sh, opts: Options) -> Result<()> {
    let mut failed = Vec::new();
    let mut check = |name: &str, result: Result<()>| {
        if let Err(e) = result {
            eprintln!("error: {e}");
            failed.push(name.to_string());
        }
    };
    check(WASM_TARGET, rust_target(sh, &opts));
    check("rust-src", rust_src(sh, &opts));
    for tool in CARGO_TOOLS {
        check(tool.krate, cargo_tool(sh, tool, &opts));
    }
    for (wanted, tool) in [(opts.trunk, &TRUNK), (opts.twiggy, &TWIGGY), (opts.wasm_pack, &WASM_PACK)] {
        if wanted {
            check(tool.krate, cargo_tool(sh, tool, &opts));
        }
    }
    check("wasm-bindgen in Cargo.lock", lockfile_wasm_bindgen(sh));
    check("npm packages", npm_packages(sh, &opts));
    if opts.chromium {
        check("chromium", chromium(sh, &opts));
    }
    check("wasm-opt", wasm_opt(sh));
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::new(format!("toolchain incomplete: {} (see the errors above)", failed.join(", "))))
    }
}

fn ok(tool: &str, version: &str) {
    println!("ok: {tool} {version}");
}

/// Runs `cmd` to install `what`, or with `--no-install` fails saying what to run.
fn install(opts: &Options, what: &str, problem: &str, cmd: Cmd) -> Result<()> {
    if !opts.install {
        return Err(Error::new(format!("{what}: {problem}; install it with `{cmd}` (or run `cargo xtask ensure`)")));
    }
    println!("installing {what} ... ({problem})");
    cmd.run().map_err(|e| Error::new(format!("installing {what} failed: {e}")))
}

fn rust_target(sh: &Sh, opts: &Options) -> Result<()> {
    let installed = sh
        .cmd("rustup")
        .args(["target", "list", "--installed"])
        .read()
        .map_err(|e| Error::new(format!("{e}\n  the {WASM_TARGET} target is added with rustup; install rustup")))?;
    if !installed.lines().any(|l| l.trim() == WASM_TARGET) {
        let add = sh.cmd("rustup").args(["target", "add", WASM_TARGET]);
        install(opts, &format!("rustup target {WASM_TARGET}"), "not installed", add)?;
    }
    ok("rustup target", WASM_TARGET);
    Ok(())
}

/// The standard library's source: release builds of the widget rebuild it for size
/// (`-Z build-std`, see `Sh::shipping` in cmd.rs).
fn rust_src(sh: &Sh, opts: &Options) -> Result<()> {
    let installed = sh
        .cmd("rustup")
        .args(["component", "list", "--installed"])
        .read()
        .map_err(|e| Error::new(format!("{e}\n  rust-src is added with rustup; install rustup")))?;
    if !installed.lines().any(|l| l.trim().starts_with("rust-src")) {
        let add = sh.cmd("rustup").args(["component", "add", "rust-src"]);
        install(opts, "rustup component rust-src", "not installed", add)?;
    }
    ok("rustup component", "rust-src");
    Ok(())
}

fn cargo_tool(sh: &Sh, tool: &CargoTool, opts: &Options) -> Result<()> {
    let problems: Vec<String> = tool
        .bins
        .iter()
        .filter_map(|bin| match tool_version(sh, bin, tool.reports_as.unwrap_or(bin)) {
            Some(v) if v == tool.version => None,
            Some(v) => Some(format!("{bin} {v} found, {} wanted", tool.version)),
            None => Some(format!("{bin} not found")),
        })
        .collect();
    if !problems.is_empty() {
        let mut cmd = sh.cargo().arg("install");
        if tool.locked {
            cmd = cmd.arg("--locked");
        }
        // --force: replace a binary of another version even when cargo did not install it.
        let cmd = cmd.args([tool.krate, "--version", tool.version, "--force"]);
        install(opts, &format!("{} {}", tool.krate, tool.version), &problems.join(", "), cmd)?;
    }
    for bin in tool.bins {
        match tool_version(sh, bin, tool.reports_as.unwrap_or(bin)) {
            Some(v) if v == tool.version => ok(bin, &v),
            found => {
                return Err(Error::new(format!(
                    "`{bin} --version` reports {} after installing {} {}; is another {bin} \
                     earlier on PATH? (found: {:?})",
                    found.as_deref().unwrap_or("nothing"),
                    tool.krate,
                    tool.version,
                    sh.which(bin),
                )));
            }
        }
    }
    Ok(())
}

/// The version `program --version` reports, found after the word `name` in its output.
fn tool_version(sh: &Sh, program: &str, name: &str) -> Option<String> {
    let out = sh.cmd(program).arg("--version").read().ok()?;
    parse_version(&out, name).map(str::to_string)
}

/// `wasm-bindgen 0.2.130`, `trunk 0.21.14`, `ChromeDriver 156.0.8078.79 (…)`,
/// `wasm-opt version 132 (version_132)`: the first token after `name` (and after a
/// following `version`), without a leading `v`.
fn parse_version<'a>(output: &'a str, name: &str) -> Option<&'a str> {
    output.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        if words.next()? != name {
            return None;
        }
        let mut version = words.next()?;
        if version == "version" {
            version = words.next()?;
        }
        let version = version.strip_prefix('v').unwrap_or(version);
        version.starts_with(|c: char| c.is_ascii_digit()).then_some(version)
    })
}

/// wasm-bindgen-cli must be exactly the `wasm-bindgen` version the build links against.
fn lockfile_wasm_bindgen(sh: &Sh) -> Result<()> {
    let lock = sh.root.join("Cargo.lock");
    let text = fs::read_to_string(&lock).map_err(|e| Error::new(format!("cannot read {}: {e}", lock.display())))?;
    let pinned = CARGO_TOOLS[0].version;
    match locked_version(&text, "wasm-bindgen") {
        None => Ok(()), // nothing links wasm-bindgen yet
        Some(v) if v == pinned => {
            ok("Cargo.lock wasm-bindgen", v);
            Ok(())
        }
        Some(v) => Err(Error::new(format!(
            "Cargo.lock has wasm-bindgen {v} but wasm-bindgen-cli is pinned to {pinned} \
             (xtask/src/ensure.rs); they must be equal: pin `wasm-bindgen = \"={pinned}\"` \
             in Cargo.toml, or move both pins together"
        ))),
    }
}

/// The version of package `name` in a Cargo.lock (the first one, if several are locked).
fn locked_version<'a>(lock: &'a str, name: &str) -> Option<&'a str> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines.next()?.trim().strip_prefix("version = \"")?;
            return version.strip_suffix('"');
        }
    }
    None
}

/// `npm ci` from the committed package-lock.json when node_modules is missing, older than the
/// lock file, or does not match it.
fn npm_packages(sh: &Sh, opts: &Options) -> Result<()> {
    sh.cmd("npm")
        .arg("--version")
        .read()
        .map_err(|e| Error::new(format!("{e}\n  install Node.js 20 with npm (Debian: apt-get install nodejs npm)")))?;
    registry_only_lockfile(sh)?;
    let problem = match npm_stale(&sh.root) {
        Some(reason) => Some(reason),
        None => sh
            .cmd("npm")
            .args(["ls", "--depth=0"])
            .read()
            .err()
            .map(|_| "node_modules does not match package-lock.json (`npm ls` fails)"),
    };
    if let Some(problem) = problem {
        let ci = sh.cmd("npm").args(["ci", "--no-audit", "--no-fund"]);
        install(opts, "npm packages from package-lock.json", problem, ci)?;
    }
    let listing = sh.cmd("npm").args(["ls", "--depth=0"]).read()?;
    for (name, version) in parse_npm_ls(&listing) {
        ok(name, version);
    }
    Ok(())
}

fn npm_stale(root: &Path) -> Option<&'static str> {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = modified(&root.join("node_modules").join(".package-lock.json"));
    let lock = modified(&root.join("package-lock.json"));
    match (installed, lock) {
        (None, _) => Some("node_modules is missing"),
        (Some(installed), Some(lock)) if lock > installed => Some("package-lock.json is newer than node_modules"),
        _ => None,
    }
}

/// `├── binaryen@132.0.0` lines of `npm ls --depth=0`, as (name, version).
fn parse_npm_ls(listing: &str) -> Vec<(&str, &str)> {
    listing
        .lines()
        .filter_map(|line| {
            let spec = line.split_once("── ")?.1.split_whitespace().next()?;
            let at = spec[1..].find('@')? + 1; // skip the `@` of a scoped name
            Some((&spec[..at], &spec[at + 1..]))
        })
        .collect()
}

/// The lock file may only point at the configured npm registry: no other download host.
fn registry_only_lockfile(sh: &Sh) -> Result<()> {
    let registry = sh.cmd("npm").args(["config", "get", "registry"]).read()?;
    let lock = sh.root.join("package-lock.json");
    let text = fs::read_to_string(&lock).map_err(|e| Error::new(format!("cannot read {}: {e}", lock.display())))?;
    let foreign = foreign_urls(&text, registry.trim());
    if foreign.is_empty() {
        return Ok(());
    }
    Err(Error::new(format!(
        "package-lock.json downloads from outside the npm registry ({}): {}; \
         only registry packages install here, so depend on registry versions",
        registry.trim(),
        foreign.join(", ")
    )))
}

/// The `"resolved"` URLs in a package-lock.json that are not under `registry`.
fn foreign_urls(lock: &str, registry: &str) -> Vec<String> {
    let registry = registry.trim_end_matches('/');
    lock.lines()
        .filter_map(|line| line.trim().strip_prefix("\"resolved\":"))
        .map(|value| value.trim().trim_end_matches(',').trim_matches('"'))
        .filter(|url| !url.strip_prefix(registry).is_some_and(|rest| rest.starts_with('/')))
        .map(str::to_string)
        .collect()
}

fn chromium(sh: &Sh, opts: &Options) -> Result<()> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER].into_iter().filter(|p| !Path::new(p).exists()).collect();
    if !missing.is_empty() {
        let apt = "apt-get install -y --no-install-recommends chromium chromium-driver";
        let problem = format!("{} missing", missing.join(" and "));
        if !opts.install {
            return Err(Error::new(format!(
                "Chromium: {problem}; install it with `apt-get update && DEBIAN_FRONTEND=noninteractive {apt}` \
                 as root (or run `cargo xtask ensure` as root)"
            )));
        }
        let uid = sh.cmd("id").arg("-u").read()?;
        if uid.trim() != "0" {
            return Err(Error::new(format!(
                "Chromium: {problem}, and installing it needs root; run \
                 `sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive {apt}`, then this again"
            )));
        }
        println!("installing chromium chromium-driver (Debian packages) ... ({problem})");
        let apt_get = |args: &[&str]| {
            sh.cmd("apt-get")
                .args(["-o", "DPkg::Lock::Timeout=300"])
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .run()
        };
        apt_get(&["update"])?;
        apt_get(&["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"])?;
    }
    let browser = tool_version(sh, CHROMIUM, "Chromium");
    let driver = tool_version(sh, CHROMEDRIVER, "ChromeDriver");
    let (Some(browser), Some(driver)) = (browser, driver) else {
        return Err(Error::new(format!(
            "`{CHROMIUM} --version` or `{CHROMEDRIVER} --version` did not report a version; \
             reinstall: apt-get install --reinstall chromium chromium-driver"
        )));
    };
    ok("chromium", &browser);
    ok("chromedriver", &driver);
    if browser.split('.').next() != driver.split('.').next() {
        return Err(Error::new(format!(
            "chromium {browser} and chromedriver {driver} differ in major version; \
             upgrade both: apt-get install chromium chromium-driver"
        )));
    }
    Ok(())
}

/// The wasm-opt children find must be binaryen 132 from node_modules, not Debian's.
fn wasm_opt(sh: &Sh) -> Result<()> {
    if Path::new(DEBIAN_WASM_OPT).exists() {
        eprintln!(
            "\n\
             warning: ====================================================================\n\
             warning: {DEBIAN_WASM_OPT} exists (Debian's `binaryen` package). It produces BROKEN\n\
             warning: wasm for wasm-bindgen 0.2.130 output, and trunk and wasm-pack use it\n\
             warning: whenever it comes first on PATH. Commands run by `cargo xtask` get\n\
             warning: node_modules/.bin first, but remove it: apt-get remove -y binaryen\n\
             warning: ====================================================================\n"
        );
    }
    let ours = sh.root.join("node_modules").join(".bin").join("wasm-opt");
    match sh.which("wasm-opt") {
        Some(found) if found == ours => {}
        Some(found) => {
            return Err(Error::new(format!(
                "wasm-opt on PATH is {}, not {}; run `npm ci`",
                found.display(),
                ours.display()
            )));
        }
        None => {
            return Err(Error::new("wasm-opt not found in node_modules/.bin; run `npm ci`"));
        }
    }
    let version = tool_version(sh, "wasm-opt", "wasm-opt")
        .ok_or_else(|| Error::new("`wasm-opt --version` reported no version; run `npm ci`"))?;
    ok("wasm-opt", &format!("{version} (node_modules/.bin)"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_tool_output() {
        assert_eq!(parse_version("wasm-bindgen 0.2.130\n", "wasm-bindgen"), Some("0.2.130"));
        assert_eq!(parse_version("wasm-bindgen-test-runner 0.2.130\n", "wasm-bindgen-test-runner"), Some("0.2.130"));
        assert_eq!(parse_version("wasm-pack 0.15.1\n", "wasm-pack"), Some("0.15.1"));
        assert_eq!(parse_version("trunk 0.21.14\n", "trunk"), Some("0.21.14"));
        assert_eq!(parse_version("trunk v0.21.14\n", "trunk"), Some("0.21.14"));
        assert_eq!(parse_version("wasm-opt version 132 (version_132)\n", "wasm-opt"), Some("132"));
        assert_eq!(
            parse_version(
                "ChromeDriver 156.0.8078.79 (a21ce95c24ce3964416f09ae1862f53f319eb4d0-refs/branch-heads/8078@{#1704})\n",
                "ChromeDriver"
            ),
            Some("156.0.8078.79")
        );
        assert_eq!(
            parse_version("Chromium 156.0.8078.79 built on Debian GNU/Linux 12 (bookworm)\n", "Chromium"),
            Some("156.0.8078.79")
        );
    }

    #[test]
    fn versions_need_the_right_name_and_a_number() {
        // `wasm-bindgen --version` must not satisfy a check for the test runner, nor the reverse.
        assert_eq!(parse_version("wasm-bindgen 0.2.130", "wasm-bindgen-test-runner"), None);
        assert_eq!(parse_version("wasm-bindgen-test-runner 0.2.130", "wasm-bindgen"), None);
        assert_eq!(parse_version("error: unknown flag", "trunk"), None);
        assert_eq!(parse_version("trunk", "trunk"), None);
        assert_eq!(parse_version("trunk help", "trunk"), None);
        assert_eq!(parse_version("", "wasm-pack"), None);
        assert_eq!(parse_version("note: updating\nwasm-pack 0.15.1", "wasm-pack"), Some("0.15.1"));
    }

    #[test]
    fn cargo_lock_versions() {
        let lock = r#"
[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://example.invalid/index"

[[package]]
name = "wasm-bindgen-backend"
version = "0.2.131"
"#;
        assert_eq!(locked_version(lock, "wasm-bindgen"), Some("0.2.130"));
        assert_eq!(locked_version(lock, "wasm-bindgen-backend"), Some("0.2.131"));
        assert_eq!(locked_version(lock, "wasm-bindgen-macro"), None);
    }

    #[test]
    fn npm_ls_listing() {
        let listing = "livechat-widget-dev@ /work/main\n\
                       ├── binaryen@132.0.0\n\
                       ├── @scope/pkg@1.2.3\n\
                       └── playwright-core@1.65.1\n\n";
        assert_eq!(
            parse_npm_ls(listing),
            [("binaryen", "132.0.0"), ("@scope/pkg", "1.2.3"), ("playwright-core", "1.65.1")]
        );
    }

    #[test]
    fn lockfile_download_hosts() {
        let registry = "https://registry.example/";
        let lock = r#"{
    "node_modules/a": {
      "version": "1.0.0",
      "resolved": "https://registry.example/a/-/a-1.0.0.tgz",
      "integrity": "sha512-x"
    },
    "node_modules/b": {
      "resolved": "https://downloads.example/b.tgz",
    },
    "node_modules/c": {
      "resolved": "https://registry.example.evil/c.tgz"
    }
}"#;
        assert_eq!(
            foreign_urls(lock, registry),
            ["https://downloads.example/b.tgz", "https://registry.example.evil/c.tgz"]
        );
        assert!(foreign_urls("{\"lockfileVersion\": 3}", registry).is_empty());
    }
}
