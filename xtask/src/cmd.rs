//! Running child processes. Every child gets the project's environment (see [`Sh::new`]) and
//! no stdin, and every failure names the command that failed.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::{env, fmt, io};

/// An error message meant for a person: what failed and what to do about it.
pub struct Error(String);

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where commands run and with what environment.
#[derive(Clone)]
pub struct Sh {
    /// The repository root; children run there.
    pub root: PathBuf,
    /// Running under CI (`CI` set to anything but empty, `0` or `false`).
    pub ci: bool,
    env: Vec<(OsString, OsString)>,
}

/// The wasm32 rustflags of [`Sh::shipping`]: `.cargo/config.toml`'s (a test keeps them in),
/// panics as traps, and no source locations for `#[track_caller]` (file paths in the wasm).
const SHIPPING_RUSTFLAGS: &str =
    "--cfg erase_components -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none";

impl Sh {
    /// Children get `<root>/node_modules/.bin` and `$CARGO_HOME/bin` first on PATH (so the
    /// pinned wasm-opt and the cargo-installed tools win over anything the system has), and
    /// `CHROMEDRIVER` pointing at Debian's driver.
    pub fn new() -> Result<Sh> {
        let root = project_root();
        let first = [root.join("node_modules").join(".bin"), cargo_home()?.join("bin")];
        let path = prepend_path(&first, env::var_os("PATH").unwrap_or_default())?;
        Ok(Sh {
            root,
            ci: is_ci(env::var("CI").ok().as_deref()),
            env: vec![("PATH".into(), path), ("CHROMEDRIVER".into(), crate::ensure::CHROMEDRIVER.into())],
        })
    }

    /// A copy whose children also get `key=value`.
    pub fn with_env(&self, key: &str, value: impl Into<OsString>) -> Sh {
        let mut sh = self.clone();
        sh.env.retain(|(k, _)| k != key);
        sh.env.push((key.into(), value.into()));
        sh
    }

    /// A copy whose cargo builds what ships for its size: the standard library rebuilt with
    /// `opt-level = "z"` and panics as plain traps, with no message formatting or source
    /// locations (`-Z build-std`, `-C panic=immediate-abort`, `-Z location-detail=none`; 13 KB
    /// brotli off the wasm).
    /// These are unstable flags, so `RUSTC_BOOTSTRAP=1` lets the pinned stable toolchain take
    /// them; the build goes to its own target directory ([`Sh::shipping_target`]) so it never
    /// invalidates the ordinary builds. Needs the `rust-src` component (`cargo xtask ensure`).
    pub fn shipping(&self) -> Sh {
        // Replaces `.cargo/config.toml`'s rustflags for wasm32, so its flags are repeated here.
        self.with_env("RUSTC_BOOTSTRAP", "1")
            .with_env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
            .with_env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", SHIPPING_RUSTFLAGS)
            .with_env("CARGO_TARGET_DIR", self.shipping_target())
    }

    /// Where [`Sh::shipping`] builds go.
    pub fn shipping_target(&self) -> PathBuf {
        env::var_os("CARGO_TARGET_DIR").map_or_else(|| self.root.join("target"), PathBuf::from).join("shipping")
    }

    pub fn cmd(&self, program: &str) -> Cmd {
        self.cmd_named(program.as_ref(), program)
    }

    /// The cargo that runs us (`$CARGO`), so children use the same toolchain.
    pub fn cargo(&self) -> Cmd {
        match env::var_os("CARGO") {
            Some(cargo) => self.cmd_named(&cargo, "cargo"),
            None => self.cmd("cargo"),
        }
    }

    fn cmd_named(&self, program: &OsStr, shown: &str) -> Cmd {
        let mut inner = Command::new(program);
        inner.current_dir(&self.root);
        for (k, v) in &self.env {
            inner.env(k, v);
        }
        Cmd { inner, shown: shown.to_string() }
    }

    /// The file a child would run for `name`, searching the children's PATH.
    pub fn which(&self, name: &str) -> Option<PathBuf> {
        let path = self.env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.clone())?;
        env::split_paths(&path).map(|dir| dir.join(name)).find(|p| is_executable(p))
    }
}

/// A command under construction; `shown` is how it is printed in messages.
pub struct Cmd {
    inner: Command,
    shown: String,
}

impl Cmd {
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        let arg = arg.as_ref();
        self.shown.push(' ');
        self.shown.push_str(&arg.to_string_lossy());
        self.inner.arg(arg);
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(self, args: I) -> Self {
        args.into_iter().fold(self, Cmd::arg)
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.inner.env(key, value);
        self
    }

    /// Prints `$ command`, runs it with our stdout/stderr, and fails unless it exits 0.
    pub fn run(mut self) -> Result<()> {
        println!("$ {}", self.shown);
        let status = self.inner.stdin(Stdio::null()).status().map_err(|e| self.spawn_error(e))?;
        if status.success() { Ok(()) } else { Err(Error::new(format!("`{}` failed ({status})", self.shown))) }
    }

