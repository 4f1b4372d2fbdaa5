//! The binary's flags: `--help` lists them, bad ones fail as clap reports them, and the last of
//! `--db` / `--memory` counts (scripts start it with `--addr … --memory` and may add `--db`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_livechat-dev-server");

fn run(args: &[&str]) -> Output {
    Command::new(BINARY).args(args).stdin(Stdio::null()).output().expect("run livechat-dev-server")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_lists_every_flag() {
    let out = run(&["--help"]);
    assert!(out.status.success(), "{out:?}");
    let help = text(&out.stdout);
    assert!(help.contains("Usage: livechat-dev-server [OPTIONS]"), "{help}");
    for flag in [
        "--addr <ADDR>",
        "--db <PATH>",
        "--memory",
        "--config <PATH>",
        "--www <DIR>",
        "--routing <MODE>",
        "--api-version <N>",
        "--agents-offline",
        "--accept-no-agents",
        "--rate-limit",
        "--cors-origin <LIST>",
        "-h, --help",
        "-V, --version",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help:\n{help}");
    }
    assert!(help.contains("[default: 127.0.0.1:3000]") && help.contains("[possible values: auto, manual]"), "{help}");
    assert_eq!(text(&run(&["-h"]).stdout), help, "-h and --help differ");
}

#[test]
fn bad_flags_fail_with_clap_messages() {
    let cases: &[(&[&str], &str)] = &[
        (&["--bogus"], "error: unexpected argument '--bogus' found"),
        (&["--routing", "sideways"], "error: invalid value 'sideways' for '--routing <MODE>'"),
        (&["--addr", "nowhere"], "error: invalid value 'nowhere' for '--addr <ADDR>'"),
        (&["--api-version", "eight"], "error: invalid value 'eight' for '--api-version <N>'"),
        (&["--cors-origin"], "error: a value is required for '--cors-origin <LIST>' but none was supplied"),
    ];
    for (args, message) in cases {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with(message), "{args:?}: {stderr}");
        assert!(stderr.contains("For more information, try '--help'."), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?} printed {:?}", text(&out.stdout));
    }
}

/// The `database` line of the banner a server started with `args` prints.
fn database_line(args: &[&str]) -> String {
    let mut child = Command::new(BINARY)
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start livechat-dev-server");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let line = stdout.lines().map_while(Result::ok).find(|l| l.trim_start().starts_with("database"));
    let _ = child.kill();
    let _ = child.wait();
    line.expect("a database line").trim().to_owned()
}

#[test]
fn the_last_of_db_and_memory_counts() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("livechat.db");
    let db = db.to_str().unwrap();
    assert_eq!(database_line(&["--db", db, "--memory"]), "database   in memory");
    assert_eq!(database_line(&["--memory", "--db", db]), format!("database   {db}"));
    assert!(Path::new(db).exists());
    let _ = std::fs::remove_dir_all(&dir);
}
