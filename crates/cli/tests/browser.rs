//! Browser end-to-end test: a real headless Chromium, driven over WebDriver (chromedriver),
//! clicks through `planwatch serve` the way an analyst would: plan list → plan → source
//! highlight → login → correction → re-ingest (a new version keeps the correction) → search
//! (simplified and traditional) → XLSX download → … → conformity review: a finding marked 已说明,
//! the 审查意见 DOCX downloaded. Each page is saved as a PNG under
//! `target/browser-artifacts/` so CI keeps what the pages looked like.
//!
//! Needs `chromium` and `chromedriver` on PATH (Debian: `apt-get install chromium
//! chromium-driver`). Without them the test is skipped, unless `PLANWATCH_REQUIRE_TOOLS=1`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use fantoccini::elements::Element;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

const TOKEN: &str = "browser-test-token-1234";
const PASSWORD: &str = "browser-test-password-1";
const MIANYANG: &str = "绵阳市未来产业培育行动方案";
const FILES: [&str; 3] =
    ["mianyang-future-industries.txt", "hefei-sci-tech-plan.html", "suzhou-emerging-industries.docx"];

/// A child process killed (and reaped) when the guard goes out of scope, also on panic.
/// With `group`, the child leads its own process group and the whole group is killed: the
/// Chromium that chromedriver started goes with it even if the session was never closed.
struct KillOnDrop {
    child: Child,
    group: bool,
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if self.group {
            let group = format!("-{}", self.child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("planwatch-browser-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// A hand-written HTTP/1.1 GET on loopback: (status, body), or None while nothing answers.
/// Reads up to `Content-Length` (chromedriver keeps the connection open despite `close`).
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").ok()?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = s.read(&mut buf).ok()?;
        raw.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&raw);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case("content-length").then(|| v.trim().parse::<usize>().ok())?
            });
            if n == 0 || length.is_some_and(|len| body.len() >= len) {
                let status = head.split_whitespace().nth(1)?.parse().ok()?;
                return Some((status, body.to_string()));
            }
        } else if n == 0 {
            return None;
        }
    }
}

/// Polls `ready` every 100 ms until it holds or `limit` has passed.
fn poll(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if ready() {
            return true;
        }
        if start.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn planwatch() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_planwatch"));
    c.env_remove("PLANWATCH_MAX_SIZE").env_remove("PLANWATCH_DATA").env_remove("PLANWATCH_DB");
    c
}

fn ingest(db: &Path, files: &[PathBuf]) -> String {
    let out = planwatch().arg("--db").arg(db).arg("ingest").args(files).output().expect("run planwatch ingest");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "planwatch ingest failed: {stderr}");
    stderr
}

/// Strips all whitespace (the document view shows the original text, titles the normalised one).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn digits(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFF10 + '0' as u32), // full-width
            _ => None,
        })
        .collect()
}

/// chromedriver's (Selenium-style) console log of the page: `POST /session/{id}/se/log`.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> std::result::Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({"type": "browser"}).to_string()))
    }
}

struct Browser {
    c: Client,
    base: String,
    shots: PathBuf,
    console: Vec<String>,
}

impl Browser {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn goto(&self, path: &str) -> Result<()> {
        self.c.goto(&self.url(path)).await.with_context(|| format!("open {path}"))
    }

    async fn wait_for(&self, css: &str) -> Result<Element> {
        match self.c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await {
            Ok(e) => Ok(e),
            Err(e) => Err(anyhow::Error::new(e).context(format!("waiting for `{css}` on {}", self.here().await))),
        }
    }

    async fn all(&self, css: &str) -> Result<Vec<Element>> {
        Ok(self.c.find_all(Locator::Css(css)).await?)
    }

    async fn text(&self, css: &str) -> Result<String> {
        Ok(self.c.find(Locator::Css(css)).await.with_context(|| format!("find `{css}`"))?.text().await?)
    }

    /// Clicks an element that loads a new page and waits until the new document has loaded.
    /// Waiting for a selector alone races: the old page may still show it when the new one has
    /// not arrived yet (CI failed that way twice), so the old document is tagged first and
    /// the wait is for a document without the tag.
    async fn click_to_page(&self, el: Element) -> Result<()> {
        self.c.execute("window.__planwatchOldPage = true;", vec![]).await?;
        el.click().await?;
        self.new_page_loaded().await
    }

