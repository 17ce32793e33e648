-- Increment targets (issue 16): an indicator whose target is an amount to add over the plan
-- period (新增500家, 累计新增) rather than a level to reach. Progress counts what was added
-- since the start (the baseline, or the value at the start), not current ÷ target. Indicators
-- made from the 目标台账 before this migration carry it in their note; shares, rates and
-- multiples (年均增长6%, 提高5个百分点) stay levels of their rate.
ALTER TABLE indicators ADD COLUMN increment INTEGER NOT NULL DEFAULT 0;
UPDATE indicators SET increment = 1
    WHERE note LIKE '%增量目标%' AND unit NOT LIKE '%!%%' ESCAPE '!' AND unit NOT LIKE '%％%'
      AND unit NOT LIKE '%百分点%' AND unit NOT LIKE '%倍%' AND unit NOT LIKE '%‰%';
