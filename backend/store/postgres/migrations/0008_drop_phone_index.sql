-- Phone searches use UNIQUE (brand_id, phone) through the studio's brands: a second phone
-- index cost every lead create one more write at a random place in a large B-tree.
DROP INDEX leads_by_phone;
