//! Accounts, sessions and API tokens.
//!
//! Invariants:
//! - passwords are stored only as Argon2id PHC strings; session cookies and API tokens only
//!   as SHA-256 digests (they are long random secrets, so a fast hash is enough);
//! - sessions live in the database, so every server process of a store (SQLite file or
//!   PostgreSQL) accepts the same cookies, and logging out or disabling a user ends them all;
//! - repeated failed logins lock the account for a time that doubles with each further
//!   failure; a locked account refuses even the right password until the time has passed,
//!   without checking it. Tries are claimed (counted) atomically before the password check,
//!   so parallel guesses cannot pass the lock; failures also count per client address;
//! - logins are stored case-folded from a clear set of characters, so no login can pass for
//!   another (`valid_login`);
//! - the bootstrap admin token works only until the first admin account exists, for good;
//! - every change of an account is audited like any other write.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::db::{params, Db, OptionalExt, Row};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::Serialize;
use serde_json::json;

use crate::access::{audit, authorize, Action, Actor, AuditEntry, Channel, Role};
use crate::{sha256_hex, Result, Store, StoreError};

/// How long a login lasts.
pub const SESSION_SECONDS: i64 = 8 * 3600;
/// Failed logins in a row before the account is locked.
pub const LOCK_AFTER: i64 = 5;
/// The longest lock (of an account or an address).
const MAX_LOCK_SECONDS: i64 = 3600;
/// Failed logins one client address may have within [`ADDRESS_WINDOW`] before it is
/// refused: generous, as an office's users may share one address.
pub const ADDRESS_LIMIT: i64 = 20;
/// The window, in seconds, over which an address's failures count.
pub const ADDRESS_WINDOW: i64 = 15 * 60;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// A random secret of 32 bytes in hex (session ids, CSRF tokens, API tokens).
pub fn random_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with Argon2id (the crate's defaults: 19 MiB, 2 passes, OWASP's
/// recommendation) and a random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| StoreError::Invalid(format!("cannot make a password salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("cannot hash the password: {e}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

fn check_password_rules(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(StoreError::Invalid(format!("密码至少需要 {MIN_PASSWORD_CHARS} 个字符。")));
    }
    if password.trim() != password {
        return Err(StoreError::Invalid("密码首尾不能有空格。".into()));
    }
    Ok(())
}

/// An account as listed (never with its hash).
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub region: String,
    pub place: String,
    pub department: String,
    pub disabled: bool,
    /// Unix seconds until which logins are refused (0: not locked).
    pub locked_until: i64,
    /// Failed logins since the last successful one.
    pub failed_logins: i64,
    pub created_at: String,
}

impl User {
    /// The actor this user is when writing through `channel`.
    pub fn actor(&self, channel: Channel, request_id: &str) -> Actor {
        Actor {
            user_id: Some(self.id),
            login: self.login.clone(),
            role: self.role,
            region: self.region.clone(),
            place: self.place.clone(),
            department: self.department.clone(),
            channel,
            request_id: request_id.to_string(),
        }
    }
}

const USER_COLUMNS: &str =
    "id, login, display_name, role, region, place, department, disabled, locked_until, created_at, failed_logins";

/// [`USER_COLUMNS`] qualified by a table alias, for joins.
fn user_columns_of(alias: &str) -> String {
    USER_COLUMNS.split(',').map(|c| format!("{alias}.{}", c.trim())).collect::<Vec<_>>().join(", ")
}

fn user_row(r: &Row) -> crate::Result<User> {
    let role: String = r.get(3)?;
    Ok(User {
        id: r.get(0)?,
        login: r.get(1)?,
        display_name: r.get(2)?,
        role: role
            .parse()
            .map_err(|e: String| rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, e.into()))?,
        region: r.get(4)?,
        place: r.get(5)?,
        department: r.get(6)?,
        disabled: r.get(7)?,
        locked_until: r.get(8)?,
        created_at: r.get(9)?,
        failed_logins: r.get(10)?,
    })
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub region: String,
    pub place: String,
    pub department: String,
    pub password: String,
}

/// A successful login: the cookie value (shown once, kept only hashed) and the session's
/// CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub secret: String,
    pub csrf: String,
    pub user: User,
    pub expires_at: i64,
}

