-- Retention (issue 5, P4). An album past its retention end is hidden (hidden_at: guests get
-- 410, the studio still sees it and may extend it with credits); after the grace period its
-- files are deleted and the row is marked purged (purged_at), kept for history and the ledger.
-- storage_charges records each studio's monthly storage charge (month in the studio's time,
-- YYYY-MM): paid, or unpaid while the credits did not cover it (new albums and uploads wait).
ALTER TABLE albums ADD COLUMN hidden_at INTEGER;
ALTER TABLE albums ADD COLUMN purged_at INTEGER;

CREATE TABLE storage_charges (
    tenant_id  INTEGER NOT NULL,
    month      TEXT    NOT NULL,
    gb         INTEGER NOT NULL,
    credits    INTEGER NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('paid', 'unpaid')),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, month)
);
