-- Distribution rules: a new lead matching a rule goes to the rule's group (LEADS.md 5).
CREATE TABLE assign_rules (
    id                   INTEGER PRIMARY KEY,
    tenant_id            INTEGER NOT NULL REFERENCES tenants (id),
    priority             INTEGER NOT NULL DEFAULT 0,
    channel_id           INTEGER NOT NULL DEFAULT 0,
    channel_group_id     INTEGER NOT NULL DEFAULT 0,
    branch_id            INTEGER NOT NULL DEFAULT 0,
    segment              TEXT    NOT NULL DEFAULT '',
    target_department_id INTEGER NOT NULL,
    method               TEXT    NOT NULL DEFAULT '',
    FOREIGN KEY (tenant_id, target_department_id) REFERENCES departments (tenant_id, id)
);
CREATE INDEX assign_rules_by_tenant ON assign_rules (tenant_id);

-- Channel-group staff: when a member has rows here, they see only leads of these groups' channels.
CREATE TABLE staff_channel_groups (
    tenant_id INTEGER NOT NULL,
    staff_id  INTEGER NOT NULL,
    group_id  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, staff_id, group_id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES channel_groups (tenant_id, id)
);

-- Distribution counts read on every assignment: covering indexes keep them to index scans
-- (open leads held per owner; assignments per owner since the start of the day).
CREATE INDEX leads_open_by_owner ON leads (tenant_id, owner_id, deleted, validity, booking, store_status);
CREATE INDEX lead_events_assigned ON lead_events (tenant_id, owner_id, type, created_at);

-- Per-brand lead settings (reminder thresholds, claim-pool policy) as JSON (account.BrandSettings).
ALTER TABLE brands ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
