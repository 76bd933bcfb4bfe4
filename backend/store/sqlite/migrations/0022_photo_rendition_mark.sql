-- Which watermark a photo's renditions carry: '' = none (the renditions at
-- renditions/<hash>/<name>.jpg, shared by every album of the studio holding the file),
-- otherwise a fingerprint of the logo, position and opacity, and the renditions are at
-- renditions/<hash>/<name>.<mark>.jpg, so a watermarked album and a clean one holding the
-- same file never overwrite each other's pictures.
ALTER TABLE photos ADD COLUMN rendition_mark TEXT NOT NULL DEFAULT '';
