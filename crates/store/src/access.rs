//! Who may do what, decided in one place: every write method of the store takes the
//! [`Actor`] doing it and asks [`authorize`] before it touches anything, and writes its
//! [`audit`] entry in the same transaction as the change. The web forms, the JSON API, file
//! imports and the CLI all reach the store through these methods, so no front end can skip
//! the check.
//!
//! Roles (issue 6):
//! - admin: everything, including accounts;
//! - analyst: reads all; plan documents and their corrections, indicators, indices,
//!   publishing rankings and reports, reviewing submitted figures;
//! - district editor: the observations of its own unit (inside its region) only, and
//!   submitting them for approval;
//! - district editor: also the registry entries of its own unit (adding, changing, linking,
//!   submitting); analysts approve them and publish batches;
//! - department editor: progress reports on tasks its department leads or shares, in plans of
//!   its own region only (a department is a region and a canonical name).

use std::fmt;

use crate::db::{params, Db, ToParam};
use serde::Serialize;
use serde_json::Value;

use crate::{Result, StoreError};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Analyst,
    DistrictEditor,
    DepartmentEditor,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Analyst, Role::DistrictEditor, Role::DepartmentEditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::DistrictEditor => "district_editor",
            Role::DepartmentEditor => "department_editor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Analyst => "分析员",
            Role::DistrictEditor => "区县填报员",
            Role::DepartmentEditor => "部门填报员",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Role, String> {
        let s = s.trim();
        let short = match s {
            "district" => Some(Role::DistrictEditor),
            "department" => Some(Role::DepartmentEditor),
            _ => None,
        };
        short.or_else(|| Role::ALL.into_iter().find(|r| r.as_str() == s || r.label() == s)).ok_or_else(|| {
            format!("“{s}” is not a role: admin, analyst, district_editor (district) or department_editor (department)")
        })
    }
}

/// How a write reached the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Cli,
    Form,
    Api,
    System,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Cli => "cli",
            Channel::Form => "form",
            Channel::Api => "api",
            Channel::System => "system",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Cli => "命令行",
            Channel::Form => "网页表单",
            Channel::Api => "接口",
            Channel::System => "系统",
        }
    }
}

/// Who is writing: a user (or the operator at the command line) with a role and scope, and
/// how the request came in.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    /// None for the operator at the command line and the bootstrap admin token.
    pub user_id: Option<i64>,
    pub login: String,
    pub role: Role,
    /// District editors: the region (city or province) and their unit in it.
    pub region: String,
    pub place: String,
    /// Department editors: the canonical department name.
    pub department: String,
    pub channel: Channel,
    /// Ties the audit entries of one request together (the web layer's X-Request-Id).
    pub request_id: String,
}

impl Actor {
    /// The operator at the command line: whoever can open the database file can do
    /// everything, so the CLI acts as admin, named after the login.
    pub fn operator(login: &str) -> Actor {
        Actor {
            user_id: None,
            login: if login.trim().is_empty() { "operator".into() } else { login.trim().to_string() },
            role: Role::Admin,
            region: String::new(),
            place: String::new(),
            department: String::new(),
            channel: Channel::Cli,
            request_id: String::new(),
        }
    }

    /// The program itself (start-up re-extraction, generated sample data).
    pub fn system(what: &str) -> Actor {
        Actor { channel: Channel::System, ..Actor::operator(what) }
    }

    pub fn via(mut self, channel: Channel, request_id: &str) -> Actor {
        self.channel = channel;
        self.request_id = request_id.to_string();
        self
    }

    /// The scope of the role, for messages: "区县填报员(合肥市蜀山区)".
    pub fn scope(&self) -> String {
        match self.role {
            Role::DistrictEditor => format!("{}({}{})", self.role.label(), self.region, self.place),
            Role::DepartmentEditor => format!("{}({} {})", self.role.label(), self.region, self.department),
            r => r.label().to_string(),
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.login)
    }
}

