//! The 审查意见 DOCX: a valid package with the title, the conclusion's counts, each 冲突 and
//! 不一致 finding with the sentences of both sides and its id, the 提示 as a table, the 公文
//! page; odd text escaped.

mod common;

use common::*;
use planwatch_report::{opinion_docx, Opinion, OpinionItem};

fn document(o: &Opinion) -> (String, Vec<String>) {
    let entries = unzip(&opinion_docx(o).unwrap());
    let xml = String::from_utf8(entries.iter().find(|(n, _)| n == "word/document.xml").unwrap().1.clone()).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("document.xml is XML");
    let paras = doc
        .descendants()
        .filter(|n| n.has_tag_name("p"))
        .map(|p| p.descendants().filter(|n| n.has_tag_name("t")).filter_map(|t| t.text()).collect())
        .collect();
    let core = String::from_utf8(entries.iter().find(|(n, _)| n == "docProps/core.xml").unwrap().1.clone()).unwrap();
    assert!(core.contains("规划符合性审查意见"), "{core}");
    (xml, paras)
}

fn item(id: &str, severity: &str, message: &str) -> OpinionItem {
    OpinionItem {
        id: id.into(),
        severity: severity.into(),
        group: "主要目标".into(),
        message: message.into(),
        draft_quotes: vec!["到2025年,新型研发机构达到200家。".into()],
        master_quotes: vec!["到2025年,新型研发机构达到300家。".into()],
        decision: String::new(),
    }
}

#[test]
fn opinion_lists_findings_with_both_sentences() {
    let o = Opinion {
        draft: "重庆市未来产业行动计划".into(),
        master: "重庆市科技创新规划".into(),
        generated_at: "2026-12-07 10:30".into(),
        items: vec![
            item("tg-aaaaaaaaaaaa", "冲突", "“新型研发机构”：草案200家，上位规划300家。"),
            item("pd-bbbbbbbbbbbb", "提示", "草案规划期晚于上位规划期结束。"),
            OpinionItem {
                decision: "已说明：按新口径统计".into(),
                ..item("dr-cccccccccccc", "不一致", "草案产业不在上位方向之内。")
            },
        ],
        ..Opinion::default()
    };
    let (xml, paras) = document(&o);
    assert_eq!(paras[0], "关于《重庆市未来产业行动计划》的规划符合性审查意见");
    assert!(paras.iter().any(|p| p.contains("共有 3 项审查意见：冲突 1 项、不一致 1 项、提示 1 项")), "{paras:#?}");
    let at =
        |needle: &str| paras.iter().position(|p| p.contains(needle)).unwrap_or_else(|| panic!("{needle}: {paras:#?}"));
    // 冲突 before 不一致 before the 提示 table; each with its id and both sentences.
    assert!(at("二、冲突事项") < at("三、不一致事项") && at("三、不一致事项") < at("四、提示事项"));
    assert!(paras[at("【tg-aaaaaaaaaaaa】") + 2].starts_with("草案原文：“到2025年,新型研发机构达到200家。”"));
    assert!(paras[at("【tg-aaaaaaaaaaaa】") + 3].starts_with("上位规划原文："));
    assert!(at("处理情况：“已说明：按新口径统计”") > at("【dr-cccccccccccc】"));
    assert!(xml.contains("<w:tblHeader />"), "the 提示 table repeats its header");
    assert!(paras.iter().any(|p| p.contains("pd-bbbbbbbbbbbb")));
    assert!(paras.last().unwrap().contains("注明意见编号"));
}

#[test]
fn an_empty_or_odd_opinion_is_still_a_document() {
    let (_, paras) = document(&Opinion::default());
    assert!(paras.iter().any(|p| p.contains("未发现需要说明的问题")));
    let odd = Opinion {
        draft: "<script>&\"《》".into(),
        items: vec![item("x", "冲突", "a < b & c > d \u{0007}")],
        ..Opinion::default()
    };
    let (_, paras) = document(&odd);
    assert!(paras[0].contains("<script>&"), "{:?}", paras[0]);
}
