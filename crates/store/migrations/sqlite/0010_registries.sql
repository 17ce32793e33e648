-- Registries (issue 17): the lists the plans order (企业白名单与梯度培育, 应用场景, 技术需求,
-- 推广目录, 人才需求, 创新资源), one engine over kinds kept as data (data/registries.toml).
-- An entry is (kind, region, key) with its fields as JSON; its history, tier history, the
-- frozen published batches (第N批), links to plan items and bindings of counts to indicators.

-- One accepted registry file.
CREATE TABLE registry_imports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    region      TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    inserted    INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    who         TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    synthetic   INTEGER NOT NULL DEFAULT 0,
    request_id  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE registry_entries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    region      TEXT NOT NULL,
    key         TEXT NOT NULL,
    place       TEXT NOT NULL,
    place_code  TEXT NOT NULL DEFAULT '',
    industry    TEXT NOT NULL DEFAULT '',
    -- The current tier (kinds with a tier field), '' otherwise.
    tier        TEXT NOT NULL DEFAULT '',
    -- Every filled field by id (JSON object), canonical forms.
    fields      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved')),
    -- The kind's `since` date field, when filled: the entry counts from that day; else
    -- from the day it was first approved.
    since       TEXT,
    approved_at TEXT,
    approved_by TEXT,
    import_id   INTEGER REFERENCES registry_imports(id),
    synthetic   INTEGER NOT NULL DEFAULT 0,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (kind, region, key)
);
CREATE INDEX registry_entries_place ON registry_entries (kind, region, place);
CREATE INDEX registry_entries_status ON registry_entries (kind, region, status);

-- Every change of an entry after its creation: changed fields (old and new), status steps.
CREATE TABLE registry_entry_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id    INTEGER NOT NULL REFERENCES registry_entries(id),
    old_value   TEXT,
    new_value   TEXT,
    who         TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    import_id   INTEGER REFERENCES registry_imports(id)
);
CREATE INDEX registry_entry_history_entry ON registry_entry_history (entry_id);

-- Tier history: a rung held from `gained` until `lost` (NULL while held).
CREATE TABLE registry_tiers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id    INTEGER NOT NULL REFERENCES registry_entries(id),
    tier        TEXT NOT NULL,
    rung        INTEGER NOT NULL,
    gained      TEXT NOT NULL,
    lost        TEXT,
    source      TEXT NOT NULL DEFAULT '',
    import_id   INTEGER REFERENCES registry_imports(id)
);
CREATE INDEX registry_tiers_entry ON registry_tiers (entry_id);

-- A published list (第N批): frozen, never rewritten.
CREATE TABLE registry_batches (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    region       TEXT NOT NULL,
    number       INTEGER NOT NULL CHECK (number >= 1),
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    members      INTEGER NOT NULL,
    -- Against the batch before: {"added": [...], "removed": [...], "changed": [...]}.
    diff         TEXT NOT NULL,
    UNIQUE (kind, region, number)
);

CREATE TABLE registry_batch_members (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id   INTEGER NOT NULL REFERENCES registry_batches(id),
    entry_id   INTEGER NOT NULL REFERENCES registry_entries(id),
    key        TEXT NOT NULL,
    place      TEXT NOT NULL,
    fields     TEXT NOT NULL
);
CREATE INDEX registry_batch_members_batch ON registry_batch_members (batch_id);

-- An entry serves a plan item: a document and an item key (industry/…, task/…, target/…).
CREATE TABLE registry_links (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id    INTEGER NOT NULL REFERENCES registry_entries(id),
    document_id INTEGER NOT NULL REFERENCES documents(id),
    item_key    TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (entry_id, document_id, item_key)
);

-- Indicator X = count of approved entries of kind K (filter F) by place and quarter.
CREATE TABLE registry_bindings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_id INTEGER NOT NULL UNIQUE REFERENCES indicators(id),
    kind         TEXT NOT NULL,
    -- [{"field": "tier", "value": "专精特新中小企业"}, …]
    filter       TEXT NOT NULL DEFAULT '[]',
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
