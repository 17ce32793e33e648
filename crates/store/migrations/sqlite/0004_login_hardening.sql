-- Hardening of accounts and logins (issue 14).

-- Once an admin account has existed the bootstrap admin token is closed for good, even if
-- every admin is later disabled (recovery is `planwatch user enable` / `user add --role
-- admin`). The fact is set in the transaction that creates the first admin; stores that
-- already have one get it here.
INSERT INTO meta (key, value)
SELECT 'bootstrap_closed', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
WHERE EXISTS (SELECT 1 FROM users WHERE role = 'admin');

-- Disabling an account now revokes its API tokens (re-enabling must not revive them): do the
-- same for accounts disabled before, audited like the application's own revocations.
INSERT INTO audit_log (at, user_id, who, role, channel, action, object, old_value, new_value, source, request_id)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), NULL, 'migration', 'admin', 'system', 'token.revoke',
       'user ' || u.login, NULL, json_object('token', t.id, 'reason', 'account disabled'), '', ''
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE u.disabled <> 0 AND t.revoked_at IS NULL;
UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE disabled <> 0);

-- Logins are compared case-folded now (users.rs fold_login). Existing logins with capitals
-- are lowered where no other login differs from them only in case, audited as user.rename;
-- the others stay as they are and still log in exactly as typed (lookups try the login as
-- typed first). lower() folds ASCII only, as the allowed characters are ASCII and Chinese.
INSERT INTO audit_log (at, user_id, who, role, channel, action, object, old_value, new_value, source, request_id)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), NULL, 'migration', 'admin', 'system', 'user.rename',
       'user ' || lower(u.login), json_object('login', u.login), json_object('login', lower(u.login)), '', ''
FROM users u
WHERE u.login <> lower(u.login)
  AND NOT EXISTS (SELECT 1 FROM users o WHERE o.id <> u.id AND lower(o.login) = lower(u.login));
UPDATE users SET login = lower(login)
WHERE login <> lower(login)
  AND NOT EXISTS (SELECT 1 FROM users o WHERE o.id <> users.id AND lower(o.login) = lower(users.login));

-- Failed logins per client address (the web layer's key: an IPv4 address or an IPv6 /64):
-- an address failing ADDRESS_LIMIT logins within ADDRESS_WINDOW is refused for a while,
-- doubling, so one attacker cannot try many accounts; admins see and lift blocks. Unix seconds.
CREATE TABLE login_throttle (
    address       TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL DEFAULT 0,
    window_start  INTEGER NOT NULL DEFAULT 0,
    blocked_until INTEGER NOT NULL DEFAULT 0
);
