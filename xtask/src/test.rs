//! `cargo xtask test`: the README's test command and what CI runs (`.ci/run`).
//!
//! Ensure the toolchain, run each test layer, then print one PASS/FAIL line per step and fail
//! if any step failed.

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};
use std::{env, fs};

use crate::cmd::{Error, Result, Sh};
use crate::{ensure, server};

pub struct Options {
    /// Let `ensure` install missing tools.
    pub install: bool,
    /// Skip `ensure` and every browser layer.
    pub native_only: bool,
}

struct Layer {
    name: &'static str,
    /// Needs the toolchain from `ensure`: skipped by `--native-only`, and when `ensure` failed.
    browser: bool,
    run: fn(&Sh, &mut Tally) -> Result<()>,
}

/// Test counts summed over every test binary of every layer.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
}

impl Tally {
    /// Adds the counts of a libtest summary line:
    /// `test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; …`.
    pub fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(what), Some(n)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match what {
                "passed" => self.passed += n,
                "failed" => self.failed += n,
                "ignored" => self.ignored += n,
                _ => {}
            }
        }
    }

    /// Adds the counts of `node --test`'s TAP summary (`# pass 4`, `# fail 0`, `# skipped 1`,
    /// `# todo 0`, `# cancelled 0`); cancelled tests count as failed, todo ones as skipped.
    pub fn add_node_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("# ") else { return };
        let Some((what, n)) = rest.split_once(' ') else { return };
        let Ok(n) = n.trim().parse::<u64>() else { return };
        match what {
            "pass" => self.passed += n,
            "fail" | "cancelled" => self.failed += n,
            "skipped" | "todo" => self.ignored += n,
            _ => {}
        }
    }
}

/// The test layers, in order. Adding one is a function and a line here.
const LAYERS: &[Layer] = &[
    Layer { name: "native tests", browser: false, run: native_tests },
    Layer { name: "browser tests (wasm-bindgen-test, headless Chromium)", browser: true, run: browser_tests },
    Layer { name: "end-to-end tests (Playwright)", browser: true, run: e2e_tests },
];

/// The wire crate, the dev server's in-process router tests and the black-box tests.
fn native_tests(sh: &Sh, tally: &mut Tally) -> Result<()> {
    let color = !sh.ci && env::var_os("CARGO_TERM_COLOR").is_none() && io::stdout().is_terminal();
    let run = |args: &[&str], tally: &mut Tally| {
        let mut cargo = sh.cargo().args(args);
        if color {
            cargo = cargo.env("CARGO_TERM_COLOR", "always");
        }
        cargo.run_tee(|line| tally.add_line(line))
    };
    // The workspace builds the wire crate with `rich` (the dev server turns it on); the widget
    // builds it without, so its tests run that way too.
    let workspace = run(&["test", "--workspace", "--all-targets"], tally);
    let plain = run(&["test", "-p", "livechat-wire", "--lib", "--tests"], tally);
    workspace.and(plain)
}

/// The browser tests of the widget crate, then of the agent console, in headless Chromium,
/// against two dev servers: Rocket.Chat 8's API, and Rocket.Chat 7's with manual routing and
/// rate limits. Their addresses reach the tests at compile time. Each crate gets fresh servers:
/// the widget's tests use up the legacy server's rate limits on purpose. The test pages are on
/// another origin than the servers, so `tests/browser-server.toml` turns CORS on.
fn browser_tests(sh: &Sh, tally: &mut Tally) -> Result<()> {
    let binary = server::build(sh)?;
    let config = "tests/browser-server.toml";
    let mut outcome = Ok(());
    for package in BROWSER_PACKAGES {
        let current = server::DevServer::start(sh, &binary, &["--config", config])?;
        let legacy = server::DevServer::start(
            sh,
            &binary,
            &["--config", config, "--api-version", "7", "--routing", "manual", "--rate-limit"],
        )?;
        let run = sh
            .cargo()
            .args(["test", "-p", package, "--target", "wasm32-unknown-unknown"])
            .env("LIVECHAT_TEST_SERVER", &current.url)
            .env("LIVECHAT_TEST_SERVER_LEGACY", &legacy.url)
            // Test .wasm files with debug info are ~60 MB each.
            .env("CARGO_PROFILE_DEV_DEBUG", "0")
            .run_tee(|line| tally.add_line(line));
        if outcome.is_ok() {
            outcome = run;
        }
    }
    outcome
}

/// The packages whose browser tests run, in this order.
const BROWSER_PACKAGES: &[&str] = &["livechat-widget", "livechat-rich", "agent-console"];

