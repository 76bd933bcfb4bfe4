-- Name search through an n-gram index (store/sqldb/leadlist.go): each lead name's single
-- characters and adjacent pairs, ASCII lower-cased, keyed newest first per gram, so a
-- search for one or two characters walks only the leads that hold them.
CREATE TABLE lead_grams (
    g_tenant  INTEGER NOT NULL,
    gram      TEXT    NOT NULL,
    g_created INTEGER NOT NULL,
    g_lead    INTEGER NOT NULL,
    PRIMARY KEY (g_tenant, gram, g_created, g_lead)
) WITHOUT ROWID;

WITH RECURSIVE pos(tenant_id, id, created_at, name, i) AS (
    SELECT tenant_id, id, created_at, lower(name), 1 FROM leads WHERE name <> ''
    UNION ALL
    SELECT tenant_id, id, created_at, name, i + 1 FROM pos WHERE i < length(name)
)
INSERT OR IGNORE INTO lead_grams (g_tenant, gram, g_created, g_lead)
SELECT tenant_id, gram, created_at, id FROM (
    SELECT tenant_id, substr(name, i, 1) AS gram, created_at, id FROM pos
    UNION ALL
    SELECT tenant_id, substr(name, i, 2), created_at, id FROM pos WHERE i < length(name)
) WHERE trim(gram) <> ''
ORDER BY 1, 2, 3, 4;
