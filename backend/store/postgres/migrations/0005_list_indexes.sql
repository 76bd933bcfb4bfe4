-- Lead lists are newest first; these let the common pages walk an index in order instead of
-- sorting a whole studio (measured at 1,000,000 leads: unfiltered and branch pages took
-- seconds without them). `deleted` stays out of them on purpose: with it, SQLite without
-- statistics preferred these over the (tenant_id, phone) index for exact phone lookups.
CREATE INDEX leads_recent ON leads (tenant_id, created_at, id);
CREATE INDEX leads_by_branch_recent ON leads (tenant_id, branch_id, created_at, id);
-- "Own" scope: the leads a member takes part in, one index per role.
CREATE INDEX leads_by_intake_owner ON leads (tenant_id, intake_owner_id);
CREATE INDEX leads_by_booking_owner ON leads (tenant_id, booking_owner_id);
CREATE INDEX leads_by_store_owner ON leads (tenant_id, store_owner_id);
CREATE INDEX leads_by_creator ON leads (tenant_id, created_by);
