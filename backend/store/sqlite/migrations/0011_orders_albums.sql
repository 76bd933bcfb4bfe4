-- Customer orders (订单) and their albums (相册). An order sits in a branch with an owner for
-- data scope; its (phone, code) pair is how a customer finds their albums. Albums belong to
-- an order of the same studio (the (tenant_id, id) references refuse anything else).

CREATE TABLE orders (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL,
    brand_id      INTEGER NOT NULL,
    branch_id     INTEGER NOT NULL,
    owner_id      INTEGER NOT NULL,
    department_id INTEGER,
    customer_name TEXT    NOT NULL,
    phone         TEXT    NOT NULL,
    package       TEXT    NOT NULL DEFAULT '',
    shoot_date    TEXT    NOT NULL DEFAULT '',
    lead_id       INTEGER,
    code          TEXT    NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    created_by    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, brand_id) REFERENCES brands (tenant_id, id),
    FOREIGN KEY (tenant_id, branch_id) REFERENCES branches (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id)
);
CREATE INDEX orders_by_phone ON orders (tenant_id, phone);
CREATE INDEX orders_by_branch ON orders (tenant_id, branch_id, id);

CREATE TABLE albums (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL,
    order_id       INTEGER NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('raw', 'retouched', 'video')),
    title          TEXT    NOT NULL,
    cover_photo_id INTEGER NOT NULL DEFAULT 0,
    sort_order     INTEGER NOT NULL DEFAULT 0,
    settings       TEXT    NOT NULL DEFAULT '{}',
    status         TEXT    NOT NULL CHECK (status IN ('open', 'finished')),
    retain_until   INTEGER NOT NULL,
    photo_count    INTEGER NOT NULL DEFAULT 0,
    bytes          INTEGER NOT NULL DEFAULT 0,
    created_by     INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);
CREATE INDEX albums_by_order ON albums (tenant_id, order_id, sort_order, id);
CREATE INDEX albums_by_retention ON albums (retain_until);
