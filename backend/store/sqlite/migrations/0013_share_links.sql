-- Share links of albums. Links are found by the SHA-256 of their token; the token itself is
-- kept too, because the studio re-sends a link (and shows its QR code) when a customer lost
-- it. The access code, the secret part, is stored only as a password hash. A guest who typed
-- the code gets a grant (stored hashed) so images load without typing it again.
CREATE TABLE share_links (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL,
    album_id       INTEGER NOT NULL,
    token_hash     BLOB    NOT NULL UNIQUE,
    token          TEXT    NOT NULL,
    code_hash      TEXT    NOT NULL DEFAULT '',
    label          TEXT    NOT NULL DEFAULT '',
    expires_at     INTEGER NOT NULL,
    revoked_at     INTEGER,
    allow_download INTEGER NOT NULL DEFAULT 1,
    views          INTEGER NOT NULL DEFAULT 0,
    downloads      INTEGER NOT NULL DEFAULT 0,
    created_by     INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, album_id) REFERENCES albums (tenant_id, id)
);
CREATE INDEX share_links_by_album ON share_links (tenant_id, album_id, id);

CREATE TABLE share_grants (
    grant_hash BLOB    PRIMARY KEY,
    tenant_id  INTEGER NOT NULL,
    link_id    INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, link_id) REFERENCES share_links (tenant_id, id)
);
