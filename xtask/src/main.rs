//! Project automation, in the style of rust-analyzer's xtask: plain Rust, `std::process::Command`.
//!
//! Run it as `cargo xtask <command>` (an alias in `.cargo/config.toml`).

mod bench;
mod cmd;
mod console;
mod demo;
mod dist;
mod ensure;
mod names;
mod screenshots;
mod server;
mod test;

use std::process::ExitCode;

pub use cmd::{Error, Result, Sh};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  test     ensure the toolchain, then run every test layer; prints PASS/FAIL per step
             --no-install    fail with the command to run instead of installing a missing tool
             --native-only   skip the toolchain ensure and run only `cargo test --workspace --all-targets`
  ensure   check the pinned toolchain (wasm32 target, rust-src, wasm-bindgen-cli, npm packages,
           Chromium + ChromeDriver) and install what is missing or of the wrong version
             --no-install    only check; fail with the command to run
             --trunk         also trunk 0.21.14, for `trunk serve` (nothing else uses it)
             --twiggy        also twiggy 0.8.0 (`bench` installs it itself)
             --wasm-pack     also wasm-pack 0.15.1, for `wasm-pack test` by hand
  demo     build dist/, then run the development server serving it in the foreground (Ctrl-C
           stops it): the demo host page at /, the agent console at /console/
             --port N        listen on 127.0.0.1:N (default 3000)
             --memory        keep the database in memory instead of data/livechat.db
  dist     build dist/: the script-tag bundle (livechat.js, widget.js, widget_bg.wasm), the demo
           page, and the npm package in dist/npm/
  bench    build the script-tag bundle and the client for release and print their sizes
           (raw, gzip -9, brotli 11) against the budgets, and load timings in headless Chromium
           (script start to launcher visible, click to a focusable composer; median of 7 runs)
  screenshots
           build the script-tag bundle and write the README's screenshots to docs/screenshots/
  console  build the agent console (release wasm, wasm-opt -Oz) with its index.html
             --out DIR       where to write it (default dist/console)
  help     print this message
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return Err(Error::new("no command given"));
    };
    let mut flags = Flags::new(rest);
    match command.as_str() {
        "test" => {
            let opts = test::Options { install: !flags.take("--no-install"), native_only: flags.take("--native-only") };
            flags.finish()?;
            test::run(&Sh::new()?, opts)
        }
        "ensure" => {
            let opts = ensure::Options {
                install: !flags.take("--no-install"),
                trunk: flags.take("--trunk"),
                twiggy: flags.take("--twiggy"),
                wasm_pack: flags.take("--wasm-pack"),
                chromium: true,
            };
            flags.finish()?;
            ensure::run(&Sh::new()?, opts)
        }
        "demo" => {
            let opts = demo::Options {
                port: flags.take_value("--port")?.unwrap_or(demo::DEFAULT_PORT),
                memory: flags.take("--memory"),
            };
            flags.finish()?;
            demo::run(&Sh::new()?, opts)
        }
        "dist" => {
            flags.finish()?;
            let sh = Sh::new()?;
            ensure::run(&sh, ensure::Options::INSTALL)?;
            dist::run(&sh)
        }
        "console" => {
            let out = flags.take_value::<std::path::PathBuf>("--out")?.unwrap_or_else(|| console::DEFAULT_OUT.into());
            flags.finish()?;
            let sh = Sh::new()?;
            let out = if out.is_absolute() { out } else { sh.root.join(out) };
            console::build(&sh, &out)
        }
        "bench" => {
            flags.finish()?;
            bench::run(&Sh::new()?)
        }
        "screenshots" => {
            flags.finish()?;
            screenshots::run(&Sh::new()?)
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => {
            eprint!("{USAGE}");
            Err(Error::new(format!("unknown command `{other}`")))
        }
    }
}

/// A hand-rolled option parser: each `take*` consumes what it recognises, `finish` rejects the rest.
struct Flags<'a> {
    rest: Vec<&'a str>,
}

impl<'a> Flags<'a> {
    fn new(args: &'a [String]) -> Self {
        Flags { rest: args.iter().map(String::as_str).collect() }
    }

    fn take(&mut self, flag: &str) -> bool {
        let before = self.rest.len();
        self.rest.retain(|a| *a != flag);
        self.rest.len() != before
    }

    /// `--flag VALUE` or `--flag=VALUE`.
    fn take_value<T: std::str::FromStr>(&mut self, flag: &str) -> Result<Option<T>> {
        let prefix = format!("{flag}=");
        let raw = if let Some(i) = self.rest.iter().position(|a| *a == flag) {
            if i + 1 >= self.rest.len() {
                return Err(Error::new(format!("`{flag}` needs a value")));
            }
            let value = self.rest.remove(i + 1);
            self.rest.remove(i);
            value
        } else if let Some(i) = self.rest.iter().position(|a| a.starts_with(&prefix)) {
            &self.rest.remove(i)[prefix.len()..]
        } else {
            return Ok(None);
        };
        raw.parse().map(Some).map_err(|_| Error::new(format!("invalid value `{raw}` for `{flag}`")))
    }

    fn finish(self) -> Result<()> {
        match self.rest.first() {
            None => Ok(()),
            Some(arg) => Err(Error::new(format!("unexpected argument `{arg}`; see `cargo xtask help`"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_take_switches_and_values() {
        let args = strings(&["--memory", "--port", "8080"]);
        let mut flags = Flags::new(&args);
        assert_eq!(flags.take_value::<u16>("--port").unwrap(), Some(8080));
        assert!(flags.take("--memory"));
        assert!(!flags.take("--memory"));
        flags.finish().unwrap();
    }

    #[test]
    fn flags_accept_equals_form() {
        let args = strings(&["--port=4000"]);
        let mut flags = Flags::new(&args);
        assert_eq!(flags.take_value::<u16>("--port").unwrap(), Some(4000));
        flags.finish().unwrap();
    }

    #[test]
    fn flags_reject_bad_and_unknown_arguments() {
        let args = strings(&["--port", "http"]);
        assert!(Flags::new(&args).take_value::<u16>("--port").is_err());
        let args = strings(&["--port"]);
        assert!(Flags::new(&args).take_value::<u16>("--port").is_err());
        let args = strings(&["--colour"]);
        let mut flags = Flags::new(&args);
        assert!(!flags.take("--color"));
        assert!(flags.finish().is_err());
    }
}
