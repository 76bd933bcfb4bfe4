-- Credits (点数): an append-only ledger per studio, the balance it sums to (kept in its own
-- row so a spend is one conditional UPDATE that can never go below zero, also under
-- concurrent spends), purchases through payment providers, and the operator's price table.

CREATE TABLE credit_balances (
    tenant_id  INTEGER PRIMARY KEY REFERENCES tenants (id),
    balance    INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
    updated_at INTEGER NOT NULL
);

CREATE TABLE credit_ledger (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('topup', 'spend', 'refund', 'grant')),
    item         TEXT    NOT NULL DEFAULT '',
    quantity     INTEGER NOT NULL DEFAULT 0,
    amount       INTEGER NOT NULL,
    balance      INTEGER NOT NULL CHECK (balance >= 0),
    ref_type     TEXT    NOT NULL DEFAULT '',
    ref_id       INTEGER NOT NULL DEFAULT 0,
    provider     TEXT    NOT NULL DEFAULT '',
    provider_ref TEXT    NOT NULL DEFAULT '',
    idem_key     TEXT    NOT NULL DEFAULT '',
    actor_id     INTEGER NOT NULL DEFAULT 0,
    note         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    CHECK ((kind = 'spend' AND amount < 0) OR (kind <> 'spend' AND amount > 0))
);
CREATE INDEX credit_ledger_by_tenant ON credit_ledger (tenant_id, id);
-- A payment is credited once, and a keyed charge (monthly storage) is made once.
CREATE UNIQUE INDEX credit_ledger_payment ON credit_ledger (provider, provider_ref) WHERE provider_ref <> '';
CREATE UNIQUE INDEX credit_ledger_idem ON credit_ledger (tenant_id, idem_key) WHERE idem_key <> '';

-- The ledger is append-only: history is never edited; a mistake is corrected by a new entry.
CREATE TRIGGER credit_ledger_no_update BEFORE UPDATE ON credit_ledger
BEGIN SELECT RAISE(ABORT, 'credit_ledger is append-only'); END;
CREATE TRIGGER credit_ledger_no_delete BEFORE DELETE ON credit_ledger
BEGIN SELECT RAISE(ABORT, 'credit_ledger is append-only'); END;

CREATE TABLE credit_purchases (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    provider     TEXT    NOT NULL,
    provider_ref TEXT    NOT NULL,
    credits      INTEGER NOT NULL CHECK (credits > 0),
    amount_fen   INTEGER NOT NULL CHECK (amount_fen >= 0),
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'paid')),
    pay_url      TEXT    NOT NULL DEFAULT '',
    instructions TEXT    NOT NULL DEFAULT '',
    created_by   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    paid_at      INTEGER,
    UNIQUE (provider, provider_ref)
);
CREATE INDEX credit_purchases_by_tenant ON credit_purchases (tenant_id, id);

-- Operator-wide settings as JSON documents by key ('credit_prices').
CREATE TABLE operator_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
