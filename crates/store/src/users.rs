//! Accounts, sessions and API tokens.
//!
//! Invariants:
//! - passwords are stored only as Argon2id PHC strings; session cookies and API tokens only
//!   as SHA-256 digests (they are long random secrets, so a fast hash is enough);
//! - sessions live in the database, so every server process of a store (SQLite file or
//!   PostgreSQL) accepts the same cookies, and logging out or disabling a user ends them all;
//! - repeated failed logins lock the account for a time that doubles with each further
//!   failure; a locked account refuses even the right password until the time has passed;
//! - every change of an account is audited like any other write.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::db::{params, OptionalExt, Row};
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
/// The longest lock.
const MAX_LOCK_SECONDS: i64 = 3600;
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
    "id, login, display_name, role, region, place, department, disabled, locked_until, created_at";

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
    /// Creates an account. The scope is checked against the dictionaries: a district
    /// editor's unit must lie inside its region; a department name is made canonical.
    pub fn add_user(&self, actor: &Actor, new: &NewUser) -> Result<User> {
        authorize(actor, Action::ManageUsers)?;
        let login = new.login.trim();
        if login.is_empty()
            || login.chars().count() > 64
            || !login.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err(StoreError::Invalid(format!(
                "账户名“{login}”无效:请用 1–64 个字母、数字或 . _ - @,不含空格。"
            )));
        }
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
            }
            Role::Admin | Role::Analyst => {}
        }
        let hash = hash_password(&new.password)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let taken = tx.query_row("SELECT 1 FROM users WHERE login = ?1", params![login], |_| Ok(())).optional()?;
        if taken.is_some() {
            return Err(StoreError::Invalid(format!("账户名“{login}”已被使用。")));
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
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "user.add",
                object: format!("user {login}"),
                old: None,
                new: Some(json!({"role": user.role, "region": user.region, "place": user.place,
                    "department": user.department, "display_name": user.display_name})),
                source: String::new(),
            },
        )?;
        tx.commit()?;
        Ok(user)
    }

    /// Every account (admins only: the list tells who may write what).
    pub fn users(&self, actor: &Actor) -> Result<Vec<User>> {
        authorize(actor, Action::ManageUsers)?;
        let r = self.reader()?;
        let mut stmt = r.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY login"))?;
        let rows = stmt.query_map([], user_row)?;
        rows.collect::<crate::Result<_>>()
    }

    pub fn user(&self, login: &str) -> Result<Option<User>> {
        let r = self.reader()?;
        r.query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE login = ?1"), params![login.trim()], user_row)
            .optional()
    }

    /// True once an enabled admin account exists: the bootstrap admin token then stops working.
    pub fn has_admin(&self) -> Result<bool> {
        let r = self.reader()?;
        Ok(r.query_row("SELECT 1 FROM users WHERE role = 'admin' AND disabled = 0 LIMIT 1", params![], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Disables (or re-enables) an account; disabling ends its sessions and tokens at once.
    pub fn set_user_disabled(&self, actor: &Actor, login: &str, disabled: bool) -> Result<()> {
        authorize(actor, Action::ManageUsers)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let (id, was): (i64, bool) = tx
            .query_row("SELECT id, disabled FROM users WHERE login = ?1", params![login.trim()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("user {login}")))?;
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
        if disabled {
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![id])?;
        }
        audit(
            &tx,
            actor,
            AuditEntry {
                action: if disabled { "user.disable" } else { "user.enable" },
                object: format!("user {}", login.trim()),
                old: Some(json!({"disabled": was})),
                new: Some(json!({"disabled": disabled})),
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
    pub fn login(
        &self,
        login: &str,
        password: &str,
        request_id: &str,
    ) -> Result<std::result::Result<NewSession, LoginRefusal>> {
        let found: Option<(User, String, i64)> = {
            let r = self.reader()?;
            r.query_row(
                &format!("SELECT {USER_COLUMNS}, password_hash, failed_logins FROM users WHERE login = ?1"),
                params![login.trim()],
                |row| Ok((user_row(row)?, row.get(10)?, row.get(11)?)),
            )
            .optional()?
        };
        let now = unix_now();
        let Some((user, phc, failures)) = found else {
            // Spend the time a real check takes, so response times do not reveal logins.
            let _ = verify_password(password, DUMMY_HASH);
            return Ok(Err(LoginRefusal::BadCredentials));
        };
        if user.locked_until > now {
            return Ok(Err(LoginRefusal::Locked(user.locked_until)));
        }
        let good = verify_password(password, &phc);
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let actor = user.actor(Channel::Form, request_id);
        if !good {
            let failures = failures + 1;
            let locked_until = if failures >= LOCK_AFTER {
                now + (60i64 << (failures - LOCK_AFTER).min(6)).min(MAX_LOCK_SECONDS)
            } else {
                0
            };
            tx.execute(
                "UPDATE users SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1",
                params![user.id, failures, locked_until],
            )?;
            audit(
                &tx,
                &actor,
                AuditEntry {
                    action: "login.fail",
                    object: format!("user {}", user.login),
                    old: None,
                    new: Some(json!({"failures": failures, "locked_until": locked_until})),
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
        if user.disabled {
            return Ok(Err(LoginRefusal::Disabled));
        }
        let secret = random_secret();
        let csrf = random_secret();
        let expires_at = now + SESSION_SECONDS;
        tx.execute("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?1", params![user.id])?;
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
                new: None,
                source: String::new(),
            },
        )?;
        tx.commit()?;
        Ok(Ok(NewSession { secret, csrf, user, expires_at }))
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
                Ok(SessionInfo { user: user_row(row)?, csrf: row.get(10)?, expires_at: row.get(11)? })
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
        let mut stmt = r.prepare(
            "SELECT t.id, t.label, t.prefix, t.created_at, t.last_used_at, t.revoked_at IS NOT NULL
             FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.login = ?1 ORDER BY t.id",
        )?;
        let rows = stmt.query_map(params![login.trim()], |r| {
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
