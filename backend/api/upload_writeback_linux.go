//go:build linux

package api

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing n bytes of f at off to the disk now,
// without waiting for them (sync_file_range with SYNC_FILE_RANGE_WRITE; RocksDB's
// bytes_per_sync): the fsync at the upload's finish then finds little dirty data left. A
// failure changes nothing but the speed of that fsync, so it is ignored.
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
	})
}
