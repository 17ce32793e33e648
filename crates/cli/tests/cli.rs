//! End-to-end tests of the `planwatch` binary: exit codes, output files, bad input.

mod common;

use common::*;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use planwatch_store::testing::TempStore;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

const PLAN: &str = "重庆市示范行动计划\n\n一、总体要求\n\n到2027年,打造30个典型应用场景,培育百家专精特新企业。\n\n二、重点任务\n\n(一)实施创新行动。加强攻关。(市科技局、市经济信息委等按职责分工负责)\n";

#[test]
fn extract_to_stdout_prints_plan_json() {
    let dir = tempdir("stdout");
    let f = dir.join("plan.txt");
    std::fs::write(&f, PLAN).unwrap();
    let out = planwatch(&["extract", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["outline"].as_array().unwrap().len(), 3);
    assert_eq!(plan["targets"][0]["value"], 30.0);
    assert_eq!(plan["targets"][1]["value"], 100.0);
    assert_eq!(plan["tasks"][0]["responsible"][0], "市科技局");
}

#[test]
fn one_bad_file_fails_the_run_but_the_others_are_written() {
    let dir = tempdir("mixed");
    let good = dir.join("good.txt");
    std::fs::write(&good, PLAN).unwrap();
    let png = dir.join("picture.txt");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let out_dir = dir.join("out");
    let out = planwatch(&[
        "extract",
        "--out",
        out_dir.to_str().unwrap(),
        good.to_str().unwrap(),
        png.to_str().unwrap(),
        empty.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("picture.txt: this is a PNG image, not a text document"), "{stderr}");
    assert!(stderr.contains("empty.txt: the file is empty"), "{stderr}");
    assert!(out_dir.join("good.json").exists());
    assert!(!out_dir.join("picture.json").exists());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(planwatch(&["extract"]).status.code(), Some(2));
    assert_eq!(planwatch(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(planwatch(&["show", "--span", "x", "nofile.txt"]).status.code(), Some(2));
}

#[test]
fn missing_file_is_named() {
    let out = planwatch(&["extract", "/nonexistent/plan.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/plan.txt: cannot open it"));
}

#[test]
fn size_limit_is_configurable_and_says_how() {
    let dir = tempdir("size");
    let f = dir.join("big.txt");
    std::fs::write(&f, PLAN.repeat(50)).unwrap();
    let out = planwatch(&["extract", "--max-size", "1000", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("above the limit of 1000 bytes") && stderr.contains("--max-size"), "{stderr}");
    assert!(planwatch(&["extract", "--max-size", "100000", f.to_str().unwrap()]).status.success());
}

#[test]
fn invalid_encoding_is_refused_with_advice() {
    let dir = tempdir("enc");
    let f = dir.join("bad.txt");
    std::fs::write(&f, [0x80u8, 0xFF, 0x80, 0xFF, 0x41, 0x80, 0xFE]).unwrap();
    let out = planwatch(&["extract", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("re-save the file as UTF-8"));
}

#[test]
fn truncated_docx_and_zip_bomb_are_refused() {
    let dir = tempdir("docx");
    let docx = std::fs::read(examples().join("suzhou-emerging-industries.docx")).unwrap();
    let cut = dir.join("cut.docx");
    std::fs::write(&cut, &docx[..docx.len() / 2]).unwrap();
    let out = planwatch(&["extract", cut.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("DOCX file is damaged"));

    // 20 MB of one character compresses to some 20 KB; with a 1 MB limit on the input the
    // text may unpack to 4 MB.
    let bomb = dir.join("bomb.docx");
    {
        let f = std::fs::File::create(&bomb).unwrap();
        let mut zip = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(b"<w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..20 {
            zip.write_all(&chunk).unwrap();
        }
        zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>").unwrap();
        zip.finish().unwrap();
    }
    assert!(std::fs::metadata(&bomb).unwrap().len() < 2 << 20);
    let out = planwatch(&["extract", "--max-size", "1000000", bomb.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ZIP bomb"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_text_that_is_no_plan_gives_an_empty_plan_and_a_warning() {
    let dir = tempdir("noplan");
    let f = dir.join("poem.txt");
    std::fs::write(&f, "床前明月光,疑是地上霜。\n举头望明月,低头思故乡。\n").unwrap();
    let out = planwatch(&["extract", f.to_str().unwrap()]);
    assert!(out.status.success());
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(plan["outline"].as_array().unwrap().is_empty());
    assert!(plan["warnings"][0].as_str().unwrap().contains("does not look like a plan"));
}

#[test]
fn show_prints_the_tree_and_spans_print_back_the_source() {
    let f = examples().join("mianyang-future-industries.txt");
    let out = planwatch(&["show", f.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("绵阳市未来产业培育行动方案(2025—2028年)"));
    assert!(text.contains("    1. 商业航天"));
    assert!(text.contains("牵头: 市发展改革委"));
    // Every target's span prints back the sentence it came from.
    let json = planwatch(&["extract", f.to_str().unwrap()]);
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let t = &plan["targets"][0];
    let span = format!("{}:{}", t["span"][0], t["span"][1]);
    let back = planwatch(&["show", "--span", &span, f.to_str().unwrap()]);
    assert_eq!(String::from_utf8(back.stdout).unwrap().trim(), t["text"].as_str().unwrap());
}

#[test]
fn ingest_is_idempotent_versions_and_search_print_json_lines() {
    let dir = tempdir("ingest");
    let store = TempStore::new().unwrap();
    let (db, ix) = (store.db_arg(), store.path().join("index").display().to_string());
    let (db, ix) = (db.as_str(), ix.as_str());
    let ex = examples();
    let files: Vec<String> =
        ["mianyang-future-industries.txt", "hefei-sci-tech-plan.html", "suzhou-emerging-industries.docx"]
            .iter()
            .map(|f| ex.join(f).to_str().unwrap().to_string())
            .collect();
    let mut args = vec!["--db", db, "--index-dir", ix, "ingest"];
    args.extend(files.iter().map(String::as_str));
    let out = planwatch(&args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("3 new, 0 new versions, 0 unchanged, 0 failed"), "{err}");
    // The same files again: nothing changes.
    let out = planwatch(&args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("0 new, 0 new versions, 3 unchanged"), "{err}");
    // A changed copy of one plan is a new version.
    let changed = dir.join("hefei-sci-tech-plan.html");
    let html = std::fs::read_to_string(&files[1]).unwrap().replacen("</body>", "<p>附件:修订说明。</p></body>", 1);
    std::fs::write(&changed, html).unwrap();
    let out = planwatch(&["--db", db, "--index-dir", ix, "ingest", changed.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("0 new, 1 new versions"), "{err}");
    let list = planwatch(&["--db", db, "--index-dir", ix, "list"]);
    let list = String::from_utf8_lossy(&list.stdout).to_string();
    assert_eq!(list.lines().count(), 3, "{list}");
    let hefei = list.lines().find(|l| l.contains("合肥")).unwrap();
    let id = hefei.split('\t').next().unwrap();
    let versions = planwatch(&["--db", db, "--index-dir", ix, "versions", id]);
    assert_eq!(String::from_utf8_lossy(&versions.stdout).lines().count(), 2);
    // Search: one JSON object per line, simplified and traditional queries.
    for q in ["人工智能", "產業"] {
        let out = planwatch(&["--db", db, "--index-dir", ix, "search", q]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.lines().count() > 0, "{q}: no hits");
        for line in stdout.lines() {
            let hit: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(hit["snippet_html"].as_str().unwrap().contains("<mark>"), "{line}");
        }
    }
    // Failures are summarised with the file and the reason; nothing else changes.
    let pdf = dir.join("scan.pdf");
    std::fs::write(&pdf, b"%PDF-1.5 not really").unwrap();
    let out = planwatch(&["--db", db, "--index-dir", ix, "ingest", pdf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("failed: ") && err.contains("scan.pdf"), "{err}");
}

/// A plain HTTP/1.1 GET on loopback: (status, body).
fn http_get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    Ok((status, text.split_once("\r\n\r\n").map(|x| x.1.to_string()).unwrap_or_default()))
}

struct Killed(std::process::Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn ingests_in_other_processes_while_the_server_reads() {
    let dir = tempdir("concurrent");
    let store = TempStore::new().unwrap();
    let (db, ix) = (store.db_arg(), store.path().join("index").display().to_string());
    let base = std::fs::read_to_string(examples().join("hefei-sci-tech-plan.html")).unwrap();
    // Two batches of distinct plans (distinct titles), one per ingest process.
    let names = ["甲", "乙", "丙", "丁", "戊", "己"];
    for (b, batch) in ["a", "b"].iter().enumerate() {
        let d = dir.join(batch);
        std::fs::create_dir_all(&d).unwrap();
        for (i, n) in names.iter().enumerate() {
            let html = base.replace("合肥市科技创新", &format!("合肥市{}{n}科技创新", names[b]));
            std::fs::write(d.join(format!("{batch}{i}.html")), html).unwrap();
        }
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = Killed(
        Command::new(env!("CARGO_BIN_EXE_planwatch"))
            .args(["--db", db.as_str(), "--index-dir", ix.as_str(), "serve", "--addr", &format!("127.0.0.1:{port}")])
            .env("PLANWATCH_ADMIN_TOKEN", "concurrency-test-token")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let start = std::time::Instant::now();
    while http_get(port, "/healthz").map(|r| r.0).ok() != Some(200) {
        assert!(start.elapsed().as_secs() < 30, "server did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for path in ["/", "/api/v1/plans", "/departments", "/api/v1/search?q=%E7%A7%91%E6%8A%80"] {
                    let (status, _) = http_get(port, path).expect("request");
                    assert_eq!(status, 200, "{path}");
                    n += 1;
                }
            }
            n
        })
    };
    let ingests: Vec<_> = ["a", "b"]
        .iter()
        .map(|b| {
            Command::new(env!("CARGO_BIN_EXE_planwatch"))
                .args(["--db", db.as_str(), "--index-dir", ix.as_str(), "ingest", dir.join(b).to_str().unwrap()])
                .output()
        })
        .collect();
    // Run the two ingests at the same time as each other, too.
    let handles: Vec<_> = ["a", "b"]
        .iter()
        .map(|b| {
            let (db, ix) = (db.clone(), ix.clone());
            let d = dir.join(b).join("again");
            std::fs::create_dir_all(&d).unwrap();
            std::fs::copy(dir.join(b).join(format!("{b}0.html")), d.join(format!("{b}0.html"))).unwrap();
            std::thread::spawn(move || {
                Command::new(env!("CARGO_BIN_EXE_planwatch"))
                    .args(["--db", db.as_str(), "--index-dir", ix.as_str(), "ingest", d.to_str().unwrap()])
                    .output()
                    .unwrap()
            })
        })
        .collect();
    for out in ingests {
        let out = out.unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for h in handles {
        let out = h.join().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && err.contains("1 unchanged"), "{err}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let reads = reader.join().expect("reads all answered 200");
    assert!(reads > 0);
    let (_, plans) = http_get(port, "/api/v1/plans").unwrap();
    let plans: serde_json::Value = serde_json::from_str(&plans).unwrap();
    assert_eq!(plans.as_array().unwrap().len(), 12);
    // The server's index catches up with the other processes' ingests.
    let start = std::time::Instant::now();
    loop {
        let (_, body) = http_get(port, "/api/v1/search?q=%E5%90%88%E8%82%A5%E5%B8%82%E4%B9%99%E5%B7%B1").unwrap();
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        if v["total"].as_u64().unwrap_or(0) > 0 {
            break;
        }
        assert!(start.elapsed().as_secs() < 15, "index did not catch up: {body}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    drop(server);
    let check = planwatch(&["--db", db.as_str(), "--index-dir", ix.as_str(), "list"]);
    assert_eq!(String::from_utf8_lossy(&check.stdout).lines().count(), 12);
}

/// The README's monitoring commands end to end: sample data, progress, ranking, template,
/// imports that are refused or stored, reports.
#[test]
fn monitoring_commands_from_sample_data_to_reports() {
    let dir = tempdir("monitor");
    let store = TempStore::new().unwrap();
    let (db, ix) = (store.db_arg(), store.path().join("index").display().to_string());
    let (db, ix) = (db.as_str(), ix.as_str());
    let ex = examples();
    let files: Vec<String> =
        ["mianyang-future-industries.txt", "hefei-sci-tech-plan.html", "suzhou-emerging-industries.docx"]
            .iter()
            .map(|f| ex.join(f).display().to_string())
            .collect();
    let mut args = vec!["--db", db, "--index-dir", ix, "ingest"];
    args.extend(files.iter().map(String::as_str));
    assert!(planwatch(&args).status.success());
    let out = planwatch(&["--db", db, "--index-dir", ix, "sample-data"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.contains("合成示例数据") && err.contains("quarters"), "{err}");
    let out = planwatch(&["--db", db, "--index-dir", ix, "sample-data"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already loaded"));

    let list = planwatch(&["--db", db, "--index-dir", ix, "indicators", "list", "--json"]);
    let inds: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    // The first of a plan (the sample's weight indicators, population and GDP, belong to none).
    let first = inds.as_array().unwrap().iter().find(|i| i["document_id"].is_i64()).unwrap();
    let plan = first["document_id"].as_i64().unwrap().to_string();
    let code = first["code"].as_str().unwrap().to_string();
    let region = first["region"].as_str().unwrap().to_string();

    let out = planwatch(&["--db", db, "--index-dir", ix, "progress", "--plan", &plan, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let p: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(p["as_of"].as_str().unwrap().contains('Q'));
    let targets = p["targets"].as_array().unwrap();
    assert!(targets.iter().all(|t| t["series"].as_array().unwrap().len() >= 8), "8+ quarters for every indicator");
    assert!(targets.iter().any(|t| t["completion"].is_f64()));

    let index = String::from_utf8_lossy(&planwatch(&["--db", db, "--index-dir", ix, "index", "list"]).stdout)
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    let out = planwatch(&["--db", db, "--index-dir", ix, "rank", "--index", &index, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = r["rows"].as_array().unwrap();
    assert!(rows.len() >= 5 && rows[0]["rank"] == 1, "{r}");
    let weights: f64 = r["weights"].as_array().unwrap().iter().map(|w| w[1].as_f64().unwrap()).sum();
    assert!((weights - 1.0).abs() < 1e-9, "{weights}");

    // A district's template, then a sheet with a bad row: refused, every problem named. The
    // district is a ranked one whose newest figures the sample left submitted or approved.
    let period = r["period"].as_str().unwrap().to_string();
    let list = planwatch(&[
        "--db",
        db,
        "--index-dir",
        ix,
        "approval",
        "list",
        "--region",
        &region,
        "--period",
        &period,
        "--json",
    ]);
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let unit = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["state"] == "submitted" || a["state"] == "approved")
        .filter_map(|a| a["place"].as_str())
        .find(|p| rows.iter().any(|row| row["place"] == *p))
        .expect("a ranked district with locked figures")
        .to_string();
    let template = dir.join("t.xlsx");
    let out = planwatch(&[
        "--db",
        db,
        "--index-dir",
        ix,
        "template",
        "--place",
        &unit,
        "--period",
        &period,
        "--out",
        template.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&template).unwrap().starts_with(b"PK"));
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("指标代码,地区,期别,数值\n{code},{unit},{period},十\n{code},不存在区,{period},1\n"))
        .unwrap();
    let out = planwatch(&["--db", db, "--index-dir", ix, "observations", "import", bad.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("第 2 行 [数值]") && err.contains("第 3 行 [地区]") && err.contains("nothing stored"),
        "{err}"
    );
    let good = dir.join("good.csv");
    std::fs::write(&good, format!("指标代码,地区,期别,数值\n{code},{unit},{period},1\n")).unwrap();
    // The newest period's figures of this unit are submitted (sample data) or approved:
    // locked until an analyst returns them.
    let out =
        planwatch(&["--db", db, "--index-dir", ix, "observations", "import", "--dry-run", good.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("锁定") && err.contains(&unit), "{err}");
    let state = list.as_array().unwrap().iter().find(|a| a["place"] == unit.as_str()).unwrap()["state"].clone();
    let (step, fine) = if state == "approved" { ("unapprove", true) } else { ("return", state == "submitted") };
    assert!(fine, "sample data leaves {unit} {period} submitted or approved, not {state}");
    let out = planwatch(&[
        "--db",
        db,
        "--index-dir",
        ix,
        "approval",
        step,
        "--region",
        &region,
        "--place",
        &unit,
        "--period",
        &period,
        "--comment",
        "复核后更正",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let audit = planwatch(&["--db", db, "--index-dir", ix, "audit", "--action", "approval", "--json"]);
    let audit: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    assert_eq!(audit[0]["action"], format!("approval.{step}"), "{audit}");
    assert!(audit[0]["new_value"].as_str().unwrap().contains("复核后更正"));
    let out =
        planwatch(&["--db", db, "--index-dir", ix, "observations", "import", "--dry-run", good.to_str().unwrap()]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stderr).contains("dry run"));
    let out = planwatch(&["--db", db, "--index-dir", ix, "observations", "import", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let changes =
        String::from_utf8_lossy(&planwatch(&["--db", db, "--index-dir", ix, "observations", "changes"]).stdout)
            .to_string();
    assert!(changes.contains(&unit) && changes.contains("good.csv"), "{changes}");
    assert!(!region.is_empty());

    for format in ["html", "xlsx", "docx"] {
        let out_file = dir.join(format!("report.{format}"));
        let out = planwatch(&[
            "--db",
            db,
            "--index-dir",
            ix,
            "report",
            "--plan",
            &plan,
            "--kind",
            "quarterly",
            "--format",
            format,
            "--out",
            out_file.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(std::fs::metadata(&out_file).unwrap().len() > 1000, "{format}");
    }
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("合成示例数据") && html.contains(&unit));

    // The DOCX's author: "planwatch" without `--as` (never the operator's login on this
    // machine), the account with it; created now, in UTC.
    let creator = |path: &std::path::Path| {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let mut core = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("docProps/core.xml").unwrap(), &mut core).unwrap();
        assert!(core.contains(r#"<dcterms:created xsi:type="dcterms:W3CDTF">20"#) && !core.contains("1970"), "{core}");
        core.split("<dc:creator>").nth(1).unwrap().split("</dc:creator>").next().unwrap().to_string()
    };
    assert_eq!(creator(&dir.join("report.docx")), "planwatch");
    let out = planwatch_with_stdin(&["--db", db, "user", "add", "ana.li", "--role", "analyst"], "analyst-password-1\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mine = dir.join("mine.docx");
    let out = planwatch(&[
        "--db",
        db,
        "--index-dir",
        ix,
        "--as",
        "ana.li",
        "report",
        "--plan",
        &plan,
        "--kind",
        "midterm",
        "--format",
        "docx",
        "--out",
        mine.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(creator(&mine), "ana.li");
    // An unknown account is refused, naming it.
    let out = planwatch(&[
        "--db",
        db,
        "--index-dir",
        ix,
        "--as",
        "nobody",
        "report",
        "--plan",
        &plan,
        "--format",
        "docx",
        "--out",
        mine.to_str().unwrap(),
    ]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("nobody"));
}

#[test]
fn backup_check_and_restore_from_the_command_line() {
    let dir = tempdir("backup");
    let store = TempStore::new().unwrap();
    let (db, ix) = (store.db_arg(), store.path().join("index").display().to_string());
    let (db, ix) = (db.as_str(), ix.as_str());
    let plan = examples().join("hefei-sci-tech-plan.html");
    assert!(planwatch(&["--db", db, "--index-dir", ix, "ingest", plan.to_str().unwrap()]).status.success());
    let out = planwatch(&["--db", db, "--index-dir", ix, "check"]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ok"));
    let backup = dir.join("b.db");
    let out = planwatch(&["--db", db, "--index-dir", ix, "backup", "--out", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(planwatch(&["--db", db, "--index-dir", ix, "check", backup.to_str().unwrap()]).status.success());
    // Change the store, then restore: back to one plan.
    let other = examples().join("mianyang-future-industries.txt");
    assert!(planwatch(&["--db", db, "--index-dir", ix, "ingest", other.to_str().unwrap()]).status.success());
    let out = planwatch(&["--db", db, "--index-dir", ix, "restore", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = String::from_utf8_lossy(&planwatch(&["--db", db, "--index-dir", ix, "list"]).stdout).to_string();
    assert_eq!(list.lines().count(), 1, "{list}");
    // Search is rebuilt from the restored store: the removed plan is not found any more.
    let hits =
        String::from_utf8_lossy(&planwatch(&["--db", db, "--index-dir", ix, "search", "绵阳"]).stdout).to_string();
    assert!(!hits.contains("绵阳市未来产业"), "{hits}");
    // A damaged file is refused by check and restore alike.
    let junk = dir.join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    assert_eq!(planwatch(&["--db", db, "--index-dir", ix, "check", junk.to_str().unwrap()]).status.code(), Some(2));
    assert!(!planwatch(&["--db", db, "--index-dir", ix, "restore", junk.to_str().unwrap()]).status.success());
}

/// SIGKILL in the middle of a large import and of an ingest: the store is intact afterwards,
/// and the import is wholly present or wholly absent.
#[cfg(unix)]
#[test]
fn a_killed_import_or_ingest_leaves_the_store_intact() {
    let dir = tempdir("sigkill");
    let store = TempStore::new().unwrap();
    let (db, ix) = (store.db_arg(), store.path().join("index").display().to_string());
    let (db, ix) = (db.as_str(), ix.as_str());
    let plan = examples().join("hefei-sci-tech-plan.html");
    assert!(planwatch(&["--db", db, "--index-dir", ix, "ingest", plan.to_str().unwrap()]).status.success());
    assert!(planwatch(&["--db", db, "--index-dir", ix, "indicators", "from-targets", "--plan", "1"]).status.success());
    let inds: serde_json::Value =
        serde_json::from_slice(&planwatch(&["--db", db, "--index-dir", ix, "indicators", "list", "--json"]).stdout)
            .unwrap();
    let codes: Vec<String> = inds.as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_string()).collect();
    // About 180,000 rows: long enough to be killed in the middle.
    let units = ["瑶海区", "庐阳区", "蜀山区", "包河区", "长丰县", "肥东县", "肥西县", "庐江县", "巢湖市"];
    let mut csv = String::from("指标代码,地区,期别,数值\n");
    let mut rows = 0;
    for c in &codes {
        for u in units {
            for q in 0..(180_000 / codes.len() / units.len()) {
                csv.push_str(&format!("{c},{u},{}Q{},{}\n", 1980 + q / 4, q % 4 + 1, q));
                rows += 1;
            }
        }
    }
    let big = dir.join("big.csv");
    std::fs::write(&big, csv).unwrap();
    let count = || -> i64 {
        let out = planwatch(&["--db", db, "--index-dir", ix, "check", "--json"]);
        assert!(out.status.success(), "store damaged: {}", String::from_utf8_lossy(&out.stdout));
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        r["observations"].as_i64().unwrap()
    };
    for delay_ms in [150u64, 400, 700] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_planwatch"))
            .args(["--db", db, "--index-dir", ix, "observations", "import", big.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let n = count();
        assert!(n == 0 || n == rows as i64, "after a kill at {delay_ms} ms: {n} of {rows} rows");
        if n == rows as i64 {
            break;
        }
    }
    // An ingest of many documents killed midway: what is stored passes the check.
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let text = std::fs::read_to_string(examples().join("hefei-sci-tech-plan.html")).unwrap();
    for k in 0..200 {
        std::fs::write(
            docs.join(format!("p{k}.html")),
            text.replace("合肥市科技创新", &format!("合肥市科技创新{k}号")),
        )
        .unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_planwatch"))
        .args(["--db", db, "--index-dir", ix, "ingest", docs.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(600));
    let _ = child.kill();
    let _ = child.wait();
    count();
    // And the store still takes writes.
    assert!(planwatch(&["--db", db, "--index-dir", ix, "ingest", docs.to_str().unwrap()]).status.success());
    count();
}

/// One HTTP/1.1 request; returns (status, head, body).
fn http(port: u16, method: &str, path: &str, cookie: &str, form: &str) -> (u16, String, String) {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        req.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if method == "POST" {
        req.push_str(&format!("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n", form.len()));
    }
    req.push_str("\r\n");
    req.push_str(form);
    s.write_all(req.as_bytes()).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (status, head.to_string(), body.to_string())
}

/// Two `planwatch serve` processes over one store (one PostgreSQL database when
/// PLANWATCH_TEST_PG is set, else one SQLite file), each with its own search index, agree:
/// a session started on one is valid on the other and ended on both by a logout on one; a plan
/// ingested while both run is listed and found by search on both.
#[test]
fn two_servers_over_one_store_agree() {
    let store = TempStore::new().unwrap();
    let db = store.db_arg();
    let ex = examples();
    let ingest_index = store.path().join("ingest.index");
    let ingest = |file: &str| {
        let ix = ingest_index.to_str().unwrap();
        let out = planwatch(&["--db", &db, "--index-dir", ix, "ingest", ex.join(file).to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    ingest("hefei-sci-tech-plan.html");
    let mut add = Command::new(env!("CARGO_BIN_EXE_planwatch"))
        .args(["--db", &db, "user", "add", "shared1", "--role", "analyst", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"shared-password-1\n").unwrap();
    assert!(add.wait().unwrap().success());
    let start = |name: &str| {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let index = store.path().join(name);
        let child = Command::new(env!("CARGO_BIN_EXE_planwatch"))
            .args([
                "--db",
                &db,
                "--index-dir",
                index.to_str().unwrap(),
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let t = std::time::Instant::now();
        while http_get(port, "/readyz").map(|r| r.0).ok() != Some(200) {
            assert!(t.elapsed().as_secs() < 30, "server {name} did not start");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        (Killed(child), port)
    };
    let (_a, a) = start("index-a");
    let (_b, b) = start("index-b");
    // Log in on A, use the session on B.
    let (status, head, _) = http(a, "POST", "/login", "", "login=shared1&password=shared-password-1");
    assert_eq!(status, 303, "{head}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    let (status, _, page) = http(b, "GET", "/account", &cookie, "");
    assert_eq!(status, 200);
    assert!(page.contains("shared1"));
    // A plan ingested now is listed and found on both.
    ingest("mianyang-future-industries.txt");
    for port in [a, b] {
        let (_, _, plans) = http(port, "GET", "/api/v1/plans", "", "");
        assert!(plans.contains("绵阳"), "plan list of :{port}");
        let (status, _, hits) = http(port, "GET", "/api/v1/search?q=%E7%BB%B5%E9%98%B3", "", "");
        assert_eq!(status, 200);
        assert!(hits.contains("绵阳"), "search on :{port}: {hits}");
    }
    // Logging out on B ends the session on A too.
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a CSRF field")
        .to_string();
    let (status, _, _) = http(b, "POST", "/logout", &cookie, &format!("csrf={csrf}"));
    assert_eq!(status, 303);
    let (status, _, page) = http(a, "GET", "/account", &cookie, "");
    assert!(status != 200 || !page.contains("shared1"), "the session outlived its logout on the other server");
}

/// The README's first command, run in a checkout, leaves nothing untracked that git would
/// offer to commit: the store, its WAL and shared-memory files and its search index beside it
/// are ignored (issue 14).
#[test]
fn the_files_a_first_run_leaves_in_a_checkout_are_ignored() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let git = |args: &[&str]| Command::new("git").arg("-C").arg(&repo).args(args).output();
    if !git(&["rev-parse", "--git-dir"]).is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: not a git checkout, or git is not installed");
        return;
    }
    // What a run with the default store leaves in its working directory…
    let dir = tempdir("first-run");
    let out = Command::new(env!("CARGO_BIN_EXE_planwatch"))
        .current_dir(&dir)
        .env_remove("PLANWATCH_DB")
        .env_remove("PLANWATCH_INDEX_DIR")
        .args(["ingest", examples().join("hefei-sci-tech-plan.html").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                format!("{name}/meta.json")
            } else {
                name
            }
        })
        .collect();
    assert!(left.iter().any(|n| n == "planwatch.db"), "{left:?}");
    // …and what a server stopped by Ctrl-C (or killed) leaves beside the store.
    left.extend(["planwatch.db-wal", "planwatch.db-shm", "planwatch.db.index/meta.json"].map(String::from));
    for name in &left {
        let ignored = git(&["check-ignore", "--no-index", "-q", name]).unwrap();
        assert_eq!(
            ignored.status.code(),
            Some(0),
            "{name} would show as untracked in a checkout: add it to .gitignore"
        );
    }
}

/// `planwatch` with `input` on its standard input.
fn planwatch_with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_planwatch"))
        .args(args)
        .env_remove("PLANWATCH_MAX_SIZE")
        .env_remove("PLANWATCH_DATA")
        .env_remove("PLANWATCH_AS")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run planwatch");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The global options (`--db`, `--index-dir`, `--as`, `--data`, `--max-size`, `-j`) work
/// before the subcommand, as the README writes `planwatch --as shushan observations import …`,
/// and after it (issue 14).
#[test]
fn global_options_work_before_or_after_the_subcommand() {
    let store = TempStore::new().unwrap();
    let db = store.db_arg();
    let ix = store.path().join("index").display().to_string();
    let out = planwatch_with_stdin(&["--db", &db, "user", "add", "ana", "--role", "analyst"], "analyst-password-1\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // As the analyst, listing accounts is refused; as the operator it works: so `--as` took
    // effect wherever it stood.
    for args in [
        vec!["--as", "ana", "--db", &db, "user", "list"],
        vec!["--db", &db, "--as", "ana", "user", "list"],
        vec!["--db", &db, "user", "--as", "ana", "list"],
        vec!["user", "list", "--db", &db, "--as", "ana"],
    ] {
        let out = planwatch(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains("无权管理账户"), "{args:?}: {err}");
    }
    let out = planwatch(&["user", "list", "--db", &db]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ana"));
    // Input limits and dictionaries before the subcommand.
    let file = examples().join("hefei-sci-tech-plan.html");
    let file = file.to_str().unwrap();
    let out = planwatch(&["--max-size", "100", "--db", &db, "--index-dir", &ix, "ingest", file]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("100"), "{}", String::from_utf8_lossy(&out.stderr));
    let data = tempdir("global-data");
    std::fs::write(data.join("departments.toml"), "not = [valid toml").unwrap();
    let out = planwatch(&["--data", data.to_str().unwrap(), "-j", "1", "extract", file]);
    assert_eq!(out.status.code(), Some(2), "a broken --data dictionary is reported");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("departments.toml"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = planwatch(&["-j", "1", "extract", file, "--max-size", "100"]);
    assert_eq!(out.status.code(), Some(1));
}

/// Hole 4 from the command line: with the only admin disabled the server says how to
/// recover, the admin token stays refused, and `planwatch user enable` or `user add --role
/// admin` bring an admin back.
#[test]
fn a_store_without_an_enabled_admin_is_recovered_from_the_command_line() {
    let store = TempStore::new().unwrap();
    let db = store.db_arg();
    let run = |args: &[&str], input: &str| {
        let mut all = vec!["--db", db.as_str()];
        all.extend(args);
        let out = planwatch_with_stdin(&all, input);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["user", "add", "root", "--role", "admin"], "root-password-1\n");
    run(&["user", "disable", "root"], "");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = store.path().join("serve.log");
    let index = store.path().join("serve.index");
    let _server = Killed(
        Command::new(env!("CARGO_BIN_EXE_planwatch"))
            .args([
                "--db",
                &db,
                "--index-dir",
                index.to_str().unwrap(),
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
            ])
            .env("PLANWATCH_ADMIN_TOKEN", "recovery-test-token-1")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let t = std::time::Instant::now();
    while http_get(port, "/readyz").map(|r| r.0).ok() != Some(200) {
        assert!(t.elapsed().as_secs() < 30, "the server did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(said.contains("planwatch user enable") && said.contains("--role admin"), "{said}");
    let (status, _, page) = http(port, "POST", "/login", "", "token=recovery-test-token-1");
    assert_eq!(status, 401);
    assert!(page.contains("planwatch user enable"), "{page}");
    let (status, _, page) = http(port, "GET", "/login", "", "");
    assert!(status == 200 && page.contains("没有可用的管理员账户"), "{page}");
    // Enabling the admin again, or adding another, from the command line.
    run(&["user", "enable", "root"], "");
    let (status, head, _) = http(port, "POST", "/login", "", "login=root&password=root-password-1");
    assert_eq!(status, 303, "{head}");
    run(&["user", "disable", "root"], "");
    run(&["user", "add", "root2", "--role", "admin"], "root2-password-1\n");
    let (status, head, _) = http(port, "POST", "/login", "", "login=root2&password=root2-password-1");
    assert_eq!(status, 303, "{head}");
    let (status, _, _) = http(port, "POST", "/login", "", "token=recovery-test-token-1");
    assert_eq!(status, 401);
}

/// Hole 1 and the address throttle against a running server (issue 14): 30 wrong passwords sent at once
/// over real connections check five, lock the account, and the socket's address (loopback
/// here) is throttled after 20 failures — a forged X-Forwarded-For does not escape it.
#[test]
fn a_running_server_counts_parallel_guesses_and_throttles_the_socket_address() {
    let store = TempStore::new().unwrap();
    let db = store.db_arg();
    let out = planwatch_with_stdin(&["--db", &db, "user", "add", "ana", "--role", "analyst"], "analyst-password-1\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let index = store.path().join("serve.index");
    let _server = Killed(
        Command::new(env!("CARGO_BIN_EXE_planwatch"))
            .args([
                "--db",
                &db,
                "--index-dir",
                index.to_str().unwrap(),
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let t = std::time::Instant::now();
    while http_get(port, "/readyz").map(|r| r.0).ok() != Some(200) {
        assert!(t.elapsed().as_secs() < 30, "the server did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(30));
    let statuses: Vec<u16> = (0..30)
        .map(|i| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                http(port, "POST", "/login", "", &format!("login=ana&password=wrong-password-{i}")).0
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 20, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 10, "{statuses:?}");
    let list = planwatch(&["--db", &db, "user", "list", "--json"]);
    let users: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(users[0]["failed_logins"], 5, "{users}");
    assert!(users[0]["locked_until"].as_i64().unwrap() > 0);
    // The header is not trusted without --behind-proxy.
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let body = "login=ana&password=analyst-password-1";
    write!(
        s,
        "POST /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Forwarded-For: 203.0.113.9\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
}

/// A POST of raw bytes on loopback: (status, body).
fn http_post_bytes(port: u16, path: &str, token: &str, body: &[u8]) -> (u16, String) {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(120))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, text.split_once("\r\n\r\n").map(|x| x.1.to_string()).unwrap_or_default())
}

/// The most memory a process has held (`VmHWM`), in bytes; Linux only.
fn peak_memory(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Issue 14, hole 3, against the real server: three DOCX files of well under a megabyte each,
/// whose `word/document.xml` inflates to 261 MB (the size the probe used), uploaded at once.
/// Each is refused with 413 naming the text limit and how to raise it, the server's peak
/// memory grows by a few times the text limit at most (it grew by 6 GB before), and the
/// store is exactly as before.
#[test]
fn docx_bombs_leave_the_server_small_and_the_store_unchanged() {
    if peak_memory(std::process::id()).is_none() {
        eprintln!("skipped: /proc/PID/status is Linux only");
        return;
    }
    let store = TempStore::new().unwrap();
    let (db, ix) = (store.db_arg(), store.path().join("index").display().to_string());
    let plan = examples().join("hefei-sci-tech-plan.html");
    assert!(planwatch(&["--db", &db, "--index-dir", &ix, "ingest", plan.to_str().unwrap()]).status.success());
    let bomb = {
        let para = "<w:p><w:r><w:t>到2027年,全市未来产业规模达到1000亿元。</w:t></w:r></w:p>";
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default().compression_level(Some(9));
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>")
            .unwrap();
        let chunk = para.repeat(4096);
        for _ in 0..261_000_000 / chunk.len() {
            zip.write_all(chunk.as_bytes()).unwrap();
        }
        zip.write_all(b"</w:body></w:document>").unwrap();
        zip.finish().unwrap();
        buf.into_inner()
    };
    assert!(bomb.len() < 1 << 20, "the bomb is small: {} bytes", bomb.len());
    let before = planwatch_store::testing::fingerprint(&store.open(Default::default()).unwrap()).unwrap();

    let max_text: u64 = 16 << 20;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let token = "bomb-test-admin-token";
    let server = Killed(
        Command::new(env!("CARGO_BIN_EXE_planwatch"))
            .args(["--db", &db, "--index-dir", &ix, "serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(["--max-text", &max_text.to_string()])
            .env("PLANWATCH_ADMIN_TOKEN", token)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let start = std::time::Instant::now();
    while http_get(port, "/readyz").map(|r| r.0).ok() != Some(200) {
        assert!(start.elapsed().as_secs() < 30, "server did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Warm up the paths an upload takes (the first request loads lazily built tables).
    let (status, _) = http_post_bytes(port, "/api/v1/documents?name=plan.html", token, &std::fs::read(&plan).unwrap());
    assert_eq!(status, 200, "the same plan again is unchanged");
    let pid = server.0.id();
    let baseline = peak_memory(pid).unwrap();
    let uploads: Vec<_> = (0..3)
        .map(|i| {
            let bomb = bomb.clone();
            std::thread::spawn(move || {
                http_post_bytes(port, &format!("/api/v1/documents?name=bomb{i}.docx"), token, &bomb)
            })
        })
        .collect();
    for (i, u) in uploads.into_iter().enumerate() {
        let (status, body) = u.join().unwrap();
        assert_eq!(status, 413, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(&format!("bomb{i}.docx")), "{msg}");
        assert!(msg.contains(&max_text.to_string()) && msg.contains("--max-text"), "{msg}");
    }
    let grown = peak_memory(pid).unwrap().saturating_sub(baseline);
    assert!(grown < 10 * max_text, "three bombs grew the server by {} MB", grown >> 20);
    drop(server);
    let after = planwatch_store::testing::fingerprint(&store.open(Default::default()).unwrap()).unwrap();
    assert_eq!(after, before, "a refused bomb changed the store");
}

/// Issue 14: the command line has the same text limits as the forms and the API (the store
/// enforces them): an over-long comment, note, name or description is refused with the field
/// and its limit named, exit status 2, and the store is unchanged.
#[test]
fn hostile_lengths_are_refused_on_the_command_line() {
    let store = TempStore::new().unwrap();
    let (db, ix) = (store.db_arg(), store.path().join("index").display().to_string());
    let plan = examples().join("hefei-sci-tech-plan.html");
    assert!(planwatch(&["--db", &db, "--index-dir", &ix, "ingest", plan.to_str().unwrap()]).status.success());
    let before = planwatch_store::testing::fingerprint(&store.open(Default::default()).unwrap()).unwrap();
    let x = |n: usize| "x".repeat(n);
    let step = ["approval", "return", "--region", "合肥市", "--place", "蜀山区", "--period", "2026Q1", "--comment"];
    let task = ["tasks", "report", "--plan", "1", "--task", "1", "--period", "2026Q1", "--status", "滞后", "--note"];
    let (comment, note, name, description) = (x(1001), x(2001), x(201), x(1001));
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        ([&step[..], &[comment.as_str()]].concat(), "审核意见", "1000"),
        ([&task[..], &[note.as_str()]].concat(), "进展说明", "2000"),
        (vec!["indicators", "add", "--code", "LONG", "--name", &name, "--region", "合肥市"], "指标名称", "200"),
        (
            vec!["index", "define", "长说明指数", "--indicators", "LONG", "--description", &description],
            "指数说明",
            "1000",
        ),
    ];
    for (args, label, limit) in cases {
        let out = planwatch(&[&["--db", db.as_str(), "--index-dir", ix.as_str()], &args[..]].concat());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{label}: {err}");
        assert!(err.contains(label) && err.contains(limit) && err.contains("过长"), "{label}: {err}");
    }
    let after = planwatch_store::testing::fingerprint(&store.open(Default::default()).unwrap()).unwrap();
    assert_eq!(after, before, "a refused command changed the store");
}

/// POSTs `body` as a file to the server's API with a bearer token; returns (status, body).
fn http_upload(port: u16, path: &str, token: &str, body: &[u8]) -> (u16, String) {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, text.split_once("\r\n\r\n").map(|x| x.1.to_string()).unwrap_or_default())
}

/// `planwatch restore` while a server runs: the server notices the restore, rebuilds its
/// search index (a plan uploaded afterwards is found, the plans the backup lacks are not),
/// and the new plan gets an id no document ever had, on either backend.
#[test]
fn a_restore_while_serving_rebuilds_search_and_never_reuses_an_id() {
    let store = TempStore::new().unwrap();
    let db = store.db_arg();
    let ex = examples();
    let index = store.path().join("serve.index");
    let ix = index.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["--db", &db, "--index-dir", ix];
        all.extend_from_slice(args);
        let out = planwatch(&all);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    };
    run(&["ingest", ex.join("hefei-sci-tech-plan.html").to_str().unwrap()]);
    let backup = store.path().join("before.db");
    run(&["backup", "--out", backup.to_str().unwrap()]);
    run(&["ingest", ex.join("mianyang-future-industries.txt").to_str().unwrap()]);
    let token = "restore-test-token-123";
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = store.path().join("serve.log");
    let child = Command::new(env!("CARGO_BIN_EXE_planwatch"))
        .args(["--db", &db, "--index-dir", ix, "serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("PLANWATCH_ADMIN_TOKEN", token)
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let _server = Killed(child);
    let t = std::time::Instant::now();
    while http_get(port, "/readyz").map(|r| r.0).ok() != Some(200) {
        assert!(t.elapsed().as_secs() < 30, "the server did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let plans = |port| -> Vec<(i64, String)> {
        let (_, body) = http_get(port, "/api/v1/plans").unwrap();
        let list: serde_json::Value = serde_json::from_str(&body).unwrap();
        list.as_array().unwrap().iter().map(|p| (p["id"].as_i64().unwrap(), p["title"].to_string())).collect()
    };
    let given: Vec<i64> = plans(port).iter().map(|p| p.0).collect();
    assert_eq!(given.len(), 2);
    let search = |q: &str| http_get(port, &format!("/api/v1/search?q={q}")).unwrap().1;
    assert!(search("%E7%BB%B5%E9%98%B3").contains("绵阳"), "searchable before the restore");
    // Restore the backup (one plan) while the server runs, then upload a new plan through it.
    run(&["restore", backup.to_str().unwrap()]);
    let docx = std::fs::read(ex.join("suzhou-emerging-industries.docx")).unwrap();
    let (status, body) = http_upload(port, "/api/v1/documents?name=suzhou.docx", token, &docx);
    assert_eq!(status, 201, "{body}");
    let after = plans(port);
    assert_eq!(after.len(), 2, "{after:?}");
    let new_id = after.iter().find(|p| p.1.contains("苏州")).expect("the new plan is listed").0;
    assert!(!given.contains(&new_id), "plan id {new_id} was given to another document before the restore");
    // Search follows the restored store: the new plan is found, the removed one is not.
    let t = std::time::Instant::now();
    loop {
        let (found, gone) = (search("%E8%8B%8F%E5%B7%9E"), search("%E7%BB%B5%E9%98%B3"));
        if found.contains("苏州") && !found.contains("\"total\":0") && !gone.contains("绵阳市未来产业") {
            break;
        }
        assert!(
            t.elapsed().as_secs() < 20,
            "search did not follow the restore: {found} / {gone}\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!log.contains("search index"), "the server's index failed: {log}");
}

/// The same plan as a PDF: `extract` prints the same targets and tasks as from the text, and
/// `ingest DIR` stores it, while a legacy `.doc` and a scanned PDF in the same directory are
/// reported with the way to convert them.
#[test]
fn pdf_extracts_and_ingests_and_legacy_files_are_explained() {
    use planwatch_core::read::pdf::synth;
    let dir = tempdir("pdf");
    let paragraphs: Vec<&str> = PLAN.lines().filter(|l| !l.is_empty()).collect();
    let pdf = dir.join("plan.pdf");
    std::fs::write(
        &pdf,
        synth::pdf(&synth::typeset(&paragraphs, 12.0, false, Some("重庆市示范行动计划"), Some("第 {n} 页")), false),
    )
    .unwrap();
    let out = planwatch(&["extract", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["source"]["format"], "pdf");
    assert_eq!(plan["outline"].as_array().unwrap().len(), 3);
    assert_eq!(plan["targets"][0]["value"], 30.0);
    assert_eq!(plan["targets"][1]["value"], 100.0);
    assert_eq!(plan["tasks"][0]["responsible"][0], "市科技局");

    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::copy(&pdf, docs.join("plan.pdf")).unwrap();
    std::fs::write(docs.join("scan.pdf"), synth::pdf(&[Vec::new()], true)).unwrap();
    let mut doc = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    doc.resize(1024, 0);
    doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(docs.join("old.doc"), doc).unwrap();
    let store = TempStore::new().unwrap();
    let db = store.db_arg();
    let ix = dir.join("ix");
    let out = planwatch(&["--db", &db, "--index-dir", ix.to_str().unwrap(), "ingest", docs.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "two of three files cannot be read");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("old.doc") && err.contains("--convert-to docx"), "{err}");
    assert!(err.contains("scan.pdf") && err.contains("OCR"), "{err}");
    let list = planwatch(&["--db", &db, "--index-dir", ix.to_str().unwrap(), "list"]);
    let list = String::from_utf8_lossy(&list.stdout);
    assert_eq!(list.lines().count(), 1, "the PDF is stored: {list}");
    assert!(list.contains("重庆市示范行动计划"), "{list}");
}

/// Issue 16: `indicators add` gives a ratio or per-capita indicator no sum by default and
/// refuses one; `indicators set-rollup` sets a weighted mean with its weight, refuses a sum of
/// a per-capita figure, and `indicators list` shows the rule.
#[test]
fn rollup_rules_from_the_command_line() {
    let store = TempStore::new().unwrap();
    let db = store.db_arg();
    let db = db.as_str();
    let add = |code: &str, name: &str, unit: &str, extra: &[&str]| {
        let mut args = vec!["--db", db, "indicators", "add", "--code", code, "--name", name, "--unit", unit];
        args.extend_from_slice(&["--region", "合肥市"]);
        args.extend_from_slice(extra);
        planwatch(&args)
    };
    assert!(add("POP", "常住人口", "万人", &[]).status.success());
    assert!(add("PC", "每万人口发明专利拥有量", "件", &[]).status.success());
    let out = add("PC2", "人均地区生产总值", "元", &["--rollup", "sum"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("不能求和"), "{}", String::from_utf8_lossy(&out.stderr));
    let list = String::from_utf8_lossy(&planwatch(&["--db", db, "indicators", "list"]).stdout).to_string();
    assert!(list.lines().any(|l| l.starts_with("PC\t") && l.contains("仅市级填报")), "{list}");
    assert!(list.lines().any(|l| l.starts_with("POP\t") && l.contains("求和")), "{list}");

    let out = planwatch(&["--db", db, "indicators", "set-rollup", "PC", "加权平均", "--weight", "POP"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("加权平均 (POP)"));
    let out = planwatch(&["--db", db, "indicators", "set-rollup", "PC", "sum"]);
    assert!(!out.status.success());
    let out = planwatch(&["--db", db, "indicators", "set-rollup", "PC", "median"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("weighted_mean"));
    let list = String::from_utf8_lossy(&planwatch(&["--db", db, "indicators", "list", "--json"]).stdout).to_string();
    let inds: serde_json::Value = serde_json::from_str(&list).unwrap();
    let pc = inds.as_array().unwrap().iter().find(|i| i["code"] == "PC").unwrap();
    assert_eq!((pc["rollup"].as_str(), pc["rollup_weight"].as_str()), (Some("weighted_mean"), Some("POP")));
}

/// Issue 16: the sample's value flagged 待核实 is listed by `observations flagged`, a district
/// editor may not confirm it, the operator (admin) may, and then it is listed no more.
#[test]
fn flagged_values_are_listed_and_confirmed_from_the_command_line() {
    let store = TempStore::new().unwrap();
    let (db, ix) = (store.db_arg(), store.path().join("index").display().to_string());
    let (db, ix) = (db.as_str(), ix.as_str());
    let html = examples().join("hefei-sci-tech-plan.html").display().to_string();
    assert!(planwatch(&["--db", db, "--index-dir", ix, "ingest", &html]).status.success());
    assert!(planwatch(&["--db", db, "--index-dir", ix, "sample-data"]).status.success());
    let list = |db: &str| {
        String::from_utf8_lossy(&planwatch(&["--db", db, "observations", "flagged", "--region", "合肥市"]).stdout)
            .to_string()
    };
    let flagged = list(db);
    let line = flagged.lines().next().unwrap_or_else(|| panic!("no flagged value: {flagged}"));
    let id = line.split('\t').next().unwrap().to_string();
    let place = line.split('\t').nth(2).unwrap().to_string();
    let add = [
        "--db",
        db,
        "user",
        "add",
        "d1",
        "--role",
        "district",
        "--region",
        "合肥市",
        "--place",
        &place,
        "--password-stdin",
    ];
    assert!(planwatch_with_stdin(&add, "correct-horse-42\n").status.success());
    let out = planwatch(&["--db", db, "--as", "d1", "observations", "confirm", &id]);
    assert!(!out.status.success());
    assert_eq!(list(db), flagged);
    let out = planwatch(&["--db", db, "observations", "confirm", &id]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(list(db).trim().is_empty());
}

/// `planwatch family`: a plan ingested after the one citing it resolves its reference; an
/// unknown plan is a clear error.
#[test]
fn family_lists_parents_children_and_unresolved_titles() {
    let dir = tempdir("family");
    let store = TempStore::new().unwrap();
    let db = store.db_arg();
    let child = dir.join("child.txt");
    std::fs::write(
        &child,
        "青岛市数字经济发展行动方案\n\n根据《山东省数字经济发展规划》和《丙规划》，制定本方案。\n\n一、目标\n到2025年，全市数字经济核心产业增加值达到500亿元。\n",
    )
    .unwrap();
    let parent = dir.join("parent.txt");
    std::fs::write(&parent, "山东省数字经济发展规划\n\n一、目标\n到2025年，全省数字经济核心产业增加值达到5000亿元。\n")
        .unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["--db", db.as_str()];
        all.extend_from_slice(args);
        let out = planwatch(&all);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["ingest", child.to_str().unwrap()]);
    let before = run(&["family", "1"]);
    assert!(before.contains("parents (basis): 0") && before.contains("unresolved: 2"), "{before}");
    run(&["ingest", parent.to_str().unwrap()]);
    let after = run(&["family", "1"]);
    assert!(after.contains("《山东省数字经济发展规划》 → 2 山东省数字经济发展规划"), "{after}");
    assert!(after.contains("unresolved: 1") && after.contains("proposed master plan: 2"), "{after}");
    let json: serde_json::Value = serde_json::from_str(&run(&["family", "2", "--json"])).unwrap();
    assert_eq!(json["children"][0]["plan"]["id"], 1);
    let overview = run(&["family"]);
    assert!(overview.contains("省级 (1 plans)") && overview.contains("《丙规划》"), "{overview}");
    let out = planwatch(&["--db", db.as_str(), "family", "99"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no plan 99"), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `planwatch meta`: a plan without a title line is cited by another; `--as` a district
/// editor is refused and nothing changes, an empty title is refused, an analyst's title makes
/// the reference resolve; `--revert title` undoes it.
#[test]
fn meta_sets_a_missing_title_and_the_citing_plan_resolves() {
    let dir = tempdir("meta");
    let store = TempStore::new().unwrap();
    let db = store.db_arg();
    let parent = dir.join("ai.txt");
    std::fs::write(
        &parent,
        "人工智能的迅速发展将深刻改变人类社会生活、改变世界。为抢抓机遇，制定本规划。\n\n一、战略目标\n到2030年，人工智能核心产业规模超过1万亿元。\n",
    )
    .unwrap();
    let child = dir.join("child.txt");
    std::fs::write(
        &child,
        "丁省人工智能产业行动计划\n\n为落实《新一代人工智能发展规划》，促进人工智能产业发展，制订本行动计划。\n\n一、目标\n到2025年，全省人工智能核心产业规模达到500亿元。\n",
    )
    .unwrap();
    let pw = |args: &[&str]| {
        let mut all = vec!["--db", db.as_str()];
        all.extend_from_slice(args);
        planwatch_with_stdin(&all, "")
    };
    let ok = |args: &[&str]| {
        let out = pw(args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(&["ingest", parent.to_str().unwrap(), child.to_str().unwrap()]);
    assert!(ok(&["family", "2"]).contains("unresolved: 1"));
    let add = |login: &str, role: &[&str]| {
        let mut args = vec!["--db", db.as_str(), "user", "add", login, "--password-stdin"];
        args.extend_from_slice(role);
        let out = planwatch_with_stdin(&args, "some-password-12\n");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    add("ana", &["--role", "analyst"]);
    add("yb", &["--role", "district", "--region", "重庆市", "--place", "渝北区"]);
    let before = planwatch_store::testing::fingerprint(&store.open(Default::default()).unwrap()).unwrap();
    let out = pw(&["--as", "yb", "meta", "1", "--title", "新一代人工智能发展规划"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("无权更正规划内容"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = pw(&["--as", "ana", "meta", "1", "--title", " "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("标题为空"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = pw(&["--as", "ana", "meta", "1", "--revert", "doc_number"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("title, issuer or region"));
    assert!(!pw(&["--as", "ana", "meta", "1"]).status.success(), "nothing to change");
    let after = planwatch_store::testing::fingerprint(&store.open(Default::default()).unwrap()).unwrap();
    assert_eq!(before, after, "refusals change nothing");
    assert!(ok(&["family", "2"]).contains("unresolved: 1"));

    let out =
        ok(&["--as", "ana", "meta", "1", "--title", "新一代人工智能发展规划", "--region", "全国", "--note", "国发"]);
    assert!(out.contains("title\t新一代人工智能发展规划  [已更正; machine: none]"), "{out}");
    let family = ok(&["family", "2"]);
    assert!(
        family.contains("《新一代人工智能发展规划》 → 1 新一代人工智能发展规划") && family.contains("unresolved: 0"),
        "{family}"
    );
    let audit = ok(&["audit", "--action", "plan.meta"]);
    assert!(audit.contains("ana") && audit.contains("plan 1 meta title"), "{audit}");
    let out = ok(&["--as", "ana", "meta", "1", "--revert", "title"]);
    assert!(out.starts_with("title\t\n"), "{out}");
    assert!(ok(&["family", "2"]).contains("unresolved: 1"));
    let _ = std::fs::remove_dir_all(&dir);
}
