package api

import "maps"

// Messages of the studio logo (the watermark of album renditions).
func init() {
	maps.Copy(messages, mediaMessages)
	maps.Copy(fieldLabels, mediaFieldLabels)
}

var mediaFieldLabels = map[string]text{
	"logo": {"影楼标志", "studio logo"},
}

var mediaMessages = map[string]text{
	"logo_empty": {"「{field}」文件是空的，请选择 PNG 或 JPEG 图片。", "The “{field}” file is empty; choose a PNG or JPEG image."},
	"logo_too_large": {"「{field}」文件超过 {max_mb} MB，请压缩后重试。",
		"The “{field}” file is larger than {max_mb} MB; make it smaller and try again."},
	"logo_image_too_large": {"「{field}」像素太多：最大 {max_px}×{max_px}，请缩小后重试。",
		"The “{field}” has too many pixels: at most {max_px}×{max_px}; scale it down and try again."},
	"logo_image_corrupt": {"「{field}」文件已损坏或不完整，请重新导出后上传。",
		"The “{field}” file is damaged or incomplete; export it again and upload it."},
	"logo_format_unsupported": {"「{field}」必须是 PNG（可带透明背景）或 JPEG 图片。",
		"The “{field}” must be a PNG (transparency is kept) or JPEG image."},
	"logo_not_media": {"「{field}」不是图片，请上传 PNG 或 JPEG 文件。",
		"The “{field}” is not an image; upload a PNG or JPEG file."},
}
