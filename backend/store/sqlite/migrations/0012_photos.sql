-- The files of albums. Originals are stored once per studio under their SHA-256 (blob key
-- originals/<hash>), so a photo in two albums, or uploaded twice, is one object; a file is
-- in an album at most once (UNIQUE (tenant_id, album_id, hash)).
CREATE TABLE photos (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL,
    album_id     INTEGER NOT NULL,
    hash         TEXT    NOT NULL,
    size         INTEGER NOT NULL CHECK (size > 0),
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('image', 'video')),
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    status       TEXT    NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
    fail_reason  TEXT    NOT NULL DEFAULT '',
    -- CRC-32s of what guests may download, known before a zip is sent so its size and every
    -- byte range are fixed: the original as stored, without EXIF, without GPS, the preview.
    crc          INTEGER NOT NULL DEFAULT 0,
    crc_noexif   INTEGER NOT NULL DEFAULT 0,
    crc_nogps    INTEGER NOT NULL DEFAULT 0,
    preview_size INTEGER NOT NULL DEFAULT 0,
    preview_crc  INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, album_id, hash),
    FOREIGN KEY (tenant_id, album_id) REFERENCES albums (tenant_id, id)
);
CREATE INDEX photos_by_album ON photos (tenant_id, album_id, id);
