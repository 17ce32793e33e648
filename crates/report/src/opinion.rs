//! The 审查意见 (conformity review opinion) as a DOCX a reviewer can send: the same 公文 page,
//! fonts and footer as the reports, from a plain [`Opinion`] (the CLI and the pages map a
//! `planwatch-review` review to it; this crate knows nothing of the review engine).

use crate::docx::{base_doc, cell, core_props, finish, font, heading, para, table, Cell, HEADING2_FONT};
use crate::ReportError;
use docx_rs::{Paragraph, Run};

/// One finding as the opinion states it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpinionItem {
    /// The finding's stable id, so a reply can name it.
    pub id: String,
    /// 冲突, 不一致 or 提示.
    pub severity: String,
    /// 主要目标, 发展方向, 任务部署 or 规划期.
    pub group: String,
    pub message: String,
    /// The draft's sentences the finding rests on.
    pub draft_quotes: Vec<String>,
    /// The master plan's sentences.
    pub master_quotes: Vec<String>,
    /// The reviewer's decision and note, when one was recorded (已采纳 / 已说明：…).
    pub decision: String,
}

/// A review opinion.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Opinion {
    /// The draft's title.
    pub draft: String,
    /// The master plan's title.
    pub master: String,
    /// Who signs it (document author); empty: planwatch.
    pub author: String,
    /// W3CDTF time of the document properties; empty: now.
    pub created_utc: String,
    /// Shown as 生成时间 (Beijing time, as the caller formats it).
    pub generated_at: String,
    pub items: Vec<OpinionItem>,
}

impl Opinion {
    /// The document's title: 关于《草案》的规划符合性审查意见.
    pub fn title(&self) -> String {
        format!("关于《{}》的规划符合性审查意见", self.draft.trim_matches(['《', '》']))
    }
}

/// Text without the characters XML 1.0 forbids (control characters other than tab and line
/// break: a plan's text can carry them, and Word refuses a document that does).
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n')).collect()
}

const SEVERITIES: [&str; 3] = ["冲突", "不一致", "提示"];
const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn quote(label: &str, q: &str) -> Paragraph {
    let q = q.split_whitespace().collect::<Vec<_>>().join(" ");
    Paragraph::new()
        .add_run(Run::new().add_text(format!("{label}：")).fonts(font(HEADING2_FONT)))
        .add_run(Run::new().add_text(format!("“{q}”")))
        .first_line_chars(200)
}

/// Renders the opinion as DOCX: title, the plans reviewed, the conclusion with counts, the
/// 冲突 and 不一致 findings one by one with the sentences of both sides, the 提示 as a table,
/// and what the drafting office is asked to do.
pub fn opinion_docx(o: &Opinion) -> Result<Vec<u8>, ReportError> {
    let o = &Opinion {
        draft: clean(&o.draft),
        master: clean(&o.master),
        author: clean(&o.author),
        created_utc: clean(&o.created_utc),
        generated_at: clean(&o.generated_at),
        items: o
            .items
            .iter()
            .map(|i| OpinionItem {
                id: clean(&i.id),
                severity: clean(&i.severity),
                group: clean(&i.group),
                message: clean(&i.message),
                draft_quotes: i.draft_quotes.iter().map(|q| clean(q)).collect(),
                master_quotes: i.master_quotes.iter().map(|q| clean(q)).collect(),
                decision: clean(&i.decision),
            })
            .collect(),
    };
    let title = o.title();
    let mut doc =
        base_doc().add_paragraph(Paragraph::new().style("Title").add_run(Run::new().add_text(&title)).keep_next(true));
    for (k, v) in
        [("审查对象", o.draft.as_str()), ("上位规划", o.master.as_str()), ("生成时间", o.generated_at.as_str())]
    {
        if !v.trim().is_empty() {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(format!("{k}：")).size(24).fonts(font(HEADING2_FONT)))
                    .add_run(Run::new().add_text(v).size(24)),
            );
        }
    }
    let count = |s: &str| o.items.iter().filter(|i| i.severity == s).count();
    let mut section = 0;
    let mut next = |name: &str| {
        section += 1;
        format!("{}、{name}", NUMERALS.get(section - 1).copied().unwrap_or("十"))
    };
    doc = doc.add_paragraph(heading(&next("审查结论"), 1));
    let conclusion = if o.items.is_empty() {
        "经对照上位规划的主要目标、发展方向、任务部署和规划期，未发现需要说明的问题。".to_string()
    } else {
        format!(
            "经对照上位规划的主要目标、发展方向、任务部署和规划期，共有 {} 项审查意见：冲突 {} 项、不一致 {} 项、提示 {} 项。{}",
            o.items.len(),
            count("冲突"),
            count("不一致"),
            count("提示"),
            if count("冲突") + count("不一致") > 0 {
                "冲突和不一致事项请逐项修改或说明理由。"
            } else {
                "提示事项供起草单位核对。"
            }
        )
    };
    doc = doc.add_paragraph(para(conclusion));
    for severity in &SEVERITIES[..2] {
        let items: Vec<&OpinionItem> = o.items.iter().filter(|i| i.severity == *severity).collect();
        if items.is_empty() {
            continue;
        }
        doc = doc.add_paragraph(heading(&next(&format!("{severity}事项")), 1));
        for (n, item) in items.iter().enumerate() {
            let marker =
                format!("（{}）", NUMERALS.get(n).map(|s| s.to_string()).unwrap_or_else(|| (n + 1).to_string()));
            doc = doc.add_paragraph(
                Paragraph::new()
                    .add_run(
                        Run::new()
                            .add_text(format!("{marker}{}【{}】", item.group, item.id))
                            .fonts(font(HEADING2_FONT)),
                    )
                    .keep_next(true)
                    .first_line_chars(200),
            );
            doc = doc.add_paragraph(para(item.message.clone()));
            for q in &item.draft_quotes {
                doc = doc.add_paragraph(quote("草案原文", q));
            }
            for q in &item.master_quotes {
                doc = doc.add_paragraph(quote("上位规划原文", q));
            }
            if !item.decision.trim().is_empty() {
                doc = doc.add_paragraph(quote("处理情况", &item.decision));
            }
        }
    }
    let hints: Vec<&OpinionItem> = o.items.iter().filter(|i| i.severity == "提示").collect();
    if !hints.is_empty() {
        doc = doc.add_paragraph(heading(&next("提示事项"), 1));
        let rows: Vec<Vec<Cell>> = hints
            .iter()
            .enumerate()
            .map(|(n, i)| {
                let sources: Vec<String> = i
                    .draft_quotes
                    .iter()
                    .map(|q| format!("草案：{q}"))
                    .chain(i.master_quotes.iter().map(|q| format!("上位：{q}")))
                    .collect();
                vec![
                    cell((n + 1).to_string()),
                    cell(format!("{}\n{}", i.group, i.id)),
                    cell(i.message.clone()),
                    cell(sources.join("\n")),
                ]
            })
            .collect();
        doc = doc.add_table(table(&["序号", "类别与编号", "意见", "原文"], &[500, 1900, 3345, 3100], rows));
    }
    doc = doc.add_paragraph(heading(&next("有关要求"), 1));
    doc = doc.add_paragraph(para(
        "请起草单位对照上述意见修改草案，或就未修改事项逐项书面说明理由（注明意见编号），随修改稿一并报送。",
    ));
    finish(doc, core_props(&title, "规划符合性审查意见", &o.author, &o.created_utc))
}
