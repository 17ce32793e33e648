//! Helpers for tests that check planwatch's output with a second, independent program
//! (LibreOffice, poppler): find the tool, run it with a time limit, give it a scratch directory.
//!
//! Policy: a missing tool skips the test with a note, unless `PLANWATCH_REQUIRE_TOOLS=1` (set
//! by `.ci/run`, which installs the tools), where it is a failure naming the package to install.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A cold LibreOffice start with a fresh profile takes a few seconds, converting the five seed
/// plans on a loaded machine about a minute; a hang must not hold CI.
pub const CONVERT_TIMEOUT: Duration = Duration::from_secs(300);

/// The first of `names` on PATH, or `None` after the note (or the failure) the policy asks for.
/// `install` says how to install it (`apt-get install …`).
pub fn tool(names: &[&str], install: &str) -> Option<PathBuf> {
    let found = names.iter().find_map(|name| {
        std::env::var_os("PATH")?.to_str()?.split(':').map(|dir| Path::new(dir).join(name)).find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var("PLANWATCH_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("PLANWATCH_REQUIRE_TOOLS=1 but `{}` is not on PATH; install it with `{install}`", names[0]);
        }
        eprintln!("note: `{}` not on PATH; skipping (set PLANWATCH_REQUIRE_TOOLS=1 to require it)", names[0]);
    }
    found
}

/// LibreOffice (`soffice` or `libreoffice`), under the same policy.
pub fn soffice(install: &str) -> Option<PathBuf> {
    tool(&["soffice", "libreoffice"], install)
}

/// Runs `cmd` (stdin closed, output captured); panics naming `what` if it takes longer than
/// `timeout`.
pub fn run_with_timeout(cmd: &mut Command, what: &str, timeout: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {what}: {e}"));
    let start = Instant::now();
    while child.try_wait().expect("wait for the child").is_none() {
        if start.elapsed() > timeout {
            child.kill().ok();
            child.wait().ok();
            panic!("{what} did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("collect the child's output")
}

/// Converts `inputs` with LibreOffice into `outdir` (`to`: `pdf`, or a filter such as
/// `csv:Text - txt - csv (StarCalc):44,34,76,1`), one process for all of them, with a profile
/// of its own in `outdir`: parallel runs (and a user's open LibreOffice) would otherwise share
/// one, and the second conversion silently does nothing.
pub fn soffice_convert(soffice: &Path, to: &str, inputs: &[PathBuf], outdir: &Path) -> Output {
    let profile = format!("-env:UserInstallation=file://{}", outdir.join("profile").display());
    run_with_timeout(
        Command::new(soffice)
            .arg(&profile)
            .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
            .arg(outdir)
            .args(inputs),
        "soffice",
        CONVERT_TIMEOUT,
    )
}

/// A fresh directory under the temp dir, unique per test, process and moment.
pub fn scratch(tag: &str) -> PathBuf {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("planwatch-test-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}
