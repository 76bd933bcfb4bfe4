package ingest

import (
	"fmt"
	"strings"
)

// The engine's own messages (the reasons of failures found on this computer; the server's
// refusals come localized from the server), in Simplified Chinese (default) and English.
type message int

const (
	msgUnreadable message = iota
	msgReadFailed
	msgOriginalMissing
)

var messages = map[message][2]string{
	msgUnreadable: {"无法读取文件（%v）：检查文件权限后重试", "cannot read the file (%v): check its permissions and retry"},
	msgReadFailed: {"读取文件时出错（%v）：检查磁盘后重试", "reading the file failed (%v): check the disk and retry"},
	msgOriginalMissing: {"照片已在相册中显示，但原图文件已不在原处，原图无法上传（顾客暂不能下载原图）：把文件放回后点重试",
		"the photo shows in the album but its file is gone, so the original cannot be sent (guests cannot download it yet): put the file back and retry"},
}

// English reports whether lang (a --lang value, or LANG / LC_ALL such as "en_US.UTF-8")
// asks for English; everything else gets Simplified Chinese, the product's default.
func English(lang string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "en")
}

func (e *Engine) msg(m message, err error) string {
	t := messages[m][0]
	if English(e.cfg.Lang) {
		t = messages[m][1]
	}
	if strings.Contains(t, "%v") {
		return fmt.Sprintf(t, err)
	}
	return t
}
