package api

import (
	"fmt"
	"strings"
)

// Lang is a supported UI language.
type Lang string

// Supported languages; zh-CN is the default.
const (
	LangZH Lang = "zh-CN"
	LangEN Lang = "en"
)

// langFrom picks the language from an Accept-Language header: English only when asked for
// before any Chinese, since studios are Chinese by default.
func langFrom(header string) Lang {
	for _, part := range strings.Split(header, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return LangZH
		case strings.HasPrefix(tag, "en"):
			return LangEN
		}
	}
	return LangZH
}

type text struct{ zh, en string }

func (t text) in(l Lang) string {
	if l == LangEN {
		return t.en
	}
	return t.zh
}

// fieldLabels names request fields the way the forms do.
var fieldLabels = map[string]text{
	"phone":             {"手机号", "phone number"},
	"password":          {"密码", "password"},
	"old_password":      {"原密码", "current password"},
	"new_password":      {"新密码", "new password"},
	"name":              {"名称", "name"},
	"type":              {"品牌类型", "brand type"},
	"duplicate_policy":  {"重复客资策略", "duplicate policy"},
	"timezone":          {"时区", "time zone"},
	"brand_id":          {"品牌", "brand"},
	"branch_id":         {"分店", "branch"},
	"department_id":     {"部门", "department"},
	"kind":              {"类型", "kind"},
	"role_ids":          {"角色", "roles"},
	"permissions":       {"权限", "permissions"},
	"data_scope":        {"数据范围", "data scope"},
	"group_id":          {"渠道组", "channel group"},
	"address":           {"地址", "address"},
	"device_id":         {"设备编号", "device id"},
	"tenant_id":         {"影楼", "studio"},
	"branch_ids":        {"分店", "branches"},
	"body":              {"请求内容", "request body"},
	"reason":            {"原因", "reason"},
	"amount":            {"金额", "amount"},
	"booked_at":         {"预约时间", "booking time"},
	"next_follow_up":    {"下次跟进时间", "next follow-up"},
	"channel_id":        {"渠道", "channel"},
	"source_type":       {"来源类型", "source type"},
	"lead_ids":          {"客资", "leads"},
	"staff_id":          {"员工", "staff member"},
	"method":            {"分配方式", "distribution method"},
	"cursor":            {"同步位置", "sync position"},
	"mutation_id":       {"修改编号", "change id"},
	"referrer_name":     {"介绍人姓名", "referrer's name"},
	"referrer_phone":    {"介绍人手机号", "referrer's phone"},
	"phone2":            {"第二监护人手机号", "second guardian's phone"},
	"daily_cap":         {"每日上限", "daily cap"},
	"holding_cap":       {"持有上限", "holding cap"},
	"weight":            {"权重", "weight"},
	"channel_group_ids": {"可见渠道组", "visible channel groups"},
	"text":              {"内容", "text"},
}

func fieldLabel(field string, l Lang) string {
	if t, ok := fieldLabels[field]; ok {
		return t.in(l)
	}
	return field
}

