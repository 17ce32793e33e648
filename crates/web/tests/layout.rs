//! The layout map (布局地图): page, district view and JSON API, with empty, unknown and
//! hostile regions.

mod common;
use axum::http::StatusCode;
use common::*;

fn q(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test]
async fn the_layout_map_colours_districts_and_links_each_to_its_sentences() {
    let app = app();
    let res = get(&app, &format!("/layout?region={}", q("绵阳市"))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let page = res.text();
    assert!(page.contains("绵阳市 产业布局地图"), "{page}");
    assert!(page.contains("id=\"layout-map\"") && page.contains("role=\"group\""), "the map is drawn");
    // Each drawn district is a link to its view; 游仙区 has mappings, so it is coloured.
    let youxian = format!("/layout?region={}&amp;place={}", q("绵阳市"), q("游仙区"));
    assert!(page.contains(&format!("<a href=\"{youxian}\"")), "{page}");
    assert!(page.contains("id=\"layout-legend\"") && page.contains("商业航天"), "legend");
    assert!(page.contains("无规划布局"), "districts without mappings are grey and say so");
    assert!(!page.contains("id=\"layout-empty\""));
    assert!(page.contains("href=\"/layout\""), "the nav links the page");

    let res = get(&app, &format!("/layout?region={}&place={}", q("绵阳市"), q("游仙区"))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let page = res.text();
    assert!(page.contains("id=\"district-sentences\""), "{page}");
    assert!(page.contains("/source?v=") && page.contains("#hl"), "sentences link to the highlighted source");
    assert!(page.contains("商业航天") && page.contains("先进核能"), "{page}");

    // A development zone the plan names, unknown to the dictionaries, is listed (not drawn)
    // and has its own view.
    let res = get(&app, &format!("/layout?region={}", q("绵阳市"))).await;
    assert!(res.text().contains(&format!("place={}\">绵阳高新区</a>", q("绵阳高新区"))), "{}", res.text());
    let res = get(&app, &format!("/layout?region={}&place={}", q("绵阳市"), q("绵阳高新区"))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(res.text().contains("id=\"district-sentences\""));
}

#[tokio::test]
async fn the_layout_api_answers_the_map_and_a_district() {
    let app = app();
    let res = get(&app, &format!("/api/v1/layout?region={}", q("绵阳市"))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let j = res.json();
    assert_eq!(j["view"]["region"], "绵阳市");
    assert_eq!(j["view"]["region_code"], "510700");
    assert_eq!(j["view"]["boundary_origin"], "builtin");
    assert!(j["view"]["mappings"].as_u64().unwrap() >= 5, "{j}");
    assert!(j["view"]["geojson"].is_null(), "boundaries are not repeated in the JSON");
    let youxian = j["view"]["districts"].as_array().unwrap().iter().find(|d| d["name"] == "游仙区").unwrap().clone();
    assert!(youxian["focus"].is_string() && youxian["mappings"].as_u64().unwrap() >= 2, "{youxian}");
    assert!(j["district"].is_null());

    let res = get(&app, &format!("/api/v1/layout?region={}&place={}", q("绵阳市"), q("510704"))).await;
    assert_eq!(res.status, StatusCode::OK, "a district by code: {}", res.text());
    let d = res.json()["district"].clone();
    assert_eq!(d["district"]["name"], "游仙区");
    let m = d["mappings"].as_array().unwrap();
    assert!(!m.is_empty() && m.iter().all(|m| m["href"].as_str().unwrap().contains("/source?v=")), "{d}");

    let spec = get(&app, "/api/v1/openapi.json").await.json();
    assert!(spec["paths"]["/api/v1/layout"]["get"].is_object(), "in the OpenAPI document");
}

#[tokio::test]
async fn empty_regions_say_what_is_missing_and_what_to_do() {
    let app = app();
    // 合肥市's plan maps no industry to districts: the map is drawn grey and says so.
    let res = get(&app, &format!("/layout?region={}", q("合肥市"))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let page = res.text();
    assert!(page.contains("id=\"layout-empty\"") && page.contains("没有写到合肥市各区县的产业布局"), "{page}");
    assert!(page.contains("id=\"layout-map\""), "the boundaries are still drawn");
    // 东莞市 has no county-level units, so no boundaries: said, with the file to add.
    let res = get(&app, &format!("/layout?region={}", q("东莞市"))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let page = res.text();
    assert!(page.contains("暂无东莞市的区县边界数据") && page.contains("boundaries/441900.geojson"), "{page}");
    assert!(page.contains("尚无东莞市或其上级地区的规划"), "{page}");
    assert!(!page.contains("id=\"layout-map\""));
    assert!(page.contains("id=\"no-districts\"") && !page.contains("id=\"layout-districts\""), "{page}");
    // Several regions and no caller: a choice of regions.
    let res = get(&app, "/layout").await;
    assert_eq!(res.status, StatusCode::OK);
    let page = res.text();
    assert!(page.contains("请选择地区") && page.contains(&format!("/layout?region={}", q("绵阳市"))), "{page}");
    let res = get(&app, "/api/v1/layout").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text());
}

#[tokio::test]
async fn unknown_and_hostile_regions_are_refused_escaped() {
    let app = app();
    let res = get(&app, &format!("/layout?region={}", q("不存在市"))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text());
    assert!(res.text().contains("不在行政区划字典中"));
    let res = get(&app, &format!("/api/v1/layout?region={}", q("不存在市"))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.json()["error"]["status"], 404);

    let script = "<script>alert(1)</script>";
    for uri in [
        format!("/layout?region={}", q(script)),
        format!("/layout?region={}&place={}", q("绵阳市"), q(script)),
        format!("/api/v1/layout?region={}", q(script)),
        format!("/api/v1/layout?region={}&place={}", q("绵阳市"), q(script)),
    ] {
        let res = get(&app, &uri).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{uri}: {}", res.text());
        if uri.starts_with("/api/") {
            // JSON, never HTML: the name is a JSON string.
            assert!(res.headers["content-type"].to_str().unwrap().starts_with("application/json"));
            assert!(res.json()["error"]["message"].as_str().unwrap().contains("alert(1)"));
        } else {
            assert!(!res.text().contains("<script>alert"), "{uri}: {}", res.text());
            assert!(
                res.text().contains("&#60;script&#62;") || res.text().contains("&lt;script&gt;"),
                "{uri}: {}",
                res.text()
            );
        }
    }
    let long = "市".repeat(500);
    for uri in [
        format!("/layout?region={}", q(&long)),
        format!("/api/v1/layout?region={}", q(&long)),
        format!("/layout?region={}&place={}", q("绵阳市"), q(&long)),
    ] {
        let res = get(&app, &uri).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{uri}: {}", res.text());
        assert!(res.text().contains("过长"), "{}", res.text());
    }
    // A district of another region is not one of this map's.
    let res = get(&app, &format!("/layout?region={}&place={}", q("绵阳市"), q("渝北区"))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text());
}
