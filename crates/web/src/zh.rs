//! What the zh-CN pages say for values the store keeps in machine form: times (stored in
//! UTC, `2026-11-23T08:30:00Z`, shown in Beijing time), audit action codes and objects
//! (stored in English so filters and the API stay stable, shown in Chinese).
//!
//! Everything here is presentation: nothing is written back, and a value this module does
//! not recognise is shown as stored rather than guessed at.

pub use planwatch_app::clock::{beijing, beijing_days_to_utc, today_beijing};

/// The audit action codes and what they are called on the pages, in the order the filter
/// lists them.
pub const ACTIONS: &[(&str, &str)] = &[
    ("document.add", "上传规划"),
    ("document.version", "上传新版本"),
    ("document.reextract", "重新抽取"),
    ("plan.edit", "修改抽取结果"),
    ("plan.add", "补充抽取结果"),
    ("plan.delete", "删除抽取结果"),
    ("plan.revert", "撤销修改"),
    ("indicator.add", "新建指标"),
    ("indicator.edit", "修改指标"),
    ("indicator.rollup", "修改汇总方式"),
    ("indicator.baseline", "设置基期值"),
    ("index.add", "新建指数"),
    ("index.redefine", "修改指数"),
    ("observations.import", "导入数据"),
    ("observation.update", "修改数值"),
    ("observation.confirm", "确认待核实数值"),
    ("approval.submit", "报送"),
    ("approval.approve", "审核通过"),
    ("approval.return", "退回"),
    ("approval.unapprove", "撤销通过"),
    ("ranking.publish", "发布榜单"),
    ("calendar.deadline", "设置报送期限"),
    ("task.report", "填报任务进展"),
    ("task.report.refused", "越权填报(已拒绝)"),
    ("user.add", "新建账户"),
    ("user.disable", "停用账户"),
    ("user.enable", "启用账户"),
    ("user.password", "修改密码"),
    ("user.region", "修改账户地区"),
    ("user.unlock", "解除锁定"),
    ("token.add", "创建接口令牌"),
    ("token.revoke", "撤销接口令牌"),
    ("login", "登录"),
    ("login.fail", "登录失败"),
    ("login.unblock", "解除地址封锁"),
    ("store.restore", "恢复数据库"),
    ("registry.import", "导入名录"),
    ("registry.update", "修改名录条目"),
    ("registry.submit", "报送名录条目"),
    ("registry.approve", "审核名录条目"),
    ("registry.publish", "发布名录批次"),
    ("registry.link", "关联规划条目"),
    ("registry.bind", "绑定名录计数"),
];

/// What an audit action code is called; the code itself when it is not known.
pub fn action_label(code: &str) -> &str {
    ACTIONS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or(code)
}

/// An audit object (`plan 2 task 3 2025Q3`, `indicator P2-T03`, `user yubei`,
/// `合肥市/包河区/2025Q3`) in words: `规划 2 任务 3 2025Q3`, `指标 P2-T03`, `账户 yubei`.
pub fn object_label(object: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("plan", "规划"),
        ("task", "任务"),
        ("target", "目标"),
        ("industry", "产业"),
        ("segment", "细分方向"),
        ("district", "区县布局"),
        ("platform", "平台"),
        ("outline", "提纲"),
        ("meta", "基本信息"),
        ("indicator", "指标"),
        ("index", "指数"),
        ("revision", "修订"),
        ("import", "导入批次"),
        ("user", "账户"),
        ("address", "地址"),
        ("token", "令牌"),
        ("month", "月度"),
        ("quarter", "季度"),
        ("year", "年度"),
    ];
    object
        .split(' ')
        .map(|w| WORDS.iter().find(|(en, _)| *en == w).map(|(_, zh)| *zh).unwrap_or(w))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_utc_times_are_shown_in_beijing_time_across_midnight() {
        assert_eq!(beijing("2026-11-23T08:30:05Z"), "2026-11-23 16:30:05");
        assert_eq!(beijing("2026-12-31T20:00:00Z"), "2027-01-01 04:00:00");
        assert_eq!(beijing("2026-11-23 08:30"), "2026-11-23 16:30:00");
        // Not a time: shown as stored, never a panic.
        for odd in ["", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T25:00Z", "９"] {
            assert_eq!(beijing(odd), odd);
        }
    }

    #[test]
    fn beijing_days_become_utc_bounds() {
        assert_eq!(
            beijing_days_to_utc("2026-11-01", "2026-11-02"),
            ("2026-10-31T16:00:00Z".to_string(), "2026-11-02T15:59:59Z".to_string())
        );
        assert_eq!(beijing_days_to_utc("", ""), (String::new(), String::new()));
    }

    #[test]
    fn audit_codes_and_objects_read_in_chinese() {
        assert_eq!(action_label("approval.approve"), "审核通过");
        assert_eq!(action_label("something.new"), "something.new");
        assert_eq!(object_label("plan 2 task 3 2025Q3"), "规划 2 任务 3 2025Q3");
        assert_eq!(object_label("indicator P2-T03"), "指标 P2-T03");
        assert_eq!(object_label("合肥市/包河区/2025Q3"), "合肥市/包河区/2025Q3");
    }
}
