import { decodeSs58, ss58FromPublicKey } from '../identity/hotkey.js'

/** A winner-take-all candidate id: `<miner hotkey SS58>@<commitment block>` (what `kinitro-wta-v0` reports). */
export function candidateIdOf(hotkey: string, block: number): string {
  return `${hotkey}@${block}`
}

const CANDIDATE_RE = /^([1-9A-HJ-NP-Za-km-z]{46,48})@(0|[1-9]\d{0,15})$/

/** The hotkey and block of a candidate id, or undefined when it is not one (a bad SS58 included). */
export function parseCandidateId(id: string): { hotkey: string; block: number } | undefined {
  const m = CANDIDATE_RE.exec(id)
  if (m === null) return undefined
  const block = Number(m[2])
  if (!Number.isSafeInteger(block)) return undefined
  try {
    // Round trip: refuses another SS58 prefix or a checksum error, and a non-canonical spelling.
    if (ss58FromPublicKey(decodeSs58(m[1] as string)) !== m[1]) return undefined
  } catch {
    return undefined
  }
  return { hotkey: m[1] as string, block }
}