// messages are the localized error texts by code. Each says what happened and what to do;
// {field} and {name} style placeholders are filled from the error's params.
var messages = map[string]text{
	"required":      {"请填写「{field}」。", "Please fill in “{field}”."},
	"too_long":      {"「{field}」太长：最多 {max} 个字。", "“{field}” is too long: at most {max} characters."},
	"invalid_value": {"「{field}」的值无效{allowed_list}{example}。", "“{field}” has an invalid value{allowed_list}{example}."},
	"phone_invalid": {"「{field}」格式不正确：请输入 11 位中国大陆手机号，例如 13800138000。",
		"“{field}” is not a valid mobile number: enter an 11-digit mainland China mobile number, e.g. 13800138000."},
	"password_weak": {"「{field}」太简单：至少 {min} 位，且同时包含字母和数字。",
		"“{field}” is too weak: use at least {min} characters with both letters and digits."},
	"password_wrong":         {"原密码不正确，请重新输入。", "The current password is wrong; please type it again."},
	"invalid_json":           {"请求内容不是有效的 JSON：{detail}", "The request body is not valid JSON: {detail}"},
	"unsupported_media_type": {"请求内容类型必须是 application/json。", "The request body must be sent as application/json."},
	"body_too_large":         {"请求内容太大（上限 {max}）。请减少一次提交的数据。", "The request body is too large (limit {max}); send less at once."},
	"unauthenticated":        {"请先登录。", "Please log in."},
	"session_expired":        {"登录已过期，请重新登录。", "Your session has expired; please log in again."},
	"invalid_credentials":    {"手机号或密码错误。忘记密码请联系影楼管理员重置。", "Wrong phone number or password. If you forgot it, ask your studio admin to reset it."},
	"staff_disabled":         {"该账号已停用，无法登录。如有疑问请联系影楼管理员。", "This account has been disabled; ask your studio admin if this is a mistake."},
	"tenant_required":        {"该手机号在多家影楼有账号，请选择要登录的影楼。", "This phone number has accounts at several studios; choose the studio to log in to."},
	"rate_limited":           {"尝试次数过多，请 {retry_after_seconds} 秒后再试。", "Too many attempts; try again in {retry_after_seconds} seconds."},
	"forbidden":              {"没有权限：需要「{permission_name}」权限。请联系管理员为你的角色添加。", "Not allowed: this needs the “{permission_name}” permission; ask an admin to add it to your role."},
	"out_of_scope":           {"超出你的数据范围（{scope_name}），不能查看或修改该记录。", "This record is outside your data scope ({scope_name}); you cannot view or change it."},
	"device_not_bound": {"此电脑「{device_name}」（设备码 {device_code}）尚未绑定到分店「{branch}」。请管理员在「设置 → 设备」中将该设备绑定到此分店后再登录。",
		"This computer “{device_name}” (device code {device_code}) is not bound to the branch “{branch}”. Ask an admin to bind it under Settings → Devices, then log in again."},
	"device_no_branch": {"你的账号没有所属分店，无法在前台电脑登录。请管理员在「员工」中为你设置分店。",
		"Your account has no branch, so it cannot log in on a front-desk computer. Ask an admin to set your branch under Staff."},
	"staff_phone_taken": {"手机号 {phone} 已被「{brand}」的员工「{staff}」使用。一个手机号在本影楼只能对应一名员工：请编辑该员工（可为其添加角色或更换分店），不要重复创建。",
		"The phone {phone} is already used by “{staff}” of “{brand}”. One phone is one person in a studio: edit that staff member (add roles or change branch) instead of creating another."},
	"seats_exhausted":   {"已达到套餐的员工数上限（{limit} 人）。请停用不再使用的账号，或联系我们增加席位。", "Your plan's staff limit ({limit}) is reached. Disable accounts no longer used, or contact us for more seats."},
	"brand_type_locked": {"品牌「{brand}」已有客资，类型不能再修改。如需另一种类型，请新建品牌。", "Brand “{brand}” already has leads, so its type cannot change. Create a new brand for the other type."},
	"last_admin":        {"不能停用或移除最后一位管理员。请先指定另一位管理员。", "You cannot disable or demote the last admin. Make someone else an admin first."},
	"role_escalation":   {"不能授予自己没有的权限或更大的数据范围（{detail}）。", "You cannot grant permissions or a data scope you do not hold yourself ({detail})."},
	"role_builtin":      {"内置角色不能修改或删除。如需调整，请新建自定义角色。", "Built-in roles cannot be changed or deleted; create a custom role instead."},
	"role_in_use":       {"仍有员工使用该角色，不能删除。请先为他们更换角色。", "Staff still hold this role; give them another role before deleting it."},
	"name_taken":        {"「{field}」已存在，请换一个名称。", "“{field}” already exists; choose another name."},
	"department_branch": {"所选部门不属于所选分店，请重新选择。", "The chosen department does not belong to the chosen branch; choose again."},
	"not_found":         {"记录不存在或已被删除。请刷新后重试。", "The record does not exist or was deleted; refresh and try again."},
	"conflict":          {"数据已被他人修改或与已有记录冲突，请刷新后重试。", "The data conflicts with an existing record or was changed; refresh and try again."},
	"lead_duplicate": {"手机号 {phone} 已有客资。同一品牌不能重复录入：请查看已有客资，看不到时可申请转移。",
		"The phone {phone} already has a lead. A brand cannot hold it twice: open the existing lead, or request a transfer if you cannot see it."},
	"lead_stale":                {"该客资刚被他人修改，请刷新后重试。", "Someone else just changed this lead; refresh and try again."},
	"transition_invalid":        {"不能从「{from}」改为「{to}」。当前可选：{allowed}。", "Cannot go from “{from}” to “{to}”. Allowed now: {allowed}."},
	"reason_required":           {"请填写原因。", "Please give a reason."},
	"booking_needs_branch_time": {"预约到店需要选择门店和时间（「{field}」）。", "A booking needs the store and the time (“{field}”)."},
	"amount_required":           {"请填写大于 0 的金额。", "Enter an amount above zero."},
	"no_show_too_early":         {"预约时间还没到，不能标记爽约。", "The booked time has not passed yet, so this cannot be a no-show."},
	"lead_invalid":              {"无效客资不能预约或到店。请先更正其有效性。", "An invalid lead cannot be booked or checked in; correct its validity first."},
	"owner_required":            {"客资还没有负责人，请先分配。", "The lead has no owner yet; assign it first."},
	"follow_up_required":        {"延期需要填写下次跟进时间。", "Postponing needs the next follow-up time."},
	"follow_up_past":            {"下次跟进时间必须在将来。", "The next follow-up must be in the future."},
	"check_in_required":         {"「已到店」由门店签到设置，请在门店操作中签到。", "“Visited” is set by the store's check-in; check the visitor in from the store actions."},
	"no_change":                 {"客资已经是这个状态。", "The lead is already in that state."},
	"refund_needs_deal":         {"只有已成交的客资才能退款。", "Only a deal can be refunded."},
	"refund_exceeds_deal":       {"退款金额超过剩余成交金额（最多 {max} 分）。", "The refund exceeds what is left of the deal (at most {max} fen)."},
	"reopen_not_allowed":        {"只有无效或流失的客资可以重新开启。", "Only invalid or lost leads can be re-opened."},
	"fields_wrong_brand_type":   {"「{field}」不属于该品牌类型（{brand_type}）。婚纱品牌填新人信息，儿童品牌填宝宝信息。", "“{field}” does not belong to this brand type ({brand_type}): wedding brands take couple fields, children's brands take child fields."},
	"unknown_field":             {"品牌没有自定义字段「{field}」。请刷新表单。", "The brand has no custom field “{field}”; refresh the form."},
	"duplicate_key":             {"字段标识「{key}」重复，请换一个。", "The field key “{key}” is used twice; choose another."},
	"cursor_invalid":            {"同步位置无效（可能来自其他影楼或已重置的服务器）。请重新完整同步。", "The sync position is not valid (from another studio or a reset server); run a full sync."},
	"mutation_replayed":         {"这条离线修改的编号已用于另一项修改，已保留原修改。", "This offline change's id was already used for a different change; the original was kept."},
	"mutation_unknown":          {"不支持的修改类型「{name}」。请升级客户端。", "Unknown change type “{name}”; update the app."},
	"assignee_unavailable":      {"不能分配给「{staff}」：{reason_text}。", "Cannot assign to “{staff}”: {reason_text}."},
	"no_assignee":               {"没有可分配的人：组内成员都未签到、已停用或已满额。", "Nobody can take it: every member is off duty, disabled or at their cap."},
	"lead_deleted":              {"客资在回收站中，请先恢复。", "The lead is in the recycle bin; restore it first."},
	"lead_unowned":              {"客资还没有负责人：请用「分配」而不是「转移」。", "The lead has no owner: use Assign, not Transfer."},
	"lead_owned":                {"客资已有负责人：请用「转移」（需要原因）。", "The lead already has an owner: use Transfer (with a reason)."},
	"lead_same_owner":           {"客资已经属于此人。", "The lead already belongs to this person."},
	"transfer_request_own":      {"这条客资已经是你的，不需要申请转移。", "This lead is already yours; there is nothing to request."},
	"transfer_request_unowned":  {"这条客资目前没有负责人，不需要申请转移：请到公海领取，或请主管分配给你。", "This lead has no owner, so there is nothing to request: claim it from the pool or ask a manager to assign it to you."},
	"transfer_request_pending":  {"你已申请过这条客资的转移，正在等待审批。请在「转移申请」中查看进度。", "You already asked for this lead and the request is waiting for a decision; follow it under Transfer requests."},
	"transfer_request_decided":  {"这条转移申请已经处理过了（{status_name}）。请刷新列表。", "This transfer request was already decided ({status_name}); refresh the list."},
	"transfer_request_self":     {"不能审批自己提交的转移申请，请由其他主管处理。", "You cannot decide your own transfer request; another manager has to."},
	"transfer_no_decider":       {"没有人可以审批这条申请：你的范围内没有拥有「转移客资」权限的主管。请联系管理员。", "Nobody can decide this request: no manager with the “transfer leads” permission covers it. Contact your admin."},
	"staff_disabled_target":     {"员工「{staff}」已停用。", "Staff member “{staff}” is disabled."},
	"not_checked_in":            {"「{staff}」今天还没有签到。", "“{staff}” has not checked in today."},
	"not_in_pool":               {"该客资不在公海中（可能已被他人领取）。请刷新公海列表。", "This lead is not in the pool (someone may have claimed it); refresh the pool."},
	"claim_refused":             {"不能领取：{reason_text}。", "Cannot claim: {reason_text}."},
	"lead_locked":               {"客资已锁定，不能放入公海。请先解锁。", "The lead is locked and cannot go to the pool; unlock it first."},
	"method_not_allowed":        {"不支持的请求方法。", "This method is not supported here."},
	"internal":                  {"服务器出错了（编号 {request_id}）。请稍后重试；如果反复出现，请把编号告诉技术支持。", "Something went wrong on the server (id {request_id}). Try again later; if it keeps happening, give this id to support."},
}

