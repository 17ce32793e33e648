-- The plan family (issue 18, item 1): the documents each stored version cites by title
-- (`根据《…》`, `落实《…》`, `衔接《…》`). Rows are written at ingest and re-extraction; the
-- versions stored before this migration get theirs when it is applied (migrate.rs reads
-- their source text). References are resolved to stored plans when read, by `title_norm`,
-- so a plan ingested later resolves the references of earlier ones without re-ingest.
CREATE TABLE plan_references (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id    INTEGER NOT NULL REFERENCES documents(id),
    version_id     INTEGER NOT NULL REFERENCES versions(id),
    title          TEXT NOT NULL,
    title_norm     TEXT NOT NULL,
    relation       TEXT NOT NULL CHECK (relation IN ('basis', 'mention')),
    kind           TEXT NOT NULL CHECK (kind IN ('plan', 'law')),
    span_start     INTEGER NOT NULL,
    span_end       INTEGER NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end   INTEGER NOT NULL
);
CREATE INDEX plan_references_title ON plan_references (title_norm);
CREATE INDEX plan_references_version ON plan_references (version_id);
