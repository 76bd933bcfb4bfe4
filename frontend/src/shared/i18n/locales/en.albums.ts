// English strings of the pocket album (issue 5); same keys as zh-CN.albums.ts.
import type { AlbumMessages } from './zh-CN.albums'

const albumsEn: AlbumMessages = {
  credits: {
    title: 'Credits',
    balance: 'Balance (credits)',
    buy: 'Buy credits',
    ledger: 'Credit history',
    purchases: 'Purchases',
    time: 'Time',
    kindLabel: 'Type',
    what: 'Item',
    amount: 'Change',
    balanceAfter: 'Balance',
    more: 'Load older entries',
    priceItem: 'Item',
    priceCredits: 'Credits per unit',
    credits: 'Credits',
    price: 'Amount',
    reference: 'Payment reference',
    status: 'Status',
    providerLabel: 'Payment method',
    manualHint: 'Pay ¥{amount} by bank transfer and quote the reference {ref}. Once it arrives, the operator credits your account and it shows in the history.',
    payHint: 'Complete the payment on the payment page; the credits arrive automatically once it succeeds:',
    kind: { topup: 'Top-up', spend: 'Spend', refund: 'Refund', grant: 'Grant' },
    item: {
      album: { create: 'New album' },
      storage: { gb_month: 'Storage (per GB-month)' },
      video: { upload: 'Video upload' },
      retention: { month: 'Retention extension (per month)' },
    },
    provider: { manual: 'Bank transfer (confirmed by the operator)', sandbox: 'Test payment' },
    purchaseStatus: { pending: 'Awaiting payment', paid: 'Credited' },
  },
}

export default albumsEn
