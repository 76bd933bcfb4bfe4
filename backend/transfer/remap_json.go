package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// JSON columns hold ids by key. jsonKeys says which table a key's number (or array of
// numbers, or numeric string) names, at any depth; jsonNested says which table the "id" of an
// object found under a key names. The walker keeps key order and every other byte's meaning,
// and refuses a non-zero number under an id-looking key it does not know (…_id, …_ids, id,
// ids, …_by), so a new JSON shape stops a move instead of copying stale ids.
var jsonKeys = map[string]string{
	"tenant_id": "tenants", "studio_id": "tenants",
	"brand_id": "brands", "brand": "brands",
	"branch_id": "branches", "booked_branch_id": "branches", "previous_branch_id": "branches", "branch_ids": "branches", "branch": "branches",
	"department_id": "departments", "owner_department_id": "departments", "target_department_id": "departments", "dept": "departments",
	"role_ids": "roles", "role_id": "roles",
	"channel_group_id": "channel_groups", "group_id": "channel_groups", "channel_group_ids": "channel_groups",
	"channel_id": "channels", "channel_ids": "channels", "channel": "channels", "original_channel_id": "channels",
	"staff_id": "staff", "staff_ids": "staff", "owner_id": "staff", "intake_owner_id": "staff", "booking_owner_id": "staff",
	"store_owner_id": "staff", "prev_owner_id": "staff", "referrer_staff_id": "staff", "created_by": "staff",
	"actor_id": "staff", "on_behalf_of": "staff", "requester_id": "staff", "decided_by": "staff", "by_id": "staff",
	"people":  "staff",
	"lead_id": "leads", "lead_ids": "leads",
	"order_id": "orders",
	"album_id": "albums",
	"photo_id": "photos", "cover_photo_id": "photos",
	"link_id":     "share_links",
	"request_id":  "transfer_requests",
	"rule_id":     "assign_rules",
	"purchase_id": "credit_purchases",
}

// jsonNested: the table of "id" inside an object (or array of objects) under the key.
var jsonNested = map[string]string{
	"lead": "leads", "leads": "leads", "staff": "staff", "roles": "roles", "brand": "brands", "branch": "branches",
	"branches": "branches", "album": "albums", "photo": "photos", "photos": "photos", "order": "orders", "rules": "assign_rules",
}

// A lead event's data ("json:event"): "from" and "to" are the owners an assignment,
// transfer or pooling moved the lead between (backend/api distribution_handlers.go,
// lead/pool.go) — or, in an edit of the channel ({"fields":["channel_id"],...}), the channels.
var (
	eventOwnerKeys   = map[string]string{"from": "staff", "to": "staff"}
	eventChannelKeys = map[string]string{"from": "channels", "to": "channels"}
)

// The distribution state (dist_state.state, "json:dist"): the round-robin's last staff
// member, and the weighted chooser's counters keyed by staff id. Only there.
var (
	distKeys    = map[string]string{"last": "staff"}
	distIDKeyed = map[string]string{"current": "staff"}
)

// jsonOpaque: values under these keys are the studio's own data (custom field values by
// field key) and hold no ids of ours.
var jsonOpaque = map[string]bool{"custom": true}

func idLike(key string) bool {
	return key == "id" || key == "ids" || strings.HasSuffix(key, "_id") || strings.HasSuffix(key, "_ids") || strings.HasSuffix(key, "_by")
}

