-- Customer notifications (issue 5, P4). An order may carry the customer's e-mail address.
-- Each studio has one notification setup (providers, triggers; JSON, secrets included, never
-- answered in full). The outbox holds every message to send: written in the transaction of
-- what caused it, delivered by the durable job queue, ending sent or failed with the reason.
-- dedupe_key makes a trigger that fires twice (a job run again) write its message once.
ALTER TABLE orders ADD COLUMN email TEXT NOT NULL DEFAULT '';

CREATE TABLE notify_settings (
    tenant_id  INTEGER PRIMARY KEY,
    config     TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE notify_outbox (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL,
    album_id   INTEGER NOT NULL DEFAULT 0,
    kind       TEXT    NOT NULL,
    channel    TEXT    NOT NULL CHECK (channel IN ('log', 'email', 'webhook', 'sms')),
    recipient  TEXT    NOT NULL DEFAULT '',
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    data       TEXT    NOT NULL DEFAULT '{}',
    status     TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT    NOT NULL DEFAULT '',
    dedupe_key TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, dedupe_key)
);
CREATE INDEX notify_outbox_by_album ON notify_outbox (tenant_id, album_id, id);
