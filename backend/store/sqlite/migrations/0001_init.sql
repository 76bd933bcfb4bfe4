-- StudioDesk schema, first release. Times are Unix milliseconds (UTC); every tenant-owned
-- table carries tenant_id, and references go through (tenant_id, id) pairs so the database
-- itself refuses a row that points into another studio.

CREATE TABLE tenants (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    seat_limit  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

CREATE TABLE brands (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES tenants (id),
    name             TEXT    NOT NULL,
    type             TEXT    NOT NULL CHECK (type IN ('wedding', 'children')),
    duplicate_policy TEXT    NOT NULL,
    timezone         TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE branches (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL,
    brand_id   INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    address    TEXT    NOT NULL DEFAULT '',
    phone      TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, brand_id, name),
    FOREIGN KEY (tenant_id, brand_id) REFERENCES brands (tenant_id, id)
);

CREATE TABLE departments (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    branch_id INTEGER NOT NULL,
    name      TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, branch_id, name),
    FOREIGN KEY (tenant_id, branch_id) REFERENCES branches (tenant_id, id)
);

CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    key         TEXT    NOT NULL DEFAULT '',
    name        TEXT    NOT NULL,
    builtin     INTEGER NOT NULL DEFAULT 0,
    permissions TEXT    NOT NULL DEFAULT '[]',
    data_scope  TEXT    NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
    phone         TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    branch_id     INTEGER,
    department_id INTEGER,
    password_hash TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, phone),
    FOREIGN KEY (tenant_id, branch_id) REFERENCES branches (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id)
);
CREATE INDEX staff_by_phone ON staff (phone);

CREATE TABLE staff_roles (
    tenant_id INTEGER NOT NULL,
    staff_id  INTEGER NOT NULL,
    role_id   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, staff_id, role_id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id)
);
CREATE INDEX staff_roles_by_role ON staff_roles (tenant_id, role_id);

CREATE TABLE channel_groups (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    name      TEXT    NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE channels (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    brand_id  INTEGER,
    group_id  INTEGER,
    name      TEXT    NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, brand_id) REFERENCES brands (tenant_id, id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES channel_groups (tenant_id, id)
);
CREATE UNIQUE INDEX channels_name ON channels (tenant_id, COALESCE(brand_id, 0), name);

CREATE TABLE devices (
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    id         TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE device_branches (
    tenant_id INTEGER NOT NULL,
    device_id TEXT    NOT NULL,
    branch_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, device_id, branch_id),
    FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id),
    FOREIGN KEY (tenant_id, branch_id) REFERENCES branches (tenant_id, id)
);

CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY,
    tenant_id  INTEGER NOT NULL,
    staff_id   INTEGER NOT NULL,
    device_id  TEXT    NOT NULL DEFAULT '',
    branch_id  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);
CREATE INDEX sessions_by_staff ON sessions (tenant_id, staff_id);

CREATE TABLE rate_limits (
    key          TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    actor_id     INTEGER NOT NULL,
    actor_name   TEXT    NOT NULL DEFAULT '',
    on_behalf_of INTEGER NOT NULL DEFAULT 0,
    action       TEXT    NOT NULL,
    entity       TEXT    NOT NULL,
    entity_id    TEXT    NOT NULL,
    before_json  TEXT,
    after_json   TEXT,
    device_id    TEXT    NOT NULL DEFAULT '',
    ip           TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX audit_by_entity ON audit_log (tenant_id, entity, entity_id, id);
CREATE INDEX audit_by_actor ON audit_log (tenant_id, actor_id, id);

-- Leads start minimal here; the lead model grows in later migrations.
CREATE TABLE leads (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL,
    brand_id   INTEGER NOT NULL,
    branch_id  INTEGER,
    phone      TEXT    NOT NULL,
    name       TEXT    NOT NULL DEFAULT '',
    owner_id   INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (brand_id, phone),
    FOREIGN KEY (tenant_id, brand_id) REFERENCES brands (tenant_id, id),
    FOREIGN KEY (tenant_id, branch_id) REFERENCES branches (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES staff (tenant_id, id)
);
CREATE INDEX leads_by_brand ON leads (tenant_id, brand_id);
