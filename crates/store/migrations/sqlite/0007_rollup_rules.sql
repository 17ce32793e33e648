-- Roll-up rules per indicator (issue 16): besides sum, mean, latest and none (city-reported
-- only), a weighted mean, max and min. A weighted mean names its weight indicator by code in
-- `rollup_weight` (population, GDP, or the ratio's denominator, of the same region); no other
-- rule has one. SQLite cannot change a CHECK constraint in place, so the table is made anew
-- with every row and id kept (references are checked before the commit, see migrate.rs).
CREATE TABLE indicators__new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    unit           TEXT NOT NULL DEFAULT '',
    direction      TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    frequency      TEXT NOT NULL CHECK (frequency IN ('month', 'quarter', 'year')),
    rollup         TEXT NOT NULL CHECK (rollup IN ('sum', 'mean', 'weighted_mean', 'max', 'min', 'latest', 'none')),
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
    created_at     TEXT NOT NULL,
    other_mentions TEXT NOT NULL DEFAULT '[]',
    target_year_inferred INTEGER NOT NULL DEFAULT 0,
    rollup_weight  TEXT,
    CHECK ((rollup = 'weighted_mean') = (rollup_weight IS NOT NULL))
);
INSERT INTO indicators__new (id, code, name, unit, direction, frequency, rollup, region, document_id, version_id,
    target_key, target_value, target_year, baseline_value, baseline_year, start_year, source_text, span_start,
    span_end, note, created_at, other_mentions, target_year_inferred)
SELECT id, code, name, unit, direction, frequency, rollup, region, document_id, version_id,
    target_key, target_value, target_year, baseline_value, baseline_year, start_year, source_text, span_start,
    span_end, note, created_at, other_mentions, target_year_inferred
FROM indicators;
-- Ids are never given twice: the new table's sequence starts where the old one stood.
INSERT INTO sqlite_sequence (name, seq) SELECT 'indicators__new', 0
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'indicators__new');
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'indicators'), 0))
    WHERE name = 'indicators__new';
DROP TABLE indicators;
ALTER TABLE indicators__new RENAME TO indicators;
CREATE UNIQUE INDEX indicators_target ON indicators (document_id, target_key) WHERE target_key IS NOT NULL;
CREATE INDEX indicators_region ON indicators (region);
