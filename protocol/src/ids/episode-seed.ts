import { DOMAIN_PREFIX, KEY_BYTES } from '../constants.js'
import { lengthPrefixedUtf8, sha256, u32be } from './hash.js'

/** Domain tag of episode seeds; never a prefix of another tag (see `signingDomain`). */
export const EPISODE_SEED_DOMAIN = `${DOMAIN_PREFIX}episode-seed`

function seedDigest(jobId: Uint8Array, cycleStartBlockHash: Uint8Array, episodeIndex: number): Uint8Array {
  if (jobId.length !== KEY_BYTES) throw new RangeError('jobId must be 32 bytes')
  if (cycleStartBlockHash.length !== KEY_BYTES) throw new RangeError('cycleStartBlockHash must be 32 bytes')
  if (!Number.isInteger(episodeIndex) || episodeIndex < 0 || episodeIndex > 0xffffffff) {
    throw new RangeError('episodeIndex must be a u32')
  }
  return sha256(lengthPrefixedUtf8(EPISODE_SEED_DOMAIN), jobId, cycleStartBlockHash, u32be(episodeIndex))
}

/**
 * The seed of one episode of a job: the first 8 bytes, big-endian, of
 * SHA-256(u32be(len) ‖ "kinitro/v1/episode-seed" ‖ jobId ‖ cycleStartBlockHash ‖ u32be(episodeIndex)).
 *
 * The block hash is unknown when the miner commits, so no miner can precompute its episodes, while every
 * validator derives the same ones (design §5). `episodeIndex` counts episodes across the whole job
 * (0 … episodes_total − 1), not per task. Seeds are never sent to the policy.
 *
 * @throws RangeError on a job id or hash that is not 32 bytes, or an index that is not a u32.
 */
export function episodeSeed(jobId: Uint8Array, cycleStartBlockHash: Uint8Array, episodeIndex: number): bigint {
  const d = seedDigest(jobId, cycleStartBlockHash, episodeIndex)
  return new DataView(d.buffer, d.byteOffset, 8).getBigUint64(0)
}

/**
 * The 32-bit form of {@link episodeSeed} for simulators that take a u32 seed: its high 32 bits
 * (`Number(episodeSeed(…) >> 32n)`), so both forms come from the same digest bytes.
 */
export function episodeSeed32(jobId: Uint8Array, cycleStartBlockHash: Uint8Array, episodeIndex: number): number {
  const d = seedDigest(jobId, cycleStartBlockHash, episodeIndex)
  return new DataView(d.buffer, d.byteOffset, 4).getUint32(0)
}
