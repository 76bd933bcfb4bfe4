package transfer

import (
	"fmt"
	"strconv"
	"strings"
)

// Columns whose ids depend on another column of the row ("fn:NAME" in the catalog).

// entityTables: the table of an audit entry's or a change's entity ("" = not a row id of
// ours: a device's own text id, a whole-studio list).
var entityTables = map[string]string{
	"tenant": "tenants", "brand": "brands", "branch": "branches", "department": "departments", "role": "roles",
	"staff": "staff", "channel_group": "channel_groups", "channel": "channels", "lead": "leads", "order": "orders",
	"album": "albums", "photo": "photos", "share_link": "share_links", "purchase": "credit_purchases",
	"transfer_request": "transfer_requests", "device": "", "assign_rules": "assign_rules", "credits": "credit_ledger",
}

// auditJSONTables: actions whose before/after hold another entity than the entry names.
var auditJSONTables = map[string]string{"lead.transfer_request": "transfer_requests"}

func entityTable(entity string) (string, error) {
	t, ok := entityTables[entity]
	if !ok {
		return "", fmt.Errorf("entity %q is unknown to the move (add it to entityTables)", entity)
	}
	return t, nil
}

// auditJSONTable is the table of the top-level "id" in an audit entry's before/after.
func auditJSONTable(action, entity string) (string, error) {
	if t, ok := auditJSONTables[action]; ok {
		return t, nil
	}
	if strings.HasSuffix(action, ".denied") {
		return "", nil
	}
	return entityTable(entity)
}

// remapDecimal maps a decimal id held in text ("" and "0" stay).
func remapDecimal(s, table string, m mapper) (string, error) {
	if table == "" || s == "" || s == "0" {
		return s, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return s, nil // not an id (a device's text id)
	}
	n, err = m(table, n)
	return strconv.FormatInt(n, 10), err
}

// remapSegments rewrites the ":"-separated segments of key named by tables (index ->
// table); the key must have at least min segments.
func remapSegments(key string, tables map[int]string, m mapper) (string, error) {
	seg := strings.Split(key, ":")
	for i, t := range tables {
		if i >= len(seg) {
			return "", fmt.Errorf("key %q has no segment %d", key, i)
		}
		n, err := strconv.ParseInt(seg[i], 10, 64)
		if err != nil {
			return "", fmt.Errorf("key %q: segment %d is not an id", key, i)
		}
		if n, err = m(t, n); err != nil {
			return "", err
		}
		seg[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(seg, ":"), nil
}

// jobKey rewrites a job's key by its kind (backend/api: the job constants).
func jobKey(kind, key string, m mapper) (string, error) {
	switch kind {
	case "album.retention", "lead.sweep":
		return key, nil
	case "notify.send":
		return remapDecimal(key, "notify_outbox", m)
	case "media.render":
		return remapDecimal(key, "photos", m)
	case "notify.uploaded": // album:window
		return remapSegments(key, map[int]string{0: "albums"}, m)
	case "media.remark": // album:<id>@<ms>.<rand> or studio@…
		target, rest, _ := strings.Cut(key, "@")
		if target == "studio" {
			return key, nil
		}
		t, err := remapSegments(target, map[int]string{1: "albums"}, m)
		return t + "@" + rest, err
	}
	return "", fmt.Errorf("job kind %q is unknown to the move (add it to jobKey, or let the server finish its jobs first)", kind)
}

// dedupeKey rewrites a notification's or an outbox message's trigger name
// (backend/api: notify, inboxAlbum, queueNotice and the transfer-request notices).
func dedupeKey(table, key string, leadID int64, m mapper) (string, error) {
	kind, _, _ := strings.Cut(key, ":")
	if table == "notify_outbox" { // trigger:…:channel
		switch kind {
		case "finished", "ready", "uploaded", "retention":
			return remapSegments(key, map[int]string{1: "albums"}, m)
		}
		return "", fmt.Errorf("outbox trigger %q is unknown to the move (add it to dedupeKey)", kind)
	}
	switch kind {
	case "transfer_request":
		return remapSegments(key, map[int]string{1: "transfer_requests", 2: "staff"}, m)
	case "transfer_decided":
		return remapSegments(key, map[int]string{1: "transfer_requests"}, m)
	case "storage_unpaid":
		return remapSegments(key, map[int]string{2: "staff"}, m)
	case "album_expiring", "album_hidden":
		return remapSegments(key, map[int]string{1: "albums", 2: "staff"}, m)
	case "notify_failed": // …:album:staff:outbox message
		return remapSegments(key, map[int]string{1: "albums", 2: "staff", 3: "notify_outbox"}, m)
	}
	if leadID != 0 { // lead reminders: kind:lead:staff:when
		return remapSegments(key, map[int]string{1: "leads", 2: "staff"}, m)
	}
	return "", fmt.Errorf("notification key %q is unknown to the move (add it to dedupeKey)", key)
}

// distKey: distribution state per department ("dept:<id>").
func distKey(key string, m mapper) (string, error) {
	if !strings.HasPrefix(key, "dept:") {
		return "", fmt.Errorf("distribution state %q is unknown to the move (add it to distKey)", key)
	}
	return remapSegments(key, map[int]string{1: "departments"}, m)
}

// ledgerRefTable: the table a ledger entry's ref_id names, by ref_type.
func ledgerRefTable(refType string) (string, error) {
	switch refType {
	case "purchase":
		return "credit_purchases", nil
	case "album":
		return "albums", nil
	case "", "storage":
		return "", nil
	}
	return "", fmt.Errorf("ledger ref_type %q is unknown to the move (add it to ledgerRefTable)", refType)
}