// scopeNames and permission names appear inside messages.
var scopeNames = map[string]text{
	"own": {"仅本人", "own only"}, "group": {"本组", "own group"}, "branch": {"本分店", "own branch"},
	"brand": {"本品牌", "own brand"}, "all": {"全部", "everything"},
}

var permissionNames = map[string]text{
	"lead.create": {"新建客资", "create leads"}, "lead.create_referral": {"新建转介绍客资", "create referral leads"},
	"lead.assign": {"分配客资", "assign leads"}, "lead.transfer": {"转移客资", "transfer leads"},
	"lead.correct_status": {"更正状态", "correct statuses"}, "lead.batch_edit": {"批量编辑", "batch edit"},
	"lead.import": {"导入客资", "import leads"}, "lead.export": {"导出客资", "export leads"},
	"lead.reveal_phone": {"查看完整手机号", "reveal phone numbers"}, "referral.approve": {"审批转介绍", "approve referrals"},
	"pool.claim": {"公海领取", "claim from pool"}, "checkin.others": {"代他人签到", "check in others"},
	"staff.manage": {"管理员工", "manage staff"}, "settings.manage": {"管理设置", "manage settings"},
	"channel.spend": {"录入渠道花费", "enter channel spend"}, "report.view": {"查看报表", "view reports"},
	"order.manage": {"管理订单", "manage orders"}, "album.manage": {"管理相册", "manage albums"},
	"credits.view": {"查看点数", "view credits"},
}

