-- The registry list (issue 17, speed). One index answers every filter of
-- `/registries/{kind}` in the list's order (region, place, key) from the index alone: the
-- filter columns (industry, tier, status) ride along, so a page reads a few hundred index
-- entries and never a skipped row. Separate indexes per filter column were measured: each
-- sped up only deep pages of its own filter and together cost the first import of 100,000
-- entries almost half its write time, so there are none. The status index of 0010 stays: it
-- is cheap to write (a new entry is a draft, appended) and reads a region's entries in table
-- order (the import's existing entries, counts of approved entries).
-- The counts per filter value are kept as the entries change, so the list's total and its
-- counts read a few hundred rows, not every entry of the region.

DROP INDEX registry_entries_place;
CREATE INDEX registry_entries_place ON registry_entries (kind, region, place, key, industry, tier, status);
-- Batch members by batch, in entry order (the batch filter); replaces the index by batch.
DROP INDEX registry_batch_members_batch;
CREATE INDEX registry_batch_members_entry ON registry_batch_members (batch_id, entry_id);

-- How many entries of a kind in a region have each (place, industry, tier, status): kept
-- by every write that adds entries or changes one of these columns, in its transaction
-- (`registry::CountDelta`). The list's total and its counts per district, industry, tier
-- and status are sums over these rows.
CREATE TABLE registry_list_counts (
    kind     TEXT NOT NULL,
    region   TEXT NOT NULL,
    place    TEXT NOT NULL,
    industry TEXT NOT NULL,
    tier     TEXT NOT NULL,
    status   TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (kind, region, place, industry, tier, status)
);
INSERT INTO registry_list_counts (kind, region, place, industry, tier, status, n)
    SELECT kind, region, place, industry, tier, status, COUNT(*) FROM registry_entries
    GROUP BY kind, region, place, industry, tier, status;
