package api

import "maps"

// Messages of the desktop's renditions-first upload (issue 6: upload_renditions.go).
func init() {
	maps.Copy(messages, ingestMessages)
	maps.Copy(fieldLabels, ingestFieldLabels)
}

var ingestFieldLabels = map[string]text{
	"thumb":   {"缩略图", "thumbnail"},
	"preview": {"预览图", "preview"},
	"hash":    {"文件校验值", "file checksum"},
	"size":    {"文件大小", "file size"},
	"width":   {"图片尺寸", "picture size"},
}

var ingestMessages = map[string]text{
	"renditions_form_required": {"请求格式不对：缩略图和预览图须以 multipart/form-data 上传（字段 hash、filename、size、width、height、thumb、preview）。",
		"Wrong request format: send the thumbnail and preview as multipart/form-data (fields hash, filename, size, width, height, thumb, preview)."},
	"renditions_too_large": {"缩略图和预览图合计过大（预览图上限 {max_mb} MB），未保存。请用 StudioDesk 桌面端重新生成。",
		"The thumbnail and preview are too large together (preview limit {max_mb} MB); nothing was kept. Let the StudioDesk desktop app make them again."},
	"rendition_too_large": {"「{field}」超过 {max_mb} MB，未保存。请用 StudioDesk 桌面端重新生成。",
		"The “{field}” is larger than {max_mb} MB; it was not kept. Let the StudioDesk desktop app make it again."},
	"rendition_not_jpeg": {"「{field}」不是完整的 JPEG 图片（损坏或不完整），未保存。请重新上传该照片。",
		"The “{field}” is not a complete JPEG picture (damaged or cut short); it was not kept. Upload the photo again."},
	"rendition_wrong_size": {"「{field}」尺寸为 {got}，应为 {want}，未保存。请更新 StudioDesk 桌面端后重新上传。",
		"The “{field}” is {got} pixels, it must be {want}; it was not kept. Update the StudioDesk desktop app and upload again."},
	"renditions_image_too_large": {"「{filename}」像素太多，无法生成预览。请缩小后重新导出。",
		"“{filename}” has too many pixels for a preview; scale it down and export it again."},
	"original_pending": {"「{filename}」的原图还在上传中，稍后即可下载。",
		"The original of “{filename}” is still being uploaded; it can be downloaded shortly."},
}
