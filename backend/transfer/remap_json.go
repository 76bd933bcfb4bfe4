package transfer

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// remapJSON rewrites the ids in raw; idTable is the table of the top-level "id". Every
// other byte is copied as it is (key order, spacing, escapes, number spelling).
func remapJSON(raw string, idTable string, m mapper) (string, error) {
	if raw == "" || raw == "null" || raw == "{}" || raw == "[]" {
		return raw, nil
	}
	var out bytes.Buffer
	out.Grow(len(raw) + 16)
	w := jsonWalker{src: raw, out: &out, m: m}
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
	w.space()
	if w.pos != len(w.src) {
		return "", w.fail("trailing data after the JSON value")
	}
	return out.String(), nil
}

type mapper func(table string, old int64) (int64, error)

// jsonWalker copies JSON from src to out byte by byte, rewriting the numbers (and numeric
// strings) that are ids.
type jsonWalker struct {
	src     string
	pos     int
	out     *bytes.Buffer
	m       mapper
	keys    map[string]string // the column's own keys, besides jsonKeys
	idKeyed map[string]string // keys whose object is keyed by ids of the table
	opaque  int               // > 0 inside a value of jsonOpaque: copied untouched
}

func (w *jsonWalker) fail(what string) error {
	return fmt.Errorf("JSON at byte %d: %s", w.pos, what)
}

// space copies whitespace.
func (w *jsonWalker) space() {
	start := w.pos
	for w.pos < len(w.src) {
		switch w.src[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.pos++
			continue
		}
		break
	}
	w.out.WriteString(w.src[start:w.pos])
}

// expect copies the byte c, which must come next.
func (w *jsonWalker) expect(c byte) error {
	w.space()
	if w.pos >= len(w.src) || w.src[w.pos] != c {
		return w.fail(fmt.Sprintf("want %q", c))
	}
	w.out.WriteByte(c)
	w.pos++
	return nil
}

// str reads a string at pos: its decoded value and its raw bytes (quotes included).
func (w *jsonWalker) str() (string, string, error) {
	start := w.pos
	escaped := false
	for i := w.pos + 1; i < len(w.src); i++ {
		switch w.src[i] {
		case '\\':
			escaped = true
			i++
		case '"':
			w.pos = i + 1
			raw := w.src[start:w.pos]
			if !escaped {
				return raw[1 : len(raw)-1], raw, nil
			}
			var s string
			if err := json.Unmarshal([]byte(raw), &s); err != nil {
				return "", "", w.fail("bad string")
			}
			return s, raw, nil
		}
	}
	return "", "", w.fail("unterminated string")
}

// mapped rewrites the id n of table, naming key in errors.
func (w *jsonWalker) mapped(key, table string, n int64) (string, error) {
	nn, err := w.m(table, n)
	if err != nil {
		return "", fmt.Errorf("JSON key %q: %w", key, err)
	}
	return strconv.FormatInt(nn, 10), nil
}

// value copies one value; key is its key, numTable the table its numbers name ("" none),
// idTable the table of "id" in it when it is an object.
func (w *jsonWalker) value(key, numTable, idTable string) error {
	w.space()
	if w.pos >= len(w.src) {
		return w.fail("unexpected end")
	}
	switch c := w.src[w.pos]; {
	case c == '{':
		keyTable := ""
		if w.opaque == 0 {
			keyTable = w.idKeyed[key]
		}
		return w.object(idTable, keyTable)
	case c == '[':
		for done := w.open(']'); !done; {
			if err := w.value(key, numTable, idTable); err != nil {
				return err
			}
			var err error
			if done, err = w.next(']'); err != nil {
				return err
			}
		}
		return nil
	case c == '"':
		s, raw, err := w.str()
		if err != nil {
			return err
		}
		if n, perr := strconv.ParseInt(s, 10, 64); w.opaque == 0 && perr == nil && n != 0 && numTable != "" {
			id, err := w.mapped(key, numTable, n)
			if err != nil {
				return err
			}
			w.out.WriteString(`"` + id + `"`)
			return nil
		}
		w.out.WriteString(raw)
		return nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := w.pos
		for w.pos < len(w.src) && strings.IndexByte("+-.eE0123456789", w.src[w.pos]) >= 0 {
			w.pos++
		}
		num := w.src[start:w.pos]
		n, err := strconv.ParseInt(num, 10, 64)
		switch {
		case w.opaque > 0 || err != nil || n == 0:
		case numTable != "":
			id, err := w.mapped(key, numTable, n)
			if err != nil {
				return err
			}
			w.out.WriteString(id)
			return nil
		case idLike(key):
			return fmt.Errorf("JSON key %q holds an id the move does not know (add it to jsonKeys)", key)
		}
		w.out.WriteString(num)
		return nil
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if strings.HasPrefix(w.src[w.pos:], lit) {
				w.out.WriteString(lit)
				w.pos += len(lit)
				return nil
			}
		}
		return w.fail("unexpected character")
	}
}

func (w *jsonWalker) object(idTable, keyTable string) error {
	refType := "" // a ledger entry's ref_type, which says what its ref_id names
	for done := w.open('}'); !done; {
		w.space()
		if w.pos >= len(w.src) || w.src[w.pos] != '"' {
			return w.fail("want a key")
		}
		k, raw, err := w.str()
		if err != nil {
			return err
		}
		if keyTable != "" {
			n, err := strconv.ParseInt(k, 10, 64)
			if err != nil {
				return fmt.Errorf("JSON object of %s ids has the key %q", keyTable, k)
			}
			id, err := w.mapped(k, keyTable, n)
			if err != nil {
				return err
			}
			raw = `"` + id + `"`
		}
		w.out.WriteString(raw)
		if err := w.expect(':'); err != nil {
			return err
		}
		num := jsonKeys[k]
		if t, ok := w.keys[k]; ok {
			num = t
		}
		switch {
		case keyTable != "":
			num = "" // counters
		case k == "id":
			num = idTable
		case k == "ref_id":
			if num, err = ledgerRefTable(refType); err != nil {
				return err
			}
		}
		w.space()
		switch {
		case k == "ref_type" && w.pos < len(w.src) && w.src[w.pos] == '"':
			var raw string
			if refType, raw, err = w.str(); err != nil {
				return err
			}
			w.out.WriteString(raw)
		case jsonOpaque[k]:
			w.opaque++
			err = w.value(k, "", "")
			w.opaque--
		default:
			err = w.value(k, num, jsonNested[k])
		}
		if err != nil {
			return err
		}
		if done, err = w.next('}'); err != nil {
			return err
		}
	}
	return nil
}

// open copies the opening bracket at pos and reports whether close follows at once.
func (w *jsonWalker) open(close byte) (empty bool) {
	w.out.WriteByte(w.src[w.pos])
	w.pos++
	w.space()
	if w.pos < len(w.src) && w.src[w.pos] == close {
		w.out.WriteByte(close)
		w.pos++
		return true
	}
	return false
}

// next copies the separator after a member: a comma (more follow) or close (done).
func (w *jsonWalker) next(close byte) (done bool, err error) {
	w.space()
	if w.pos >= len(w.src) {
		return false, w.fail("unterminated " + map[byte]string{']': "array", '}': "object"}[close])
	}
	switch c := w.src[w.pos]; c {
	case ',', close:
		w.out.WriteByte(c)
		w.pos++
		return c == close, nil
	}
	return false, w.fail(fmt.Sprintf("want , or %c", close))
}
