-- Name prefixes of one and two characters (a surname; a surname and the first character of
-- the given name) are equality lookups on columns of their own, so an index on
-- (prefix, created_at, id) yields a page in list order. A range over leads_by_name had to read
-- and sort every match first: about 10,000 leads for a common surname in a 1,000,000-lead
-- replica (docs/benchmarks.md, issue 4).
ALTER TABLE leads ADD COLUMN name1 TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN name2 TEXT NOT NULL DEFAULT '';
UPDATE leads SET name1 = substr(name, 1, 1), name2 = substr(name, 1, 2);
CREATE INDEX leads_by_name1 ON leads (name1, created_at, id);
CREATE INDEX leads_by_name2 ON leads (name2, created_at, id);
DROP INDEX leads_by_name;

-- Follow-up date filters ("due this week") pick their page day by day: a page is at most the
-- newest leads of each day, read in list order from (follow_day, created_at, id), where a
-- range over next_follow_up had to sort every lead of the range first.
ALTER TABLE leads ADD COLUMN follow_day INTEGER; -- studio day (UTC+8) of next_follow_up, days since 1970-01-01
UPDATE leads SET follow_day = (next_follow_up + 28800000) / 86400000 WHERE next_follow_up IS NOT NULL;
CREATE INDEX leads_by_follow_day ON leads (follow_day, created_at, id) WHERE follow_day IS NOT NULL;
DROP INDEX leads_by_follow_up;