/// Why a login failed. The message never tells an unknown login from a wrong password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefusal {
    BadCredentials,
    /// Locked until this Unix time.
    Locked(i64),
    Disabled,
    /// The client address failed too often; refused until this Unix time.
    Throttled(i64),
}

/// A client address with failed logins in the current window, as the users page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct AddressThrottle {
    pub address: String,
    pub failures: i64,
    /// Unix seconds.
    pub window_start: i64,
    /// Unix seconds until which its logins are refused (in the past: not blocked).
    pub blocked_until: i64,
}

/// Current login locks: accounts locked by failed passwords, and addresses with failures.
#[derive(Debug, Clone, Serialize)]
pub struct LoginLocks {
    pub accounts: Vec<User>,
    pub addresses: Vec<AddressThrottle>,
}

/// A live session: who, and the CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: User,
    pub csrf: String,
    pub expires_at: i64,
}

/// An API token as listed (its secret is shown only when made).
#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub label: String,
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

impl Store {
    /// Verifies a password against a PHC hash (Argon2id: the slow step of a login), counted.
    fn check_password(&self, password: &str, phc: &str) -> bool {
        self.password_checks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        verify_password(password, phc)
    }

    /// Passwords this process has verified (including the dummy check of unknown logins):
    /// tests use it to prove that a lock stops the checking, not only the logging in.
    pub fn password_checks(&self) -> u64 {
        self.password_checks.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Creates an account. The scope is checked against the dictionaries: a district
    /// editor's unit must lie inside its region; a department name is made canonical.
    pub fn add_user(&self, actor: &Actor, new: &NewUser) -> Result<User> {
        authorize(actor, Action::ManageUsers)?;
        let login = &valid_login(&new.login)?;
        check_password_rules(&new.password)?;
        crate::limits::DISPLAY_NAME.check(new.display_name.trim())?;
        crate::limits::DEPARTMENT.check(new.department.trim())?;
        let (mut region, mut place, mut department) = (String::new(), String::new(), String::new());
        match new.role {
            Role::DistrictEditor => (region, place) = self.reporting_unit(&new.region, &new.place)?,
            Role::DepartmentEditor => {
                let d = new.department.trim();
                if d.is_empty() {
                    return Err(StoreError::Invalid("部门填报员需要所属部门(如 市科技局)。".into()));
                }
                department = self.dicts().department(d).unwrap_or(d).to_string();
                region = self.department_region(&new.region)?;
            }
            Role::Admin | Role::Analyst => {}
        }
        let hash = hash_password(&new.password)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        // Folded, a new login must differ from every existing one folded (older logins may
        // not be folded themselves: see migration 4).
        let existing: Vec<String> = tx.query_map("SELECT login FROM users", params![], |r| r.get(0))?;
        if let Some(same) = existing.iter().find(|e| fold_login(e) == *login) {
            return Err(StoreError::Invalid(format!(
                "账户名“{}”与已有账户“{same}”相同(账户名不区分大小写和全角半角):请换一个账户名。",
                new.login.trim()
            )));
        }
        let id: i64 = tx.query_row(
            &format!(
                "INSERT INTO users (login, display_name, role, region, place, department, password_hash, created_at,
                    password_set_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {NOW}, {NOW}) RETURNING id"
            ),
            params![login, new.display_name.trim(), new.role.as_str(), region, place, department, hash],
            |r| r.get(0),
        )?;
        let user = tx.query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"), params![id], user_row)?;
        let mut new_value = json!({"role": user.role, "region": user.region, "place": user.place,
            "department": user.department, "display_name": user.display_name});
        if user.role == Role::Admin {
            // The first admin closes the bootstrap token for good, in this same transaction.
            let first = tx.execute(
                &format!(
                    "INSERT INTO meta (key, value) VALUES ('bootstrap_closed', {NOW}) ON CONFLICT (key) DO NOTHING"
                ),
                params![],
            )?;
            if first > 0 {
                new_value["bootstrap_closed"] = json!(true);
            }
        }
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "user.add",
                object: format!("user {login}"),
                old: None,
                new: Some(new_value),
                source: String::new(),
            },
        )?;
        tx.commit()?;
        Ok(user)
    }

    /// The region of a department editor: a province or city of the dictionaries (full name),
    /// or `全国` for a central ministry. A department is a region and a name: 市科技局 of 合肥市
    /// reports on 合肥市's plans only.
    pub(crate) fn department_region(&self, region: &str) -> Result<String> {
        let r = region.trim();
        if r.is_empty() {
            return Err(StoreError::Invalid(
                "部门填报员需要所属地区(如 合肥市;中央部委填 全国):同名部门在不同城市是不同部门。".into(),
            ));
        }
        if r == "全国" {
            return Ok(r.to_string());
        }
        let unit = self.dicts().unit(r).or_else(|| self.dicts().place(r, None).filter(|p| p.level != "county"));
        match unit {
            Some(p) if p.level == "province" || p.level == "city" => Ok(p.name.clone()),
            // The message names what was given, cut short: it may come from any form.
            _ => Err(StoreError::Invalid(format!(
                "“{}”不是已知的省或市:部门填报员的所属地区请写省或市的全称,如 合肥市(中央部委填 全国)。",
                r.chars().take(32).collect::<String>()
            ))),
        }
    }

    /// Sets the region of a department editor (accounts made before departments had one
    /// report nothing until an admin sets it). Audited as `user.region`.
    pub fn set_user_region(&self, actor: &Actor, login: &str, region: &str) -> Result<User> {
        authorize(actor, Action::ManageUsers)?;
        let Some(user) = self.user(login)? else {
            return Err(StoreError::NotFound(format!("账户 {login}")));
        };
        if user.role != Role::DepartmentEditor {
            return Err(StoreError::Invalid(format!(
                "账户 {} 是{}:只有部门填报员的地区可以这样设置(区县填报员的地区和区县在新建账户时确定)。",
                user.login,
                user.role.label()
            )));
        }
        let region = self.department_region(region)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        tx.execute("UPDATE users SET region = ?2 WHERE id = ?1", params![user.id, region])?;
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "user.region",
                object: format!("user {}", user.login),
                old: Some(json!({"region": user.region})),
                new: Some(json!({"region": region})),
                source: String::new(),
            },
        )?;
        let updated =
            tx.query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"), params![user.id], user_row)?;
        tx.commit()?;
        Ok(updated)
    }

    /// Every account (admins only: the list tells who may write what).
    pub fn users(&self, actor: &Actor) -> Result<Vec<User>> {
        authorize(actor, Action::ManageUsers)?;
        let r = self.reader()?;
        let mut stmt = r.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY login"))?;
        let rows = stmt.query_map([], user_row)?;
        rows.collect::<crate::Result<_>>()
    }

    /// The account `login` names: the login as typed if an account has exactly it, else the
    /// one it folds to (logins are case-insensitive).
    pub fn user(&self, login: &str) -> Result<Option<User>> {
        let r = self.reader()?;
        let Some(id) = user_id_of(&r, login)? else { return Ok(None) };
        r.query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"), params![id], user_row).optional()
    }

    /// True when an enabled admin account exists (if none does and the bootstrap token is
    /// closed, only the command line can make one: the server's hint says so).
    pub fn has_admin(&self) -> Result<bool> {
        let r = self.reader()?;
        Ok(r.query_row("SELECT 1 FROM users WHERE role = 'admin' AND disabled = 0 LIMIT 1", params![], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// True until an admin account has ever existed: only then does the bootstrap admin
    /// token work. Disabling every admin does not reopen it (`meta.bootstrap_closed`, set with
    /// the first admin); a store without an enabled admin is recovered from the command line.
    pub fn bootstrap_open(&self) -> Result<bool> {
        let closed: i64 = self.reader()?.query_row(
            "SELECT (SELECT COUNT(*) FROM meta WHERE key = 'bootstrap_closed')
                  + (SELECT COUNT(*) FROM users WHERE role = 'admin')",
            params![],
            |r| r.get(0),
        )?;
        Ok(closed == 0)
    }

    /// Disables (or re-enables) an account; disabling ends its sessions and revokes its API
    /// tokens at once (re-enabling does not revive them: the owner makes new ones).
    pub fn set_user_disabled(&self, actor: &Actor, login: &str, disabled: bool) -> Result<()> {
        authorize(actor, Action::ManageUsers)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let id = user_id_of(&tx, login)?.ok_or_else(|| StoreError::NotFound(format!("user {login}")))?;
        let (stored, was): (String, bool) =
            tx.query_row("SELECT login, disabled FROM users WHERE id = ?1", params![id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if actor.user_id == Some(id) && disabled {
            return Err(StoreError::Invalid("不能停用自己的账户。".into()));
        }
        if was == disabled {
            return Ok(());
        }
        tx.execute(
            "UPDATE users SET disabled = ?2, failed_logins = 0, locked_until = 0 WHERE id = ?1",
            params![id, disabled],
        )?;
        let mut new_value = json!({"disabled": disabled});
        if disabled {
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![id])?;
            // Revoked, not only refused while disabled: enabling the account again must not
            // bring back a token that may have leaked meanwhile.
            let revoked = tx.execute(
                &format!("UPDATE api_tokens SET revoked_at = {NOW} WHERE user_id = ?1 AND revoked_at IS NULL"),
                params![id],
            )?;
            new_value["revoked_tokens"] = json!(revoked);
        }
        audit(
            &tx,
            actor,
            AuditEntry {
                action: if disabled { "user.disable" } else { "user.enable" },
                object: format!("user {stored}"),
                old: Some(json!({"disabled": was})),
                new: Some(new_value),
                source: String::new(),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Sets a password. A user changes its own with the current password; an admin sets
    /// anyone's. Every session of the account ends (a stolen cookie dies with the old password).
    pub fn set_password(&self, actor: &Actor, login: &str, current: Option<&str>, password: &str) -> Result<()> {
        let own = self.user(login)?.ok_or_else(|| StoreError::NotFound(format!("user {login}")))?;
        let is_self = actor.user_id == Some(own.id);
        if !is_self {
            authorize(actor, Action::ManageUsers)?;
        } else if actor.role != Role::Admin {
            let phc: String =
                self.reader()?
                    .query_row("SELECT password_hash FROM users WHERE id = ?1", params![own.id], |r| r.get(0))?;
            if !current.is_some_and(|c| verify_password(c, &phc)) {
                return Err(StoreError::Forbidden("当前密码不正确。".into()));
            }
        }
        check_password_rules(password)?;
        let hash = hash_password(password)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        tx.execute(
            &format!("UPDATE users SET password_hash = ?2, password_set_at = {NOW}, failed_logins = 0, locked_until = 0 WHERE id = ?1"),
            params![own.id, hash],
        )?;
        tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![own.id])?;
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "user.password",
                object: format!("user {}", own.login),
                old: None,
                new: None,
                source: String::new(),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Checks a login and password and opens a session. Failures count towards a lock
    /// whose length doubles with each further failure (1 min after 5, then 2, 4 … up to 1 h).
    ///
    /// A try is claimed before the slow password check: one statement increments the
    /// account's failure count unless it is locked, and the decision (go on, or lock) is made
    /// on the count that statement returns. Parallel guesses therefore each count, the lock
    /// falls after exactly [`LOCK_AFTER`] checks, and a locked account's passwords are not
    /// checked at all. A good password then resets the count.
    ///
    /// `client` is the caller's address as the web layer keys it ("" when unknown, as for
    /// tests): its tries are claimed the same way, before the account's, and an address over
    /// [`ADDRESS_LIMIT`] failures is refused before any account is looked at.
    pub fn login(
        &self,
        login: &str,
        password: &str,
        client: &str,
        request_id: &str,
    ) -> Result<std::result::Result<NewSession, LoginRefusal>> {
        let now = unix_now();
        let (address, claimed) = {
            let mut conn = self.writer()?;
            let tx = conn.transaction()?;
            let address = match claim_address_try(&tx, client, now)? {
                Ok(address) => address,
                Err(until) => {
                    tx.commit()?;
                    return Ok(Err(LoginRefusal::Throttled(until)));
                }
            };
            let claim = claim_account_try(&tx, login, now)?;
            tx.commit()?;
            (address, claim)
        };
        let (user, phc, failures, locked_until) = match claimed {
            AccountTry::Unknown => {
                // Spend the time a real check takes, so response times do not reveal logins.
                let _ = self.check_password(password, DUMMY_HASH);
                return Ok(Err(LoginRefusal::BadCredentials));
            }
            AccountTry::Locked(until) => return Ok(Err(LoginRefusal::Locked(until))),
            AccountTry::Claimed { user, phc, failures, locked_until } => (*user, phc, failures, locked_until),
        };
        let good = self.check_password(password, &phc);
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let actor = user.actor(Channel::Form, request_id);
        if !good {
            audit(
                &tx,
                &actor,
                AuditEntry {
                    action: "login.fail",
                    object: format!("user {}", user.login),
                    old: None,
                    new: Some(json!({"failures": failures, "locked_until": locked_until, "address": client})),
                    source: String::new(),
                },
            )?;
            tx.commit()?;
            return Ok(Err(if locked_until > now {
                LoginRefusal::Locked(locked_until)
            } else {
                LoginRefusal::BadCredentials
            }));
        }
        tx.execute("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?1", params![user.id])?;
        release_address_try(&tx, client, address)?;
        if user.disabled {
            tx.commit()?;
            return Ok(Err(LoginRefusal::Disabled));
        }
        let secret = random_secret();
        let csrf = random_secret();
        let expires_at = now + SESSION_SECONDS;
        tx.execute("DELETE FROM sessions WHERE expires_at <= ?1", params![now])?;
        tx.execute(
            "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![sha256_hex(secret.as_bytes()), user.id, csrf, now, expires_at],
        )?;
        audit(
            &tx,
            &actor,
            AuditEntry {
                action: "login",
                object: format!("user {}", user.login),
                old: None,
                new: (!client.is_empty()).then(|| json!({"address": client})),
                source: String::new(),
            },
        )?;
        tx.commit()?;
        let user = User { failed_logins: 0, locked_until: 0, ..user };
        Ok(Ok(NewSession { secret, csrf, user, expires_at }))
    }

    /// Claims one try of the bootstrap admin token from `client` (the address throttle
    /// applies to it as to passwords). `Err(until)` when the address is blocked; after a good
    /// token, [`Store::token_try_succeeded`] takes the try back.
    pub fn claim_token_try(&self, client: &str) -> Result<std::result::Result<i64, i64>> {
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let claim = claim_address_try(&tx, client, unix_now())?;
        tx.commit()?;
        Ok(claim)
    }

    /// A good bootstrap token: its try does not count against the address.
    pub fn token_try_succeeded(&self, client: &str, claim: i64) -> Result<()> {
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        release_address_try(&tx, client, claim)?;
        tx.commit()?;
        Ok(())
    }

    /// Accounts locked by failed passwords and addresses with failed logins in the current
    /// window (admins only), for the users page.
    pub fn login_locks(&self, actor: &Actor) -> Result<LoginLocks> {
        authorize(actor, Action::ManageUsers)?;
        let now = unix_now();
        let r = self.reader()?;
        let accounts = r.query_map(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE locked_until > ?1 ORDER BY login"),
            params![now],
            user_row,
        )?;
        let addresses = r.query_map(
            "SELECT address, failures, window_start, blocked_until FROM login_throttle
             WHERE blocked_until > ?1 OR (failures > 0 AND window_start > ?2)
             ORDER BY blocked_until DESC, failures DESC, address LIMIT 200",
            params![now, now - ADDRESS_WINDOW],
            |r| {
                Ok(AddressThrottle {
                    address: r.get(0)?,
                    failures: r.get(1)?,
                    window_start: r.get(2)?,
                    blocked_until: r.get(3)?,
                })
            },
        )?;
        Ok(LoginLocks { accounts, addresses })
    }

    /// Clears an account's failed logins and lock (admins only). False, and nothing written,
    /// when there was nothing to clear.
    pub fn unlock_user(&self, actor: &Actor, login: &str) -> Result<bool> {
        authorize(actor, Action::ManageUsers)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let id = user_id_of(&tx, login)?.ok_or_else(|| StoreError::NotFound(format!("user {login}")))?;
        let (stored, failures, locked_until): (String, i64, i64) =
            tx.query_row("SELECT login, failed_logins, locked_until FROM users WHERE id = ?1", params![id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        if failures == 0 && locked_until == 0 {
            return Ok(false);
        }
        tx.execute("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?1", params![id])?;
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "user.unlock",
                object: format!("user {stored}"),
                old: Some(json!({"failures": failures, "locked_until": locked_until})),
                new: Some(json!({"failures": 0, "locked_until": 0})),
                source: String::new(),
            },
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Forgets an address's failed logins and lifts its block (admins only). False, and
    /// nothing written, when the address had none.
    pub fn unblock_address(&self, actor: &Actor, address: &str) -> Result<bool> {
        authorize(actor, Action::ManageUsers)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let removed: Option<(i64, i64)> = tx
            .query_row(
                "DELETE FROM login_throttle WHERE address = ?1 AND (failures > 0 OR blocked_until > 0)
                 RETURNING failures, blocked_until",
                params![address.trim()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((failures, blocked_until)) = removed else { return Ok(false) };
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "login.unblock",
                object: format!("address {}", address.trim()),
                old: Some(json!({"failures": failures, "blocked_until": blocked_until})),
                new: None,
                source: String::new(),
            },
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// The live session of a cookie value, if any (expired sessions and disabled users have none).
    pub fn session(&self, secret: &str) -> Result<Option<SessionInfo>> {
        if secret.len() != 64 {
            return Ok(None);
        }
        let r = self.reader()?;
        let cols = user_columns_of("u");
        let found = r
            .prepare_cached(&format!(
                "SELECT {cols}, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.id_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0"
            ))?
            .query_row(params![sha256_hex(secret.as_bytes()), unix_now()], |row| {
                Ok(SessionInfo { user: user_row(row)?, csrf: row.get(11)?, expires_at: row.get(12)? })
            })
            .optional()?;
        Ok(found)
    }

    /// Ends a session (logout).
    pub fn end_session(&self, secret: &str) -> Result<()> {
        let conn = self.writer()?;
        conn.execute("DELETE FROM sessions WHERE id_hash = ?1", params![sha256_hex(secret.as_bytes())])?;
        Ok(())
    }

    /// Makes an API token for `login` (its owner or an admin may). The token is returned
    /// once and stored only as a digest.
    pub fn create_token(&self, actor: &Actor, login: &str, label: &str) -> Result<String> {
        crate::limits::TOKEN_LABEL.check(label.trim())?;
        let user = self.user(login)?.ok_or_else(|| StoreError::NotFound(format!("user {login}")))?;
        if actor.user_id != Some(user.id) {
            authorize(actor, Action::ManageUsers)?;
        }
        let token = format!("pwt_{}", random_secret());
        let prefix: String = token.chars().take(12).collect();
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        tx.execute(
            &format!(
                "INSERT INTO api_tokens (user_id, label, token_hash, prefix, created_at) VALUES (?1, ?2, ?3, ?4, {NOW})"
            ),
            params![user.id, label.trim(), sha256_hex(token.as_bytes()), prefix],
        )?;
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "token.add",
                object: format!("user {}", user.login),
                old: None,
                new: Some(json!({"label": label.trim(), "prefix": prefix})),
                source: String::new(),
            },
        )?;
        tx.commit()?;
        Ok(token)
    }

    pub fn tokens(&self, login: &str) -> Result<Vec<ApiToken>> {
        let r = self.reader()?;
        let Some(id) = user_id_of(&r, login)? else { return Ok(Vec::new()) };
        let mut stmt = r.prepare(
            "SELECT t.id, t.label, t.prefix, t.created_at, t.last_used_at, t.revoked_at IS NOT NULL
             FROM api_tokens t WHERE t.user_id = ?1 ORDER BY t.id",
        )?;
        let rows = stmt.query_map(params![id], |r| {
            Ok(ApiToken {
                id: r.get(0)?,
                label: r.get(1)?,
                prefix: r.get(2)?,
                created_at: r.get(3)?,
                last_used_at: r.get(4)?,
                revoked: r.get(5)?,
            })
        })?;
        rows.collect::<crate::Result<_>>()
    }

    /// Revokes a token of `login` (its owner or an admin may).
    pub fn revoke_token(&self, actor: &Actor, login: &str, token_id: i64) -> Result<()> {
        let user = self.user(login)?.ok_or_else(|| StoreError::NotFound(format!("user {login}")))?;
        if actor.user_id != Some(user.id) {
            authorize(actor, Action::ManageUsers)?;
        }
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let n = tx.execute(
            &format!("UPDATE api_tokens SET revoked_at = {NOW} WHERE id = ?1 AND user_id = ?2 AND revoked_at IS NULL"),
            params![token_id, user.id],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("token {token_id} of {login}")));
        }
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "token.revoke",
                object: format!("user {}", user.login),
                old: None,
                new: Some(json!({"token": token_id})),
                source: String::new(),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The user of an API token, if it is live and its user enabled.
    pub fn token_user(&self, token: &str) -> Result<Option<User>> {
        if !token.starts_with("pwt_") || token.len() != 68 {
            return Ok(None);
        }
        let r = self.reader()?;
        let cols = user_columns_of("u");
        let found = r
            .prepare_cached(&format!(
                "SELECT {cols} FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.disabled = 0"
            ))?
            .query_row(params![sha256_hex(token.as_bytes())], user_row)
            .optional()?;
        Ok(found)
    }
}

/// The outcome of claiming a login try (see [`Store::login`]).
enum AccountTry {
    Unknown,
    Locked(i64),
    /// The try is counted: the account, its hash, the failure count including this try,
    /// and the lock this try set (0 if none).
    Claimed {
        user: Box<User>,
        phc: String,
        failures: i64,
        locked_until: i64,
    },
}

/// The lock after `failures` failures in a row: none below [`LOCK_AFTER`], then 1 min,
/// doubling with each further failure, at most [`MAX_LOCK_SECONDS`].
fn lock_seconds(failures: i64) -> i64 {
    if failures < LOCK_AFTER {
        return 0;
    }
    (60i64 << (failures - LOCK_AFTER).min(6)).min(MAX_LOCK_SECONDS)
}

/// Counts one try of `login` inside the caller's write transaction, unless the account is
/// locked: the increment and the lock condition are one statement, and what follows is
/// decided on the count it returns, never on a value read earlier.
fn claim_account_try(tx: &Db, login: &str, now: i64) -> Result<AccountTry> {
    let Some(id) = user_id_of(tx, login)? else { return Ok(AccountTry::Unknown) };
    let counted: Option<i64> = tx
        .query_row(
            "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?1 AND locked_until <= ?2
             RETURNING failed_logins",
            params![id, now],
            |r| r.get(0),
        )
        .optional()?;
    let Some(failures) = counted else {
        let until: i64 = tx.query_row("SELECT locked_until FROM users WHERE id = ?1", params![id], |r| r.get(0))?;
        return Ok(AccountTry::Locked(until));
    };
    let lock = lock_seconds(failures);
    let locked_until = if lock > 0 { now + lock } else { 0 };
    if lock > 0 {
        tx.execute("UPDATE users SET locked_until = ?2 WHERE id = ?1", params![id, locked_until])?;
    }
    let (user, phc) =
        tx.query_row(&format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE id = ?1"), params![id], |row| {
            Ok((user_row(row)?, row.get(11)?))
        })?;
    Ok(AccountTry::Claimed { user: Box::new(user), phc, failures, locked_until })
}

/// Counts one try from `client` inside the caller's write transaction, as
/// [`claim_account_try`] does for accounts: one upsert increments the address's failures
/// (a new window once the old one has passed) unless it is blocked, and the block is decided
/// on the count it returns. `Ok(blocked)` is the block this try set (0 if none), to be taken
/// back if the login succeeds; `Err(until)` when the address is blocked. An empty `client`
/// (unknown address) is not throttled.
fn claim_address_try(tx: &Db, client: &str, now: i64) -> Result<std::result::Result<i64, i64>> {
    if client.is_empty() {
        return Ok(Ok(0));
    }
    // Old entries go: the table holds only addresses of the current window or blocked.
    tx.execute(
        "DELETE FROM login_throttle WHERE blocked_until <= ?1 AND window_start <= ?2",
        params![now, now - ADDRESS_WINDOW],
    )?;
    let counted: Option<i64> = tx
        .query_row(
            "INSERT INTO login_throttle (address, failures, window_start, blocked_until) VALUES (?1, 1, ?2, 0)
             ON CONFLICT (address) DO UPDATE SET
                 failures = CASE WHEN login_throttle.window_start <= ?3 THEN 1 ELSE login_throttle.failures + 1 END,
                 window_start = CASE WHEN login_throttle.window_start <= ?3 THEN ?2 ELSE login_throttle.window_start END
             WHERE login_throttle.blocked_until <= ?2
             RETURNING failures",
            params![client, now, now - ADDRESS_WINDOW],
            |r| r.get(0),
        )
        .optional()?;
    let Some(failures) = counted else {
        let until: i64 =
            tx.query_row("SELECT blocked_until FROM login_throttle WHERE address = ?1", params![client], |r| r.get(0))?;
        return Ok(Err(until));
    };
    if failures < ADDRESS_LIMIT {
        return Ok(Ok(0));
    }
    let blocked_until = now + (60i64 << (failures - ADDRESS_LIMIT).min(6)).min(MAX_LOCK_SECONDS);
    tx.execute("UPDATE login_throttle SET blocked_until = ?2 WHERE address = ?1", params![client, blocked_until])?;
    Ok(Ok(blocked_until))
}

/// Takes back a try [`claim_address_try`] counted, once it proved good: only failures count
/// against an address (many people of one office may log in from it). A block this very try
/// set is lifted with it.
fn release_address_try(tx: &Db, client: &str, blocked_by_this_try: i64) -> Result<()> {
    if client.is_empty() {
        return Ok(());
    }
    tx.execute(
        "UPDATE login_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
             blocked_until = CASE WHEN ?2 > 0 AND blocked_until = ?2 THEN 0 ELSE blocked_until END
         WHERE address = ?1",
        params![client, blocked_by_this_try],
    )?;
    tx.execute(
        "DELETE FROM login_throttle WHERE address = ?1 AND failures = 0 AND blocked_until = 0",
        params![client],
    )?;
    Ok(())
}

/// The id of the account `login` names: exactly as typed if there is one (older logins,
/// made before logins were folded, stay reachable as they were typed), else by its folded form.
fn user_id_of(conn: &Db, login: &str) -> Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM users WHERE login = ?1 OR login = ?2 ORDER BY CASE WHEN login = ?1 THEN 0 ELSE 1 END LIMIT 1",
        params![login.trim(), fold_login(login)],
        |r| r.get(0),
    )
    .optional()
}

/// A login as compared and stored: Unicode NFKC (full-width letters become ASCII), then lower
/// case, without surrounding spaces. `YUBEI`, `yubei` and `ｙｕｂｅｉ` are one login.
pub fn fold_login(login: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    login.trim().nfkc().collect::<String>().to_lowercase()
}

/// Chinese characters (CJK Unified Ideographs and their extensions A–F, G): allowed in logins.
fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x30000..=0x3134F)
}

/// Checks a new login and returns its folded form. Allowed: ASCII letters and digits,
/// `. _ - @` and Chinese characters, 1–64 of them. Letters of other scripts are refused:
/// Cyrillic `і` or Greek `ο` look like Latin ones, so `yubeі` could pass for `yubei`.
pub fn valid_login(login: &str) -> Result<String> {
    let folded = fold_login(login);
    let shown = login.trim();
    let allowed = "账户名只能用英文字母、数字、汉字和 . _ - @";
    if folded.is_empty() || folded.chars().count() > 64 {
        return Err(StoreError::Invalid(format!("账户名需要 1–64 个字符:{allowed}。")));
    }
    if let Some(c) =
        folded.chars().find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@') || is_han(c)))
    {
        let code = format!("U+{:04X}", c as u32);
        let what = if c.is_whitespace() || c.is_control() || matches!(c as u32, 0x200B..=0x200F | 0x2060 | 0xFEFF) {
            format!("含有空白或不可见字符({code})")
        } else if c.is_alphabetic() {
            format!(
                "“{c}”({code})不是英文字母或汉字。其他文字的字母(如西里尔字母 і、希腊字母 ο)与英文字母外形相近,\
                 可被用来冒充他人的账户名,因此不予接受"
            )
        } else {
            format!("不能含有“{c}”({code})")
        };
        return Err(StoreError::Invalid(format!("账户名“{shown}”无效:{what}。{allowed},不区分大小写。")));
    }
    Ok(folded)
}

/// A valid Argon2id hash of a random password, checked against when the login is unknown.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$Xk9pXmM0g1ZQp7b0gKk5h6l3JrWq6n0p8m2bB7mQy4Y";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hashes_verify_and_carry_their_parameters() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        // Same password, new salt, new hash.
        assert_ne!(h, hash_password("correct horse battery").unwrap());
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn short_or_padded_passwords_are_refused() {
        assert!(check_password_rules("short").is_err());
        assert!(check_password_rules(" padded-password ").is_err());
        assert!(check_password_rules("长密码也可以用中文字符").is_ok());
    }
}
