-- Review marks (issue 18 item 3): a reviewer's word on one finding of the conformity review
-- of a draft against its master plan — accepted (采纳) or explained (已说明, with a note).
-- Findings are computed, never stored; a mark names its finding by the finding's stable id
-- (kind and normalised keys, never a list position), so it survives re-extraction and
-- unrelated edits. One row per (draft, master, finding): a change replaces it, and the audit
-- log keeps what it was.
CREATE TABLE review_marks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    draft_id    INTEGER NOT NULL REFERENCES documents(id),
    master_id   INTEGER NOT NULL REFERENCES documents(id),
    finding_id  TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('accepted', 'explained')),
    note        TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (draft_id, master_id, finding_id)
);