/// What an actor asks to do. Every write of the store names one.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    ManageUsers,
    IngestDocument,
    CorrectPlan,
    DefineIndicator,
    DefineIndex,
    PublishRanking,
    /// Writing values of `place` (a unit of `region`, or the region itself).
    WriteObservations {
        region: &'a str,
        place: &'a str,
    },
    /// Reporting on a task of a plan of `region` whose owners (canonical names, lead and
    /// sharing) are given. A department is (region, canonical name): 市科技局 of 合肥市 is not
    /// 市科技局 of 重庆市.
    ReportTask {
        region: &'a str,
        owners: &'a [String],
    },
    SubmitFigures {
        region: &'a str,
        place: &'a str,
    },
    ReviewFigures,
    /// Adding or changing registry entries of `place` (a unit of `region`), or linking them
    /// to plan items.
    WriteRegistry {
        region: &'a str,
        place: &'a str,
    },
    /// Submitting registry entries of `place` for approval.
    SubmitRegistry {
        region: &'a str,
        place: &'a str,
    },
    /// Approving registry entries and publishing batches (第N批).
    ReviewRegistry,
    /// Confirming or changing the taxonomy node of a plan's industry or segment.
    MapTaxonomy,
    /// Marking a finding of a conformity review accepted or explained.
    MarkReview,
    /// Reading the audit log (who did what is not for every reader).
    ReadAudit,
    Maintenance,
}

/// The one place that decides. Returns `StoreError::Forbidden` with a zh-CN message that
/// says what the actor may do instead.
pub fn authorize(actor: &Actor, action: Action) -> Result<()> {
    use Role::*;
    let allowed = match (actor.role, action) {
        (Admin, _) => true,
        (Analyst, Action::ManageUsers | Action::Maintenance) => false,
        (Analyst, Action::ReadAudit) => true,
        (Analyst, Action::WriteObservations { .. } | Action::ReportTask { .. } | Action::SubmitFigures { .. }) => false,
        (Analyst, _) => true,
        (DistrictEditor, Action::WriteObservations { region, place })
        | (DistrictEditor, Action::SubmitFigures { region, place })
        | (DistrictEditor, Action::WriteRegistry { region, place })
        | (DistrictEditor, Action::SubmitRegistry { region, place }) => {
            !actor.place.is_empty() && actor.region == region && actor.place == place
        }
        (DepartmentEditor, Action::ReportTask { region, owners }) => {
            !actor.department.is_empty()
                && !actor.region.is_empty()
                && actor.region == region
                && owners.iter().any(|o| o == &actor.department)
        }
        _ => false,
    };
    if allowed {
        return Ok(());
    }
    let what = match action {
        Action::ManageUsers => "管理账户".to_string(),
        Action::IngestDocument => "上传规划文件".to_string(),
        Action::CorrectPlan => "更正规划内容".to_string(),
        Action::DefineIndicator => "定义指标".to_string(),
        Action::DefineIndex => "定义综合指数".to_string(),
        Action::PublishRanking => "发布排名".to_string(),
        Action::WriteObservations { region, place } => format!("填报{}{}的数据", region, place),
        Action::ReportTask { .. } if actor.role == DepartmentEditor && actor.region.is_empty() => {
            "填报任务进展:账户未设所属地区,请管理员在账户中设置(如 合肥市)".to_string()
        }
        Action::ReportTask { region, .. } if actor.role == DepartmentEditor && actor.region != region => {
            let region = if region.is_empty() { "未识别地区" } else { region };
            format!("填报{region}规划的任务进展(本账户只能填报{}的任务)", actor.region)
        }
        Action::ReportTask { .. } => "填报此任务的进展(任务的牵头和责任单位中没有本部门)".to_string(),
        Action::SubmitFigures { region, place } => format!("报送{}{}的数据", region, place),
        Action::ReviewFigures => "审核数据".to_string(),
        Action::WriteRegistry { region, place } => format!("填报{region}{place}的名录条目"),
        Action::SubmitRegistry { region, place } => format!("报送{region}{place}的名录条目"),
        Action::ReviewRegistry => "审核或发布名录".to_string(),
        Action::MapTaxonomy => "确认或更改产业归类".to_string(),
        Action::MarkReview => "标记审查意见".to_string(),
        Action::ReadAudit => "查看审计日志".to_string(),
        Action::Maintenance => "备份与恢复".to_string(),
    };
    Err(StoreError::Forbidden(format!("{}({})无权{what}。", actor.login, actor.scope())))
}

/// One audit entry, written by [`audit`].
pub struct AuditEntry<'a> {
    /// Dotted verb, e.g. `observation.update`, `user.add`, `approval.approve`.
    pub action: &'a str,
    /// What was changed, e.g. `P2-T01/蜀山区/2025Q3` or `user zhang`.
    pub object: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    /// The file (with its import number) or the form the change came from.
    pub source: String,
}

