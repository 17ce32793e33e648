-- Accounts, sessions, API tokens, the audit log and the approval of district figures.
-- Times of security decisions (expiry, lockout) are Unix seconds: compared as integers on
-- every backend. Times shown to people are ISO 8601 UTC text, like the rest of the schema.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    login           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'district_editor', 'department_editor')),
    -- District editors: the city or province and the unit inside it whose figures they write.
    region          TEXT NOT NULL DEFAULT '',
    place           TEXT NOT NULL DEFAULT '',
    -- Department editors: the canonical department name whose tasks they report on.
    department      TEXT NOT NULL DEFAULT '',
    -- Argon2id, PHC string format (algorithm, parameters and salt travel with the hash).
    password_hash   TEXT NOT NULL,
    disabled        INTEGER NOT NULL DEFAULT 0,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    password_set_at TEXT NOT NULL
);

-- Live sessions, shared by every server process of the store. Only the SHA-256 of the
-- cookie is kept: a copy of the database does not hold usable cookies.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API tokens for scripts, one user each; only the SHA-256 is kept, the token is shown once.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    label        TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Every write, appended in the transaction of the write itself. Nothing in planwatch updates
-- or deletes a row here, and the triggers refuse it from anywhere else.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    INTEGER,
    who        TEXT NOT NULL,
    role       TEXT NOT NULL,
    channel    TEXT NOT NULL,
    action     TEXT NOT NULL,
    object     TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT,
    source     TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_who ON audit_log (who, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The approval state of one unit's figures for one period (all indicators of the region):
-- submitted by the unit's editor, approved or returned by an analyst. Submitted and
-- approved figures are locked; an approval is undone only explicitly (audited).
CREATE TABLE approvals (
    id           INTEGER PRIMARY KEY,
    region       TEXT NOT NULL,
    place        TEXT NOT NULL,
    period       TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'returned')),
    submitted_by TEXT NOT NULL DEFAULT '',
    submitted_at TEXT NOT NULL DEFAULT '',
    reviewed_by  TEXT NOT NULL DEFAULT '',
    reviewed_at  TEXT NOT NULL DEFAULT '',
    comment      TEXT NOT NULL DEFAULT '',
    UNIQUE (region, place, period)
);

-- Import originals are kept like document originals, so every stored value leads back to
-- the bytes of the file it came from.
ALTER TABLE imports ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
