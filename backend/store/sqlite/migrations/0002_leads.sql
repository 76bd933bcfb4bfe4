-- Leads grow into the full model. A lead is stored as columns for what is filtered, indexed
-- or scope-checked, plus `doc`, the whole record as JSON, which is what reads return: new
-- fields of the lead model then need no migration.
ALTER TABLE leads ADD COLUMN channel_id INTEGER;
ALTER TABLE leads ADD COLUMN phone_rev TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN validity TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE leads ADD COLUMN booking TEXT NOT NULL DEFAULT 'unassigned';
ALTER TABLE leads ADD COLUMN store_status TEXT NOT NULL DEFAULT 'awaiting';
ALTER TABLE leads ADD COLUMN owner_department_id INTEGER;
ALTER TABLE leads ADD COLUMN intake_owner_id INTEGER;
ALTER TABLE leads ADD COLUMN booking_owner_id INTEGER;
ALTER TABLE leads ADD COLUMN store_owner_id INTEGER;
ALTER TABLE leads ADD COLUMN created_by INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN in_pool INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN next_follow_up INTEGER;
ALTER TABLE leads ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE leads ADD COLUMN doc TEXT NOT NULL DEFAULT '{}';

CREATE INDEX leads_by_created ON leads (tenant_id, brand_id, created_at, id);
CREATE INDEX leads_by_owner ON leads (tenant_id, owner_id, created_at, id);
CREATE INDEX leads_by_updated ON leads (tenant_id, updated_at, id);
CREATE INDEX leads_by_follow_up ON leads (tenant_id, next_follow_up) WHERE next_follow_up IS NOT NULL;
CREATE INDEX leads_by_phone_rev ON leads (tenant_id, phone_rev);
CREATE INDEX leads_by_phone ON leads (tenant_id, phone);

CREATE TABLE lead_events (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL,
    lead_id      INTEGER NOT NULL,
    type         TEXT    NOT NULL,
    axis         TEXT    NOT NULL DEFAULT '',
    from_state   TEXT    NOT NULL DEFAULT '',
    to_state     TEXT    NOT NULL DEFAULT '',
    reason       TEXT    NOT NULL DEFAULT '',
    actor_id     INTEGER NOT NULL,
    on_behalf_of INTEGER NOT NULL DEFAULT 0,
    owner_id     INTEGER NOT NULL DEFAULT 0,
    channel_id   INTEGER NOT NULL DEFAULT 0,
    data         TEXT,
    created_at   INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id)
);
CREATE INDEX lead_events_by_lead ON lead_events (tenant_id, lead_id, id);
CREATE INDEX lead_events_by_actor ON lead_events (tenant_id, actor_id, created_at);
CREATE INDEX lead_events_by_type ON lead_events (tenant_id, type, created_at);

-- The change feed of replicated data. seq is allocated from tenant_seqs inside the writing
-- transaction: the row lock (PostgreSQL) or the single writer (SQLite) serializes writers of
-- a tenant, so sequence order is commit order and a reader never sees seq N+1 before N.
CREATE TABLE tenant_seqs (
    tenant_id INTEGER PRIMARY KEY REFERENCES tenants (id),
    seq       INTEGER NOT NULL
);
CREATE TABLE changes (
    tenant_id  INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    entity     TEXT    NOT NULL,
    entity_id  INTEGER NOT NULL,
    scope      TEXT    NOT NULL, -- JSON: placement now and before the change
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);

-- Pushed mutations, remembered so each applies exactly once.
CREATE TABLE mutations (
    tenant_id    INTEGER NOT NULL,
    id           TEXT    NOT NULL,
    staff_id     INTEGER NOT NULL,
    request_hash TEXT    NOT NULL,
    result       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE checkins (
    tenant_id INTEGER NOT NULL,
    staff_id  INTEGER NOT NULL,
    day       TEXT    NOT NULL, -- YYYY-MM-DD in the studio's time zone
    in_at     INTEGER NOT NULL,
    out_at    INTEGER,
    by_id     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, staff_id, day),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);

-- Persisted chooser state per distribution group (round-robin pointer, weights).
CREATE TABLE dist_state (
    tenant_id INTEGER NOT NULL,
    key       TEXT    NOT NULL,
    state     TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

ALTER TABLE staff ADD COLUMN daily_cap INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN holding_cap INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN weight INTEGER NOT NULL DEFAULT 1;

CREATE TABLE custom_fields (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    brand_id  INTEGER NOT NULL,
    key       TEXT    NOT NULL,
    def       TEXT    NOT NULL, -- JSON lead.CustomField
    sort      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, brand_id, key),
    FOREIGN KEY (tenant_id, brand_id) REFERENCES brands (tenant_id, id)
);
