package api

import "maps"

// Messages and field labels of the pocket-album work (credits, orders, albums, uploads,
// delivery), kept beside the lead system's so parallel work edits different files. They are
// merged into the tables once, at start-up.
func init() {
	maps.Copy(messages, albumMessages)
	maps.Copy(fieldLabels, albumFieldLabels)
}

var albumFieldLabels = map[string]text{
	"credits":                     {"点数", "credits"},
	"provider":                    {"支付方式", "payment method"},
	"before":                      {"翻页位置", "page position"},
	"limit":                       {"条数", "page size"},
	"items":                       {"价格表", "price table"},
	"fen_per_credit":              {"每点价格（分）", "price per credit (fen)"},
	"customer_name":               {"客户姓名", "customer name"},
	"package":                     {"套餐", "package"},
	"shoot_date":                  {"拍摄日期", "shoot date"},
	"lead_id":                     {"关联客资", "linked lead"},
	"owner_id":                    {"负责人", "person in charge"},
	"note":                        {"备注", "note"},
	"title":                       {"标题", "title"},
	"sort_order":                  {"排序", "sort order"},
	"cover_photo_id":              {"封面", "cover"},
	"status":                      {"状态", "status"},
	"settings.download":           {"下载权限", "download rights"},
	"settings.watermark.position": {"水印位置", "watermark position"},
	"settings.watermark.opacity":  {"水印透明度", "watermark opacity"},
	"settings.retention_days":     {"保存天数", "retention (days)"},
	"album_id":                    {"相册", "album"},
	"filename":                    {"文件名", "file name"},
	"sha256":                      {"文件校验值", "file checksum"},
	"hashes":                      {"文件校验值", "file checksums"},
	"code":                        {"访问码", "access code"},
	"label":                       {"备注名", "label"},
	"expires_at":                  {"有效期", "expiry"},
}

var albumMessages = map[string]text{
	"cover_photo_invalid": {"封面必须是本相册中已处理好的照片：请在相册的照片列表里点「设为封面」。",
		"The cover must be a ready photo of this album: choose “Set as cover” in the album's photo list."},
	"credits_insufficient": {"点数不足：需要 {need} 点，当前余额 {have} 点。请在「点数」页充值后重试。",
		"Not enough credits: need {need}, have {have}. Top up on the Credits page, then try again."},
	"credits_invalid":         {"「{field}」必须是 1 到 {max} 之间的整数。", "“{field}” must be a whole number from 1 to {max}."},
	"credit_price_invalid":    {"价格表中「{item}」的价格无效：请填写 0 或正整数。", "The price of “{item}” is invalid: enter 0 or a positive whole number."},
	"credit_item_unknown":     {"价格表中没有「{item}」。可用项目：{allowed}。", "The price table has no item “{item}”. Items: {allowed}."},
	"date_invalid":            {"「{field}」不是有效日期，请按 年-月-日 填写{example}。", "“{field}” is not a valid date; use year-month-day{example}."},
	"retention_invalid":       {"「{field}」必须在 {min} 到 {max} 天之间。", "“{field}” must be between {min} and {max} days."},
	"album_kind_locked":       {"相册类型创建后不能修改。如需另一种类型，请新建相册。", "An album's kind cannot change after it is created; create another album instead."},
	"order_phone_locked":      {"手机号不能在这里修改：请用「更正手机号」并填写原因（会记录在操作日志中）。", "The phone cannot be changed here: use “Correct phone” and give a reason (it is logged)."},
	"order_phone_same":        {"新手机号与原手机号相同。", "The new phone is the same as the current one."},
	"upload_length_required":  {"上传需要先声明文件大小（Upload-Length）。请升级客户端。", "An upload must declare its size (Upload-Length); update the app."},
	"file_empty":              {"文件「{filename}」是空的（0 字节），已跳过。请检查原文件是否完整。", "The file “{filename}” is empty (0 bytes) and was skipped; check the original."},
	"filename_invalid":        {"文件名无效：不能包含文件夹分隔符（/ 或 \\）或控制字符，不能是 . 或 ..，最长 255 字节。请重命名后再上传。", "Invalid file name: no folder separators (/ or \\) or control characters, not . or .., at most 255 bytes. Rename the file and upload again."},
	"heic_unsupported":        {"暂不支持 HEIC 格式（「{filename}」）。请在 iPhone「设置 → 相机 → 格式」选择「兼容性最佳」，或导出为 JPEG 后上传。", "HEIC files are not supported yet (“{filename}”). On the iPhone choose Settings → Camera → Formats → Most Compatible, or export as JPEG, then upload."},
	"file_type_unsupported":   {"「{filename}」不是支持的照片或视频（支持 JPEG、PNG、WebP、MP4、MOV），未上传。", "“{filename}” is not a supported photo or video (JPEG, PNG, WebP, MP4, MOV); it was not uploaded."},
	"file_too_large":          {"「{filename}」太大（上限 {max}）。", "“{filename}” is too large (limit {max})."},
	"upload_offset_mismatch":  {"上传位置与服务器记录不一致，请重试：会从服务器已收到的位置继续。", "The upload offset does not match what the server holds; try again (it carries on from where the server is)."},
	"upload_hash_mismatch":    {"「{filename}」上传后内容与原文件不一致（可能传输出错），未保存。请重新上传。", "“{filename}” arrived different from the original (a transfer error); it was not kept. Upload it again."},
	"link_not_found":          {"链接不存在。请向影楼确认链接是否完整。", "This link does not exist; check with the studio that it is complete."},
	"link_expired":            {"链接已过期，相册不再开放。如需查看，请联系影楼。", "This link has expired and the album is closed; contact the studio to see it again."},
	"album_not_live":          {"此相册未开启直播，没有实时推送。刷新页面即可看到最新照片。", "This album is not live, so it has no live updates; reload the page to see the newest photos."},
	"link_revoked":            {"影楼已关闭此链接。如需查看，请联系影楼获取新链接。", "The studio has closed this link; ask the studio for a new one."},
	"access_code_required":    {"请输入访问码（在影楼发给您的消息里）。", "Enter the access code (it is in the studio's message to you)."},
	"access_code_wrong":       {"访问码不正确，还可以尝试 {attempts_left} 次。", "Wrong access code; {attempts_left} attempts left."},
	"access_code_invalid":     {"访问码需为 {min}–{max} 位字母或数字。", "The access code must be {min}–{max} letters or digits."},
	"expiry_invalid":          {"有效期必须晚于现在。", "The expiry must be in the future."},
	"download_not_allowed":    {"此相册仅供在线浏览，不能下载。", "This album is for viewing only; downloads are off."},
	"album_empty":             {"相册里还没有可下载的照片。", "The album has no photos to download yet."},
	"payment_signature":       {"支付通知签名无效，已拒绝。", "The payment notification's signature is invalid; it was refused."},
	"payment_amount_mismatch": {"支付金额（{paid} 分）与订单金额（{due} 分）不符，未入账。请联系运营核对。", "The paid amount ({paid} fen) does not match the purchase ({due} fen); nothing was credited. Contact the operator."},
}
