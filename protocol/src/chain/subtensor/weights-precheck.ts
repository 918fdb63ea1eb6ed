import type { WeightsInput } from '../chain.js'
import { ChainError } from '../errors.js'
import { blocksUntilWeightsAllowed, checkSetWeights, type SetWeightsState } from '../rules/index.js'

/** Which extrinsic a check is for: the commit-reveal gate and rate limit differ between them. */
export type WeightsMode = 'set' | 'commit' | 'reveal'

/**
 * Reject locally what Subtensor would reject, using the shared rules (`rules/weights.ts`, the chain's own
 * order), so no doomed weight extrinsic is sent. A commit carries only a hash, so it gets the checks the
 * runtime can make on it: commit-reveal on, registered, stake, rate limit.
 */
export function precheckWeights(input: WeightsInput, mode: WeightsMode, state: SetWeightsState): void {
  if (mode !== 'set' && !state.commitRevealEnabled) {
    throw new ChainError(
      { code: 'CHAIN_COMMIT_REVEAL_DISABLED', error: 'CommitRevealDisabled' },
      `commit-reveal is off for netuid ${state.netuid}: use setWeights`,
    )
  }
  if (mode === 'commit') {
    precheckCommit(state)
    return
  }
  const v = checkSetWeights(state, input, mode === 'reveal' ? 'reveal' : 'set')
  if (v !== undefined) throw new ChainError({ code: v.code, error: v.error }, v.message)
}

function precheckCommit(s: SetWeightsState): void {
  if (s.uid === undefined) {
    throw new ChainError(
      { code: 'CHAIN_NOT_REGISTERED', error: 'HotKeyNotRegisteredInSubNet' },
      `hotkey is not registered on netuid ${s.netuid}`,
    )
  }
  if (!s.isOwner && s.stake < s.stakeThreshold) {
    throw new ChainError(
      { code: 'CHAIN_NOT_ENOUGH_STAKE', error: 'NotEnoughStakeToSetWeights' },
      `stake ${s.stake} rao is below the stake threshold ${s.stakeThreshold}`,
    )
  }
  const wait = blocksUntilWeightsAllowed(s.lastUpdate, s.block, s.weightsRateLimit)
  if (wait > 0) {
    throw new ChainError(
      { code: 'CHAIN_WEIGHTS_RATE_LIMITED', error: 'CommittingWeightsTooFast', blocksUntilAllowed: wait },
      `weights rate limit: ${wait} more blocks before the next commit`,
    )
  }
}
