import { u8aToHex } from '@polkadot/util'
import { decodeSs58 } from '../../identity/hotkey.js'
import { ChainError } from '../errors.js'
import {
  COMMIT_REVEAL_WEIGHTS_VERSION,
  chargeCommitmentSpace,
  checkSetWeights,
  commitHash,
  commitmentCost,
  commitmentFieldFor,
  epochIndex,
  MAX_UNREVEALED_COMMITS,
  maxCommitmentBytes,
  maxUpscale,
  type RuleViolation,
  revealTiming,
  type SetWeightsState,
  type WeightsPath,
} from '../rules/index.js'
import type { DevChainState } from './state.js'
import type { DevNeuron, DevSubnet } from './types.js'

/** The calls a hotkey can sign, with their parameters as the wire carries them. */
export type DevCall =
  | { method: 'setCommitment'; data: string }
  | { method: 'setWeights'; uids: number[]; weights: number[]; versionKey: bigint }
  | { method: 'commitWeights'; hash: string }
  | { method: 'revealWeights'; uids: number[]; weights: number[]; salt: number[]; versionKey: bigint }
  | { method: 'commitTimelockedWeights'; commit: string; revealRound: bigint; commitRevealVersion: number }

const refuse = (v: RuleViolation): never => {
  throw new ChainError({ code: v.code, pallet: 'SubtensorModule', error: v.error }, v.message)
}

function fail(code: ChainError['code'], error: string, message: string, pallet = 'SubtensorModule'): never {
  throw new ChainError({ code, pallet, error }, message)
}

function registered(state: DevChainState, netuid: number, hotkey: string, error: string, pallet?: string): DevNeuron {
  return (
    state.neuron(netuid, hotkey) ??
    fail('CHAIN_NOT_REGISTERED', error, `hotkey ${hotkey} is not registered on netuid ${netuid}`, pallet)
  )
}

function weightsState(state: DevChainState, subnet: DevSubnet, hotkey: string): SetWeightsState {
  const n = state.neuron(subnet.netuid, hotkey)
  return {
    netuid: subnet.netuid,
    block: state.head.number,
    commitRevealEnabled: subnet.hyper.commitRevealEnabled,
    neuronCount: subnet.neurons.length,
    uid: n?.uid,
    isOwner: subnet.owner !== undefined && subnet.owner === hotkey,
    stake: n?.stake ?? 0n,
    stakeThreshold: state.snapshot.stakeThreshold,
    validatorPermit: n?.validatorPermit ?? false,
    lastUpdate: n?.lastUpdate ?? 0,
    weightsRateLimit: subnet.hyper.weightsRateLimit,
    networkVersionKey: subnet.hyper.weightsVersionKey,
    minAllowedWeights: subnet.hyper.minAllowedWeights,
    maxWeightLimit: subnet.hyper.maxWeightLimit,
  }
}

function applyWeights(
  state: DevChainState,
  subnet: DevSubnet,
  hotkey: string,
  call: { uids: number[]; weights: number[]; versionKey: bigint },
  path: WeightsPath,
): void {
  const violation = checkSetWeights(weightsState(state, subnet, hotkey), call, path)
  if (violation !== undefined) refuse(violation)
  const n = state.neuron(subnet.netuid, hotkey)!
  const scaled = maxUpscale(call.weights)
  subnet.weights[String(n.uid)] = call.uids.map((uid, i) => [uid, scaled[i]!])
  n.lastUpdate = state.head.number
}

// The checks `commit_weights` and `commit_timelocked_weights` share (subtensor `do_commit_*`).
function commitChecks(state: DevChainState, subnet: DevSubnet, hotkey: string, pending: number): DevNeuron {
  if (!subnet.hyper.commitRevealEnabled)
    fail('CHAIN_COMMIT_REVEAL_DISABLED', 'CommitRevealDisabled', `commit-reveal is off for netuid ${subnet.netuid}`)
  const n = registered(state, subnet.netuid, hotkey, 'HotKeyNotRegisteredInSubNet')
  const block = state.head.number
  const { weightsRateLimit } = subnet.hyper
  if (n.lastUpdate !== 0 && block - n.lastUpdate < weightsRateLimit)
    fail(
      'CHAIN_WEIGHTS_RATE_LIMITED',
      'CommittingWeightsTooFast',
      `last update at block ${n.lastUpdate}; weightsRateLimit ${weightsRateLimit} allows the next commit at ${n.lastUpdate + weightsRateLimit}`,
    )
  if (pending >= MAX_UNREVEALED_COMMITS)
    fail(
      'CHAIN_TOO_MANY_COMMITS',
      'TooManyUnrevealedCommits',
      `${pending} unrevealed commits: at most ${MAX_UNREVEALED_COMMITS}`,
    )
  return n
}

