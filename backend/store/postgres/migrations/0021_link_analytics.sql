-- Link analytics (issue 5, P4): who opened a share link and what was downloaded. A visitor is
-- a random id in a cookie of the guest's browser, stored only as SHA-256 of (id, link): no
-- address, no device data, and the same browser cannot be followed from one link to another.
CREATE TABLE link_visitors (
    tenant_id    BIGINT  NOT NULL,
    link_id      BIGINT  NOT NULL,
    visitor_hash BYTEA   NOT NULL,
    views        BIGINT  NOT NULL DEFAULT 0,
    first_seen   BIGINT  NOT NULL,
    last_seen    BIGINT  NOT NULL,
    PRIMARY KEY (link_id, visitor_hash),
    FOREIGN KEY (tenant_id, link_id) REFERENCES share_links (tenant_id, id)
);

-- Single-photo downloads per link (a zip counts on the link's own counter).
CREATE TABLE photo_downloads (
    tenant_id BIGINT  NOT NULL,
    link_id   BIGINT  NOT NULL,
    photo_id  BIGINT  NOT NULL,
    downloads BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (link_id, photo_id),
    FOREIGN KEY (tenant_id, link_id) REFERENCES share_links (tenant_id, id),
    FOREIGN KEY (tenant_id, photo_id) REFERENCES photos (tenant_id, id)
);
