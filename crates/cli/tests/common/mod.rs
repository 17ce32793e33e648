//! Helpers shared by the command-line tests: the `planwatch` binary run with none of the
//! environment variables that change its behaviour, and scratch directories.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The `planwatch` binary of this build, without the environment a developer's shell may set
/// (size limits, data directory, acting account).
pub fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_planwatch"));
    for var in ["PLANWATCH_MAX_SIZE", "PLANWATCH_MAX_TEXT", "PLANWATCH_DATA", "PLANWATCH_AS"] {
        c.env_remove(var);
    }
    c
}

/// Runs `planwatch ARGS` and waits for it.
pub fn planwatch(args: &[&str]) -> Output {
    command().args(args).output().expect("run planwatch")
}

/// (stdout, stderr) as text.
pub fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// An empty directory of its own for one test of this process.
pub fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("planwatch-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