/// Appends an audit entry inside the caller's transaction, so the entry and the change
/// commit or roll back together.
pub(crate) fn audit(conn: &Db, actor: &Actor, e: AuditEntry) -> Result<()> {
    let row = AuditRow::new(actor, e);
    conn.execute(AuditRow::SQL, row.params())?;
    Ok(())
}

/// An audit entry bound to its actor, as the row appended: for [`Db::execute_all`], where the
/// entry goes with the other statements that end a write.
pub(crate) struct AuditRow<'a> {
    actor: &'a Actor,
    role: &'static str,
    channel: &'static str,
    action: &'a str,
    object: String,
    old: Option<String>,
    new: Option<String>,
    source: String,
}

impl<'a> AuditRow<'a> {
    pub(crate) const SQL: &'static str = "INSERT INTO audit_log (at, user_id, who, role, channel, action, object,
            old_value, new_value, source, request_id)
         VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

    pub(crate) fn new(actor: &'a Actor, e: AuditEntry<'a>) -> Self {
        AuditRow {
            actor,
            role: actor.role.as_str(),
            channel: actor.channel.as_str(),
            action: e.action,
            object: e.object,
            old: e.old.map(|v| v.to_string()),
            new: e.new.map(|v| v.to_string()),
            source: e.source,
        }
    }

    pub(crate) fn params(&self) -> [&dyn ToParam; 10] {
        [
            &self.actor.user_id,
            &self.actor.login,
            &self.role,
            &self.channel,
            &self.action,
            &self.object,
            &self.old,
            &self.new,
            &self.source,
            &self.actor.request_id,
        ]
    }
}

/// An audit entry as stored.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: String,
    pub user_id: Option<i64>,
    pub who: String,
    pub role: String,
    pub channel: String,
    pub action: String,
    pub object: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub source: String,
    pub request_id: String,
}

/// Filter of the audit page and `planwatch audit`; empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub who: String,
    /// Matches the action itself or its prefix (`observation` matches `observation.update`).
    pub action: String,
    /// A substring of the object.
    pub object: String,
    /// Inclusive bounds: UTC days `YYYY-MM-DD` or UTC times `YYYY-MM-DDTHH:MM:SSZ` (the web
    /// page turns Beijing days into the latter).
    pub from: String,
    pub to: String,
    pub request_id: String,
}

impl crate::Store {
    /// Audit entries matching `filter`, newest first, with the total count.
    pub fn audit_log(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AuditRecord>, i64)> {
        authorize(actor, Action::ReadAudit)?;
        let r = self.reader()?;
        let like = |s: &str| format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let action_prefix = format!("{}.%", filter.action.replace('%', "").replace('_', "\\_"));
        // A day includes all its times; a time is the bound itself.
        let to = match filter.to.trim() {
            "" => String::new(),
            day if day.len() == 10 => format!("{day}T99"),
            time => time.to_string(),
        };
        let where_ = "WHERE (?1 = '' OR who = ?1)
              AND (?2 = '' OR action = ?2 OR action LIKE ?3 ESCAPE '\\')
              AND (?4 = '' OR object LIKE ?5 ESCAPE '\\')
              AND (?6 = '' OR at >= ?6)
              AND (?7 = '' OR at <= ?7)
              AND (?8 = '' OR request_id = ?8)";
        let object_like = like(filter.object.trim());
        let args: [&dyn crate::db::ToParam; 10] = [
            &filter.who.trim(),
            &filter.action.trim(),
            &action_prefix,
            &filter.object.trim(),
            &object_like,
            &filter.from.trim(),
            &to,
            &filter.request_id.trim(),
            &limit,
            &offset,
        ];
        let total: i64 = r.query_row(&format!("SELECT COUNT(*) FROM audit_log {where_}"), &args[..8], |r| r.get(0))?;
        let mut stmt = r.prepare(&format!(
            "SELECT id, at, user_id, who, role, channel, action, object, old_value, new_value, source, request_id
             FROM audit_log {where_} ORDER BY id DESC LIMIT ?9 OFFSET ?10"
        ))?;
        let rows = stmt.query_map(&args[..], |r| {
            Ok(AuditRecord {
                id: r.get(0)?,
                at: r.get(1)?,
                user_id: r.get(2)?,
                who: r.get(3)?,
                role: r.get(4)?,
                channel: r.get(5)?,
                action: r.get(6)?,
                object: r.get(7)?,
                old_value: r.get(8)?,
                new_value: r.get(9)?,
                source: r.get(10)?,
                request_id: r.get(11)?,
            })
        })?;
        Ok((rows.collect::<crate::Result<_>>()?, total))
    }

