-- Fewer index writes per lead create (issue 3: a create rewrote ~25 b-tree pages per
-- commit). Owner columns are NULL until a lead is handed on, and every query on them asks
-- for given staff (`= ?`, `IN (...)`), which implies IS NOT NULL: partial indexes answer
-- those queries and skip the leads nobody holds in that role. Assignment counts only read
-- assignment events, so only those are indexed; no query reads events by type alone.
DROP INDEX leads_by_owner;
CREATE INDEX leads_by_owner ON leads (tenant_id, owner_id, created_at, id) WHERE owner_id IS NOT NULL;
DROP INDEX leads_open_by_owner;
CREATE INDEX leads_open_by_owner ON leads (tenant_id, owner_id, deleted, validity, booking, store_status) WHERE owner_id IS NOT NULL;
DROP INDEX leads_by_intake_owner;
CREATE INDEX leads_by_intake_owner ON leads (tenant_id, intake_owner_id) WHERE intake_owner_id IS NOT NULL;
DROP INDEX leads_by_booking_owner;
CREATE INDEX leads_by_booking_owner ON leads (tenant_id, booking_owner_id) WHERE booking_owner_id IS NOT NULL;
DROP INDEX leads_by_store_owner;
CREATE INDEX leads_by_store_owner ON leads (tenant_id, store_owner_id) WHERE store_owner_id IS NOT NULL;
DROP INDEX lead_events_by_type;
DROP INDEX lead_events_assigned;
CREATE INDEX lead_events_assigned ON lead_events (tenant_id, owner_id, created_at) WHERE type IN ('assigned', 'transferred', 'claimed');
