import type { ApiPromise } from '@polkadot/api'
import { blake2AsHex } from '@polkadot/util-crypto'
import type { WeightsCommitInput } from '../chain.js'
import type { SetWeightsState } from '../rules/index.js'
import { readHyperparameters } from './hyperparameters.js'
import { readMetagraph } from './metagraph.js'
import { ownerHotkey } from './owner.js'
import type { RuntimeProfile } from './runtime-check.js'

/** Everything the weight rules read for `hotkey`, at the block the next extrinsic executes in. */
export async function readWeightsState(
  api: ApiPromise,
  profile: RuntimeProfile,
  netuid: number,
  hotkey: string,
): Promise<SetWeightsState> {
  const [mg, hp, owner] = await Promise.all([
    readMetagraph(api, profile, netuid),
    readHyperparameters(api, profile, netuid),
    ownerHotkey(api, netuid),
  ])
  const me = mg.neurons.find((n) => n.hotkey === hotkey)
  return {
    netuid,
    // An extrinsic sent now executes in the next block; the runtime checks against that number.
    block: mg.block + 1,
    commitRevealEnabled: hp.commitRevealEnabled,
    neuronCount: mg.neurons.length,
    uid: me?.uid,
    isOwner: owner === hotkey,
    stake: me?.stake ?? 0n,
    stakeThreshold: hp.stakeThreshold,
    validatorPermit: me?.validatorPermit ?? false,
    lastUpdate: me?.lastUpdate ?? 0,
    weightsRateLimit: hp.weightsRateLimit,
    networkVersionKey: hp.weightsVersionKey,
    minAllowedWeights: hp.minAllowedWeights,
    maxWeightLimit: hp.maxWeightLimit,
  }
}

/**
 * CR v2 commit hash through the runtime's own types: blake2-256 of SCALE
 * `(AccountId32, u16 netuid, Vec<u16> uids, Vec<u16> values, Vec<u16> salt, u64 version_key)`.
 */
export function weightsCommitHash(
  api: ApiPromise,
  publicKey: Uint8Array,
  netuid: number,
  input: WeightsCommitInput,
): string {
  const tuple = api.createType('(AccountId32, u16, Vec<u16>, Vec<u16>, Vec<u16>, u64)', [
    publicKey,
    netuid,
    input.uids,
    input.weights,
    input.salt,
    input.versionKey ?? 0n,
  ])
  return blake2AsHex(tuple.toU8a(), 256)
}
