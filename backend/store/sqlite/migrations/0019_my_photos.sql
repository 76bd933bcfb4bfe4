-- The studio's "my photos" page (/my/<slug>): one stable, unguessable address per studio for
-- its WeChat menu, where customers type phone + order code. The slug is drawn once.
CREATE TABLE studio_pages (
    tenant_id INTEGER PRIMARY KEY,
    slug      TEXT    NOT NULL UNIQUE
);
