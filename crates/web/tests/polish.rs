//! What an office notices (issue 16, item 7): times in Beijing time, audit codes in Chinese,
//! period errors in Chinese, and XLSX downloads of the ranking, an indicator's district table
//! and the audit log.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use calamine::{Data, Reader, Xlsx};
use common::*;
use planwatch_store::{AuditFilter, Role};

fn get_as(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri).header(header::COOKIE, cookie).body(Body::empty()).unwrap()
}

/// The first sheet of an XLSX download as text cells.
fn sheet(res: &Resp) -> Vec<Vec<String>> {
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let ct = res.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap();
    assert!(ct.contains("spreadsheetml"), "{ct}");
    let mut book = Xlsx::new(std::io::Cursor::new(res.body.clone())).expect("an XLSX workbook");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => f.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// `2026-11-23T20:30:00Z` → `2026-11-24 04:30:00`, computed here independently of the app.
fn beijing(utc: &str) -> String {
    let (d, t) = utc.trim_end_matches('Z').split_once('T').unwrap();
    let mut ymd: Vec<i64> = d.split('-').map(|x| x.parse().unwrap()).collect();
    let hms: Vec<i64> = t.split(':').map(|x| x.parse().unwrap()).collect();
    let mut h = hms[0] + 8;
    if h >= 24 {
        h -= 24;
        let days_in = |y: i64, m: i64| match m {
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        ymd[2] += 1;
        if ymd[2] > days_in(ymd[0], ymd[1]) {
            ymd[2] = 1;
            ymd[1] += 1;
            if ymd[1] > 12 {
                ymd[1] = 1;
                ymd[0] += 1;
            }
        }
    }
    format!("{}-{:02}-{:02} {:02}:{:02}:{:02}", ymd[0], ymd[1], ymd[2], h, hms[1], hms[2])
}

#[tokio::test]
async fn the_audit_page_speaks_beijing_time_and_chinese_and_downloads_as_xlsx() {
    let app = app();
    sample(&app);
    let (cookie, _) = login(&app).await;
    let (entries, total) = app.store.audit_log(&op(), &AuditFilter::default(), 5, 0).unwrap();
    assert!(total > 0);
    let newest = &entries[0];
    let page = send(&app, get_as("/audit", &cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("时间(北京时间)"), "no Beijing time header");
    assert!(html.contains(&beijing(&newest.at)), "{} not shown as {}", newest.at, beijing(&newest.at));
    assert!(!html.contains(&newest.at), "the raw UTC stamp {} is on the page", newest.at);
    // Actions in words beside their codes; objects in words.
    assert!(html.contains("导入数据") && html.contains("observations.import"), "no action label");
    let objects: Vec<&str> = html.split("<td>").skip(1).map(|c| c.split('<').next().unwrap()).collect();
    assert!(
        objects.iter().any(|o| o.starts_with("指数 ") && o.contains(" 修订 ")) && !html.contains(">index "),
        "objects are not in words: {objects:?}"
    );

    // The download: the same entries, newest first, in Beijing time, with the action named.
    let x = sheet(&send(&app, get_as("/audit/xlsx", &cookie)).await);
    assert_eq!(x[0][0], "时间(北京时间)");
    assert_eq!(x.len() as i64 - 1, total.min(planwatch_web_cap()));
    assert_eq!(x[1][0], beijing(&newest.at));
    assert_eq!(x[1][5], newest.action);
    assert!(!x[1][4].is_empty() && x[1][4] != newest.action, "action not named: {:?}", x[1]);
    // The filter applies: an action that matches nothing gives the header only.
    let none = sheet(&send(&app, get_as("/audit/xlsx?action=no.such.action", &cookie)).await);
    assert_eq!(none.len(), 1);

    // Hostile: anonymous callers go to the login; a district editor may not read the log;
    // a malformed date is refused in Chinese.
    let anon = get(&app, "/audit/xlsx").await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    let region = app.store.indices().unwrap()[0].region.clone();
    add(&app, "district1", Role::DistrictEditor, &region, "蜀山区");
    let (dcookie, _) = login_as(&app, "district1").await;
    let refused = send(&app, get_as("/audit/xlsx", &dcookie)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    let bad = send(&app, get_as("/audit/xlsx?from=2026-1-1", &cookie)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("YYYY-MM-DD"), "{}", bad.text());
}

/// The cap the app puts on one audit download.
fn planwatch_web_cap() -> i64 {
    10_000
}

#[tokio::test]
async fn a_ranking_and_an_indicators_district_table_download_as_xlsx() {
    let app = app();
    let (plan, index, newest, _) = sample(&app);
    let view = planwatch_app::monitoring::ranking(&app.store, &index, None).unwrap();
    let x = sheet(&get(&app, &format!("/rankings/{}/xlsx?period={newest}", enc(&index))).await);
    assert_eq!(x[0][..4], ["名次", "地区", "代码", "得分"]);
    assert_eq!(x.len() - 1, view.rows.len());
    for (row, r) in x[1..].iter().zip(&view.rows) {
        assert_eq!(row[0], r.rank.to_string());
        assert_eq!(row[1], r.place);
        let score: f64 = row[3].parse().unwrap();
        assert!((score - r.score).abs() < 0.006, "{score} vs {}", r.score);
    }
    // A period that is not one: refused in Chinese, never 500.
    let bad = get(&app, &format!("/rankings/{}/xlsx?period=2025Q9", enc(&index))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("不是有效的期别"), "{}", bad.text());
    let missing = get(&app, "/rankings/%E6%97%A0%E6%AD%A4%E6%8C%87%E6%95%B0/xlsx").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // An indicator's district table: the region and its districts by period, values as numbers.
    let code = app.store.indices().unwrap()[0].members[0].indicator.code.clone();
    let ind = app.store.indicator(&code).unwrap().unwrap();
    let obs = app.store.observations(&[ind.id]).unwrap();
    let x = sheet(&get(&app, &format!("/plans/{plan}/progress/{}/xlsx", enc(&code))).await);
    assert_eq!(x[0][0], "地区");
    assert!(x.len() > 2, "{x:?}");
    let newest_col = x[0].len() - 1;
    let place = &x[2][0];
    let stored = obs.iter().find(|o| &o.place == place && o.period.to_string() == newest).unwrap();
    let cell: f64 = x[2][newest_col].parse().unwrap();
    assert!((cell - stored.value).abs() < 1e-9, "{place}: {cell} vs {}", stored.value);
    let wrong_plan = get(&app, &format!("/plans/{}/progress/{}/xlsx", plan + 999, enc(&code))).await;
    assert_eq!(wrong_plan.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_district_account_gets_its_own_template_with_a_signature_block_that_imports_cleanly() {
    let app = app();
    let (_, _, _, _) = sample(&app);
    let region = app.store.indices().unwrap()[0].region.clone();
    add(&app, "shushan", Role::DistrictEditor, &region, "蜀山区");
    let (cookie, csrf) = login_as(&app, "shushan").await;
    // The overview's form is filled in with the account's place.
    let overview = send(&app, get_as("/monitor", &cookie)).await;
    assert!(
        overview.text().contains("name=\"place\" placeholder=\"如 渝北区\" value=\"蜀山区\""),
        "form not prefilled"
    );
    // No place, no period: its own place and the last complete quarter.
    let res = send(&app, get_as("/observations/template", &cookie)).await;
    let rows = sheet(&res);
    assert_eq!(rows[0][..4], ["指标代码", "指标名称", "地区", "期别"]);
    let data: Vec<&Vec<String>> = rows[1..].iter().filter(|r| !r[0].is_empty() && !r[0].contains(':')).collect();
    assert!(!data.is_empty());
    assert!(data.iter().all(|r| r[2] == "蜀山区"), "{data:?}");
    let signature = rows.iter().find(|r| r[0].starts_with("填报人")).expect("a 填报人 line");
    assert!(signature.iter().any(|c| c.starts_with("审核人")) && signature.iter().any(|c| c.starts_with("联系电话")));
    // The untouched template goes through a dry run without a problem: the signature lines
    // have no value, like any row left blank.
    let check = send(&app, import_request(&cookie, &csrf, "template.xlsx", &res.body, true)).await;
    let text = check.text();
    assert!(text.contains("id=\"import-ok\"") && !text.contains("import-refused"), "{text}");
    assert!(text.contains(&format!("空值跳过 {}", data.len() + 2)), "the signature lines count as blank: {text}");
    // Anonymous callers still have to say which place.
    let anon = get(&app, "/observations/template").await;
    assert_eq!(anon.status, StatusCode::BAD_REQUEST);
    assert!(anon.text().contains("期别") || anon.text().contains("地区"), "{}", anon.text());
}

#[tokio::test]
async fn the_industry_matrix_lists_every_industry_with_plans_as_columns() {
    let app = app();
    let all = app.store.industry_matrix(usize::MAX >> 1, planwatch_store::RegionFilter::All).unwrap();
    assert!(!all.industries.is_empty());
    let page = get(&app, "/industries?region=").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for (name, _) in &all.industries {
        assert!(html.contains(&format!("<tr><td>{name}</td>")), "{name} is missing from the matrix");
    }
    assert!(!html.contains("id=\"matrix-cut\""));
    assert!(!html.contains("class=\"vert\""), "headers stand on end");
    assert_eq!(all.total_industries as usize, all.industries.len());
}
