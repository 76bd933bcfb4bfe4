package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/studiodesk/studiodesk/app/ingest"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// Codes of the errors the App makes itself; every other code is the server's (docs/api.md).
const (
	// CodeServerUnreachable: no answer from the server address (down, wrong address, offline).
	CodeServerUnreachable = "server_unreachable"
	// CodeServerURLInvalid: the typed server address is not an http(s) address.
	CodeServerURLInvalid = "server_url_invalid"
	// CodeUnexpectedResponse: something answered, but not a StudioDesk server.
	CodeUnexpectedResponse = apiclient.CodeUnexpectedResponse
	// CodeUnauthenticated: no one is logged in on this computer (same code as the server's).
	CodeUnauthenticated = "unauthenticated"
	// CodeInvalidValue: a bad argument to a local method (language, screen).
	CodeInvalidValue = "invalid_value"
	// CodeInternal: a local failure (the config folder cannot be written, …).
	CodeInternal = "internal"
	// CodeFileUnreadable: a file queued for upload could not be read on this computer.
	CodeFileUnreadable = ingest.CodeFileUnreadable
	// CodeFileChanged: a file queued for upload was moved, deleted or changed before it went.
	CodeFileChanged = "file_changed"
)

// Error is what every failed App method returns. Error() is its JSON
// {"code","field","message","params"} — the server's error object — so the promise Wails
// rejects carries it and the UI parses it back. Status is the HTTP status the bridge answers
// with (the server's status, or the App's own for local errors); it is not part of the JSON.
type Error struct {
	Status  int            `json:"-"`
	Code    string         `json:"code"`
	Field   string         `json:"field"`
	Message string         `json:"message"`
	Params  map[string]any `json:"params"`
}

var _ error = (*Error)(nil)

func (e *Error) Error() string {
	v := *e
	if v.Params == nil {
		v.Params = map[string]any{}
	}
	b, err := json.Marshal(v)
	if err != nil { // a param JSON cannot hold; keep the rest
		v.Params = map[string]any{}
		b, _ = json.Marshal(v)
	}
	return string(b)
}

// newError builds a local error with its message in lang.
func newError(lang string, status int, code, field string, params map[string]any) *Error {
	if params == nil {
		params = map[string]any{}
	}
	return &Error{Status: status, Code: code, Field: field, Params: params, Message: localize(code, lang, field, params)}
}

// toError turns what apiclient returned into an *Error. server is the address called; field
// names the input to mark when the server cannot be reached (the address field at login).
func (a *App) toError(err error, server, lang, field string) error {
	var ae *apiclient.Error
	switch {
	case errors.As(err, &ae) && ae.Code == apiclient.CodeUnexpectedResponse:
		a.log.Warn("unexpected response", "server", server, "status", ae.Status, "detail", ae.Message)
		return newError(lang, http.StatusBadGateway, CodeUnexpectedResponse, field,
			map[string]any{"server_url": server, "status": ae.Status})
	case errors.As(err, &ae):
		return &Error{Status: ae.Status, Code: ae.Code, Field: ae.Field, Message: ae.Message, Params: ae.Params}
	case errors.Is(err, apiclient.ErrUnreachable):
		a.log.Info("server unreachable", "server", server, "err", err)
		return newError(lang, http.StatusBadGateway, CodeServerUnreachable, field, map[string]any{"server_url": server})
	case errors.Is(err, apiclient.ErrBaseURL):
		return newError(lang, http.StatusBadRequest, CodeServerURLInvalid, "server_url", map[string]any{"server_url": server})
	case errors.Is(err, context.Canceled):
		return newError(lang, http.StatusServiceUnavailable, CodeInternal, "", map[string]any{"detail": "StudioDesk is closing"})
	}
	a.log.Error("call failed", "err", err)
	return newError(lang, http.StatusInternalServerError, CodeInternal, "", map[string]any{"detail": err.Error()})
}

