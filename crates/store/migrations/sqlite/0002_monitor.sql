-- Monitoring: indicators, observations (with their history and the imports they came from),
-- task progress reports, composite indices and published rankings (榜单).

CREATE TABLE indicators (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    unit           TEXT NOT NULL DEFAULT '',
    direction      TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    frequency      TEXT NOT NULL CHECK (frequency IN ('month', 'quarter', 'year')),
    rollup         TEXT NOT NULL CHECK (rollup IN ('sum', 'mean', 'latest', 'none')),
    -- The city or province the indicator is reported for; observations name units inside it.
    region         TEXT NOT NULL,
    -- Set when made from a plan target: the plan, the target's item key and sentence.
    document_id    INTEGER REFERENCES documents(id),
    version_id     INTEGER REFERENCES versions(id),
    target_key     TEXT,
    target_value   REAL,
    target_year    INTEGER,
    baseline_value REAL,
    baseline_year  INTEGER,
    -- First year of the plan period: where "time elapsed" starts when there is no baseline year.
    start_year     INTEGER,
    source_text    TEXT NOT NULL DEFAULT '',
    span_start     INTEGER,
    span_end       INTEGER,
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX indicators_target ON indicators (document_id, target_key) WHERE target_key IS NOT NULL;
CREATE INDEX indicators_region ON indicators (region);

-- One accepted file (or form submission).
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    inserted    INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    outliers    INTEGER NOT NULL,
    who         TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    -- Generated demonstration data, labelled wherever it is shown.
    synthetic   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE observations (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    place        TEXT NOT NULL,
    place_code   TEXT NOT NULL DEFAULT '',
    period       TEXT NOT NULL,
    -- End of the period in years (2025Q1 → 2025.25): orders and positions periods.
    period_end   REAL NOT NULL,
    value        REAL NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    outlier      TEXT,
    import_id    INTEGER NOT NULL REFERENCES imports(id),
    source_row   INTEGER NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (indicator_id, place, period)
);
CREATE INDEX observations_period ON observations (indicator_id, period_end);

-- Every change of a stored value: nothing is overwritten without a trace.
CREATE TABLE observation_history (
    id             INTEGER PRIMARY KEY,
    observation_id INTEGER NOT NULL REFERENCES observations(id),
    old_value      REAL NOT NULL,
    new_value      REAL NOT NULL,
    old_import_id  INTEGER NOT NULL REFERENCES imports(id),
    new_import_id  INTEGER NOT NULL REFERENCES imports(id),
    who            TEXT NOT NULL,
    changed_at     TEXT NOT NULL
);
CREATE INDEX observation_history_obs ON observation_history (observation_id);

-- Owners' quarterly reports on tasks (未启动/推进中/已完成/滞后), one per task and period;
-- a new report for the same period replaces the status and keeps the old one in history.
CREATE TABLE task_progress (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    task_key    TEXT NOT NULL,
    task_title  TEXT NOT NULL,
    lead        TEXT NOT NULL DEFAULT '',
    period      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done', 'lagging')),
    note        TEXT NOT NULL DEFAULT '',
    who         TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    reported_at TEXT NOT NULL,
    UNIQUE (document_id, task_key, period)
);
CREATE TABLE task_progress_history (
    id          INTEGER PRIMARY KEY,
    progress_id INTEGER NOT NULL REFERENCES task_progress(id),
    old_status  TEXT NOT NULL,
    old_note    TEXT NOT NULL,
    who         TEXT NOT NULL,
    changed_at  TEXT NOT NULL
);

CREATE TABLE indices (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    region      TEXT NOT NULL,
    method      TEXT NOT NULL CHECK (method IN ('entropy_topsis', 'fixed')),
    missing     TEXT NOT NULL DEFAULT 'exclude' CHECK (missing IN ('exclude', 'mean')),
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE TABLE index_members (
    index_id     INTEGER NOT NULL REFERENCES indices(id),
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    position     INTEGER NOT NULL,
    weight       REAL,
    PRIMARY KEY (index_id, indicator_id)
);

-- A published ranking (榜单) is frozen: its result is stored as it was shown. A later
-- publication of the same index and period is a new revision; earlier ones stay.
CREATE TABLE rankings (
    id           INTEGER PRIMARY KEY,
    index_id     INTEGER NOT NULL REFERENCES indices(id),
    period       TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    result_json  TEXT NOT NULL,
    -- SHA-256 of the input matrix: tells whether today's data still give the published list.
    data_hash    TEXT NOT NULL,
    who          TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    published_at TEXT NOT NULL,
    UNIQUE (index_id, period, revision)
);

-- Counts every monitoring write: pages of progress, rankings and maps cache on it.
INSERT INTO meta (key, value) VALUES ('monitor_rev', '0');