/**
 * Apply one signed call from `hotkey` to the state, against the head block. Throws the `ChainError` the
 * runtime's refusal maps to; on success the caller persists the state.
 */
export function applyCall(state: DevChainState, netuid: number, hotkey: string, call: DevCall): void {
  const subnet = state.subnet(netuid)
  const block = state.head.number
  switch (call.method) {
    case 'setCommitment': {
      registered(state, netuid, hotkey, 'AccountNotAllowedCommit', 'Commitments')
      const length = (call.data.length - 2) / 2
      const field = commitmentFieldFor(length, true)
      if (field === undefined)
        fail(
          'CHAIN_COMMITMENT_TOO_LARGE',
          'TooManyFieldsInCommitmentInfo',
          `commitment of ${length} bytes is over the ${maxCommitmentBytes(true)}-byte limit`,
          'Commitments',
        )
      const epoch = epochIndex(block, subnet.hyper.tempo, netuid)
      const charge = chargeCommitmentSpace(
        subnet.usedSpace[hotkey],
        epoch,
        commitmentCost([length]),
        subnet.hyper.commitmentMaxSpace,
      )
      if (!charge.ok)
        fail(
          'CHAIN_COMMITMENT_RATE_LIMITED',
          'SpaceLimitExceeded',
          `commitment space: ${charge.used} used + ${charge.cost} > ${charge.max} this epoch`,
          'Commitments',
        )
      subnet.usedSpace[hotkey] = charge.space
      subnet.commitments[hotkey] = { block, data: call.data, field: field! }
      return
    }
    case 'setWeights':
      applyWeights(state, subnet, hotkey, call, 'set')
      return
    case 'commitWeights': {
      const pending = subnet.weightCommits[hotkey] ?? []
      const n = commitChecks(state, subnet, hotkey, pending.length)
      subnet.weightCommits[hotkey] = [...pending, { hash: call.hash, block }]
      n.lastUpdate = block
      return
    }
    case 'revealWeights': {
      if (!subnet.hyper.commitRevealEnabled)
        fail('CHAIN_COMMIT_REVEAL_DISABLED', 'CommitRevealDisabled', `commit-reveal is off for netuid ${netuid}`)
      registered(state, netuid, hotkey, 'HotKeyNotRegisteredInSubNet')
      const pending = subnet.weightCommits[hotkey] ?? []
      const hash = u8aToHex(
        commitHash({
          hotkey: decodeSs58(hotkey),
          netuidIndex: netuid,
          uids: call.uids,
          values: call.weights,
          salt: call.salt,
          versionKey: call.versionKey,
        }),
      )
      const at = pending.findIndex((c) => c.hash === hash)
      if (at < 0)
        fail(
          'CHAIN_NO_WEIGHTS_COMMIT',
          'NoWeightsCommitFound',
          `no unrevealed commit matches these weights (hash ${hash})`,
        )
      const { tempo, commitRevealPeriod } = subnet.hyper
      const commitBlock = pending[at]!.block
      const timing = revealTiming(commitBlock, block, tempo, netuid, commitRevealPeriod)
      const due = epochIndex(commitBlock, tempo, netuid) + commitRevealPeriod
      if (timing === 'too-early')
        fail(
          'CHAIN_REVEAL_TOO_EARLY',
          'RevealTooEarly',
          `commit at block ${commitBlock} reveals in epoch ${due}, now ${epochIndex(block, tempo, netuid)}`,
        )
      if (timing === 'expired')
        fail(
          'CHAIN_REVEAL_EXPIRED',
          'ExpiredWeightCommit',
          `commit at block ${commitBlock} had to reveal in epoch ${due}`,
        )
      applyWeights(state, subnet, hotkey, call, 'reveal')
      const rest = pending.slice(at + 1)
      if (rest.length === 0) delete subnet.weightCommits[hotkey]
      else subnet.weightCommits[hotkey] = rest
      return
    }
    case 'commitTimelockedWeights': {
      const pending = subnet.timelocked.filter((c) => c.hotkey === hotkey).length
      const n = commitChecks(state, subnet, hotkey, pending)
      if (call.commitRevealVersion !== COMMIT_REVEAL_WEIGHTS_VERSION)
        fail(
          'CHAIN_DISPATCH_FAILED',
          'IncorrectCommitRevealVersion',
          `commit-reveal version ${call.commitRevealVersion}; the chain expects ${COMMIT_REVEAL_WEIGHTS_VERSION}`,
        )
      subnet.timelocked.push({ hotkey, block, commit: call.commit, revealRound: call.revealRound })
      n.lastUpdate = block
      return
    }
  }
}
