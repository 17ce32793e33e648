-- Reporting calendar (issue 16): when a region's units must have reported a period. One rule
-- per region and frequency — the group of indicators a district fills in on one sheet — as
-- days after the period's last day (季后15日 = 15). Regions without a rule use the default
-- of 15 days; pages say when a deadline is the default.
CREATE TABLE reporting_deadlines (
    region     TEXT NOT NULL,
    frequency  TEXT NOT NULL,
    days_after INTEGER NOT NULL CHECK (days_after >= 0 AND days_after <= 366),
    set_by     TEXT NOT NULL,
    set_at     TEXT NOT NULL,
    PRIMARY KEY (region, frequency)
);
