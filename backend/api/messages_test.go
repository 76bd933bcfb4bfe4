package api

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryErrorCodeHasMessages: every error code the API or a domain package can return has
// a zh-CN and an English message, so no user ever sees a raw code or the fallback.
func TestEveryErrorCodeHasMessages(t *testing.T) {
	codes := map[string]string{}
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`apiErr\([^,]+,\s*"([a-z_]+)"`),
		regexp.MustCompile(`(?m)^\s*Code[A-Za-z]+\s*=\s*"([a-z_]+)"`),
		regexp.MustCompile(`errorf\([^,]+,\s*"([a-z_]+)"`),
	}
	for _, dir := range []string{".", "../account", "../lead", "../credit", "../album", "../notify"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, re := range patterns {
				for _, m := range re.FindAllStringSubmatch(string(b), -1) {
					codes[m[1]] = f
				}
			}
		}
	}
	if len(codes) < 40 {
		t.Fatalf("found only %d codes: the scan is broken", len(codes))
	}
	for code, file := range codes {
		m, ok := messages[code]
		if !ok || m.zh == "" || m.en == "" {
			t.Errorf("code %q (%s) has no message in both languages", code, file)
		}
	}
	for name, m := range messages {
		if strings.Count(m.zh, "{") != strings.Count(m.en, "{") {
			t.Errorf("%s: zh and en use different placeholders", name)
		}
	}
}

// TestInvalidValueListsOnlyWhatIsGiven: an invalid value names the allowed values when the
// check knows them, and says nothing about them (no empty "allowed:") when it does not.
func TestInvalidValueListsOnlyWhatIsGiven(t *testing.T) {
	with := Localize("invalid_value", "permissions", map[string]any{"allowed": "a, b"}, LangZH)
	without := Localize("invalid_value", "permissions", map[string]any{"value": "lead.fly"}, LangZH)
	if !strings.Contains(with, "可选值：a, b") || strings.Contains(without, "可选值") || strings.Contains(without, "：。") {
		t.Fatalf("with: %q; without: %q", with, without)
	}
	if en := Localize("invalid_value", "permissions", nil, LangEN); strings.Contains(en, "allowed") {
		t.Fatalf("en without a list: %q", en)
	}
}