    /// Like [`Cmd::run`], and also hands each line of stdout to `on_line` as it is printed.
    pub fn run_tee(mut self, mut on_line: impl FnMut(&str)) -> Result<()> {
        use std::io::{BufRead, BufReader, Write};
        println!("$ {}", self.shown);
        let mut child =
            self.inner.stdin(Stdio::null()).stdout(Stdio::piped()).spawn().map_err(|e| self.spawn_error(e))?;
        let stdout = child.stdout.take().expect("stdout was piped");
        let mut out = io::stdout();
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| Error::new(format!("reading `{}`: {e}", self.shown)))?;
            let _ = writeln!(out, "{line}");
            on_line(&line);
        }
        let status = child.wait().map_err(|e| self.spawn_error(e))?;
        if status.success() { Ok(()) } else { Err(Error::new(format!("`{}` failed ({status})", self.shown))) }
    }

    /// Runs it quietly and returns its stdout; on failure the error carries its stderr.
    pub fn read(mut self) -> Result<String> {
        let out = self.inner.stdin(Stdio::null()).output().map_err(|e| self.spawn_error(e))?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(Error::new(format!("`{}` failed ({}): {}", self.shown, out.status, stderr.trim())))
    }

    /// Replaces this process with the command (stdin, stdout, stderr and Ctrl-C go to it).
    /// Returns only on failure.
    #[cfg(unix)]
    pub fn exec(mut self) -> Error {
        use std::os::unix::process::CommandExt;
        let e = self.inner.exec();
        self.spawn_error(e)
    }

    #[cfg(not(unix))]
    pub fn exec(mut self) -> Error {
        match self.inner.status() {
            Ok(status) if status.success() => std::process::exit(0),
            Ok(status) => Error::new(format!("`{}` failed ({status})", self.shown)),
            Err(e) => self.spawn_error(e),
        }
    }

    fn spawn_error(&self, e: io::Error) -> Error {
        let program = self.shown.split(' ').next().unwrap_or_default();
        if e.kind() == io::ErrorKind::NotFound {
            Error::new(format!("`{program}` not found on PATH (needed for `{}`)", self.shown))
        } else {
            Error::new(format!("could not start `{}`: {e}", self.shown))
        }
    }
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

/// The repository root: the xtask crate sits one level below it.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one directory below the repository root")
        .to_path_buf()
}

fn cargo_home() -> Result<PathBuf> {
    if let Some(home) = env::var_os("CARGO_HOME") {
        return Ok(PathBuf::from(home));
    }
    match env::var_os("HOME") {
        Some(home) => Ok(PathBuf::from(home).join(".cargo")),
        None => Err(Error::new("neither CARGO_HOME nor HOME is set: cannot find cargo's bin folder")),
    }
}

fn is_ci(value: Option<&str>) -> bool {
    !matches!(value, None | Some("" | "0" | "false"))
}

/// `first` followed by `path`, without repeating entries of `first` that `path` already has.
fn prepend_path(first: &[PathBuf], path: OsString) -> Result<OsString> {
    let rest = env::split_paths(&path).filter(|p| !first.contains(p));
    env::join_paths(first.iter().cloned().chain(rest))
        .map_err(|e| Error::new(format!("cannot build PATH for child processes: {e}")))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipping_builds_keep_the_configured_wasm_rustflags() {
        let config = std::fs::read_to_string(project_root().join(".cargo/config.toml")).unwrap();
        let section = config.split("[target.wasm32-unknown-unknown]").nth(1).expect("a wasm32 section");
        let line = section.lines().find(|l| l.trim_start().starts_with("rustflags")).expect("wasm32 rustflags");
        let flags: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        assert!(!flags.is_empty(), "{line}");
        let shipping: Vec<&str> = SHIPPING_RUSTFLAGS.split(' ').collect();
        for pair in flags.chunks(2) {
            let found = shipping.windows(pair.len()).any(|w| w == pair);
            assert!(found, "{pair:?} from .cargo/config.toml is missing from the shipping rustflags");
        }
    }

    #[test]
    fn prepend_path_puts_ours_first_once() {
        let first = [PathBuf::from("/repo/node_modules/.bin"), PathBuf::from("/home/u/.cargo/bin")];
        let joined = prepend_path(&first, "/usr/bin:/home/u/.cargo/bin:/bin".into()).unwrap();
        assert_eq!(joined, "/repo/node_modules/.bin:/home/u/.cargo/bin:/usr/bin:/bin");
    }

    #[test]
    fn ci_detection() {
        assert!(is_ci(Some("true")));
        assert!(is_ci(Some("1")));
        assert!(!is_ci(None));
        assert!(!is_ci(Some("")));
        assert!(!is_ci(Some("false")));
    }

    #[test]
    fn cmd_display_and_failure_messages() {
        let sh = Sh::new().unwrap();
        let cmd = sh.cmd("sh").args(["-c", "echo oops >&2; exit 3"]);
        assert_eq!(cmd.to_string(), "sh -c echo oops >&2; exit 3");
        let err = cmd.read().unwrap_err().to_string();
        assert!(err.contains("exit status: 3") && err.contains("oops"), "{err}");
        let err = sh.cmd("no-such-tool-here").read().unwrap_err().to_string();
        assert!(err.contains("`no-such-tool-here` not found on PATH"), "{err}");
    }

    #[test]
    fn children_see_the_project_path() {
        let sh = Sh::new().unwrap();
        let path = sh.cmd("sh").args(["-c", "echo $PATH"]).read().unwrap();
        let bin = sh.root.join("node_modules").join(".bin");
        assert!(path.starts_with(&*bin.to_string_lossy()), "{path}");
        assert_eq!(sh.cmd("sh").args(["-c", "echo $CHROMEDRIVER"]).read().unwrap().trim(), "/usr/bin/chromedriver");
    }
}