// localize renders the message of one of the App's own codes. The server localizes its own.
func localize(code, lang, field string, params map[string]any) string {
	var zh, en string
	switch code {
	case CodeServerUnreachable:
		zh = "无法连接到服务器 {server_url}。请检查服务器地址是否正确、这台电脑的网络是否正常；地址无误时，请联系管理员确认服务器已启动。"
		en = "Cannot reach the server at {server_url}. Check that the server address is correct and that this computer is online; if the address is right, ask your admin whether the server is running."
	case CodeServerURLInvalid:
		zh = "服务器地址「{server_url}」无效。请填写类似 http://192.168.1.10:8640 的地址。"
		en = "The server address “{server_url}” is not valid. Enter an address like http://192.168.1.10:8640."
	case CodeUnexpectedResponse:
		zh = "{server_url} 的应答不是 StudioDesk 服务器的应答（HTTP {status}）。请检查服务器地址和端口是否正确。"
		en = "The answer from {server_url} is not a StudioDesk server's (HTTP {status}). Check the server address and port."
	case CodeUnauthenticated:
		zh, en = "请先登录。", "Please log in."
	case CodeFileUnreadable:
		zh = "无法读取「{file}」。请确认文件还在、这台电脑有权限读取它，然后点「重试」。"
		en = "Cannot read “{file}”. Check that the file is still there and this computer may read it, then click Retry."
	case CodeFileChanged:
		zh = "「{file}」在上传前被移走、删除或改动了。确认文件无误后重新上传。"
		en = "“{file}” was moved, deleted or changed before it was uploaded. Check the file and upload it again."
	case CodeFolderMissing:
		zh = "文件夹「{path}」不存在或不是文件夹。请检查路径（可直接粘贴资源管理器地址栏里的路径），或点「选择文件夹」重新选择。"
		en = "The folder “{path}” does not exist or is not a folder. Check the path (paste it from the file manager's address bar) or click Choose folder."
	case CodeFolderUnreadable:
		zh = "无法读取文件夹「{path}」（{detail}）。请确认这台电脑有权限读取它；网络盘请确认已连接。"
		en = "Cannot read the folder “{path}” ({detail}). Check that this computer may read it; for a network drive, check that it is connected."
	case CodeFolderAlreadyBound:
		zh = "文件夹「{path}」已绑定到订单 {order_code}。如需改绑，请先在列表里解除原绑定。"
		en = "The folder “{path}” is already bound to order {order_code}. To bind it elsewhere, unbind it in the list first."
	case CodeFolderNested:
		zh = "「{path}」与已绑定的文件夹「{other}」互相包含。一个文件夹只能属于一个订单，请选择不重叠的文件夹。"
		en = "“{path}” and the bound folder “{other}” contain one another. A folder belongs to one order only: choose folders that do not overlap."
	case CodeOrderNotFound:
		zh = "找不到订单 {order}。请检查订单号，或在「订单」页确认订单存在且你有权查看。"
		en = "Order {order} was not found. Check the order code, or check on the Orders page that the order exists and you may see it."
	case CodeFolderNameNoOrder:
		zh = "文件夹名「{name}」不符合「订单号_名称」规则（例如 D8K2M4PQ_张三李四），未自动绑定。可改名，或手动绑定。"
		en = "The folder name “{name}” does not follow the “ordercode_name” rule (e.g. D8K2M4PQ_Zhang), so it was not bound. Rename it or bind it by hand."
	case CodeFolderPickerUnavailble:
		zh, en = "这里无法打开文件夹选择框，请直接输入文件夹路径。", "The folder dialog is not available here; type the folder's path instead."
	case CodeFolderBindingNotFound:
		zh, en = "该文件夹绑定已不存在，请刷新列表。", "This folder binding no longer exists; refresh the list."
	case CodeInvalidValue:
		zh = "「{field}」的值无效，可选值：{allowed}。"
		en = "“{field}” has an invalid value; allowed: {allowed}."
	default:
		zh = "StudioDesk 在这台电脑上出错了（{detail}）。请重试；如果反复出现，请把这段文字告诉技术支持。"
		en = "StudioDesk failed on this computer ({detail}). Try again; if it keeps happening, send this text to support."
	}
	msg := zh
	if lang == LangEN {
		msg = en
	}
	repl := make([]string, 0, 2*len(params)+2)
	repl = append(repl, "{field}", field)
	for k, v := range params {
		repl = append(repl, "{"+k+"}", fmt.Sprint(v))
	}
	return strings.NewReplacer(repl...).Replace(msg)
}
