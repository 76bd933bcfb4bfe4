package transfer

// The catalog says, for every table and every column of the schema, what a single-studio
// move (MoveTenant) does with it. TestCatalogCoversSchema fails when the schema has a table
// or column the catalog does not name, so a new id column cannot be copied unmapped.
//
// Column roles:
//
//	""                plain value, copied as it is
//	"id"              the row's own id: a new one is taken from the target (its identity
//	                  sequence, or max+1 on SQLite) and every reference follows it
//	"tenant"          the studio's id (the new studio's id in the target)
//	"ref:TABLE"       an id of a row of TABLE (with or without a declared foreign key);
//	                  0 and NULL stay as they are
//	"json:TABLE"      JSON holding ids, rewritten by key (remap_json.go); TABLE names the
//	                  top-level "id" ("json:" none, "json:audit" by the entry's entity,
//	                  "json:dist" / "json:event": the distribution state's and a lead
//	                  event's own keys, remap_json.go)
//	"fn:NAME"         a column whose meaning depends on another column (rowRules)
//	"reset"           not carried over: NULL / the column's zero (job leases)
//	"derived"         copied, then kept by the target's own triggers (not compared by Verify)
//
// Table scopes:
//
//	scopeTenant  the studio's rows (tenant column = the studio) are copied
//	scopeGlobal  the server's own rows (operator prices, migrations): never copied
//	scopeSkip    the studio's rows that are deliberately not copied (why: in Why)
type tableSpec struct {
	Scope  scope
	Tenant string            // the column naming the studio ("id" for tenants)
	Cols   map[string]string // every column -> role
	Why    string            // the decision, for skipped / special tables
	// Unique lists the columns that name a row when the target may already hold it
	// (written by the target's own replicas): such a row is kept, the source's not copied,
	// and Verify compares only these columns.
	Unique []string
}

type scope int

const (
	scopeTenant scope = iota
	scopeGlobal
	scopeSkip
)

// Tables named in the schema but not data of any studio, never copied.
var ignoredTables = []string{"schema_migrations"}

