-- Timers the background sweep queries, copied out of the lead doc into indexed columns.
ALTER TABLE leads ADD COLUMN protected_until INTEGER;
ALTER TABLE leads ADD COLUMN booked_at INTEGER;
ALTER TABLE leads ADD COLUMN last_activity INTEGER;
CREATE INDEX leads_by_protected ON leads (tenant_id, protected_until) WHERE protected_until IS NOT NULL;
CREATE INDEX leads_by_booked_at ON leads (tenant_id, booked_at) WHERE booked_at IS NOT NULL;
CREATE INDEX leads_by_validity ON leads (tenant_id, validity, created_at);

-- Durable background jobs. A worker leases a due job (lease_until), runs it, and either
-- reschedules it (periodic jobs) or marks it done; a worker that dies loses its lease and
-- another replica picks the job up. (kind, tenant_id, key) names a job once.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    tenant_id   INTEGER NOT NULL DEFAULT 0,
    key         TEXT    NOT NULL DEFAULT '',
    payload     TEXT    NOT NULL DEFAULT '{}',
    run_at      INTEGER NOT NULL,
    lease_until INTEGER,
    leased_by   TEXT    NOT NULL DEFAULT '',
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT '',
    done_at     INTEGER,
    UNIQUE (kind, tenant_id, key)
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL;

-- Each staff member's notification inbox (reminders); dedupe_key makes a reminder once.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL,
    staff_id   INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    lead_id    INTEGER NOT NULL DEFAULT 0,
    data       TEXT    NOT NULL DEFAULT '{}',
    dedupe_key TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    read_at    INTEGER,
    UNIQUE (tenant_id, dedupe_key)
);
CREATE INDEX notifications_inbox ON notifications (tenant_id, staff_id, id);
