-- A photo whose renditions came first (the desktop made them) and whose original is still
-- on its way over tus: 1 until the original is stored. Such a photo is shown (its thumb and
-- preview are there) but its original cannot be downloaded yet. The partial index finds an
-- album's waiting photos for the upload check.
ALTER TABLE photos ADD COLUMN original_pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX photos_original_pending ON photos (tenant_id, album_id) WHERE original_pending = 1;
