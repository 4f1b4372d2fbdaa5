//! Dev servers for the browser tests: started on a free loopback port, stopped by PID.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use crate::cmd::{Error, Result, Sh};

/// A running `livechat-dev-server`; killed when dropped.
pub struct DevServer {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

/// Builds the dev server binary (debug) and returns its path.
pub fn build(sh: &Sh) -> Result<std::path::PathBuf> {
    sh.cargo().args(["build", "--quiet", "-p", "livechat-dev-server"]).run()?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| sh.root.join("target"), Into::into);
    Ok(target.join("debug").join("livechat-dev-server"))
}

impl DevServer {
    /// Starts `binary --addr 127.0.0.1:0 --memory <args>` and reads the address it got from
    /// its first line.
    pub fn start(sh: &Sh, binary: &std::path::Path, args: &[&str]) -> Result<DevServer> {
        let mut child = std::process::Command::new(binary)
            .current_dir(&sh.root)
            .args(["--addr", "127.0.0.1:0", "--memory"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| Error::new(format!("cannot start {}: {e}", binary.display())))?;
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout was piped"));
        let mut first = String::new();
        let _ = stdout.read_line(&mut first);
        let Some(url) = first.trim().strip_prefix("livechat-dev-server listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::new(format!("the dev server did not start (it said {first:?})")));
        };
        let url = url.to_owned();
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        println!("dev server {} at {url} (pid {})", args.join(" "), child.id());
        Ok(DevServer { child, url })
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
