package fsblob

import (
	"os"

	"golang.org/x/sys/unix"
)

// readAhead asks the kernel to start reading n bytes of f at off into the page cache now
// (POSIX_FADV_WILLNEED), so a long read such as a zip of an album whose photos are not
// cached finds the disk already busy with the whole range instead of waiting on one
// readahead window after another. Advice only: an error changes nothing.
func readAhead(f *os.File, off, n int64) {
	_ = unix.Fadvise(int(f.Fd()), off, n, unix.FADV_WILLNEED)
}
