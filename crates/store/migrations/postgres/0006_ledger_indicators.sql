-- Indicators made from the 目标台账 (issue 15): one per indicator of a plan, not one per
-- mention. `target_key` stays the primary mention's item key; `other_mentions` lists the
-- others as a JSON array of {"key", "text", "span": [start, end]}. A plan that states no year
-- for a target gets its end year as the deadline, marked here as inferred (推定).
ALTER TABLE indicators ADD COLUMN other_mentions TEXT COLLATE "C" NOT NULL DEFAULT '[]';
ALTER TABLE indicators ADD COLUMN target_year_inferred BIGINT NOT NULL DEFAULT 0;
