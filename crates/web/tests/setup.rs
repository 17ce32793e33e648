//! Issue 16, item 4: monitoring set up on the web — indicators made from a plan's targets, an
//! indicator edited on one page (and by PATCH), an index defined, empty states that say what
//! to do next, the plan ↔ progress links, and a page for every monitored place. The same
//! store methods as the CLI do the work: role checks, limits and audit are the store's.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use planwatch_monitor::{Direction, Frequency, Rollup};
use planwatch_store::{AuditFilter, Role};

const PLAN: &str = "重庆市科技创新发展规划(2021—2025年)\n\n一、发展目标\n\n到2025年,全市高新技术企业达到6000家,\
                    新增科技型企业5000家。\n";

/// Form fields, the status expected, what the answer says and what it keeps of the input.
type FormRefusal<'a> = (Vec<(&'static str, &'static str)>, StatusCode, &'a str, &'a str);
/// Form fields, the status expected and what the answer says.
type IndexRefusal<'a> = (Vec<(String, String)>, StatusCode, &'a str);

fn audits(app: &App, action: &str) -> usize {
    let filter = AuditFilter { action: action.into(), ..Default::default() };
    app.store.audit_log(&op(), &filter, 1000, 0).unwrap().1 as usize
}

fn api(method: &str, uri: &str, token: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

async fn get_as(app: &App, uri: &str, cookie: &str) -> Resp {
    send(app, Request::get(uri).header(header::COOKIE, cookie).body(Body::empty()).unwrap()).await
}

fn message(r: &Resp) -> String {
    r.json()["error"]["message"].as_str().unwrap_or_default().to_string()
}

/// A fresh plan of 重庆市 with two targets and no indicators, and the accounts: an analyst, a
/// district editor and a department editor of 重庆市.
fn fresh(app: &App) -> i64 {
    add(app, "ana", Role::Analyst, "", "");
    add(app, "d1", Role::DistrictEditor, "重庆市", "渝北区");
    let dep = planwatch_store::users::NewUser {
        login: "dep".into(),
        display_name: "dep 测试".into(),
        role: Role::DepartmentEditor,
        region: "重庆市".into(),
        place: String::new(),
        department: "市科技局".into(),
        password: PASSWORD.into(),
    };
    app.store.add_user(&op(), &dep).unwrap();
    app.store.ingest_bytes(&op(), "cq.txt", PLAN.as_bytes().to_vec()).unwrap().document_id()
}

#[tokio::test]
async fn indicators_are_made_from_targets_on_the_web_by_analysts_only_and_only_once() {
    let app = app();
    let doc = fresh(&app);
    let progress = format!("/plans/{doc}/progress");
    let action = format!("/plans/{doc}/indicators");

    // The plan page links to its progress page, and the progress page back.
    let plan = get(&app, &format!("/plans/{doc}")).await.text();
    assert!(plan.contains(&format!("href=\"{progress}\" id=\"progress-link\"")), "{plan}");
    // The empty state: what to do, and for an anonymous reader, to log in.
    let page = get(&app, &progress).await.text();
    assert!(page.contains("本规划尚未建立监测指标 — 由目标生成指标"), "{page}");
    assert!(page.contains(&format!("href=\"/plans/{doc}\" id=\"back-to-plan\"")));
    assert!(!page.contains("id=\"from-targets-form\"") && page.contains("/login?next="));
    // A district editor is told whom to ask and offered no button.
    let (d_cookie, d_csrf) = login_as(&app, "d1").await;
    let page = get_as(&app, &progress, &d_cookie).await.text();
    assert!(page.contains("请联系本单位的规划分析员") && !page.contains("id=\"from-targets-form\""), "{page}");

    // Refused: district and department editors (403), a forged CSRF token; nothing stored or audited.
    let res = send(&app, form(&action, &d_cookie, &[("csrf", &d_csrf), ("frequency", "quarter")])).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    let (p_cookie, p_csrf) = login_as(&app, "dep").await;
    let res = send(&app, form(&action, &p_cookie, &[("csrf", &p_csrf)])).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    let (cookie, csrf) = login_as(&app, "ana").await;
    let res = send(&app, form(&action, &cookie, &[("csrf", "forged")])).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = send(&app, form(&action, &cookie, &[("csrf", &csrf), ("frequency", &"季".repeat(5000))])).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("频率 frequency"), "{}", res.text());
    assert!(app.store.indicators(Some(doc), None).unwrap().is_empty());
    assert_eq!(audits(&app, "indicator.add"), 0);

    // The analyst sees the button and makes the indicators.
    let page = get_as(&app, &progress, &cookie).await.text();
    assert!(page.contains("id=\"from-targets-form\""), "{page}");
    let res = send(&app, form(&action, &cookie, &[("csrf", &csrf), ("frequency", "year")])).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let text = res.text();
    assert!(
        text.contains("<strong id=\"made-created\">2</strong>") && text.contains("<strong id=\"made-kept\">0</strong>")
    );
    let made = app.store.indicators(Some(doc), None).unwrap();
    assert_eq!(made.len(), 2);
    assert!(made.iter().all(|i| i.frequency == Frequency::Year));
    for i in &made {
        assert!(text.contains(&format!("/plans/{doc}/progress/{}", enc(&i.code))), "{text}");
        assert!(text.contains(&format!("/indicators/{}/edit", enc(&i.code))));
    }
    assert_eq!(audits(&app, "indicator.add"), 2);
    // Twice changes nothing.
    let res = send(&app, form(&action, &cookie, &[("csrf", &csrf)])).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.text().contains("<strong id=\"made-created\">0</strong>")
            && res.text().contains("<strong id=\"made-kept\">2</strong>")
    );
    assert_eq!(app.store.indicators(Some(doc), None).unwrap(), made);
    assert_eq!(audits(&app, "indicator.add"), 2);
    // The page cached for anonymous readers is not stale.
    assert!(!get(&app, &progress).await.text().contains("本规划尚未建立监测指标"));
    // The progress page now lists them, says there is no data yet and links each to its edit page.
    let page = get_as(&app, &progress, &cookie).await.text();
    assert!(!page.contains("本规划尚未建立监测指标") && page.contains("id=\"no-data\""), "{page}");
    assert!(page.contains(&format!("/indicators/{}/edit", enc(&made[0].code))));

    // The API: idempotent over HTTP, refused for editors, JSON errors naming the field.
    let doc2 = app
        .store
        .ingest_bytes(&op(), "cq2.txt", PLAN.replace("科技创新", "数字经济").into_bytes())
        .unwrap()
        .document_id();
    let ana = app.store.create_token(&op(), "ana", "测试").unwrap();
    let d1 = app.store.create_token(&op(), "d1", "测试").unwrap();
    let uri = format!("/api/v1/plans/{doc2}/indicators");
    let res = send(&app, api("POST", &uri, &d1, "")).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    assert!(!message(&res).is_empty());
    let res = send(&app, api("POST", &uri, &ana, r#"{"frequency": "hourly"}"#)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(message(&res).contains("频率 frequency"), "{}", res.text());
    let res = send(&app, api("POST", &uri, &ana, r#"{"frequency": "#)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = send(&app, api("POST", &uri, &ana, &format!(r#"{{"frequency": "{}"}}"#, "x".repeat(70_000)))).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.text());
    assert!(app.store.indicators(Some(doc2), None).unwrap().is_empty());
    assert_eq!(audits(&app, "indicator.add"), 2);
    let res = send(&app, api("POST", &uri, &ana, "")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let j = res.json();
    assert_eq!((j["created"].as_u64(), j["kept"].as_u64()), (Some(2), Some(0)));
    assert!(j["indicators"][0]["href"].as_str().unwrap().starts_with(&format!("/plans/{doc2}/progress/")));
    let res = send(&app, api("POST", &uri, &ana, r#"{"frequency": "季度"}"#)).await;
    let j = res.json();
    assert_eq!((j["created"].as_u64(), j["kept"].as_u64()), (Some(0), Some(2)));
    assert_eq!(audits(&app, "indicator.add"), 4);
    let res = send(&app, api("POST", "/api/v1/plans/999999/indicators", &ana, "")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text());
    let res = send(&app, api("POST", "/api/v1/plans/abc/indicators", &ana, "")).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(message(&res).contains("规划编号 id"));
}

#[tokio::test]
async fn an_indicator_is_edited_on_one_page_and_by_patch_with_the_stores_checks_and_audit() {
    let app = app();
    let doc = fresh(&app);
    app.store.indicators_from_targets(&op(), doc, Frequency::Quarter).unwrap();
    let ind =
        app.store.indicators(Some(doc), None).unwrap().into_iter().find(|i| i.name.contains("高新技术企业")).unwrap();
    let code = ind.code.clone();
    let path = format!("/indicators/{}/edit", enc(&code));

    // Anonymous: the page, no form; a district editor: whom to ask; an unknown code: 404.
    let page = get(&app, &path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("id=\"indicator-edit-form\"") && page.text().contains("/login?next="));
    let (d_cookie, d_csrf) = login_as(&app, "d1").await;
    assert!(get_as(&app, &path, &d_cookie).await.text().contains("id=\"ask-analyst\""));
    let res = get(&app, "/indicators/NO-SUCH/edit").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.text().contains("NO-SUCH"));

    let (cookie, csrf) = login_as(&app, "ana").await;
    let page = get_as(&app, &path, &cookie).await.text();
    assert!(page.contains("id=\"indicator-edit-form\"") && page.contains(&format!("value=\"{csrf}\"")), "{page}");
    assert!(page.contains("value=\"家\""), "the current unit is filled in");

    let fields = |unit: &'static str, baseline: &'static str, year: &'static str| {
        vec![
            ("unit", unit),
            ("direction", "lower"),
            ("frequency", "year"),
            ("rule", "max"),
            ("weight", ""),
            ("baseline", baseline),
            ("baseline_year", year),
            ("increment", "1"),
        ]
    };
    let with_csrf = |csrf: &str, f: Vec<(&'static str, &'static str)>| {
        let mut all = vec![("csrf".to_string(), csrf.to_string())];
        all.extend(f.into_iter().map(|(k, v)| (k.to_string(), v.to_string())));
        all
    };
    let post = |cookie: &str, fields: Vec<(String, String)>| {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        form(&path, cookie, &pairs)
    };

    // Refused, the form shown again with what was typed and the field named; nothing written.
    let refusals: Vec<FormRefusal> = vec![
        (fields("户", "NaN", "2020"), StatusCode::BAD_REQUEST, "基期值 baseline", "value=\"NaN\""),
        (fields("户", "3000", "99999"), StatusCode::BAD_REQUEST, "基期年份", "value=\"99999\""),
        (fields("户", "3000", ""), StatusCode::BAD_REQUEST, "基期年份 baseline_year", "value=\"3000\""),
        (fields("户", "3000", "2025"), StatusCode::BAD_REQUEST, "target year", "value=\"2025\""),
        (
            fields("单位单位单位单位单位单位单位单位单位单位单位单位单位单位单位单位单位", "", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "单位",
            "单位单位单位单位",
        ),
        (
            vec![("unit", "家"), ("direction", "sideways"), ("frequency", "year"), ("rule", "max")],
            StatusCode::BAD_REQUEST,
            "方向 direction",
            "id=\"indicator-edit-form\"",
        ),
        (
            vec![("unit", "家"), ("direction", "higher"), ("frequency", "year"), ("rule", "weighted_mean")],
            StatusCode::BAD_REQUEST,
            "权重指标",
            "id=\"indicator-edit-form\"",
        ),
    ];
    for (f, status, says, kept) in refusals {
        let res = send(&app, post(&cookie, with_csrf(&csrf, f.clone()))).await;
        assert_eq!(res.status, status, "{f:?}: {}", res.text());
        let text = res.text();
        assert!(text.contains(says) && text.contains("id=\"form-error\""), "{f:?}: {text}");
        assert!(text.contains(kept), "{f:?} kept: {text}");
    }
    let res = send(&app, post(&d_cookie, with_csrf(&d_csrf, fields("户", "3000", "2020")))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    let (p_cookie, p_csrf) = login_as(&app, "dep").await;
    let res = send(&app, post(&p_cookie, with_csrf(&p_csrf, fields("户", "3000", "2020")))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    let res = send(&app, post(&cookie, with_csrf("forged", fields("户", "3000", "2020")))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.indicator(&code).unwrap().unwrap(), ind);
    for a in ["indicator.edit", "indicator.rollup", "indicator.baseline"] {
        assert_eq!(audits(&app, a), 0, "{a}");
    }

    // The happy path: every field at once, one audit entry per kind of change.
    let res = send(&app, post(&cookie, with_csrf(&csrf, fields("户", "3000", "2020")))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let after = app.store.indicator(&code).unwrap().unwrap();
    assert_eq!(
        (
            after.unit.as_str(),
            after.direction,
            after.frequency,
            after.rollup,
            after.baseline_value,
            after.baseline_year,
            after.increment
        ),
        ("户", Direction::Lower, Frequency::Year, Rollup::Max, Some(3000.0), Some(2020), true)
    );
    for a in ["indicator.edit", "indicator.rollup", "indicator.baseline"] {
        assert_eq!(audits(&app, a), 1, "{a}");
    }
    let filter = AuditFilter { action: "indicator.edit".into(), ..Default::default() };
    let entry = app.store.audit_log(&op(), &filter, 1, 0).unwrap().0.remove(0);
    assert_eq!((entry.who.as_str(), entry.channel.as_str()), ("ana", "form"));
    assert!(entry.old_value.unwrap().contains("\"家\"") && entry.new_value.unwrap().contains("\"户\""));

    // With values stored, the unit and the frequency stay; the form says why and what to do.
    let csv = format!("指标代码,地区,期别,数值\n{code},重庆市,2022,2400\n");
    app.store.import_observations("v.csv", csv.as_bytes(), &Default::default(), &op()).unwrap();
    let res = send(&app, post(&cookie, with_csrf(&csrf, fields("万户", "3000", "2020")))).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("单位 unit") && res.text().contains("新建") && res.text().contains("value=\"万户\""));
    let mut monthly = fields("户", "3000", "2020");
    monthly[2] = ("frequency", "month");
    let res = send(&app, post(&cookie, with_csrf(&csrf, monthly))).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("频率 frequency"), "{}", res.text());
    assert_eq!(app.store.indicator(&code).unwrap().unwrap(), after);
    assert_eq!(audits(&app, "indicator.edit"), 1);

    // PATCH: JSON in, JSON out, the same checks.
    let ana = app.store.create_token(&op(), "ana", "测试").unwrap();
    let d1 = app.store.create_token(&op(), "d1", "测试").unwrap();
    let uri = format!("/api/v1/indicators/{}", enc(&code));
    let res =
        send(&app, api("PATCH", &uri, &ana, r#"{"direction": "越大越好", "baseline": null, "increment": false}"#))
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let j = res.json();
    assert_eq!(
        (j["direction"].as_str(), j["baseline"].as_f64(), j["increment"].as_bool()),
        (Some("higher"), None, Some(false))
    );
    assert_eq!(j["unit"].as_str(), Some("户"));
    let after = app.store.indicator(&code).unwrap().unwrap();
    assert_eq!((after.direction, after.baseline_value, after.baseline_year), (Direction::Higher, None, None));
    let hostile: [(&str, StatusCode, &str); 7] = [
        (r#"{"unit": "万户"}"#, StatusCode::BAD_REQUEST, "单位 unit"),
        (r#"{"baseline": 1, "baseline_year": 99999}"#, StatusCode::BAD_REQUEST, "基期年份"),
        (r#"{"baseline": 1}"#, StatusCode::BAD_REQUEST, "baseline_year"),
        (r#"{"baseline": "NaN", "baseline_year": 2020}"#, StatusCode::BAD_REQUEST, "JSON"),
        (r#"{"frequency": "daily"}"#, StatusCode::BAD_REQUEST, "频率 frequency"),
        (r#"{"colour": "red"}"#, StatusCode::BAD_REQUEST, "colour"),
        (r#"{"rollup": "sum", "weight": "x""#, StatusCode::BAD_REQUEST, "JSON"),
    ];
    for (body, status, says) in hostile {
        let res = send(&app, api("PATCH", &uri, &ana, body)).await;
        assert_eq!(res.status, status, "{body}: {}", res.text());
        assert!(message(&res).contains(says), "{body}: {}", res.text());
    }
    let long = format!(r#"{{"unit": "{}"}}"#, "单".repeat(40));
    let res = send(&app, api("PATCH", &uri, &ana, &long)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text());
    assert!(message(&res).contains("单位"));
    let res = send(&app, api("PATCH", &uri, &d1, r#"{"direction": "lower"}"#)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = send(&app, api("PATCH", "/api/v1/indicators/NO-SUCH", &ana, r#"{"direction": "lower"}"#)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(message(&res).contains("NO-SUCH"));
    assert_eq!(app.store.indicator(&code).unwrap().unwrap(), after);
    assert_eq!(audits(&app, "indicator.edit"), 2);
    // The OpenAPI document lists the new operations.
    let doc = get(&app, "/api/v1/openapi.json").await.json();
    assert!(doc["paths"]["/api/v1/indicators/{code}"]["patch"].is_object());
    assert!(doc["paths"]["/api/v1/plans/{id}/indicators"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/indexes"]["post"].is_object());
}

#[tokio::test]
async fn an_index_is_defined_on_the_web_and_the_api_and_an_index_without_data_says_what_to_do() {
    let app = app();
    let doc = fresh(&app);
    app.store.indicators_from_targets(&op(), doc, Frequency::Quarter).unwrap();
    let codes: Vec<String> = app.store.indicators(Some(doc), None).unwrap().into_iter().map(|i| i.code).collect();
    let (cookie, csrf) = login_as(&app, "ana").await;
    let (d_cookie, d_csrf) = login_as(&app, "d1").await;

    // No index yet: the list says how to make one.
    let list = get_as(&app, "/indexes", &cookie).await.text();
    assert!(list.contains("id=\"no-indexes\"") && list.contains("/indexes/new"), "{list}");
    let page = get_as(&app, "/indexes/new", &cookie).await.text();
    assert!(page.contains("id=\"index-form\"") && page.contains(&codes[0]), "{page}");
    assert!(get_as(&app, "/indexes/new", &d_cookie).await.text().contains("id=\"ask-analyst\""));

    let members = format!("{}=0.6\n{}=0.4", codes[0], codes[1]);
    let fields = |name: &str, method: &str, members: &str| -> Vec<(String, String)> {
        [
            ("name", name),
            ("region", "重庆市"),
            ("method", method),
            ("missing", "exclude"),
            ("members", members),
            ("description", ""),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let post = |cookie: &str, csrf: &str, f: Vec<(String, String)>| {
        let mut pairs: Vec<(&str, &str)> = vec![("csrf", csrf)];
        pairs.extend(f.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        form("/indexes/new", cookie, &pairs)
    };
    // Refused: an unknown code, a fixed weight missing, a bad weight, no name, another region,
    // a district editor, a forged token — the form shown again with what was typed.
    let refusals: Vec<IndexRefusal> = vec![
        (fields("创新指数", "fixed", "NOPE=1"), StatusCode::BAD_REQUEST, "没有指标代码“NOPE”"),
        (fields("创新指数", "fixed", &codes[0]), StatusCode::BAD_REQUEST, "固定权重加权法"),
        (fields("创新指数", "fixed", &format!("{}=abc", codes[0])), StatusCode::BAD_REQUEST, "不是正数"),
        (fields("", "fixed", &members), StatusCode::BAD_REQUEST, "指数名称 name"),
        (fields("创新指数", "median", &members), StatusCode::BAD_REQUEST, "方法 method"),
        (fields(&"长".repeat(200), "fixed", &members), StatusCode::UNPROCESSABLE_ENTITY, "指数名称"),
    ];
    for (f, status, says) in refusals {
        let res = send(&app, post(&cookie, &csrf, f.clone())).await;
        assert_eq!(res.status, status, "{f:?}: {}", res.text());
        assert!(res.text().contains(says) && res.text().contains("id=\"form-error\""), "{f:?}: {}", res.text());
    }
    let mut unweighted = fields("创新指数", "fixed", "");
    unweighted.push(("pick".into(), codes[0].clone()));
    let res = send(&app, post(&cookie, &csrf, unweighted)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.text().contains("固定权重加权法") && res.text().contains(&format!(">{}</textarea>", codes[0])),
        "{}",
        res.text()
    );
    let mut other = fields("创新指数", "fixed", &members);
    other[1].1 = "合肥市".into();
    let res = send(&app, post(&cookie, &csrf, other)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("不属于所选地区 合肥市"), "{}", res.text());
    let res = send(&app, post(&d_cookie, &d_csrf, fields("创新指数", "fixed", &members))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    let (p_cookie, p_csrf) = login_as(&app, "dep").await;
    let res = send(&app, post(&p_cookie, &p_csrf, fields("创新指数", "fixed", &members))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    // Too many members, and a body over the server's limit: refused, never a 500.
    let many: String = (0..300).map(|n| format!("C{n}=1\n")).collect();
    let res = send(&app, post(&cookie, &csrf, fields("创新指数", "fixed", &many))).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("最多 200 个"), "{}", res.text());
    let huge = "P=1\n".repeat(800_000);
    let res = send(&app, post(&cookie, &csrf, fields("创新指数", "fixed", &huge))).await;
    assert!(res.status.is_client_error(), "{}", res.status);
    let res = send(&app, post(&cookie, "forged", fields("创新指数", "fixed", &members))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(app.store.indices().unwrap().is_empty());
    assert_eq!(audits(&app, "index.add"), 0);

    // Defined by ticking the indicators and typing their weights: to its ranking page, which
    // says there is no data yet and what to do.
    let mut ticked = fields("创新指数", "fixed", "");
    for (code, w) in [(&codes[0], "0.6"), (&codes[1], "0.4")] {
        ticked.push(("pick".into(), code.clone()));
        ticked.push((format!("weight:{code}"), w.into()));
    }
    let res = send(&app, post(&cookie, &csrf, ticked)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let to = res.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
    assert_eq!(to, format!("/rankings/{}", enc("创新指数")));
    let def = app.store.index("创新指数").unwrap().unwrap();
    assert_eq!((def.region.as_str(), def.members.len()), ("重庆市", 2));
    assert_eq!(def.members.iter().map(|m| m.weight).collect::<Vec<_>>(), vec![Some(0.6), Some(0.4)]);
    assert_eq!(audits(&app, "index.add"), 1);
    let ranking = get(&app, &to).await;
    assert_eq!(ranking.status, StatusCode::OK, "{}", ranking.text());
    assert!(
        ranking.text().contains("尚无数据") && ranking.text().contains("/monitor#report-data"),
        "{}",
        ranking.text()
    );
    let map = get(&app, &format!("/maps?index={}", enc("创新指数"))).await;
    assert_eq!(map.status, StatusCode::OK);
    assert!(map.text().contains("尚无数据"), "{}", map.text());
    let list = get(&app, "/indexes").await.text();
    assert!(list.contains(&format!("href=\"/rankings/{}\"", enc("创新指数"))), "{list}");
    // The same name again is refused rather than silently redefined.
    let res = send(&app, post(&cookie, &csrf, fields("创新指数", "fixed", &members))).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("已有名为“创新指数”"));
    let res = get(&app, &format!("/rankings/{}", enc("没有这个指数"))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.text().contains("/indexes"));

    // The API.
    let ana = app.store.create_token(&op(), "ana", "测试").unwrap();
    let d1 = app.store.create_token(&op(), "d1", "测试").unwrap();
    let body = format!(
        r#"{{"name": "熵权指数", "method": "entropy_topsis", "members": [{{"code": "{}"}}, {{"code": "{}"}}]}}"#,
        codes[0], codes[1]
    );
    let res = send(&app, api("POST", "/api/v1/indexes", &d1, &body)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = send(&app, api("POST", "/api/v1/indexes", &ana, r#"{"name": "x", "members": [{"code": "NOPE"}]}"#)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(message(&res).contains("成员指标 members"));
    let res = send(&app, api("POST", "/api/v1/indexes", &ana, r#"{"name": "x", "members": []}"#)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(audits(&app, "index.add"), 1);
    let res = send(&app, api("POST", "/api/v1/indexes", &ana, &body)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(res.json()["href"].as_str().unwrap(), format!("/rankings/{}", enc("熵权指数")));
    assert_eq!(audits(&app, "index.add"), 2);
}

#[tokio::test]
async fn every_monitored_place_has_a_page_with_its_values_ranks_and_flags() {
    let app = app();
    let (_, index, _, _) = sample(&app);
    let region = app.store.index(&index).unwrap().unwrap().region;
    assert_eq!(region, "合肥市");
    // 包河区 reports figures but no plan's district mapping names it.
    assert!(app.store.place_items("包河区").unwrap().is_empty());
    let res = get(&app, &format!("/places/{}", enc("包河区"))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let text = res.text();
    let latest = app.store.place_latest("包河区").unwrap();
    assert!(!latest.is_empty());
    for v in &latest {
        assert!(text.contains(&v.indicator.name), "{}: {text}", v.indicator.name);
        assert!(text.contains(&v.period.label()), "{}", v.period);
        if let Some(id) = v.indicator.document_id {
            assert!(text.contains(&format!("/plans/{id}/progress/{}", enc(&v.indicator.code))));
        }
    }
    assert!(text.contains(&format!("/rankings/{}", enc(&index))) && text.contains("名 / 共"), "{text}");
    assert!(text.contains("合成示例数据"));
    // An index defined over the API ranks the same places at once, and the place page shows it.
    add(&app, "ana", Role::Analyst, "", "");
    let ana = app.store.create_token(&op(), "ana", "测试").unwrap();
    let codes: Vec<String> =
        latest.iter().filter(|v| v.indicator.document_id.is_some()).map(|v| v.indicator.code.clone()).take(2).collect();
    let body = format!(
        r#"{{"name": "两项指数", "region": "合肥市", "method": "fixed", "members": [{{"code": "{}", "weight": 0.5}}, {{"code": "{}", "weight": 0.5}}]}}"#,
        codes[0], codes[1]
    );
    let res = send(&app, api("POST", "/api/v1/indexes", &ana, &body)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let ranking = get(&app, &format!("/rankings/{}", enc("两项指数"))).await;
    assert_eq!(ranking.status, StatusCode::OK);
    assert!(ranking.text().contains("包河区") && !ranking.text().contains("尚无数据"), "{}", ranking.text());
    let text = get(&app, &format!("/places/{}", enc("包河区"))).await.text();
    assert!(text.contains(&format!("/rankings/{}", enc("两项指数"))), "{text}");
    // A flagged value is shown marked.
    let flagged = app.store.flagged_in_region(&region).unwrap();
    let f = flagged.first().expect("the sample has a flagged value");
    let text = get(&app, &format!("/places/{}", enc(&f.place))).await.text();
    assert!(text.contains("待核实"), "{text}");
    // The list includes monitored places; unknown names stay 404 with a clear message.
    let list = get(&app, &format!("/places?region={}", enc(&region))).await.text();
    assert!(list.contains(&format!("href=\"/places/{}\"", enc("包河区"))), "{list}");
    let res = get(&app, &format!("/places/{}", enc("火星区"))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.text().contains("没有“火星区”"));
}

#[tokio::test]
async fn the_map_without_indicators_says_what_to_do() {
    let app = app();
    let res = get(&app, "/maps").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(res.text().contains("尚无监测指标") && res.text().contains("由目标生成指标"), "{}", res.text());
    let monitor = get(&app, "/monitor").await.text();
    assert!(monitor.contains("id=\"no-plans-monitored\"") && monitor.contains("/indexes/new"));
    sample(&app);
    let res = get(&app, "/maps").await;
    assert!(res.text().contains("/maps?index="), "{}", res.text());
}
