import { MAX_WEIGHT_ENTRIES } from '../constants.js'
import type { WeightsAnnouncement } from '../proto/kinitro.js'
import {
  type ContentContext,
  checkFixedBytes,
  checkFreshness,
  checkId,
  checkNetuid,
  checkU64,
  invalid,
} from './fields.js'

/**
 * Content rules of a weights announcement: uids and weights are equal-length lists of big-endian u16
 * (1…{@link MAX_WEIGHT_ENTRIES} entries), uids strictly ascending (one canonical order, no duplicates),
 * a 32-byte inputs digest and a strategy name.
 */
export function validateWeightsAnnouncement(w: WeightsAnnouncement, ctx: ContentContext): void {
  checkNetuid(w.netuid, ctx)
  checkFreshness('weights-announcement', w.block, ctx)
  const n = w.uids.length / 2
  if (w.uids.length % 2 !== 0 || n === 0 || n > MAX_WEIGHT_ENTRIES) {
    invalid('uids', { actual: w.uids.length, limit: MAX_WEIGHT_ENTRIES * 2 })
  }
  if (w.weights.length !== w.uids.length) invalid('weights', { actual: w.weights.length, limit: w.uids.length })
  let prev = -1
  for (let i = 0; i < w.uids.length; i += 2) {
    const uid = ((w.uids[i] ?? 0) << 8) | (w.uids[i + 1] ?? 0)
    if (uid <= prev) invalid('uids')
    prev = uid
  }
  checkFixedBytes('inputsDigest', w.inputsDigest)
  checkU64('versionKey', w.versionKey)
  checkId('strategy', w.strategy)
}
