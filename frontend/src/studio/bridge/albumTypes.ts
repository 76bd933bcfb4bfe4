// Shapes of the pocket-album bindings (credits, orders, albums); mirrors the Go JSON of
// backend/credit, backend/store (Purchase) and backend/api (CreditsView, LedgerPage).

export type CreditItem = 'album.create' | 'storage.gb_month' | 'video.upload' | 'retention.month'
export type CreditKind = 'topup' | 'spend' | 'refund' | 'grant'

export interface CreditPrices {
  items: Partial<Record<CreditItem, number>>
  fen_per_credit: number
}

export interface CreditsView {
  balance: number
  prices: CreditPrices
  providers: string[]
}

export interface CreditEntry {
  id: number
  kind: CreditKind
  item?: CreditItem
  quantity?: number
  /** Signed: negative for spends. */
  amount: number
  /** The balance right after this entry. */
  balance: number
  ref_type?: string
  ref_id?: number
  provider?: string
  provider_ref?: string
  actor_id?: number
  note?: string
  created_at: string
}

export interface LedgerPage {
  entries: CreditEntry[]
  /** `before` of the next (older) page; absent on the last page. */
  next?: number
}

export interface Purchase {
  id: number
  provider: string
  provider_ref: string
  credits: number
  amount_fen: number
  status: 'pending' | 'paid'
  pay_url?: string
  instructions?: string
  created_by: number
  created_at: string
  paid_at?: string
}
