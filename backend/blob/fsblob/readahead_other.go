//go:build !linux

package fsblob

import "os"

// readAhead is advice the other systems' builds do without (see readahead_linux.go).
func readAhead(*os.File, int64, int64) {}
