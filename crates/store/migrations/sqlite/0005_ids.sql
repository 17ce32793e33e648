-- Ids are never given twice, not even after a restore of an older backup: every table with
-- an `id INTEGER PRIMARY KEY` becomes AUTOINCREMENT, so SQLite keeps the largest id ever
-- given (sqlite_sequence) and a restore, which replaces rows but not that record, goes on
-- from past both the old and the restored ids. SQLite cannot add AUTOINCREMENT to a table in
-- place: migrate.rs rebuilds each such table from its own CREATE statement after this file
-- (`autoincrement_ids`), so columns added by any earlier migration are kept. Tables made by
-- later migrations must write `id INTEGER PRIMARY KEY AUTOINCREMENT` themselves (a test
-- checks).
SELECT 1;
