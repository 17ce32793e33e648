//! `planwatch user`, `planwatch audit` and `planwatch approval`: accounts, the audit log and
//! the approval of district figures from the command line. The store decides what the
//! acting user (`--as`, or the operator) may do, as it does for the web.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Subcommand;
use planwatch_monitor::Period;
use planwatch_store::users::NewUser;
use planwatch_store::{ApprovalStep, AuditFilter, Role};

use crate::workspace::{actor, open_store, Workspace};
use crate::Common;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is asked for (or read from stdin with --password-stdin).
    Add {
        login: String,
        /// admin, analyst, district (a district editor) or department (a department editor).
        #[arg(long)]
        role: Role,
        /// Name shown on pages, e.g. 张伟.
        #[arg(long, default_value = "")]
        name: String,
        /// District and department editors: the city or province, e.g. 合肥市 (全国 for a
        /// central ministry's department editor). A department reports on its region's plans only.
        #[arg(long, default_value = "")]
        region: String,
        /// District editors: their unit (name or GB/T 2260 code), e.g. 蜀山区.
        #[arg(long, default_value = "")]
        place: String,
        /// Department editors: their department, e.g. 市科技局.
        #[arg(long, default_value = "")]
        department: String,
        /// Read the password from the first line of standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: its sessions end and its API tokens are revoked at once (enabling
    /// it again does not revive them).
    Disable { login: String },
    /// Set a department editor's region (accounts made before departments had one report
    /// nothing until it is set), e.g. `user region kjj --to 合肥市`.
    Region {
        login: String,
        #[arg(long)]
        to: String,
    },
    /// Enable a disabled account again (also clears a login lock).
    Enable { login: String },
    /// Set an account's password (ends its sessions).
    Passwd {
        login: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Make an API token for an account's scripts; printed once, stored only hashed.
    Token {
        login: String,
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List an account's API tokens.
    Tokens { login: String },
    /// Revoke an API token.
    Revoke { login: String, token_id: i64 },
}

#[derive(clap::Args)]
pub struct AuditArgs {
    /// Only entries by this login.
    #[arg(long, default_value = "")]
    who: String,
    /// Only this action or family of actions (e.g. observation, approval.approve).
    #[arg(long, default_value = "")]
    action: String,
    /// Only objects containing this text (e.g. 蜀山区, P2-T01).
    #[arg(long, default_value = "")]
    object: String,
    /// From this date (YYYY-MM-DD).
    #[arg(long, default_value = "")]
    from: String,
    /// To this date (YYYY-MM-DD).
    #[arg(long, default_value = "")]
    to: String,
    #[arg(long, default_value = "")]
    request_id: String,
    #[arg(long, default_value_t = 50)]
    limit: i64,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum ApprovalCommand {
    /// Units and periods of a region with their approval state.
    List {
        #[arg(long)]
        region: String,
        #[arg(long)]
        period: Option<Period>,
        #[arg(long)]
        json: bool,
    },
    /// A step: submit (district editor), approve, return or unapprove (analyst).
    #[command(name = "submit")]
    Submit(StepArgs),
    Approve(StepArgs),
    Return(StepArgs),
    Unapprove(StepArgs),
}

#[derive(clap::Args)]
pub struct StepArgs {
    #[arg(long)]
    region: String,
    #[arg(long)]
    place: String,
    #[arg(long)]
    period: Period,
    /// Required for return and unapprove: why.
    #[arg(long, default_value = "")]
    comment: String,
    /// Submit or approve even though the cell holds values flagged 待核实 (they count nowhere
    /// until an analyst confirms them or the unit corrects them).
    #[arg(long)]
    acknowledge_flagged: bool,
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("password: ")?;
    let again = rpassword::prompt_password("again: ")?;
    if first != again {
        bail!("the two passwords differ");
    }
    Ok(first)
}

pub fn user(db: &Workspace, common: &Common, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let actor = actor(&store, common)?;
    match cmd {
        UserCommand::Add { login, role, name, region, place, department, password_stdin } => {
            let password = read_password(password_stdin)?;
            let u = store
                .add_user(&actor, &NewUser { login, display_name: name, role, region, place, department, password })?;
            eprintln!(
                "planwatch: account {} created ({})",
                u.login,
                u.actor(planwatch_store::Channel::Cli, "").scope()
            );
        }
        UserCommand::List { json } => {
            let users = store.users(&actor)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&users)?);
            } else {
                for u in users {
                    let scope = u.actor(planwatch_store::Channel::Cli, "").scope();
                    let state = if u.disabled { "disabled" } else { "active" };
                    println!("{}\t{}\t{}\t{}\t{}", u.login, u.display_name, scope, state, u.created_at);
                }
            }
        }
        UserCommand::Disable { login } => {
            store.set_user_disabled(&actor, &login, true)?;
            eprintln!("planwatch: {login} disabled; its sessions ended and its API tokens are revoked");
        }
        UserCommand::Region { login, to } => {
            let u = store.set_user_region(&actor, &login, &to)?;
            eprintln!("planwatch: {login} is now {}", u.actor(planwatch_store::Channel::Cli, "").scope());
        }
        UserCommand::Enable { login } => {
            store.set_user_disabled(&actor, &login, false)?;
            eprintln!("planwatch: {login} enabled");
        }
        UserCommand::Passwd { login, password_stdin } => {
            let password = read_password(password_stdin)?;
            store.set_password(&actor, &login, None, &password)?;
            eprintln!("planwatch: password of {login} set; its sessions ended");
        }
        UserCommand::Token { login, label } => {
            let token = store.create_token(&actor, &login, &label)?;
            println!("{token}");
            eprintln!("planwatch: API token for {login} (shown once; send as `Authorization: Bearer <token>`)");
        }
        UserCommand::Tokens { login } => {
            for t in store.tokens(&login)? {
                println!(
                    "{}\t{}…\t{}\t{}\t{}",
                    t.id,
                    t.prefix,
                    t.label,
                    t.created_at,
                    if t.revoked { "revoked" } else { "live" }
                );
            }
        }
        UserCommand::Revoke { login, token_id } => {
            store.revoke_token(&actor, &login, token_id)?;
            eprintln!("planwatch: token {token_id} of {login} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn audit(db: &Workspace, common: &Common, a: AuditArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let actor = actor(&store, common)?;
    let filter = AuditFilter {
        who: a.who,
        action: a.action,
        object: a.object,
        from: a.from,
        to: a.to,
        request_id: a.request_id,
    };
    let (rows, total) = store.audit_log(&actor, &filter, a.limit.max(1), 0)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        for r in &rows {
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{} → {}\t{}",
                r.at,
                r.who,
                r.channel,
                r.action,
                r.object,
                r.source,
                r.old_value.as_deref().unwrap_or("-"),
                r.new_value.as_deref().unwrap_or("-"),
                r.request_id
            );
        }
    }
    eprintln!("planwatch: {} of {total} entries", rows.len());
    Ok(ExitCode::SUCCESS)
}

pub fn approval(db: &Workspace, common: &Common, cmd: ApprovalCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let (step, args) = match cmd {
        ApprovalCommand::List { region, period, json } => {
            let list = store.approvals(&region, None, period)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for a in list {
                    println!(
                        "{}\t{}\t{}\t{} values\t{}\t{}",
                        a.period,
                        a.place,
                        a.state.label(),
                        a.values,
                        a.reviewed_by,
                        a.comment
                    );
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        ApprovalCommand::Submit(a) => (ApprovalStep::Submit, a),
        ApprovalCommand::Approve(a) => (ApprovalStep::Approve, a),
        ApprovalCommand::Return(a) => (ApprovalStep::Return, a),
        ApprovalCommand::Unapprove(a) => (ApprovalStep::Unapprove, a),
    };
    let actor = actor(&store, common)?;
    let a = store.approval_step_with(
        &actor,
        &args.region,
        &args.place,
        args.period,
        step,
        &args.comment,
        args.acknowledge_flagged,
    )?;
    eprintln!("planwatch: {}{} {}: {}", a.region, a.place, a.period, a.state.label());
    Ok(ExitCode::SUCCESS)
}
