import { DOMAIN_PREFIX, KEY_BYTES, MAX_NETUID } from '../constants.js'
import { lengthPrefixed, lengthPrefixedUtf8, sha256, u16be, u64be } from './hash.js'

/** The inputs that identify a job (design §5): one miner commitment, one competition, one cycle. */
export interface JobIdInput {
  netuid: number
  competitionId: string
  /** 32-byte sr25519 public key of the miner's hotkey. */
  minerHotkey: Uint8Array
  /** Block at which the miner's commitment was set. */
  commitmentBlock: number
  /** Evaluation cycle index within the competition. */
  cycle: number
}

/** Domain tag of job ids; never a prefix of another tag (see `signingDomain`). */
export const JOB_ID_DOMAIN = `${DOMAIN_PREFIX}job-id`

/**
 * The job id: SHA-256 over
 *
 * ```
 * u32be(len) ‖ "kinitro/v1/job-id"
 * u16be(netuid)
 * u32be(len) ‖ utf8(competitionId)
 * u32be(32)  ‖ minerHotkey
 * u64be(commitmentBlock)
 * u64be(cycle)
 * ```
 *
 * Variable-length fields carry a u32 length and integers have fixed widths, so no two different inputs
 * share an encoding. Every node derives the same id from the same chain state.
 *
 * @throws RangeError when an input is out of range (netuid above u16, negative or unsafe integers,
 * a hotkey that is not 32 bytes). These are caller bugs, not network input.
 */
export function jobId(input: JobIdInput): Uint8Array {
  const { netuid, competitionId, minerHotkey, commitmentBlock, cycle } = input
  if (!Number.isInteger(netuid) || netuid < 0 || netuid > MAX_NETUID) throw new RangeError('netuid must be a u16')
  if (minerHotkey.length !== KEY_BYTES) throw new RangeError('minerHotkey must be 32 bytes')
  for (const [name, v] of [
    ['commitmentBlock', commitmentBlock],
    ['cycle', cycle],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative safe integer`)
  }
  return sha256(
    lengthPrefixedUtf8(JOB_ID_DOMAIN),
    u16be(netuid),
    lengthPrefixedUtf8(competitionId),
    lengthPrefixed(minerHotkey),
    u64be(commitmentBlock),
    u64be(cycle),
  )
}
