//! The reporting calendar on the web (issue 16, item 8): the completeness view, the deadline
//! form (analysts only, audited), its XLSX, the API, and a district's due list on its home page.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use planwatch_store::{AuditFilter, Role};

fn get_as(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri).header(header::COOKIE, cookie).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn the_completeness_view_lists_every_unit_and_analysts_set_the_deadline() {
    let app = app();
    let (plan, _, newest, _) = sample(&app);
    let region = app.store.indices().unwrap()[0].region.clone();
    let today = planwatch_web_today();
    let expected = app.store.completeness(&region, newest.parse().unwrap(), today).unwrap();
    assert!(expected.units.len() >= 8, "{:?}", expected.units);
    // The sample's districts report every indicator, the city its own figures: never more
    // values than expected.
    for u in &expected.units {
        assert!(u.values <= u.expected && u.values > 0, "{}: {} of {}", u.place, u.values, u.expected);
    }

    let page = get(&app, &format!("/calendar?region={}&period={newest}", enc(&region))).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    for u in &expected.units {
        assert!(html.contains(&format!("<tr><td>{}</td>", u.place)), "{} missing", u.place);
        assert!(html.contains(u.status.label()));
    }
    assert!(html.contains(&expected.deadline) && html.contains("季后15日(默认)"));
    assert!(!html.contains("deadline-form"), "anonymous visitors get no deadline form");

    // The API gives the same units.
    let api = get(&app, &format!("/api/v1/completeness?region={}&period={newest}", enc(&region))).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text());
    assert_eq!(api.json()["units"].as_array().unwrap().len(), expected.units.len());
    let bad = get(&app, "/api/v1/completeness?region=%E7%81%AB%E6%98%9F%E5%B8%82").await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    assert!(bad.json()["error"]["message"].as_str().unwrap().contains("火星市"));

    // The XLSX: a header and one row per unit.
    let x = get(&app, &format!("/calendar/xlsx?region={}&period={newest}", enc(&region))).await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x.body.starts_with(b"PK"));

    // An analyst (here the admin) sets 季后30日: saved, audited, shown.
    let (cookie, csrf) = login(&app).await;
    let page = send(&app, get_as(&format!("/calendar?region={}", enc(&region)), &cookie)).await;
    assert!(page.text().contains("deadline-form"));
    let fields = [("csrf", csrf.as_str()), ("region", region.as_str()), ("frequency", "quarter"), ("days", "30")];
    let r = send(&app, form("/calendar/deadline", &cookie, &fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let rule = app.store.deadline_rule(&region, planwatch_monitor::Frequency::Quarter).unwrap();
    assert_eq!((rule.days_after, rule.explicit), (30, true));
    let (log, _) = app
        .store
        .audit_log(&op(), &AuditFilter { action: "calendar.deadline".into(), ..Default::default() }, 5, 0)
        .unwrap();
    assert_eq!(log.len(), 1);

    // Hostile: a district editor may not; nonsense days and a bad CSRF token are refused.
    add(&app, "shushan", Role::DistrictEditor, &region, "蜀山区");
    let (dcookie, dcsrf) = login_as(&app, "shushan").await;
    let before = planwatch_store::testing::fingerprint(&app.store).unwrap();
    let mine = [("csrf", dcsrf.as_str()), ("region", region.as_str()), ("frequency", "quarter"), ("days", "1")];
    assert_eq!(send(&app, form("/calendar/deadline", &dcookie, &mine)).await.status, StatusCode::FORBIDDEN);
    for days in ["-1", "400", "十五", ""] {
        let f = [("csrf", csrf.as_str()), ("region", region.as_str()), ("frequency", "quarter"), ("days", days)];
        let r = send(&app, form("/calendar/deadline", &cookie, &f)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{days}: {}", r.text());
    }
    let f = [("csrf", "forged"), ("region", region.as_str()), ("frequency", "quarter"), ("days", "5")];
    assert!(send(&app, form("/calendar/deadline", &cookie, &f)).await.status.is_client_error());
    assert_eq!(
        planwatch_store::testing::fingerprint(&app.store).unwrap(),
        before,
        "a refused deadline changed the store"
    );

    // A unit that has not submitted the newest period sees it on its home page, with the
    // deadline and the template link; one that has sees no such line.
    use planwatch_store::calendar::ReportStatus;
    let late = expected
        .units
        .iter()
        .find(|u| !matches!(u.status, ReportStatus::Submitted | ReportStatus::Approved) && u.place != region)
        .expect("the sample leaves a unit unsubmitted");
    add(&app, "late", Role::DistrictEditor, &region, &late.place);
    let (lcookie, _) = login_as(&app, "late").await;
    let home = send(&app, get_as("/", &lcookie)).await.text();
    assert!(home.contains(&format!("{}待报送", late.place)), "{home}");
    let newest_label = newest.parse::<planwatch_monitor::Period>().unwrap().label();
    // The deadline is 季后30日 now.
    let deadline = app.store.completeness(&region, newest.parse().unwrap(), today).unwrap().deadline;
    assert_ne!(deadline, expected.deadline);
    assert!(home.contains(&newest_label) && home.contains(&deadline), "{home}");
    assert!(home.contains(&format!("/observations/template?period={newest}")));
    let done =
        expected.units.iter().find(|u| u.status == ReportStatus::Approved || u.status == ReportStatus::Submitted);
    if let Some(done) = done {
        let due = app.store.due_for(&region, &done.place, today, 1).unwrap();
        assert!(due.iter().all(|(p, _, _)| p.to_string() != newest), "{due:?}");
    }
    // The quarterly report names the units that were late (once the deadline has passed).
    let period: planwatch_monitor::Period = newest.parse().unwrap();
    let now = app.store.completeness(&region, period, today).unwrap();
    let r = planwatch_app::monitoring::build_report(
        &app.store,
        plan,
        planwatch_report::ReportKind::Quarterly,
        Some(period),
        None,
        "test",
    )
    .unwrap();
    if now.past_deadline {
        assert!(r.data_basis.contains("逾期未报送") && r.data_basis.contains(&late.place), "{}", r.data_basis);
    } else {
        assert!(!r.data_basis.contains("逾期"), "{}", r.data_basis);
    }
    // Anonymous visitors see no due list.
    assert!(!get(&app, "/").await.text().contains("id=\"due-list\""));
}

/// Today in Beijing, as the app reckons deadlines.
fn planwatch_web_today() -> time::Date {
    time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap()).date()
}
