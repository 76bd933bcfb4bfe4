import { useI18n } from 'vue-i18n'
import { formatTime } from '@/shared/format'
import type { Axis } from '../bridge'
import { formatFen } from '../leads/money'

/**
 * Localized names of the lead model's keys (states, reasons, event types, …). Keys a newer
 * backend sends that the UI does not know yet show as themselves, so nothing breaks.
 */
export function useLeadLabels() {
  const { t, te, locale } = useI18n()
  const label = (prefix: string, key: string | null | undefined) =>
    key && te(`${prefix}.${key}`) ? t(`${prefix}.${key}`) : (key ?? '')

  /** A status reason: the invalid / store-lost catalogs translate their keys, others are free text. */
  const reasonName = (axis: Axis | string | undefined, to: string | undefined, reason: string | null | undefined) => {
    if (!reason) return ''
    if (axis === 'validity' && to === 'invalid') return label('leadEnum.invalidReason', reason)
    if (axis === 'store' && to === 'lost') return label('leadEnum.storeLostReason', reason)
    if (te(`leadEnum.invalidReason.${reason}`)) return t(`leadEnum.invalidReason.${reason}`)
    if (te(`leadEnum.storeLostReason.${reason}`)) return t(`leadEnum.storeLostReason.${reason}`)
    return reason
  }

  return {
    axisName: (axis: string) => label('leadEnum.axis', axis),
    stateName: (axis: string, state: string | null | undefined) => label(`leadEnum.state.${axis}`, state),
    sourceName: (source: string | null | undefined) => label('leadEnum.source', source),
    invalidReasonName: (key: string) => label('leadEnum.invalidReason', key),
    storeLostReasonName: (key: string) => label('leadEnum.storeLostReason', key),
    reasonName,
    callResultName: (key: string | null | undefined) => label('leadEnum.callResult', key),
    followUpKindName: (key: string | null | undefined) => label('leadEnum.followUpKind', key),
    milestoneName: (key: string | null | undefined) => label('leadEnum.milestone', key),
    genderName: (key: string | null | undefined) => label('leadEnum.gender', key),
    dealKindName: (key: string | null | undefined) => label('leadEnum.dealKind', key),
    approvalName: (key: string | null | undefined) => label('leadEnum.approval', key),
    eventTypeName: (key: string) => label('leadEnum.eventType', key),
    exclusionName: (key: string) => label('leadEnum.exclusion', key),
    methodName: (key: string) => label('leadEnum.method', key),
    notificationKindName: (key: string) => label('leadEnum.notificationKind', key),
    batchOpName: (key: string) => label('leadEnum.batchOp', key),
    /** Outbox mutation names ("lead.transition") have dots, which i18n keys cannot hold. */
    mutationName: (name: string) => (te(`leadEnum.mutation.${name.replace(/\./g, '_')}`) ? t(`leadEnum.mutation.${name.replace(/\./g, '_')}`) : name),
    customTypeName: (key: string) => label('leadEnum.customType', key),
    /** An instant in Asia/Shanghai. */
    time: (iso: string | null | undefined) => formatTime(iso, locale.value),
    /** Fen as yuan. */
    money: (fen: number | null | undefined) => formatFen(fen, locale.value),
  }
}