    /// Number of audit entries (tests and `planwatch check`).
    pub fn audit_count(&self) -> Result<i64> {
        self.reader()?.query_row("SELECT COUNT(*) FROM audit_log", params![], |r| r.get(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn editor(role: Role) -> Actor {
        Actor {
            user_id: Some(1),
            login: "u".into(),
            role,
            region: "合肥市".into(),
            place: "蜀山区".into(),
            department: "市科技局".into(),
            channel: Channel::Form,
            request_id: String::new(),
        }
    }

    #[test]
    fn district_editor_writes_only_its_own_unit() {
        let a = editor(Role::DistrictEditor);
        assert!(authorize(&a, Action::WriteObservations { region: "合肥市", place: "蜀山区" }).is_ok());
        assert!(authorize(&a, Action::WriteObservations { region: "合肥市", place: "包河区" }).is_err());
        // Same unit name in another region is another unit.
        assert!(authorize(&a, Action::WriteObservations { region: "重庆市", place: "蜀山区" }).is_err());
        assert!(authorize(&a, Action::ReportTask { region: "合肥市", owners: &["市科技局".into()] }).is_err());
        assert!(authorize(&a, Action::DefineIndicator).is_err());
        assert!(authorize(&a, Action::ReviewFigures).is_err());
    }

    #[test]
    fn department_editor_reports_only_tasks_it_owns() {
        let a = editor(Role::DepartmentEditor);
        let report = |owners: &[&str]| {
            let owners: Vec<String> = owners.iter().map(|o| o.to_string()).collect();
            authorize(&a, Action::ReportTask { region: "合肥市", owners: &owners })
        };
        assert!(report(&["市发展改革委", "市科技局"]).is_ok());
        assert!(report(&["市发展改革委"]).is_err());
        assert!(report(&[]).is_err());
        assert!(authorize(&a, Action::WriteObservations { region: "合肥市", place: "蜀山区" }).is_err());
    }

    #[test]
    fn a_department_is_its_region_and_its_name() {
        let a = editor(Role::DepartmentEditor);
        let owners = ["市科技局".to_string()];
        assert!(authorize(&a, Action::ReportTask { region: "合肥市", owners: &owners }).is_ok());
        // 市科技局 of 重庆市 is another department.
        let e = authorize(&a, Action::ReportTask { region: "重庆市", owners: &owners }).unwrap_err().to_string();
        assert!(e.contains("重庆市") && e.contains("只能填报合肥市"), "{e}");
        // A plan of no known region is nobody's region.
        assert!(authorize(&a, Action::ReportTask { region: "", owners: &owners }).is_err());
        // An account without a region reports nothing, and is told why.
        let none = Actor { region: String::new(), ..editor(Role::DepartmentEditor) };
        let e = authorize(&none, Action::ReportTask { region: "合肥市", owners: &owners }).unwrap_err().to_string();
        assert!(e.contains("未设所属地区"), "{e}");
        assert!(authorize(&none, Action::ReportTask { region: "", owners: &owners }).is_err());
    }

    #[test]
    fn analyst_reviews_but_does_not_report() {
        let a = editor(Role::Analyst);
        for ok in [Action::DefineIndicator, Action::DefineIndex, Action::PublishRanking, Action::ReviewFigures] {
            assert!(authorize(&a, ok).is_ok());
        }
        assert!(authorize(&a, Action::ManageUsers).is_err());
        assert!(authorize(&a, Action::WriteObservations { region: "合肥市", place: "蜀山区" }).is_err());
        let admin = editor(Role::Admin);
        assert!(authorize(&admin, Action::ManageUsers).is_ok());
    }

    #[test]
    fn roles_parse_from_names_and_labels() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
            assert_eq!(r.label().parse::<Role>().unwrap(), r);
        }
        assert_eq!("district".parse::<Role>().unwrap(), Role::DistrictEditor);
        assert!("root".parse::<Role>().is_err());
    }
}
