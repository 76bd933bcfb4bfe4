// Package credit holds the pure rules of a studio's credits (点数): the price table the
// operator sets, what an action costs, and the ledger entry shapes. Credits are whole numbers;
// the ledger is append-only and the balance is the sum of its entries, never below zero.
// No I/O here: the store keeps the ledger and the API charges through it.
package credit

import (
	"fmt"
	"strings"
	"time"
)

// Item is something a studio spends credits on.
type Item string

// Priced items. Keys are stable: they are stored in the ledger and mirrored in the UI.
const (
	ItemAlbumCreate    Item = "album.create"     // one new album
	ItemStorageGBMonth Item = "storage.gb_month" // one started GB kept for one month
	ItemVideoUpload    Item = "video.upload"     // one video file delivered
	ItemRetentionMonth Item = "retention.month"  // extending one album's retention by a month
)

// Items lists every priced item in display order.
func Items() []Item {
	return []Item{ItemAlbumCreate, ItemStorageGBMonth, ItemVideoUpload, ItemRetentionMonth}
}

// Kind says why the balance moved.
type Kind string

// Ledger entry kinds.
const (
	KindTopUp  Kind = "topup"  // bought, through a payment provider (manual = the operator)
	KindSpend  Kind = "spend"  // charged for an item
	KindRefund Kind = "refund" // a spend given back (e.g. a failed video)
	KindGrant  Kind = "grant"  // given by the operator without payment (trial, goodwill)
)

// Entry is one line of a studio's ledger. Amount is signed: positive adds credits, negative
// spends them. Balance is the studio's balance right after this entry.
type Entry struct {
	ID       int64  `json:"id"`
	Kind     Kind   `json:"kind"`
	Item     Item   `json:"item,omitempty"`
	Quantity int64  `json:"quantity,omitempty"`
	Amount   int64  `json:"amount"`
	Balance  int64  `json:"balance"`
	RefType  string `json:"ref_type,omitempty"` // what the entry is about: "album", "purchase", ...
	RefID    int64  `json:"ref_id,omitempty"`
	// Provider and ProviderRef name the payment of a top-up; (provider, ref) credits once.
	Provider    string `json:"provider,omitempty"`
	ProviderRef string `json:"provider_ref,omitempty"`
	// IdemKey makes a spend happen once (e.g. "storage:2026-12" for the monthly charge).
	IdemKey   string    `json:"-"`
	ActorID   int64     `json:"actor_id,omitempty"` // 0 = operator or the system
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Prices is the operator's price table: credits per unit of each item, and what one credit
// costs to buy (in fen).
type Prices struct {
	Items        map[Item]int64 `json:"items"`
	FenPerCredit int64          `json:"fen_per_credit"`
}

// DefaultPrices are used until the operator sets a table.
func DefaultPrices() Prices {
	return Prices{Items: map[Item]int64{
		ItemAlbumCreate: 10, ItemStorageGBMonth: 2, ItemVideoUpload: 5, ItemRetentionMonth: 3,
	}, FenPerCredit: 100}
}

// Price returns the credits per unit of item (0 = free).
func (p Prices) Price(item Item) int64 { return p.Items[item] }

// Cost is what quantity units of item cost.
func (p Prices) Cost(item Item, quantity int64) int64 { return p.Price(item) * quantity }

// Validate checks a price table before it is stored.
func (p Prices) Validate() error {
	if p.FenPerCredit <= 0 {
		return fieldErr("fen_per_credit", CodeInvalidPrice, map[string]any{"item": "fen_per_credit"})
	}
	for item, v := range p.Items {
		if !ValidItem(item) {
			return fieldErr("items", CodeUnknownItem, map[string]any{"item": string(item), "allowed": joinItems()})
		}
		if v < 0 || v > MaxPrice {
			return fieldErr("items", CodeInvalidPrice, map[string]any{"item": string(item)})
		}
	}
	return nil
}

// MaxPrice bounds one item's price so a typo cannot charge a fortune.
const MaxPrice = 1_000_000

// MaxTopUp bounds one top-up (credits).
const MaxTopUp = 10_000_000

// ValidItem reports whether item is priced.
func ValidItem(item Item) bool {
	for _, i := range Items() {
		if i == item {
			return true
		}
	}
	return false
}

func joinItems() string {
	s := make([]string, 0, len(Items()))
	for _, i := range Items() {
		s = append(s, string(i))
	}
	return strings.Join(s, ", ")
}

// StorageGB is the number of started gigabytes in bytes (what storage is charged by).
func StorageGB(bytes int64) int64 {
	const gb = 1 << 30
	if bytes <= 0 {
		return 0
	}
	return (bytes + gb - 1) / gb
}

// ValidateTopUp checks the credits of a purchase or operator top-up.
func ValidateTopUp(credits int64) error {
	if credits <= 0 || credits > MaxTopUp {
		return fieldErr("credits", CodeInvalidCredits, map[string]any{"max": MaxTopUp})
	}
	return nil
}

// Error codes; the API has a message for each.
const (
	CodeInsufficient   = "credits_insufficient"
	CodeInvalidCredits = "credits_invalid"
	CodeInvalidPrice   = "credit_price_invalid"
	CodeUnknownItem    = "credit_item_unknown"
)

// FieldError is an invalid input (matched by the API through Field/Code/Params).
type FieldError struct {
	field, code string
	params      map[string]any
}

func fieldErr(field, code string, params map[string]any) *FieldError {
	return &FieldError{field: field, code: code, params: params}
}

func (e *FieldError) Error() string          { return e.field + ": " + e.code }
func (e *FieldError) Field() string          { return e.field }
func (e *FieldError) Code() string           { return e.code }
func (e *FieldError) Params() map[string]any { return e.params }

// ShortError says a spend needs more credits than the studio has. Nothing was charged.
type ShortError struct {
	Item Item
	Need int64
	Have int64
}

func (e *ShortError) Error() string {
	return fmt.Sprintf("not enough credits for %s: need %d, have %d", e.Item, e.Need, e.Have)
}
func (e *ShortError) Field() string { return "" }
func (e *ShortError) Code() string  { return CodeInsufficient }
func (e *ShortError) Params() map[string]any {
	return map[string]any{"need": e.Need, "have": e.Have, "item": string(e.Item)}
}

// Check reports whether a balance covers a cost, as a ShortError when not.
func Check(item Item, balance, cost int64) error {
	if cost > balance {
		return &ShortError{Item: item, Need: cost, Have: balance}
	}
	return nil
}
