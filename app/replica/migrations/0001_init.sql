-- The desktop replica: what one user may see of one studio, plus the outbox of their local
-- changes. Leads are stored as JSON documents (doc) with columns for what lists filter,
-- sort and search on, so new lead fields need no migration.

-- Small key/value state: the feed cursor, snapshot progress, the grant fingerprint, the
-- next local id, the last sync time.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Reference data the optimistic rules need: brand type, duplicate policy, custom fields.
CREATE TABLE brands (
    id     INTEGER PRIMARY KEY,
    doc    TEXT NOT NULL,            -- account.Brand
    fields TEXT NOT NULL DEFAULT '[]' -- []lead.CustomField
);

-- One row per lead the user may see, plus the leads they created offline (negative ids until
-- the server's answer maps them): the columns lists filter, sort and search on. The row is
-- kept narrow (the documents live in lead_docs) so a filter that scans many rows reads few
-- pages.
CREATE TABLE leads (
    id             INTEGER PRIMARY KEY,
    brand_id       INTEGER NOT NULL,
    branch_id      INTEGER NOT NULL DEFAULT 0,
    channel_id     INTEGER NOT NULL DEFAULT 0,
    owner_id       INTEGER NOT NULL DEFAULT 0,
    validity       TEXT    NOT NULL,
    booking        TEXT    NOT NULL,
    store_status   TEXT    NOT NULL,
    in_pool        INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL, -- unix ms
    updated_at     INTEGER NOT NULL, -- unix ms
    next_follow_up INTEGER,          -- unix ms
    name           TEXT    NOT NULL DEFAULT '',
    version        INTEGER NOT NULL, -- local revision: +1 on every write of the row
    server_version INTEGER NOT NULL DEFAULT 0, -- lead.Version of server_doc (0: local only)
    pending        INTEGER NOT NULL DEFAULT 0  -- pending outbox entries of the lead
);
-- Keyset paging is (created_at, id) descending; each list filter has an index that yields
-- rows in that order, so a filtered page reads about one page of rows.
CREATE INDEX leads_by_created ON leads (created_at, id);
CREATE INDEX leads_by_brand ON leads (brand_id, created_at, id);
CREATE INDEX leads_by_branch ON leads (branch_id, created_at, id);
CREATE INDEX leads_by_channel ON leads (channel_id, created_at, id);
CREATE INDEX leads_by_owner ON leads (owner_id, created_at, id);
CREATE INDEX leads_by_validity ON leads (validity, created_at, id);
CREATE INDEX leads_by_booking ON leads (booking, created_at, id);
CREATE INDEX leads_by_store ON leads (store_status, created_at, id);
CREATE INDEX leads_in_pool ON leads (created_at, id) WHERE in_pool = 1;
-- Date-range filters sort their matches: covering indexes keep that off the table.
CREATE INDEX leads_by_updated ON leads (updated_at, created_at, id);
CREATE INDEX leads_by_follow_up ON leads (next_follow_up, created_at, id) WHERE next_follow_up IS NOT NULL;
CREATE INDEX leads_by_name ON leads (name, created_at, id); -- one- and two-character name prefixes

-- The documents of a lead: doc = server_doc with the pending outbox mutations applied in
-- order (the optimistic view the UI shows); server_doc = the lead as the server last sent it
-- (NULL for a lead created here).
CREATE TABLE lead_docs (
    id         INTEGER PRIMARY KEY,
    doc        TEXT NOT NULL,
    server_doc TEXT
);

-- Every phone of a lead (phone, phone2, the partner's), as shown to this user (masked ones
-- keep their first 3 and last 4 digits). rev is the phone reversed: a suffix search (the
-- last 4 digits) is a prefix range on it. Benchmarked against an FTS5 trigram column
-- (see BenchmarkPhoneSuffix*): the reversed index is faster and smaller.
CREATE TABLE lead_phones (
    lead_id    INTEGER NOT NULL,
    brand_id   INTEGER NOT NULL,
    phone      TEXT    NOT NULL,
    rev        TEXT    NOT NULL,
    created_at INTEGER NOT NULL -- the lead's, so a phone search pages without reading leads
);
CREATE INDEX lead_phones_by_phone ON lead_phones (phone, created_at, lead_id);
CREATE INDEX lead_phones_by_rev ON lead_phones (rev, created_at, lead_id);
CREATE INDEX lead_phones_by_lead ON lead_phones (lead_id);

-- Substring search over names and notes: trigram tokens, contentless (the text lives in
-- leads.doc), rowid = lead id.
CREATE VIRTUAL TABLE leads_fts USING fts5(name, notes, tokenize = 'trigram', content = '', contentless_delete = 1);

-- Timeline entries the replica holds: the server's (cached when a timeline was fetched) and
-- the local ones made by pending mutations (mutation_id set until the server answers).
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    lead_id     INTEGER NOT NULL,
    server_id   INTEGER,
    mutation_id TEXT,
    at          INTEGER NOT NULL, -- unix ms
    doc         TEXT    NOT NULL  -- lead.Event
);
CREATE INDEX events_by_lead ON events (lead_id, at, seq);
CREATE INDEX events_by_mutation ON events (mutation_id) WHERE mutation_id IS NOT NULL;

-- Local mutations in push order, kept until the server's answer is stored: pending ones are
-- pushed (again, after a crash: the server remembers mutation ids); rejected ones wait for
-- the user to fix or discard them.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id  TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    lead_id      INTEGER NOT NULL, -- negative: a lead created here, not yet on the server
    args         TEXT    NOT NULL, -- exactly what is pushed (the server hashes it)
    base_version INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL, -- unix ms; also the "now" the rules are re-run with
    state        TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected')),
    error        TEXT              -- the server's error object, for rejected ones
);
CREATE INDEX outbox_by_lead ON outbox (lead_id, seq);

-- Local lead ids the server has answered for, so a screen still holding one finds the lead.
CREATE TABLE id_map (
    local_id  INTEGER PRIMARY KEY,
    server_id INTEGER NOT NULL
);
