-- A live album (an event, a wedding day): guests' pages follow it over server-sent events and
-- show new photos at the top as they arrive; the event stream refuses other albums (404).
ALTER TABLE albums ADD COLUMN live INTEGER NOT NULL DEFAULT 0;
