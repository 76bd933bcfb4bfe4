-- Name search through an n-gram index (store/sqldb/leadlist.go): each lead name's single
-- characters and adjacent pairs, ASCII lower-cased, keyed newest first per gram, so a
-- search for one or two characters walks only the leads that hold them.
CREATE TABLE lead_grams (
    g_tenant  BIGINT NOT NULL,
    gram      TEXT   NOT NULL,
    g_created BIGINT NOT NULL,
    g_lead    BIGINT NOT NULL,
    PRIMARY KEY (g_tenant, gram, g_created, g_lead)
);

-- The names already there, cut as sqldb's nameGrams cuts them: translate() lower-cases
-- ASCII letters only (PostgreSQL's lower() would follow the locale), and grams of spaces
-- alone are left out.
INSERT INTO lead_grams (g_tenant, gram, g_created, g_lead)
SELECT tenant_id, gram, created_at, id FROM (
    SELECT l.tenant_id, l.created_at, l.id, substr(n.name, i, 1) AS gram
    FROM leads l
    CROSS JOIN LATERAL (SELECT translate(l.name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') AS name) n
    CROSS JOIN LATERAL generate_series(1, length(n.name)) i
    UNION ALL
    SELECT l.tenant_id, l.created_at, l.id, substr(n.name, i, 2)
    FROM leads l
    CROSS JOIN LATERAL (SELECT translate(l.name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') AS name) n
    CROSS JOIN LATERAL generate_series(1, length(n.name) - 1) i
) g
WHERE trim(gram) <> ''
ON CONFLICT DO NOTHING;
