// Simplified Chinese strings of the pocket album (issue 5: credits, orders, albums); merged
// into zh-CN.ts. en.albums.ts must have exactly the same keys (asserted in a test).
const albumsZhCN = {
  credits: {
    title: '点数',
    balance: '当前余额（点）',
    buy: '购买点数',
    ledger: '点数明细',
    purchases: '购买记录',
    time: '时间',
    kindLabel: '类型',
    what: '项目',
    amount: '变动',
    balanceAfter: '余额',
    more: '加载更早的明细',
    priceItem: '收费项目',
    priceCredits: '点数 / 单位',
    credits: '点数',
    price: '金额',
    reference: '付款参考号',
    status: '状态',
    providerLabel: '支付方式',
    manualHint: '请通过银行转账支付 ¥{amount}，并在附言中注明参考号 {ref}。到账后运营人员会为您充值，点数会出现在明细中。',
    payHint: '请在支付页面完成付款，付款成功后点数自动到账：',
    kind: { topup: '充值', spend: '消费', refund: '退还', grant: '赠送' },
    item: {
      album: { create: '创建相册' },
      storage: { gb_month: '存储（每 GB·月）' },
      video: { upload: '视频上传' },
      retention: { month: '延长保存（每月）' },
    },
    provider: { manual: '银行转账（人工确认）', sandbox: '测试支付' },
    purchaseStatus: { pending: '待付款', paid: '已到账' },
  },
}

export type AlbumMessages = typeof albumsZhCN
export default albumsZhCN
