-- Ids are never given twice: PostgreSQL's identity sequences never go back by themselves,
-- and a restore sets each past both the old and the restored ids (maintenance.rs). Nothing
-- to change here; the migration exists so both backends have the same versions.
SELECT 1;
