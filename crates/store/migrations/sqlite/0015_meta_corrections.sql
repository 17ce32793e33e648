-- Plan family mends (issue 18 item 1).
--
-- 1. Corrections of a plan's title, issuer and region (`meta_corrections`): an analyst's value
--    for one field of the plan's metadata, kept apart from the machine extraction like the
--    item corrections (`corrections`), one row per (document, field) — a change replaces it,
--    the audit log (`plan.meta`) keeps old and new. `original` is the machine value when the
--    correction was made, shown beside it. Applied over every version, so it survives a new
--    version; a plan whose text has no title line gets one here and can then be cited.
CREATE TABLE meta_corrections (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    field       TEXT NOT NULL CHECK (field IN ('title', 'issuer', 'region')),
    value       TEXT NOT NULL,
    original    TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (document_id, field)
);

-- 2. The citing sentence of each reference, as shown (whitespace removed, at most 160
--    characters and an ellipsis): known at ingest, so the family no longer reads whole source
--    texts to show it. Rows stored before this migration get theirs when it is applied
--    (migrate.rs reads their version's source text once).
ALTER TABLE plan_references ADD COLUMN sentence_text TEXT NOT NULL DEFAULT '';
