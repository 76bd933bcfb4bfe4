// Money: fen (1/100 yuan, integers) on the wire, yuan in the UI.

/** Yuan as typed (up to 2 decimals) to fen; rounds half away from zero, NaN -> 0. */
export function yuanToFen(yuan: number | null | undefined): number {
  if (yuan === null || yuan === undefined || !Number.isFinite(yuan)) return 0
  return Math.round(yuan * 100)
}

export function fenToYuan(fen: number | null | undefined): number {
  return (fen ?? 0) / 100
}

/** "¥12,800.00" */
export function formatFen(fen: number | null | undefined, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', minimumFractionDigits: 2 }).format(fenToYuan(fen))
}
