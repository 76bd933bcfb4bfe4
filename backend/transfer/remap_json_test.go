package transfer

import (
	"errors"
	"strings"
	"testing"
)

func TestRemapJSON(t *testing.T) {
	ids := map[string]map[int64]int64{
		"leads": {7: 70}, "staff": {3: 30, 4: 40}, "brands": {1: 10}, "departments": {5: 50}, "transfer_requests": {9: 90},
		"credit_purchases": {2: 20}, "albums": {2: 200}, "channels": {1: 10, 2: 20},
	}
	m := func(table string, old int64) (int64, error) {
		if n, ok := ids[table][old]; ok {
			return n, nil
		}
		return 0, errors.New("no id for " + table)
	}
	for _, tc := range []struct {
		name, in, idTable, want, err string
	}{
		{"lead doc: keys kept in order, ids mapped, custom values untouched", `{"id":7,"brand_id":1,"owner_id":3,"custom":{"wechat_id":123,"x":[1]},"name":"王<小>姐","deal_amount":0,"version":2}`, "leads",
			`{"id":70,"brand_id":10,"owner_id":30,"custom":{"wechat_id":123,"x":[1]},"name":"王<小>姐","deal_amount":0,"version":2}`, ""},
		{"every other byte is kept: spacing, escapes, number spelling", "{ \"lead_id\" : [ 7 , 0 ],\n\"note\":\"a\\\"b\\u003c\", \"amount\": 1.50e2, \"ok\": true, \"x\": null }", "",
			"{ \"lead_id\" : [ 70 , 0 ],\n\"note\":\"a\\\"b\\u003c\", \"amount\": 1.50e2, \"ok\": true, \"x\": null }", ""},
		{"an escaped key is read as its value", `{"lead\u005fid":7}`, "", `{"lead\u005fid":70}`, ""},
		{"broken JSON", `{"lead_id":7`, "", "", "unterminated"},
		{"trailing data", `{"lead_id":7} x`, "", "", "trailing"},
		{"change scope", `{"now":{"people":[3,4],"dept":5,"brand":1},"prev":{"people":[3]}}`, "", `{"now":{"people":[30,40],"dept":50,"brand":10},"prev":{"people":[30]}}`, ""},
		{"nested objects name their id's table", `{"lead":{"id":7},"staff":[{"id":4}]}`, "", `{"lead":{"id":70},"staff":[{"id":40}]}`, ""},
		{"distribution state keyed by staff", `{"rr":{"last":4},"weighted":{"current":{"3":2,"4":-1}}}`, "dist", `{"rr":{"last":40},"weighted":{"current":{"30":2,"40":-1}}}`, ""},
		{"an assignment moves a lead between owners", `{"department_id":5,"from":3,"method":"manual","to":4}`, "event", `{"department_id":50,"from":30,"method":"manual","to":40}`, ""},
		{"an edit of the channel names channels", `{"fields":["channel_id"],"from":1,"to":2}`, "event", `{"fields":["channel_id"],"from":10,"to":20}`, ""},
		{"a repeat inquiry", `{"channel_id":2,"original_channel_id":1,"repeat_count":2}`, "event", `{"channel_id":20,"original_channel_id":10,"repeat_count":2}`, ""},
		{"from and to are states elsewhere", `{"from":"pending","to":3}`, "", `{"from":"pending","to":3}`, ""},
		{"last and current mean staff in the distribution state only", `{"last":4,"current":{"3":2}}`, "", `{"last":4,"current":{"3":2}}`, ""},
		{"ledger ref by its type", `{"id":0,"ref_type":"purchase","ref_id":2}`, "", `{"id":0,"ref_type":"purchase","ref_id":20}`, ""},
		{"zero and null stay", `{"owner_id":0,"lead_id":null,"staff_id":"","at":"2026-01-01T00:00:00Z"}`, "", `{"owner_id":0,"lead_id":null,"staff_id":"","at":"2026-01-01T00:00:00Z"}`, ""},
		{"numeric string id", `{"lead_id":"7"}`, "", `{"lead_id":"70"}`, ""},
		{"transfer request in a lead's audit", `{"id":9,"lead_id":7}`, "transfer_requests", `{"id":90,"lead_id":70}`, ""},
		{"an unknown id key stops the move", `{"widget_id":5}`, "", "", `"widget_id"`},
		{"an id without a known table stops the move", `{"id":5}`, "", "", `"id"`},
		{"an unknown ledger ref type stops the move", `{"ref_type":"gift","ref_id":5}`, "", "", `"gift"`},
		{"a missing mapping is an error", `{"lead_id":8}`, "", "", "no id for leads"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := remapJSON(tc.in, tc.idTable, m)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %s, %v; want an error naming %s", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %s, %v\nwant %s", got, err, tc.want)
			}
		})
	}
}

func TestKeyRules(t *testing.T) {
	m := func(table string, old int64) (int64, error) { return old * 100, nil }
	for _, tc := range []struct{ got, want string }{
		{must(jobKey("notify.send", "12", m)), "1200"},
		{must(jobKey("notify.uploaded", "3:29000", m)), "300:29000"},
		{must(jobKey("media.render", "5", m)), "500"},
		{must(jobKey("media.remark", "album:4@1700000000000.ab", m)), "album:400@1700000000000.ab"},
		{must(jobKey("media.remark", "studio@1700000000000.ab", m)), "studio@1700000000000.ab"},
		{must(jobKey("lead.sweep", "", m)), ""},
		{must(dedupeKey("notifications", "follow_up_due:7:3:1700", 7, m)), "follow_up_due:700:300:1700"},
		{must(dedupeKey("notifications", "transfer_request:9:3", 0, m)), "transfer_request:900:300"},
		{must(dedupeKey("notifications", "storage_unpaid:2026-11:3", 0, m)), "storage_unpaid:2026-11:300"},
		{must(dedupeKey("notify_outbox", "ready:4:2900:log", 0, m)), "ready:400:2900:log"},
		{must(dedupeKey("notifications", "notify_failed:4:3:12", 0, m)), "notify_failed:400:300:1200"},
		{must(dedupeKey("notifications", "transfer_decided:9", 7, m)), "transfer_decided:900"},
		{must(distKey("dept:5", m)), "dept:500"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for _, err := range []error{
		second(jobKey("media.new", "1", m)), second(dedupeKey("notifications", "mystery:1", 0, m)),
		second(dedupeKey("notify_outbox", "mystery:1:log", 0, m)), second(distKey("team:1", m)),
	} {
		if err == nil || !strings.Contains(err.Error(), "unknown to the move") {
			t.Errorf("an unknown key: %v", err)
		}
	}
}

func must(s string, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return s
}

func second(_ string, err error) error { return err }