// remapJSON rewrites the ids in raw; idTable is the table of the top-level "id".
func remapJSON(raw string, idTable string, m mapper) (string, error) {
	if raw == "" || raw == "null" || raw == "{}" || raw == "[]" {
		return raw, nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var out bytes.Buffer
	w := jsonWalker{dec: dec, out: &out, m: m}
	switch idTable {
	case "dist":
		idTable, w.keys, w.idKeyed = "", distKeys, distIDKeyed
	case "event":
		var ev struct {
			Fields []string `json:"fields"`
		}
		_ = json.Unmarshal([]byte(raw), &ev) // not an object: no fields, and the walk reports it
		idTable, w.keys = "", eventOwnerKeys
		if slices.Contains(ev.Fields, "channel_id") {
			w.keys = eventChannelKeys
		}
	}
	if err := w.value("", "", idTable); err != nil {
		return "", err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "", errors.New("trailing data after the JSON value")
	}
	return out.String(), nil
}

type mapper func(table string, old int64) (int64, error)

type jsonWalker struct {
	dec     *json.Decoder
	out     *bytes.Buffer
	m       mapper
	keys    map[string]string // the column's own keys, besides jsonKeys
	idKeyed map[string]string // keys whose object is keyed by ids of the table
}

// value copies one value; key is its key, numTable the table its numbers name ("" none),
// idTable the table of "id" in it when it is an object.
func (w *jsonWalker) value(key, numTable, idTable string) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return w.object(idTable, w.idKeyed[key])
		case '[':
			w.out.WriteByte('[')
			for i := 0; w.dec.More(); i++ {
				if i > 0 {
					w.out.WriteByte(',')
				}
				if err := w.value(key, numTable, idTable); err != nil {
					return err
				}
			}
			if _, err := w.dec.Token(); err != nil {
				return err
			}
			w.out.WriteByte(']')
			return nil
		}
		return fmt.Errorf("unexpected %v", t)
	case json.Number:
		n, err := strconv.ParseInt(string(t), 10, 64)
		if err != nil || n == 0 {
			if err == nil && numTable == "" && n != 0 && idLike(key) {
				return fmt.Errorf("JSON key %q holds an id the move does not know (add it to jsonKeys)", key)
			}
			w.out.WriteString(string(t))
			return nil
		}
		if numTable == "" {
			if idLike(key) {
				return fmt.Errorf("JSON key %q holds an id the move does not know (add it to jsonKeys)", key)
			}
			w.out.WriteString(string(t))
			return nil
		}
		nn, err := w.m(numTable, n)
		if err != nil {
			return fmt.Errorf("JSON key %q: %w", key, err)
		}
		w.out.WriteString(strconv.FormatInt(nn, 10))
		return nil
	case string:
		if n, err := strconv.ParseInt(t, 10, 64); err == nil && n != 0 && numTable != "" {
			nn, err := w.m(numTable, n)
			if err != nil {
				return fmt.Errorf("JSON key %q: %w", key, err)
			}
			t = strconv.FormatInt(nn, 10)
		}
		return w.str(t)
	default: // bool, nil
		b, _ := json.Marshal(t)
		w.out.Write(b)
		return nil
	}
}

func (w *jsonWalker) str(s string) error {
	b, err := json.Marshal(s)
	w.out.Write(b)
	return err
}

func (w *jsonWalker) object(idTable, keyTable string) error {
	w.out.WriteByte('{')
	refType := "" // a ledger entry's ref_type, which says what its ref_id names

	for i := 0; w.dec.More(); i++ {
		if i > 0 {
			w.out.WriteByte(',')
		}
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		k := tok.(string)
		if keyTable != "" {
			n, err := strconv.ParseInt(k, 10, 64)
			if err != nil {
				return fmt.Errorf("JSON object of %s ids has the key %q", keyTable, k)
			}
			if n, err = w.m(keyTable, n); err != nil {
				return err
			}
			k = strconv.FormatInt(n, 10)
		}
		if err := w.str(k); err != nil {
			return err
		}
		w.out.WriteByte(':')
		if jsonOpaque[k] {
			var raw json.RawMessage
			if err := w.dec.Decode(&raw); err != nil {
				return err
			}
			w.out.Write(raw)
			continue
		}
		num := jsonKeys[k]
		if t, ok := w.keys[k]; ok {
			num = t
		}
		switch k {
		case "id":
			num = idTable
		case "ref_type":
			tok, err := w.dec.Token()
			if err != nil {
				return err
			}
			refType, _ = tok.(string)
			b, _ := json.Marshal(tok)
			w.out.Write(b)
			continue
		case "ref_id":
			if num, err = ledgerRefTable(refType); err != nil {
				return err
			}
		}
		if keyTable != "" {
			num = "" // counters
		}
		if err := w.value(k, num, jsonNested[k]); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return err
	}
	w.out.WriteByte('}')
	return nil
}