    /// Waits (20 s at most) for a document other than the one tagged by `click_to_page`.
    async fn new_page_loaded(&self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let state = self
                .c
                .execute("return window.__planwatchOldPage ? 'old' : document.readyState;", vec![])
                .await
                .unwrap_or(Value::Null);
            if state == "complete" {
                return Ok(());
            }
            ensure!(Instant::now() < deadline, "no new page loaded within 20 s (still on {})", self.here().await);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn here(&self) -> String {
        self.c.current_url().await.map(|u| u.to_string()).unwrap_or_else(|e| format!("(no url: {e})"))
    }

    /// Saves a screenshot and collects the console messages of severity SEVERE so far.
    async fn shot(&mut self, name: &str) -> Result<()> {
        let png = self.c.screenshot().await.context("screenshot")?;
        ensure!(png.starts_with(b"\x89PNG"), "screenshot {name} is not a PNG");
        std::fs::write(self.shots.join(format!("{name}.png")), png)?;
        self.collect_console(name).await;
        Ok(())
    }

    async fn collect_console(&mut self, step: &str) {
        let Ok(Value::Array(entries)) = self.c.issue_cmd(BrowserLog).await else { return };
        for e in entries {
            let msg = e["message"].as_str().unwrap_or_default();
            if e["level"] == "SEVERE" && !msg.contains("favicon.ico") {
                self.console.push(format!("{step}: {msg}"));
            }
        }
    }
}

fn capabilities(chromium: &Path, profile: &Path, downloads: &Path) -> Capabilities {
    let args = [
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-dev-shm-usage".into(),
        "--window-size=1400,1000".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let caps = json!({
        "browserName": "chrome",
        "goog:loggingPrefs": {"browser": "ALL"},
        "goog:chromeOptions": {
            "binary": chromium,
            "args": args,
            "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
            },
        },
    });
    match caps {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
}

#[test]
fn browser_workflow() {
    let (Some(chromedriver), Some(chromium)) = (on_path("chromedriver"), on_path("chromium")) else {
        let why = "chromium and chromedriver must be on PATH (Debian: apt-get install chromium chromium-driver)";
        if std::env::var("PLANWATCH_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("browser test cannot run: {why}");
        }
        eprintln!("browser test skipped: {why}");
        return;
    };
    let started = Instant::now();
    let shots = repo_root().join("target/browser-artifacts");
    std::fs::create_dir_all(&shots).expect("create target/browser-artifacts");
    // Only this run's pictures (a stale 99-failure.png would mislead).
    for e in std::fs::read_dir(&shots).expect("read target/browser-artifacts").flatten() {
        if e.path().extension().is_some_and(|x| x == "png") {
            let _ = std::fs::remove_file(e.path());
        }
    }

    // A store with the three example plans.
    let dir = tempdir("store");
    let db = dir.join("pw.db");
    let examples = repo_root().join("examples");
    let originals: Vec<PathBuf> = FILES.iter().map(|f| examples.join(f)).collect();
    let out = ingest(&db, &originals);
    assert!(out.contains("3 new"), "first ingest: {out}");
    // An analyst account (the admin token stops working once an admin exists; an analyst
    // is what corrects plans).
    let mut add = planwatch()
        .arg("--db")
        .arg(&db)
        .args(["user", "add", "analyst", "--role", "analyst", "--name", "王分析", "--password-stdin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run planwatch user add");
    add.stdin.take().expect("stdin").write_all(format!("{PASSWORD}\n").as_bytes()).expect("write password");
    let added = add.wait_with_output().expect("planwatch user add");
    assert!(added.status.success(), "user add: {}", String::from_utf8_lossy(&added.stderr));
    let sample = planwatch().arg("--db").arg(&db).arg("sample-data").output().expect("run planwatch sample-data");
    assert!(sample.status.success(), "sample-data: {}", String::from_utf8_lossy(&sample.stderr));
    // "sample data (…) for 合肥市, plan 2: …": the plan whose progress the registry moves.
    let said = format!("{}{}", String::from_utf8_lossy(&sample.stdout), String::from_utf8_lossy(&sample.stderr));
    let sample_plan: i64 = said
        .split(", plan ")
        .nth(1)
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("sample-data did not name its plan: {said}"));
    assert!(said.contains("1 indicator(s) counted from them"), "the sample binds no registry count: {said}");

    // The server.
    let port = free_port();
    let server = planwatch()
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("PLANWATCH_ADMIN_TOKEN", TOKEN)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start planwatch serve");
    let _server = KillOnDrop { child: server, group: false };
    assert!(
        poll(Duration::from_secs(30), || http_get(port, "/healthz").is_some_and(|(s, b)| s == 200 && b.trim() == "ok")),
        "planwatch serve did not answer /healthz within 30 s"
    );

    // chromedriver.
    let wd_port = free_port();
    let driver = Command::new(&chromedriver)
        .process_group(0)
        .arg(format!("--port={wd_port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let _driver = KillOnDrop { child: driver, group: true };
    assert!(
        poll(Duration::from_secs(20), || http_get(wd_port, "/status").is_some_and(|(s, _)| s == 200)),
        "chromedriver did not answer /status within 20 s"
    );

    let profile = tempdir("profile");
    let downloads = tempdir("downloads");
    let caps = capabilities(&chromium, &profile, &downloads);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async {
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{wd_port}"))
            .await
            .expect("open a WebDriver session with headless Chromium");
        let mut b = Browser { c, base: format!("http://127.0.0.1:{port}"), shots, console: Vec::new() };
        let res = flow(&mut b, &db, &downloads, sample_plan, &dir).await;
        if res.is_err() {
            let _ = b.shot("99-failure").await;
            eprintln!("browser test failed on {}", b.here().await);
        }
        let console = std::mem::take(&mut b.console);
        let _ = b.c.close().await;
        if let Err(e) = res {
            panic!("browser test: {e:#}");
        }
        assert!(console.is_empty(), "severe console messages:\n{}", console.join("\n"));
    });
    eprintln!("browser test passed in {:.1} s", started.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&profile);
    let _ = std::fs::remove_dir_all(&downloads);
}

async fn flow(b: &mut Browser, db: &Path, downloads: &Path, sample_plan: i64, scratch: &Path) -> Result<()> {
    // 1. The plan list.
    b.goto("/").await?;
    b.wait_for("table#plans").await?;
    let rows = b.all("#plans tbody tr").await?;
    ensure!(rows.len() == 3, "home page lists {} plans, expected 3", rows.len());
    b.shot("01-home").await?;

    // 2. A plan.
    let mut link = None;
    for a in b.all("#plans tbody tr td:first-child a").await? {
        if a.text().await?.contains(MIANYANG) {
            link = Some(a);
        }
    }
    b.click_to_page(link.with_context(|| format!("no plan titled {MIANYANG} on the home page"))?).await?;
    b.wait_for("#targets-table").await?;
    let h1 = b.text("h1").await?;
    ensure!(h1.contains(MIANYANG), "plan page h1 is {h1:?}");
    let plan_path = b.c.current_url().await?.path().to_string();
    ensure!(plan_path.starts_with("/plans/"), "plan page at {plan_path}");
    let n_targets = b.all("#targets-table tbody tr").await?.len();
    let n_tasks = b.all("#tasks-table tbody tr").await?.len();
    ensure!(n_targets > 0 && n_tasks > 0, "plan page shows {n_targets} targets and {n_tasks} tasks");
    b.shot("02-plan").await?;
    // The 任务分工表's long 任务内容 folds behind a one-line preview; a click unfolds it.
    let full = b.c.find(Locator::Css("#tasks-table details.content .full")).await?;
    ensure!(!full.is_displayed().await?, "folded task content is shown before a click");
    b.c.find(Locator::Css("#tasks-table details.content summary")).await?.click().await?;
    ensure!(full.is_displayed().await?, "task content does not unfold on a click");
    ensure!(!full.text().await?.trim().is_empty(), "unfolded task content is empty");
    b.shot("02b-plan-task-content").await?;

    // 3. The first target's source, highlighted and scrolled into view.
    let first = b.c.find(Locator::Css("#targets-table tbody tr:first-child a.src")).await?;
    let target_text = first.attr("title").await?.unwrap_or_default();
    ensure!(!target_text.trim().is_empty(), "the first target's link has no title (source text)");
    let value = b.text("#targets-table tbody tr:first-child td.value").await?;
    first.click().await?;
    let hl = b.wait_for("mark#hl").await?;
    ensure!(hl.is_displayed().await?, "mark#hl is not displayed");
    let hl_text = squeeze(&hl.text().await?);
    ensure!(!hl_text.is_empty(), "mark#hl is empty");
    let title = squeeze(&target_text);
    let head: String = hl_text.chars().take(4).collect();
    let title_head: String = title.chars().take(4).collect();
    let value_digits = digits(&value);
    ensure!(
        title.contains(&head)
            || hl_text.contains(&title_head)
            || (!value_digits.is_empty() && digits(&hl_text).contains(&value_digits)),
        "highlight {hl_text:?} does not match the target's source {title:?} (value {value})"
    );
    // Within a pixel: the `#hl` fragment of the link scrolls the mark flush with the top edge
    // (after app.js centred it), which leaves its top a fraction of a pixel above 0.
    let in_view =
        b.c.execute(
            "const r=document.getElementById('hl').getBoundingClientRect(); \
             return [r.top>=-1 && r.bottom<=window.innerHeight+1, r.top, r.bottom, window.innerHeight, window.scrollY];",
            vec![],
        )
        .await?;
    ensure!(
        in_view[0] == Value::Bool(true),
        "mark#hl is not scrolled into view: [ok, top, bottom, innerHeight, scrollY] = {in_view}"
    );
    b.shot("03-source-highlight").await?;

    // 4. Log in, correct the first target's value.
    b.goto("/login?next=/").await?;
    b.wait_for("input[name=login]").await?.send_keys("analyst").await?;
    b.c.find(Locator::Css("input[name=password]")).await?.send_keys(PASSWORD).await?;
    b.click_to_page(b.c.find(Locator::Css("form[action='/login'] button[type=submit]")).await?).await?;
    b.wait_for("table#plans").await.context("after login, expected the home page")?;
    b.goto(&plan_path).await?;
    b.click_to_page(b.wait_for("#targets-table tbody tr:first-child td:last-child a").await?).await?;
    let field = b.wait_for("#edit-form input[name=value]").await.context("the target's edit form")?;
    field.clear().await?;
    field.send_keys("4321").await?;
    b.shot("04a-edit-form").await?;
    b.click_to_page(b.c.find(Locator::Css("#save")).await?).await?;
    b.wait_for("#targets-table").await.context("after saving, expected the plan page")?;
    check_corrected(b).await.context("right after the correction")?;
    b.shot("04-corrected").await?;

    // 4b. Point the target at another passage by selecting text in the document view.
    b.click_to_page(b.wait_for("#targets-table tbody tr:first-child td:last-child a").await?).await?;
    b.click_to_page(b.wait_for("#pick-link").await?).await?;
    b.wait_for("#pickbar").await.context("the document view in pick mode")?;
    let picked =
        b.c.execute(
            r#"const enc = new TextEncoder();
               const line = [...document.querySelectorAll('#source p.ln')].find(p => p.textContent.length >= 12);
               const node = line.firstChild;
               const r = document.createRange();
               r.setStart(node, 2); r.setEnd(node, 10);
               const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
               const o = parseInt(line.getAttribute('data-o'), 10);
               const a = o + enc.encode(node.textContent.slice(0, 2)).length;
               return [a, a + enc.encode(node.textContent.slice(2, 10)).length, node.textContent.slice(2, 10)];"#,
            vec![],
        )
        .await?;
    let (start, end) = (picked[0].as_u64().unwrap_or(0), picked[1].as_u64().unwrap_or(0));
    // selectionchange is delivered asynchronously: wait for the script to fill the form.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let enabled = b.c.execute("return !document.getElementById('pick-submit').disabled;", vec![]).await?;
        if enabled == Value::Bool(true) {
            break;
        }
        ensure!(Instant::now() < deadline, "selecting text did not enable 设为来源");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let form_start = b.c.find(Locator::Id("pick-start")).await?.prop("value").await?.unwrap_or_default();
    ensure!(form_start == start.to_string(), "the form says start {form_start}, the selection starts at byte {start}");
    b.shot("04b-pick-source").await?;
    b.click_to_page(b.c.find(Locator::Id("pick-submit")).await?).await?;
    b.wait_for("#targets-table").await.context("after 设为来源, expected the plan page")?;
    b.goto(&format!("/api/v1{plan_path}/targets")).await?;
    let body = b.c.execute("return document.body.innerText;", vec![]).await?;
    let targets: Value = serde_json::from_str(body.as_str().unwrap_or("[]"))?;
    ensure!(
        targets[0]["span"] == serde_json::json!([start, end]) && targets[0]["source"] == picked[2],
        "the target's source is now {} {}, expected [{start}, {end}] {}",
        targets[0]["span"],
        targets[0]["source"],
        picked[2]
    );
    b.goto(&plan_path).await?;
    b.wait_for("#targets-table").await?;
    check_corrected(b).await.context("after setting the source")?;

    // 5. Re-ingest: the same three files (unchanged) and a changed copy of the Mianyang file.
    let root = repo_root();
    let original = root.join("examples").join(FILES[0]);
    let bytes = std::fs::read(&original)?;
    let (text, _, bad) = encoding_rs::GB18030.decode(&bytes);
    ensure!(!bad, "{} is not GB18030", original.display());
    let changed = format!("{}\n附件:起草说明。\n", text.trim_end());
    let (encoded, _, bad) = encoding_rs::GB18030.encode(&changed);
    ensure!(!bad, "cannot encode the changed text as GB18030");
    let copy_dir = tempdir("changed");
    let copy = copy_dir.join(FILES[0]);
    std::fs::write(&copy, &encoded)?;
    let mut args: Vec<PathBuf> = FILES.iter().map(|f| root.join("examples").join(f)).collect();
    args.push(copy);
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_planwatch"))
        .arg("--db")
        .arg(db)
        .arg("ingest")
        .args(&args)
        .env_remove("PLANWATCH_DB")
        .output()
        .await?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.success(), "re-ingest failed: {stderr}");
    ensure!(stderr.contains("0 new, 1 new versions, 3 unchanged"), "re-ingest said: {stderr}");
    let _ = std::fs::remove_dir_all(&copy_dir);
    b.goto(&plan_path).await?;
    b.wait_for("#targets-table").await?;
    check_corrected(b).await.context("after version 2 was ingested")?;
    let versions = b.all("#versions + table tbody tr").await?;
    ensure!(versions.len() == 2, "the 版本 table lists {} versions, expected 2", versions.len());
    ensure!(versions[1].text().await?.contains("第 2 版") || versions[0].text().await?.contains("第 2 版"));
    b.shot("05-version-2").await?;

    // 6. Search, simplified on the search page, traditional from the header's quick box.
    b.goto("/search").await?;
    let q = b.wait_for("#q").await?;
    q.send_keys("人工智能").await?;
    b.click_to_page(b.c.find(Locator::Css("form.searchform button[type=submit]")).await?).await?;
    b.wait_for("#result-count").await?;
    check_hits(b, "人工智能").await?;
    b.shot("06-search").await?;
    // From a page without `#result-count`, so that waiting for it cannot see the old page.
    b.goto("/").await?;
    let quick = b.wait_for("form.quick input[name=q]").await?;
    b.c.execute("window.__planwatchOldPage = true;", vec![]).await?;
    quick.send_keys("產業\u{E007}").await?; // U+E007: WebDriver's Enter key
    b.new_page_loaded().await?;
    b.wait_for("#result-count").await?;
    ensure!(b.c.current_url().await?.query().unwrap_or_default().contains("q="), "quick search did not submit");
    let q_now = b.c.find(Locator::Css("#q")).await?.prop("value").await?.unwrap_or_default();
    ensure!(q_now == "產業", "search page shows query {q_now:?}, expected 產業");
    check_hits(b, "產業").await?;
    b.shot("06b-search-traditional").await?;

    // 7. Download the 任务分工表 as XLSX.
    b.goto(&plan_path).await?;
    b.wait_for("#dl-tasks-xlsx").await?.click().await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let xlsx = loop {
        let done = std::fs::read_dir(downloads)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "xlsx"));
        if let Some(p) = done {
            break p;
        }
        if Instant::now() > deadline {
            let seen: Vec<_> = std::fs::read_dir(downloads)?.filter_map(|e| e.ok().map(|e| e.file_name())).collect();
            bail!("no .xlsx in {} after 20 s (found {seen:?})", downloads.display());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let bytes = std::fs::read(&xlsx)?;
    ensure!(bytes.starts_with(b"PK"), "{} is not a zip (XLSX)", xlsx.display());
    ensure!(bytes.len() > 2048, "{} is only {} bytes", xlsx.display(), bytes.len());
    b.shot("07-download").await?;

    // 8. Accountability pages: the analyst's account, the audit log with the correction
    // made above, and the approval of the sample figures.
    b.goto("/account").await?;
    let who = b.wait_for("#whoami").await?.text().await?;
    ensure!(who.contains("analyst") && who.contains("分析员"), "account page: {who}");
    b.shot("08-account").await?;
    b.goto("/audit?action=plan").await?;
    let audit = b.wait_for("table#audit").await?.text().await?;
    ensure!(audit.contains("plan.edit") && audit.contains("analyst"), "audit log: {audit}");
    b.shot("09-audit").await?;
    b.goto("/approvals").await?;
    let approvals = b.wait_for("table#approvals").await?.text().await?;
    ensure!(approvals.contains("已审核") && approvals.contains("已报送待审核"), "approvals: {approvals}");
    // The sample's value flagged 待核实 is marked beside its cell, with the warning that it
    // counts nowhere, and the analyst may confirm it there.
    let warning = b.wait_for("table#approvals .flagged").await.context("no 待核实 warning on the approvals page")?;
    let said = warning.text().await?;
    ensure!(said.contains("待核实") && said.contains("不计入任何数字"), "approval warning: {said}");
    b.shot("10-approvals").await?;
    b.click_to_page(b.c.find(Locator::Css("table#approvals .flagged form button")).await?).await?;
    b.wait_for("table#approvals").await?;
    let left = b.all("table#approvals .flagged").await?.len();
    ensure!(left == 0, "the confirmed value is still marked 待核实 ({left} left)");

    // 9. Monitoring set up on the web: the plan without indicators links to its progress page,
    // which offers 由目标生成指标; the result lists what was made; one indicator is edited.
    b.goto(&plan_path).await?;
    b.click_to_page(b.wait_for("#progress-link").await?).await?;
    let empty = b.wait_for("#no-indicators").await.context("the progress page of a plan without indicators")?;
    ensure!(empty.text().await?.contains("本规划尚未建立监测指标"), "empty state: {}", empty.text().await?);
    b.shot("11-progress-empty").await?;
    b.click_to_page(b.c.find(Locator::Id("from-targets")).await?).await?;
    let created: u32 = b.wait_for("#made-created").await?.text().await?.trim().parse().unwrap_or(0);
    ensure!(created > 0, "由目标生成指标 made {created} indicators");
    b.shot("12-from-targets").await?;
    b.click_to_page(b.c.find(Locator::Css("#made-table tbody tr:first-child a[href$='/edit']")).await?).await?;
    let baseline =
        b.wait_for("#indicator-edit-form input[name=baseline]").await.context("the indicator's edit form")?;
    baseline.clear().await?;
    baseline.send_keys("123.5").await?;
    let year = b.c.find(Locator::Css("#indicator-edit-form input[name=baseline_year]")).await?;
    year.clear().await?;
    year.send_keys("2020").await?;
    b.shot("13-edit-indicator").await?;
    b.click_to_page(b.c.find(Locator::Id("save-indicator")).await?).await?;
    b.wait_for("#edit-indicator").await.context("after saving, expected the indicator page")?;
    let page = b.c.execute("return document.body.innerText;", vec![]).await?;
    let page = page.as_str().unwrap_or_default();
    ensure!(
        page.contains("123.5") && page.contains("2020"),
        "the indicator page does not show the new baseline: {page}"
    );
    b.shot("14-indicator-edited").await?;
    // Running it again from the progress page makes nothing new.
    b.goto(&format!("{plan_path}/progress")).await?;
    b.click_to_page(b.wait_for("#from-targets").await?).await?;
    let again = b.wait_for("#made-created").await?.text().await?;
    ensure!(again.trim() == "0", "a second 由目标生成指标 made {again}");
    registry_step(b, sample_plan, scratch).await?;
    review_step(b, downloads).await?;
    taxonomy_step(b, &plan_path).await?;
    meta_step(b, &plan_path).await
}

/// Issue 18: on the plan's 产业归类 page the analyst overrides the first automatic mapping
/// (the item belongs to no node), sees it among the unmapped items as confirmed, and takes
/// the confirmation back with 恢复自动归类: the item is mapped automatically again.
async fn taxonomy_step(b: &mut Browser, plan_path: &str) -> Result<()> {
    b.goto(&format!("{plan_path}/taxonomy")).await?;
    let row = "table.taxonomy-map tbody tr:first-child";
    b.wait_for(row).await.context("the plan's 产业归类 page maps no item")?;
    let item = b.text(&format!("{row} td:nth-child(2)")).await?;
    let item = item.lines().next().unwrap_or_default().trim().to_string();
    ensure!(!item.is_empty(), "the first mapped row names no item");
    b.shot("22-taxonomy").await?;
    b.c.execute(
        &format!("document.querySelector('{row} form.taxonomy-confirm select[name=node]').value = 'none';"),
        vec![],
    )
    .await?;
    b.click_to_page(b.c.find(Locator::Css(&format!("{row} form.taxonomy-confirm button[type=submit]"))).await?).await?;
    let unmapped = b.wait_for("table.taxonomy-unmapped").await.context("after 不属于任何节点, no 未归类 table")?;
    let said = unmapped.text().await?;
    ensure!(said.contains(&item) && said.contains("人工确认不属于任何节点"), "the confirmation is not shown: {said}");
    b.shot("23-taxonomy-confirmed-none").await?;
    b.click_to_page(b.c.find(Locator::Css("form.taxonomy-withdraw button[type=submit]")).await?).await?;
    b.wait_for("table.taxonomy-map").await?;
    let page = b.c.execute("return document.body.innerText;", vec![]).await?;
    let page = page.as_str().unwrap_or_default();
    ensure!(!page.contains("人工确认不属于任何节点"), "the withdrawn confirmation is still shown");
    let mapped = b.text("table.taxonomy-map").await?;
    ensure!(mapped.contains(&item), "{item} is not mapped automatically again: {mapped}");
    ensure!(b.all("form.taxonomy-withdraw").await?.is_empty(), "a 恢复自动归类 button is left");
    b.shot("24-taxonomy-withdrawn").await?;
    Ok(())
}

/// Issue 18: the analyst corrects the plan's 发文机关 on its metadata form; the plan page
/// shows the new value marked 已更正.
async fn meta_step(b: &mut Browser, plan_path: &str) -> Result<()> {
    b.goto(&format!("{plan_path}/meta")).await?;
    let issuer = b.wait_for("#meta-form input[name=issuer]").await.context("the metadata form")?;
    issuer.clear().await?;
    issuer.send_keys("浏览器测试发文机关").await?;
    b.shot("25-meta-form").await?;
    b.click_to_page(b.c.find(Locator::Id("meta-save")).await?).await?;
    b.goto(plan_path).await?;
    b.wait_for("#targets-table").await?;
    let page = b.c.execute("return document.body.innerText;", vec![]).await?;
    let page = page.as_str().unwrap_or_default();
    ensure!(page.contains("浏览器测试发文机关"), "the plan page does not show the corrected issuer");
    b.shot("26-meta-corrected").await?;
    Ok(())
}

/// Issue 18: the analyst opens a conformity review, marks a finding 已说明 with a note, sees
/// the mark, and downloads the 审查意见 DOCX.
async fn review_step(b: &mut Browser, downloads: &Path) -> Result<()> {
    b.goto("/review").await?;
    b.wait_for("#review-form").await?;
    let values = b
        .c
        .execute("return Array.from(document.querySelectorAll('select[name=draft] option')).map(o => o.value);", vec![])
        .await?;
    let ids: Vec<String> = values
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    ensure!(ids.len() >= 2, "the review form lists {} plans", ids.len());
    b.goto(&format!("/review?draft={}&master={}", ids[0], ids[1])).await?;
    b.wait_for("#findings").await.context("the review lists findings")?;
    b.shot("20-review").await?;
    b.c.execute("document.querySelector('.mark-form select[name=state]').value = 'explained';", vec![]).await?;
    b.wait_for(".mark-form input[name=note]").await?.send_keys("浏览器测试说明").await?;
    b.click_to_page(b.c.find(Locator::Css(".mark-form button[type=submit]")).await?).await?;
    // The old page still has #findings until the browser has loaded the answer: wait for the
    // mark itself, not for an element both pages share.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let page = b.c.execute("return document.body ? document.body.innerText : '';", vec![]).await?;
        if page.as_str().unwrap_or_default().contains("已说明:浏览器测试说明") {
            break;
        }
        if Instant::now() > deadline {
            bail!("the mark is not shown on the review page within 20 s");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    b.wait_for("#findings").await.context("after marking, expected the review again")?;
    b.shot("21-review-marked").await?;
    b.wait_for("#opinion-docx").await?.click().await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let docx = loop {
        let done = std::fs::read_dir(downloads)?.filter_map(|e| e.ok().map(|e| e.path())).find(|p| {
            p.extension().is_some_and(|x| x == "docx")
                && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("审查意见"))
        });
        if let Some(p) = done {
            break p;
        }
        if Instant::now() > deadline {
            bail!("no 审查意见*.docx in {} after 20 s", downloads.display());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    ensure!(std::fs::read(&docx)?.starts_with(b"PK"), "{} is not a DOCX", docx.display());
    Ok(())
}

/// Step 10, a registry moves a target: the sample counts 国家级创新平台 from the innovation
/// resources. The analyst imports a sheet with one more national platform in 包河区 (recognised
/// in the last complete quarter, whose figures of 包河区 the sample left open), approves it,
/// and the target's current value grows by one; the layout map lists the district's entries.
async fn registry_step(b: &mut Browser, plan: i64, scratch: &Path) -> Result<()> {
    let progress = format!("/plans/{plan}/progress");
    let current = |b: &Browser| {
        let js = "const a = document.querySelector('a.registry-source'); \
                  return a ? a.closest('tr').querySelector('td.current').innerText : '';";
        let c = b.c.clone();
        async move {
            let v = c.execute(js, vec![]).await?;
            let text = v.as_str().unwrap_or_default().to_string();
            let n: f64 = text.split_whitespace().next().unwrap_or("").replace(',', "").parse().unwrap_or(f64::NAN);
            anyhow::Ok((n, text))
        }
    };
    b.goto(&progress).await?;
    b.wait_for("a.registry-source").await.context("the bound target says 来自名录")?;
    let (before, shown) = current(b).await?;
    ensure!(before.is_finite(), "no current value of the registry-counted target: {shown:?}");
    b.shot("15-progress-registry").await?;
    let layout_count = |text: String| -> i64 {
        text.lines()
            .find(|l| l.contains("包河区"))
            .and_then(|l| l.split("创新资源").nth(1))
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit() && c != ' ').next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0)
    };
    b.goto("/layout?region=%E5%90%88%E8%82%A5%E5%B8%82").await?;
    let districts_before = layout_count(b.wait_for("#layout-districts").await?.text().await?);

    let (y, m) = last_complete_quarter_month();
    let sheet = scratch.join("resources.csv");
    std::fs::write(
        &sheet,
        format!("平台名称,平台类型,级别,所在区县,认定日期\n浏览器测试国家级创新平台,技术创新中心,国家级,包河区,{y}-{m:02}-15\n"),
    )?;
    b.goto("/registries/resource?region=%E5%90%88%E8%82%A5%E5%B8%82").await?;
    b.wait_for("#registry-import input[type=file]").await?.send_keys(&sheet.to_string_lossy()).await?;
    b.click_to_page(b.c.find(Locator::Css("#registry-import button[type=submit]")).await?).await?;
    let page = b.c.execute("return document.body.innerText;", vec![]).await?;
    let page = page.as_str().unwrap_or_default().to_string();
    ensure!(!page.contains("未导入"), "the registry sheet was refused: {page}");
    b.shot("16-registry-imported").await?;
    b.goto("/registries/resource?region=%E5%90%88%E8%82%A5%E5%B8%82").await?;
    b.click_to_page(b.wait_for("#btn-approve").await.context("the analyst's 审核 button")?).await?;
    b.shot("17-registry-approved").await?;

    // The approval's page may still be loading: look until the value moves (or 10 s pass).
    let deadline = Instant::now() + Duration::from_secs(10);
    let (after, shown) = loop {
        b.goto(&progress).await?;
        b.wait_for("a.registry-source").await?;
        let (after, shown) = current(b).await?;
        if after != before || Instant::now() > deadline {
            break (after, shown);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    ensure!(
        after == before + 1.0,
        "the registry-counted target went from {before} to {after} ({shown:?}), not up by one"
    );
    b.shot("18-progress-moved").await?;
    b.goto("/layout?region=%E5%90%88%E8%82%A5%E5%B8%82").await?;
    let districts_after = layout_count(b.wait_for("#layout-districts").await?.text().await?);
    ensure!(
        districts_after == districts_before + 1,
        "包河区's 创新资源 on the layout map went from {districts_before} to {districts_after}"
    );
    b.shot("19-layout-registry").await?;
    Ok(())
}

/// The year and middle month of the last complete quarter (UTC), as the store reckons it.
fn last_complete_quarter_month() -> (i64, u32) {
    let days = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    let quarter = (month - 1) / 3; // 0-based, current
    if quarter == 0 {
        (year - 1, 11)
    } else {
        (year, quarter * 3 - 1)
    }
}

/// The plan page shows the corrected first target: 4321, the 已更正 badge, 1 correction.
async fn check_corrected(b: &Browser) -> Result<()> {
    let value = b.text("#targets-table tbody tr:first-child td.value").await?;
    ensure!(value.trim() == "4321", "first target's value is {value:?}, expected 4321");
    let badge = b.text("#targets-table tbody tr:first-child .badge").await.context("no badge on the first target")?;
    ensure!(badge.contains("已更正"), "first target's badge is {badge:?}, expected 已更正");
    let count = b.text("#corrected-count").await?;
    ensure!(count.trim() == "1 项", "#corrected-count is {count:?}, expected 1 项");
    Ok(())
}

/// The search page lists at least one hit with a highlighted (`mark`) snippet.
async fn check_hits(b: &Browser, q: &str) -> Result<()> {
    let count = b.text("#result-count").await?;
    let hits = b.all("ol.hits li").await?;
    ensure!(!hits.is_empty(), "no hits for {q} ({count})");
    let marks = b.all("ol.hits li .snippet mark").await?;
    ensure!(!marks.is_empty(), "hits for {q} have no highlighted snippet");
    ensure!(!marks[0].text().await?.is_empty(), "the first mark for {q} is empty");
    Ok(())
}
