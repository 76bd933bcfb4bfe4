package blobtest

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/blob"
)

// listFixture mixes separators with characters that sort below '/' ('-',
// '.'), so a driver that sorts path components rather than whole keys gets
// the order wrong.
func listFixture() []string {
	return []string{
		"a-b", "a.b", "a/b-c", "a/b.c", "a/b/c", "a/b0", "a0", "ab",
		"b/a", "b/b", "ba", "z",
	}
}

func testList(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	b := newBucket(t)
	keys := listFixture()
	rand.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] }) // insertion order must not matter
	for i, key := range keys {
		mustPut(t, b, key, content(i*10, byte(i)), "image/jpeg")
	}

	t.Run("infos", func(t *testing.T) {
		for _, info := range mustList(t, b, "") {
			stat := mustStat(t, b, info.Key)
			if info.Size != stat.Size || !info.ModTime.Equal(stat.ModTime) {
				t.Errorf("List gave %+v, Stat gives %+v", info, stat)
			}
			if info.ContentType != "" {
				t.Errorf("List gave ContentType %q for %q, want it left empty", info.ContentType, info.Key)
			}
		}
	})

	for _, prefix := range []string{
		"", "a", "a/", "a/b", "a/b/", "a/b/c", "a/b/c/", "a-", "b", "b/", "z", "zz", "c",
		"../", "/a", "a//", ".", "*",
	} {
		t.Run("prefix "+prefix, func(t *testing.T) {
			want := []string{}
			for _, key := range listFixture() {
				if strings.HasPrefix(key, prefix) {
					want = append(want, key)
				}
			}
			slices.Sort(want)
			got := listKeys(t, b, prefix)
			if got == nil {
				got = []string{}
			}
			if !slices.Equal(got, want) {
				t.Errorf("List(%q) = %q, want %q", prefix, got, want)
			}
		})
	}
}

func testListCallback(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	t.Run("error stops List and is returned", func(t *testing.T) {
		t.Parallel()
		b := newBucket(t)
		for _, key := range listFixture() {
			mustPut(t, b, key, nil, "")
		}
		errStop := errors.New("stop")
		calls := 0
		err := b.List(t.Context(), "", func(blob.Info) error {
			calls++
			return errStop
		})
		if !errors.Is(err, errStop) {
			t.Errorf("List = %v, want fn's error", err)
		}
		if calls != 1 {
			t.Errorf("fn called %d times after returning an error, want 1", calls)
		}
	})
	t.Run("fn deletes each key", func(t *testing.T) {
		t.Parallel()
		b := newBucket(t)
		for _, key := range listFixture() {
			mustPut(t, b, key, []byte(key), "")
		}
		var seen []string
		err := b.List(t.Context(), "", func(info blob.Info) error {
			seen = append(seen, info.Key)
			return b.Delete(t.Context(), info.Key)
		})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		want := listFixture()
		slices.Sort(want)
		if !slices.Equal(seen, want) {
			t.Errorf("List saw %q, want %q", seen, want)
		}
		wantKeys(t, b, "")
	})
}

func testDelete(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	t.Run("delete and delete again", func(t *testing.T) {
		t.Parallel()
		b := newBucket(t)
		mustPut(t, b, "d/k", []byte("x"), "")
		for i := range 2 {
			if err := b.Delete(t.Context(), "d/k"); err != nil {
				t.Fatalf("Delete #%d: %v", i+1, err)
			}
			wantGone(t, b, "d/k")
			wantKeys(t, b, "")
		}
	})
	t.Run("never existed", func(t *testing.T) {
		t.Parallel()
		b := newBucket(t)
		for _, key := range []string{"missing", "deep/missing/key"} {
			if err := b.Delete(t.Context(), key); err != nil {
				t.Errorf("Delete(%q): %v", key, err)
			}
		}
	})
	t.Run("only the exact key", func(t *testing.T) {
		t.Parallel()
		b := newBucket(t)
		keys := []string{"d/a", "d/ab", "d/a.jpg", "d/a-/x", "e/a/x", "e/a/y/z", "e" + "0"}
		for _, key := range keys {
			mustPut(t, b, key, []byte(key), "")
		}
		if err := b.Delete(t.Context(), "d/a"); err != nil {
			t.Fatal(err)
		}
		wantKeys(t, b, "", "d/a-/x", "d/a.jpg", "d/ab", "e/a/x", "e/a/y/z", "e0")
		// A key that exists only as a prefix of others is no object:
		// deleting it is a no-op.
		for _, key := range []string{"e/a/y", "e/a", "e"} {
			if err := b.Delete(t.Context(), key); err != nil {
				t.Fatal(err)
			}
		}
		wantKeys(t, b, "", "d/a-/x", "d/a.jpg", "d/ab", "e/a/x", "e/a/y/z", "e0")
		for _, key := range []string{"d/a-/x", "d/a.jpg", "d/ab", "e/a/x", "e0"} {
			wantContent(t, b, key, []byte(key))
		}
	})
	t.Run("reuse keys after delete", func(t *testing.T) {
		t.Parallel()
		b := newBucket(t)
		mustPut(t, b, "t/u/v", []byte("1"), "")
		if err := b.Delete(t.Context(), "t/u/v"); err != nil {
			t.Fatal(err)
		}
		// Once its last key is gone, a directory's name is free for a file.
		mustPut(t, b, "t/u", []byte("2"), "")
		wantContent(t, b, "t/u", []byte("2"))
		wantKeys(t, b, "", "t/u")
	})
}
