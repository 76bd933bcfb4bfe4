-- Requests to have a lead transferred to the requester: someone who entered a phone the
-- brand already has, owned by a colleague out of their sight, asks for it with a reason; a
-- manager holding lead.transfer over the lead approves (a normal transfer) or rejects.
-- One pending request per lead and requester.
CREATE TABLE transfer_requests (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL,
    lead_id         INTEGER NOT NULL,
    requester_id    INTEGER NOT NULL,
    owner_id        INTEGER NOT NULL,
    reason          TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending',
    decided_by      INTEGER NOT NULL DEFAULT 0,
    decision_reason TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    decided_at      INTEGER,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id)
);
CREATE UNIQUE INDEX transfer_requests_one_pending ON transfer_requests (tenant_id, lead_id, requester_id) WHERE status = 'pending';
CREATE INDEX transfer_requests_by_status ON transfer_requests (tenant_id, status, id);