var catalog = map[string]tableSpec{
	"tenants": {Scope: scopeTenant, Tenant: "id", Cols: map[string]string{
		"id": "id", "name": "", "seat_limit": "", "created_at": "", "authz_gen": "derived",
	}},
	"brands": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "name": "", "type": "", "duplicate_policy": "", "timezone": "",
		"created_at": "", "updated_at": "", "settings": "json:",
	}},
	"branches": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "brand_id": "ref:brands", "name": "", "address": "", "phone": "", "created_at": "",
	}},
	"departments": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "branch_id": "ref:branches", "name": "", "kind": "",
	}},
	"roles": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "key": "", "name": "", "builtin": "", "permissions": "", "data_scope": "",
	}},
	"staff": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "phone": "", "name": "", "branch_id": "ref:branches",
		"department_id": "ref:departments", "password_hash": "", "disabled": "", "created_at": "", "updated_at": "",
		"daily_cap": "", "holding_cap": "", "weight": "",
	}, Why: "login phones are unique per studio only (a login offers every studio holding the phone), so they are kept"},
	"staff_roles": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "staff_id": "ref:staff", "role_id": "ref:roles",
	}},
	"channel_groups": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "name": "",
	}},
	"channels": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "brand_id": "ref:brands", "group_id": "ref:channel_groups", "name": "", "active": "",
	}},
	"devices": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "id": "", "name": "", "first_seen": "", "last_seen": "",
	}, Why: "device ids are the desktops' own random ids (text), kept with their branch bindings"},
	"device_branches": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "device_id": "", "branch_id": "ref:branches",
	}},
	"sessions": {Scope: scopeSkip, Tenant: "tenant_id", Cols: map[string]string{
		"token_hash": "", "tenant_id": "tenant", "staff_id": "ref:staff", "device_id": "", "branch_id": "ref:branches",
		"created_at": "", "last_seen": "", "expires_at": "",
	}, Why: "staff sign in again on the new server; desktops then re-sync from scratch (their copies hold the old ids)"},
	"rate_limits": {Scope: scopeGlobal, Cols: map[string]string{"key": "", "window_start": "", "count": ""},
		Why: "login and share-code attempt counters, keyed by phone/address across studios: short-lived, the target keeps its own"},
	"audit_log": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "actor_id": "ref:staff", "actor_name": "", "on_behalf_of": "ref:staff",
		"action": "", "entity": "", "entity_id": "fn:audit_entity", "before_json": "json:audit", "after_json": "json:audit",
		"device_id": "", "ip": "", "created_at": "",
	}},
	"leads": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "brand_id": "ref:brands", "branch_id": "ref:branches", "phone": "", "name": "",
		"owner_id": "ref:staff", "created_at": "", "channel_id": "ref:channels", "phone_rev": "", "validity": "",
		"booking": "", "store_status": "", "owner_department_id": "ref:departments", "intake_owner_id": "ref:staff",
		"booking_owner_id": "ref:staff", "store_owner_id": "ref:staff", "created_by": "ref:staff", "in_pool": "",
		"deleted": "", "next_follow_up": "", "updated_at": "", "version": "", "doc": "json:leads", "protected_until": "",
		"booked_at": "", "last_activity": "", "doc_masked": "json:leads",
	}},
	"lead_events": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "lead_id": "ref:leads", "type": "", "axis": "", "from_state": "", "to_state": "",
		"reason": "", "actor_id": "ref:staff", "on_behalf_of": "ref:staff", "owner_id": "ref:staff", "channel_id": "ref:channels",
		"data": "json:event", "created_at": "",
	}},
	"tenant_seqs": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{"tenant_id": "tenant", "seq": ""},
		Why: "the change feed keeps its sequence numbers (they are per studio)"},
	"changes": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "seq": "", "entity": "", "entity_id": "fn:change_entity", "scope": "json:", "created_at": "",
	}},
	"mutations": {Scope: scopeSkip, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "id": "", "staff_id": "ref:staff", "request_hash": "", "result": "", "created_at": "",
	}, Why: "push idempotency records of desktops, which re-sync after the move: a replay against new ids is refused anyway"},
	"checkins": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "staff_id": "ref:staff", "day": "", "in_at": "", "out_at": "", "by_id": "ref:staff",
	}},
	"dist_state": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "key": "fn:dist_key", "state": "json:dist",
	}},
	"custom_fields": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "brand_id": "ref:brands", "key": "", "def": "json:", "sort": "",
	}},
	"jobs": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "kind": "", "tenant_id": "tenant", "key": "fn:job_key", "payload": "json:", "run_at": "",
		"lease_until": "reset", "leased_by": "reset", "attempts": "", "last_error": "", "done_at": "",
	}, Why: "the studio's jobs (tenant_id 0 = the server's own, not copied); keys naming rows are rewritten, leases dropped; " +
		"a target replica starting during the move schedules the studio's recurring jobs itself: those are kept",
		Unique: []string{"kind", "tenant_id", "key"}},
	"notifications": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "staff_id": "ref:staff", "kind": "", "lead_id": "ref:leads",
		"data": "json:", "dedupe_key": "fn:dedupe_key", "created_at": "", "read_at": "",
	}},
	"assign_rules": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "priority": "", "channel_id": "ref:channels", "channel_group_id": "ref:channel_groups",
		"branch_id": "ref:branches", "segment": "", "target_department_id": "ref:departments", "method": "",
	}},
	"staff_channel_groups": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "staff_id": "ref:staff", "group_id": "ref:channel_groups",
	}},
	"lead_grams": {Scope: scopeTenant, Tenant: "g_tenant", Cols: map[string]string{
		"g_tenant": "tenant", "gram": "", "g_created": "", "g_lead": "ref:leads",
	}},
	"credit_balances": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "balance": "", "updated_at": "",
	}},
	"credit_ledger": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "kind": "", "item": "", "quantity": "", "amount": "", "balance": "",
		"ref_type": "", "ref_id": "fn:ledger_ref", "provider": "", "provider_ref": "", "idem_key": "", "actor_id": "ref:staff",
		"note": "", "created_at": "",
	}},
	"credit_purchases": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "provider": "", "provider_ref": "", "credits": "", "amount_fen": "", "status": "",
		"pay_url": "", "instructions": "", "created_by": "ref:staff", "created_at": "", "paid_at": "",
	}, Why: "provider references are unique across the server: a clash stops the move with the provider's name"},
	"operator_settings": {Scope: scopeGlobal, Cols: map[string]string{"key": "", "value": "", "updated_at": ""},
		Why: "the operator's price table belongs to the server, not to a studio"},
	"orders": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "brand_id": "ref:brands", "branch_id": "ref:branches", "owner_id": "ref:staff",
		"department_id": "ref:departments", "customer_name": "", "phone": "", "package": "", "shoot_date": "",
		"lead_id": "ref:leads", "code": "", "note": "", "created_by": "ref:staff", "created_at": "", "updated_at": "", "email": "",
	}},
	"albums": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "order_id": "ref:orders", "kind": "", "title": "", "cover_photo_id": "ref:photos",
		"sort_order": "", "settings": "json:", "status": "", "retain_until": "", "photo_count": "", "bytes": "",
		"created_by": "ref:staff", "created_at": "", "updated_at": "", "hidden_at": "", "purged_at": "", "live": "",
	}},
	"photos": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "album_id": "ref:albums", "hash": "", "size": "", "filename": "", "content_type": "",
		"kind": "", "width": "", "height": "", "status": "", "fail_reason": "", "crc": "", "crc_noexif": "", "crc_nogps": "",
		"preview_size": "", "preview_crc": "", "created_by": "ref:staff", "created_at": "", "updated_at": "", "rendition_mark": "", "original_pending": "",
	}, Why: "objects are keyed by content hash inside the studio's prefix: only the prefix changes"},
	"share_links": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "album_id": "ref:albums", "token_hash": "", "token": "", "code_hash": "", "label": "",
		"expires_at": "", "revoked_at": "", "allow_download": "", "views": "", "downloads": "", "created_by": "ref:staff", "created_at": "",
	}, Why: "tokens are kept (random, unique across the server): printed links and QR codes keep working"},
	"share_grants": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"grant_hash": "", "tenant_id": "tenant", "link_id": "ref:share_links", "expires_at": "",
	}, Why: "guests who entered a link's code keep their grant cookie"},
	"transfer_requests": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "lead_id": "ref:leads", "requester_id": "ref:staff", "owner_id": "ref:staff",
		"reason": "", "status": "", "decided_by": "ref:staff", "decision_reason": "", "created_at": "", "decided_at": "",
	}},
	"notify_settings": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "config": "json:", "updated_at": "",
	}},
	"notify_outbox": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"id": "id", "tenant_id": "tenant", "album_id": "ref:albums", "kind": "", "channel": "", "recipient": "", "subject": "",
		"body": "", "data": "json:", "status": "", "attempts": "", "last_error": "", "dedupe_key": "fn:dedupe_key",
		"created_at": "", "sent_at": "",
	}},
	"studio_pages": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{"tenant_id": "tenant", "slug": "fn:slug"},
		Why: "the /my/<slug> address is kept; a slug taken in the target stops the move unless --slug names a free one"},
	"storage_charges": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "month": "", "gb": "", "credits": "", "status": "", "updated_at": "",
	}},
	"link_visitors": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "link_id": "ref:share_links", "visitor_hash": "", "views": "", "first_seen": "", "last_seen": "",
	}},
	"photo_downloads": {Scope: scopeTenant, Tenant: "tenant_id", Cols: map[string]string{
		"tenant_id": "tenant", "link_id": "ref:share_links", "photo_id": "ref:photos", "downloads": "",
	}},
}