/// Whole journeys in headless Chromium (playwright-core): builds `dist/`, then runs
/// `node --test tests/e2e/`. Each test file starts its own dev server(s) on free loopback
/// ports serving `dist/` (`tests/e2e/support.mjs`), told where by `LIVECHAT_DEV_SERVER` and
/// `LIVECHAT_DIST`.
fn e2e_tests(sh: &Sh, tally: &mut Tally) -> Result<()> {
    crate::dist::run(sh)?;
    let binary = server::build(sh)?;
    sh.cmd("node")
        .args(["--test", "--test-reporter=tap", "--test-concurrency=1", "tests/e2e/"])
        .env("LIVECHAT_DEV_SERVER", &binary)
        .env("LIVECHAT_DIST", crate::dist::dir(sh))
        .env("CHROMIUM", ensure::CHROMIUM)
        .run_tee(|line| tally.add_node_line(line))
}

enum Outcome {
    Pass,
    Fail,
    Skip(&'static str),
}

struct StepResult {
    name: &'static str,
    outcome: Outcome,
    took: Duration,
}

pub fn run(sh: &Sh, opts: Options) -> Result<()> {
    let mut results = Vec::new();
    let mut tally = Tally::default();
    let mut toolchain_ok = true;
    if !opts.native_only {
        let install = opts.install;
        let result =
            step(sh, "ensure toolchain", |sh| ensure::run(sh, ensure::Options { install, ..ensure::Options::INSTALL }));
        toolchain_ok = matches!(result.outcome, Outcome::Pass);
        results.push(result);
    }

    // Browser runs leave a Chromium profile per run in TMPDIR: keep them under target/, and
    // start each test run with an empty folder.
    let tmp = sh.root.join("target").join("tmp");
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).map_err(|e| Error::new(format!("cannot create {}: {e}", tmp.display())))?;
    let sh = sh.with_env("TMPDIR", &tmp);

    for layer in LAYERS {
        if layer.browser && opts.native_only {
            continue;
        }
        if layer.browser && !toolchain_ok {
            let outcome = Outcome::Skip("toolchain incomplete");
            results.push(StepResult { name: layer.name, outcome, took: Duration::ZERO });
            continue;
        }
        results.push(step(&sh, layer.name, |sh| (layer.run)(sh, &mut tally)));
    }
    let outcome = summary(&results);
    // The closing line CI reads: every test of every layer.
    println!("\ntests: {} passed, {} failed, {} skipped", tally.passed, tally.failed, tally.ignored);
    outcome
}

fn step(sh: &Sh, name: &'static str, f: impl FnOnce(&Sh) -> Result<()>) -> StepResult {
    println!("\n==> {name}");
    let start = Instant::now();
    let outcome = match f(sh) {
        Ok(()) => Outcome::Pass,
        Err(e) => {
            eprintln!("error: {name}: {e}");
            Outcome::Fail
        }
    };
    let took = start.elapsed();
    let word = if matches!(outcome, Outcome::Pass) { "passed" } else { "FAILED" };
    println!("==> {name}: {word} in {:.1}s", took.as_secs_f64());
    StepResult { name, outcome, took }
}

fn summary(results: &[StepResult]) -> Result<()> {
    println!("\n==> summary");
    let width = results.iter().map(|r| r.name.len()).max().unwrap_or(0);
    for r in results {
        let (word, note) = match r.outcome {
            Outcome::Pass => ("PASS", String::new()),
            Outcome::Fail => ("FAIL", String::new()),
            Outcome::Skip(why) => ("SKIP", format!("  ({why})")),
        };
        println!("{word}  {:<width$}  {:>6.1}s{note}", r.name, r.took.as_secs_f64());
    }
    let bad = results.iter().filter(|r| !matches!(r.outcome, Outcome::Pass)).count();
    if bad == 0 { Ok(()) } else { Err(Error::new(format!("{bad} of {} steps did not pass", results.len()))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(name: &'static str, outcome: Outcome) -> StepResult {
        StepResult { name, outcome, took: Duration::from_millis(1500) }
    }

    #[test]
    fn tally_sums_libtest_lines() {
        let mut t = Tally::default();
        t.add_line("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.2s");
        t.add_line("test result: FAILED. 2 passed; 3 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1s");
        t.add_line("running 4 tests");
        t.add_line("test passed ... ok");
        assert_eq!(t, Tally { passed: 14, failed: 3, ignored: 1 });
    }

    #[test]
    fn tally_sums_node_test_summaries() {
        let mut t = Tally::default();
        for line in ["# tests 6", "# suites 0", "# pass 4", "# fail 1", "# cancelled 1", "# skipped 1", "# todo 0"] {
            t.add_node_line(line);
        }
        t.add_node_line("ok 1 - # pass 9 in a test name");
        t.add_node_line("# Subtest: pass 3");
        assert_eq!(t, Tally { passed: 4, failed: 2, ignored: 1 });
    }

    #[test]
    fn summary_fails_unless_every_step_passed() {
        assert!(summary(&[result("a", Outcome::Pass), result("b", Outcome::Pass)]).is_ok());
        let err = summary(&[result("a", Outcome::Pass), result("b", Outcome::Fail)]).unwrap_err();
        assert_eq!(err.to_string(), "1 of 2 steps did not pass");
        assert!(summary(&[result("a", Outcome::Skip("toolchain incomplete"))]).is_err());
    }
}
