//! `planwatch registry …` end to end: kinds, template, a refused import listing every bad row
//! (and storing nothing), a dry run, an import, a district editor confined to its district,
//! approval, two published batches with their diff, export, a binding and its counts.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};

use planwatch_registry::credit;
use planwatch_store::testing::{example, TempStore};

fn run(args: &[&str], stdin: Option<&str>) -> Output {
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
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn code(n: u32) -> String {
    credit::complete(&format!("91510703MA{n:07}")).unwrap()
}

const HEADER: &str = "企业名称,统一社会信用代码,所在区县,产业领域,成立日期,入库日期,梯度层级,层级认定日期\n";

#[test]
fn registry_commands_from_template_to_counts() {
    let t = TempStore::new().unwrap();
    let db = t.db_arg();
    let dir: PathBuf = t.path().to_path_buf();
    let write = |name: &str, body: &str| {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p.to_str().unwrap().to_string()
    };
    let plan = dir.join("mianyang.txt");
    std::fs::write(&plan, example("mianyang-future-industries.txt")).unwrap();
    let pw = |args: &[&str]| {
        let mut all = vec!["--db", db.as_str()];
        all.extend_from_slice(args);
        run(&all, None)
    };
    assert!(pw(&["ingest", plan.to_str().unwrap()]).status.success());

    let (out, _) = text(&pw(&["registry", "kinds"]));
    assert!(out.contains("enterprise\t企业") && out.contains("credit_code\t统一社会信用代码"), "{out}");
    let template = dir.join("t.xlsx");
    let o = pw(&["registry", "template", "enterprise", "--region", "绵阳市", "--out", template.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(std::fs::read(&template).unwrap().starts_with(b"PK"));

    // A bad sheet: every bad row listed, exit 1, nothing stored.
    let mut wrong = code(9);
    let last = wrong.pop().unwrap();
    wrong.push(if last == '1' { '2' } else { '1' });
    let bad = write(
        "bad.csv",
        &format!("{HEADER}甲,{wrong},涪城区,,,,,\n乙,{},渝北区,,,,,\n丙,{},涪城区,元宇宙,,,,\n", code(2), code(3)),
    );
    let problems = dir.join("problems.csv");
    let o =
        pw(&["registry", "import", "enterprise", &bad, "--region", "绵阳市", "--problems", problems.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for row in ["第 2 行 [统一社会信用代码]", "第 3 行 [所在区县]", "第 4 行 [产业领域]"] {
        assert!(err.contains(row), "{row}: {err}");
    }
    assert!(std::fs::read_to_string(&problems).unwrap().contains("校验位错误"));

    let good = write(
        "good.csv",
        &format!(
            "{HEADER}甲,{},涪城区,商业航天,2018-01-01,2024-01-10,入库,2024-01-10\n\
             乙,{},游仙区,具身智能,2018-01-01,2024-01-10,专精特新中小企业,2025-02-02\n",
            code(1),
            code(2)
        ),
    );
    let o = pw(&["registry", "import", "enterprise", &good, "--region", "绵阳市", "--dry-run"]);
    assert!(text(&o).1.contains("dry run, nothing stored"), "{}", text(&o).1);
    let export = dir.join("all.csv");
    let o = pw(&["registry", "export", "enterprise", "--region", "绵阳市", "--out", export.to_str().unwrap()]);
    assert!(text(&o).1.contains("wrote 0 entries"), "{}", text(&o).1);
    let o = pw(&["registry", "import", "enterprise", &good, "--region", "绵阳市"]);
    assert!(text(&o).1.contains("2 new"), "{}", text(&o).1);

    // A district editor of 涪城区: its own district only (the region is its account's).
    let o = run(
        &[
            "--db",
            &db,
            "user",
            "add",
            "fc",
            "--role",
            "district",
            "--region",
            "绵阳市",
            "--place",
            "涪城区",
            "--password-stdin",
        ],
        Some("district-password-1\n"),
    );
    assert!(o.status.success(), "{}", text(&o).1);
    let other = write("other.csv", &format!("{HEADER}丁,{},游仙区,,,,,\n", code(4)));
    let o = pw(&["--as", "fc", "registry", "import", "enterprise", &other]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).1.contains("rows outside 区县填报员(绵阳市涪城区)") && text(&o).1.contains("第 2 行"),
        "{}",
        text(&o).1
    );
    let own = write("own.csv", &format!("{HEADER}戊,{},涪城区,,,,,\n", code(5)));
    assert!(pw(&["--as", "fc", "registry", "import", "enterprise", &own]).status.success());
    assert!(pw(&["--as", "fc", "registry", "submit", "enterprise", "--all"]).status.success());
    let o = pw(&["--as", "fc", "registry", "approve", "enterprise", "--all"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("无权审核或发布名录"), "{}", text(&o).1);

    // Approve, publish, change, publish again: the batches say what changed.
    assert!(pw(&["registry", "approve", "enterprise", "--region", "绵阳市", "--all"]).status.success());
    let (out, _) = text(&pw(&["registry", "publish", "enterprise", "--region", "绵阳市"]));
    assert!(out.starts_with("第1批\t3 entries"), "{out}");
    let promote = write(
        "promote.csv",
        &format!(
            "统一社会信用代码,企业名称,所在区县,梯度层级,层级认定日期\n{},甲,涪城区,专精特新中小企业,2025-05-05\n",
            code(1)
        ),
    );
    assert!(pw(&["registry", "import", "enterprise", &promote, "--region", "绵阳市"]).status.success());
    assert!(pw(&["registry", "approve", "enterprise", "--region", "绵阳市", &code(1)]).status.success());
    assert!(pw(&["registry", "publish", "enterprise", "--region", "绵阳市"]).status.success());
    let (out, _) = text(&pw(&["registry", "batches", "enterprise", "--region", "绵阳市"]));
    assert!(out.contains("第2批") && out.contains(&format!("~ {}: tier, tier_date", code(1))), "{out}");
    let o = pw(&[
        "registry",
        "export",
        "enterprise",
        "--region",
        "绵阳市",
        "--tier",
        "专精特新中小企业",
        "--out",
        export.to_str().unwrap(),
    ]);
    assert!(text(&o).1.contains("wrote 2 entries"), "{}", text(&o).1);
    let csv = std::fs::read_to_string(&export).unwrap();
    assert!(csv.contains(&code(1)) && csv.contains("已审核"), "{csv}");

    // Bind an indicator and read its counts by quarter.
    let o = pw(&[
        "indicators",
        "add",
        "--code",
        "MY-ZJTX",
        "--name",
        "专精特新企业数",
        "--unit",
        "家",
        "--region",
        "绵阳市",
        "--frequency",
        "quarter",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let o = pw(&["registry", "bind", "MY-ZJTX", "enterprise", "--filter", "梯度层级=专精特新中小企业"]);
    assert!(o.status.success(), "{}", text(&o).1);
    let (out, _) = text(&pw(&["registry", "counts", "MY-ZJTX", "--from", "2025Q1", "--to", "2025Q2"]));
    assert!(
        out.contains("游仙区\t2025Q1\t1") && out.contains("涪城区\t2025Q2\t1") && out.contains("绵阳市\t2025Q2\t2"),
        "{out}"
    );
}
