-- Roll-up rules per indicator (issue 16): besides sum, mean, latest and none (city-reported
-- only), a weighted mean, max and min. A weighted mean names its weight indicator by code in
-- `rollup_weight` (population, GDP, or the ratio's denominator, of the same region); no other
-- rule has one.
ALTER TABLE indicators DROP CONSTRAINT indicators_rollup_check;
ALTER TABLE indicators ADD CONSTRAINT indicators_rollup_check
    CHECK (rollup IN ('sum', 'mean', 'weighted_mean', 'max', 'min', 'latest', 'none'));
ALTER TABLE indicators ADD COLUMN rollup_weight TEXT COLLATE "C";
ALTER TABLE indicators ADD CONSTRAINT indicators_rollup_weight_check
    CHECK ((rollup = 'weighted_mean') = (rollup_weight IS NOT NULL));
