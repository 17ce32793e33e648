-- planwatch store, version 1. Applied once, in one transaction, by migrate.rs.

-- Small key/value facts about the store: the search generation counter.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('generation', '0');

-- Original bytes of every ingested file, by content hash, so a source can always be shown
-- and re-extracted.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size   INTEGER NOT NULL,
    bytes  BLOB NOT NULL
);

-- A logical document (one plan) across its versions. The summary columns describe the
-- effective (corrected) plan of the current version and are rewritten with every change.
CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,
    doc_key         TEXT NOT NULL UNIQUE,
    file_name       TEXT NOT NULL,
    current_version INTEGER,
    rev             INTEGER NOT NULL DEFAULT 1,
    changed_gen     INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    doc_number      TEXT NOT NULL DEFAULT '',
    issuer          TEXT NOT NULL DEFAULT '',
    region          TEXT NOT NULL DEFAULT '',
    signed_date     TEXT NOT NULL DEFAULT '',
    published_date  TEXT NOT NULL DEFAULT '',
    period_start    INTEGER,
    period_end      INTEGER,
    n_targets       INTEGER NOT NULL DEFAULT 0,
    n_tasks         INTEGER NOT NULL DEFAULT 0,
    n_industries    INTEGER NOT NULL DEFAULT 0,
    n_platforms     INTEGER NOT NULL DEFAULT 0,
    n_corrected     INTEGER NOT NULL DEFAULT 0,
    n_unmatched     INTEGER NOT NULL DEFAULT 0
);

-- One ingested file of a document. Never updated except by re-extraction (plan_json,
-- extractor); never deleted when a newer version arrives.
CREATE TABLE versions (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    seq         INTEGER NOT NULL,
    sha256      TEXT NOT NULL UNIQUE REFERENCES blobs(sha256),
    file_name   TEXT NOT NULL,
    size        INTEGER NOT NULL,
    format      TEXT NOT NULL,
    encoding    TEXT NOT NULL,
    source_text TEXT NOT NULL,
    plan_json   TEXT NOT NULL,
    extractor   TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    UNIQUE (document_id, seq)
);

-- An analyst's correction, kept apart from the machine extraction. `item_key` names the
-- machine item an edit or delete applies to (see corrections.rs); `patch_json` holds the
-- changed fields of an edit or the whole item of an add.
CREATE TABLE corrections (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents(id),
    kind          TEXT NOT NULL CHECK (kind IN ('target', 'task', 'industry', 'district', 'platform')),
    op            TEXT NOT NULL CHECK (op IN ('edit', 'add', 'delete')),
    item_key      TEXT,
    patch_json    TEXT,
    original_json TEXT,
    author        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX corrections_document ON corrections (document_id);

-- Derived from the effective current plan of each document; rebuilt with every change.
CREATE TABLE owner_tasks (
    document_id INTEGER NOT NULL REFERENCES documents(id),
    owner       TEXT NOT NULL,
    written     TEXT NOT NULL,
    role        TEXT NOT NULL,
    item_key    TEXT NOT NULL,
    section     TEXT NOT NULL,
    task        TEXT NOT NULL,
    span_start  INTEGER NOT NULL,
    span_end    INTEGER NOT NULL,
    corrected   INTEGER NOT NULL
);
CREATE INDEX owner_tasks_owner ON owner_tasks (owner);
CREATE INDEX owner_tasks_document ON owner_tasks (document_id);

CREATE TABLE place_items (
    document_id INTEGER NOT NULL REFERENCES documents(id),
    place       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    label       TEXT NOT NULL,
    detail      TEXT NOT NULL,
    span_start  INTEGER NOT NULL,
    span_end    INTEGER NOT NULL,
    corrected   INTEGER NOT NULL
);
CREATE INDEX place_items_place ON place_items (place);
CREATE INDEX place_items_document ON place_items (document_id);

CREATE TABLE plan_industries (
    document_id INTEGER NOT NULL REFERENCES documents(id),
    industry    TEXT NOT NULL,
    grp         TEXT NOT NULL,
    segments    TEXT NOT NULL,
    span_start  INTEGER NOT NULL,
    span_end    INTEGER NOT NULL,
    corrected   INTEGER NOT NULL
);
CREATE INDEX plan_industries_document ON plan_industries (document_id);
