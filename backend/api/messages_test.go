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
