package api

import "maps"

// Messages of delivery: notifications, the "my photos" page, retention and link analytics
// (issue 5, P4), kept in their own file so parallel work edits different files.
func init() {
	maps.Copy(messages, deliveryMessages)
	maps.Copy(fieldLabels, deliveryFieldLabels)
}

var deliveryFieldLabels = map[string]text{
	"email":          {"客户邮箱", "customer e-mail"},
	"order_code":     {"订单码", "order code"},
	"email.host":     {"邮件服务器", "mail server"},
	"email.port":     {"邮件服务器端口", "mail server port"},
	"email.security": {"加密方式", "encryption"},
	"email.from":     {"发件人", "sender"},
	"webhook.url":    {"Webhook 地址", "webhook URL"},
	"webhook.secret": {"Webhook 签名密钥", "webhook signing secret"},
	"sms.provider":   {"短信服务商", "SMS provider"},
	"months":         {"延长月数", "months to add"},
	"channel":        {"通知方式", "channel"},
	"to":             {"测试接收人", "test recipient"},
}

var deliveryMessages = map[string]text{
	"email_invalid": {"「{field}」不是有效的邮箱地址，例如 {example}。", "“{field}” is not a valid e-mail address, e.g. {example}."},
	"notify_email_invalid": {"「{field}」不是有效的邮箱地址，例如 {example}。",
		"“{field}” is not a valid e-mail address, e.g. {example}."},
	"notify_host_required": {"请填写「{field}」（例如 smtp.exmail.qq.com，不要带 http:// 或端口）。",
		"Fill in “{field}” (e.g. smtp.example.com, without http:// or a port)."},
	"notify_port_invalid":     {"「{field}」必须在 {allowed} 之间。", "“{field}” must be in {allowed}."},
	"notify_security_invalid": {"「{field}」只能是：{allowed}。", "“{field}” must be one of: {allowed}."},
	"notify_url_invalid": {"「{field}」必须是以 http:// 或 https:// 开头的完整地址，例如 {example}。",
		"“{field}” must be a full http:// or https:// address, e.g. {example}."},
	"notify_secret_short": {"「{field}」至少 {min} 个字符，用于签名（接收方用它校验消息来自本系统）。",
		"“{field}” needs at least {min} characters; the receiver uses it to check messages come from us."},
	"notify_sms_unknown": {"「{field}」不可用。本服务器可用的短信服务商：{allowed}。如为空，请联系运营开通。",
		"“{field}” is not available. SMS providers on this server: {allowed}. If none are listed, ask the operator."},
	"notify_test_not_set_up": {"「{field}」还没有启用，请先打开并保存设置，再发送测试消息。",
		"“{field}” is not enabled yet: turn it on and save the settings, then send a test message."},
	"notify_test_failed": {"测试消息发送失败：{reason}。请检查设置后重试。",
		"The test message could not be sent: {reason}. Check the settings and try again."},
	"notify_too_soon": {"刚刚已通知过客户，请 {retry_after_seconds} 秒后再试。",
		"The customer was just notified; try again in {retry_after_seconds} seconds."},
	"page_not_found": {"页面不存在。请向影楼确认地址是否完整。", "This page does not exist; check the address with the studio."},
	"order_lookup_failed": {"手机号或订单码不正确，还可以尝试 {attempts_left} 次。订单码在影楼给您的单据或消息中。",
		"The phone number or order code is wrong; {attempts_left} attempts left. The order code is on your receipt or in the studio's message."},
	"album_expired": {"相册已于 {date} 到期，客户已无法查看。请先在相册中延长保存期。",
		"The album expired on {date}; customers can no longer see it. Extend its retention first."},
	"album_purged": {"相册已于 {date} 过了保留期并删除文件，无法再延期或上传。",
		"The album's files were deleted on {date} after its grace period; it can no longer be extended or uploaded to."},
	"months_invalid": {"「{field}」必须在 {min} 到 {max} 之间。", "“{field}” must be between {min} and {max}."},
	"storage_unpaid": {"{month} 的存储费用未能扣除（需要 {need} 点，当前余额 {have} 点）。请在「点数」页充值，扣费成功后才能新建相册和上传。",
		"The storage charge for {month} could not be taken (need {need}, have {have}). Top up on the Credits page; new albums and uploads resume once it is paid."},
}