// exclusionNames explain why someone is not offered for assignment.
var exclusionNames = map[string]text{
	"disabled": {"已停用", "disabled"}, "not_checked_in": {"今天未签到", "not checked in today"},
	"daily_cap": {"已达每日分配上限", "at the daily cap"}, "holding_cap": {"已达持有上限", "at the holding cap"},
	"out_of_scope": {"不在你的数据范围内", "outside your data scope"},
	"cooldown":     {"刚从你手中回收，冷却期内不能领回", "it was just recycled from you; wait for the cool-down"},
}

// transferStatusNames name the states of a transfer request.
var transferStatusNames = map[string]text{
	"pending": {"待审批", "pending"}, "approved": {"已同意", "approved"}, "rejected": {"已拒绝", "rejected"},
}

// localize renders the message of code with params in language l.
func Localize(code string, field string, params map[string]any, l Lang) string {
	t, ok := messages[code]
	if !ok {
		t = messages["internal"]
	}
	msg := t.in(l)
	repl := []string{"{field}", fieldLabel(field, l)}
	for k, v := range params {
		s := fmt.Sprint(v)
		switch k {
		case "permission":
			if n, ok := permissionNames[s]; ok {
				repl = append(repl, "{permission_name}", n.in(l))
			}
		case "scope":
			if n, ok := scopeNames[s]; ok {
				repl = append(repl, "{scope_name}", n.in(l))
			}
		case "reason":
			if n, ok := exclusionNames[s]; ok {
				repl = append(repl, "{reason_text}", n.in(l))
			}
		case "status":
			if n, ok := transferStatusNames[s]; ok {
				repl = append(repl, "{status_name}", n.in(l))
			}
		case "example":
			s = map[Lang]string{LangZH: "（例如 ", LangEN: " (e.g. "}[l] + s + map[Lang]string{LangZH: "）", LangEN: ")"}[l]
		case "allowed": // a list only where one is given: never "allowed: ." with nothing after it
			repl = append(repl, "{allowed_list}", map[Lang]string{LangZH: "，可选值：", LangEN: "; allowed: "}[l]+s)
		}
		repl = append(repl, "{"+k+"}", s)
	}
	out := strings.NewReplacer(repl...).Replace(msg)
	// Drop placeholders no param filled, so a message never shows raw braces.
	for _, ph := range []string{"{allowed}", "{allowed_list}", "{example}", "{detail}", "{permission_name}", "{scope_name}", "{reason_text}", "{status_name}"} {
		out = strings.ReplaceAll(out, ph, "")
	}
	return out
}
