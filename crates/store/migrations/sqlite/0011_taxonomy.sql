-- Taxonomy mappings (issue 18 item 2): an analyst's confirmation or change of the node an
-- industry or segment of a plan maps to in one scheme of the reference taxonomy
-- (data/taxonomy/*.toml). The automatic mapping is computed, never stored; a row here
-- overrides it. `node_id` is a node of `scheme`, or 'none' (the item belongs to no node).
-- One row per (document, scheme, item kind, item name): a change replaces it, and the audit
-- log keeps what it was.
CREATE TABLE taxonomy_mappings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    scheme      TEXT NOT NULL,
    item_kind   TEXT NOT NULL CHECK (item_kind IN ('industry', 'segment')),
    item_name   TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    -- The taxonomy's version when confirmed (future@2024.1+sei2018@2018).
    taxonomy_version TEXT NOT NULL,
    author      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (document_id, scheme, item_kind, item_name)
);
CREATE INDEX taxonomy_mappings_node ON taxonomy_mappings (scheme, node_id);
