package lead

import "github.com/studiodesk/studiodesk/backend/account"

// Mask hides the middle of every phone on the lead (phone, phone2, the wedding partner's and
// the referrer's) for people who may see the lead but not reveal its phones. The returned
// lead shares nothing mutable with l.
func Mask(l Lead) Lead {
	l.Phone = account.MaskPhone(l.Phone)
	l.Phone2 = account.MaskPhone(l.Phone2)
	l.ReferrerPhone = account.MaskPhone(l.ReferrerPhone)
	if l.Wedding != nil {
		w := *l.Wedding
		w.PartnerPhone = account.MaskPhone(w.PartnerPhone)
		l.Wedding = &w
	}
	return l
}
