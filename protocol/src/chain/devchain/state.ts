import { u8aToHex } from '@polkadot/util'
import { blake2AsU8a } from '@polkadot/util-crypto'
import type { BlockRef, ChainNeuron, CommitmentEntry, Hyperparameters, Metagraph, WeightEligibility } from '../chain.js'
import { ChainError } from '../errors.js'
import {
  blocksUntilWeightsAllowed,
  DEFAULT_ACTIVITY_CUTOFF,
  DEFAULT_COMMITMENT_MAX_SPACE,
  DEFAULT_MAX_ALLOWED_UIDS,
  DEFAULT_MAX_ALLOWED_VALIDATORS,
  DEFAULT_MIN_ALLOWED_WEIGHTS,
  DEFAULT_REVEAL_PERIOD_EPOCHS,
  DEFAULT_STAKE_THRESHOLD,
  DEFAULT_TEMPO,
  DEFAULT_WEIGHTS_RATE_LIMIT,
  epochIndex,
  isEpochBlock,
  U16_MAX,
  validatorPermits,
} from '../rules/index.js'
import type { DevChainSnapshot, DevHyperparameters, DevNeuron, DevSubnet, DevSubnetHyperparameters } from './types.js'

/** Subtensor's defaults for a new subnet (reference/chain.md §5–§6), except `immunityPeriod` (dev: short). */
export function defaultSubnetHyperparameters(): DevSubnetHyperparameters {
  return {
    tempo: DEFAULT_TEMPO,
    weightsRateLimit: DEFAULT_WEIGHTS_RATE_LIMIT,
    weightsVersionKey: 0n,
    commitRevealEnabled: true,
    commitRevealPeriod: DEFAULT_REVEAL_PERIOD_EPOCHS,
    maxWeightLimit: U16_MAX,
    minAllowedWeights: DEFAULT_MIN_ALLOWED_WEIGHTS,
    maxAllowedValidators: DEFAULT_MAX_ALLOWED_VALIDATORS,
    maxAllowedUids: DEFAULT_MAX_ALLOWED_UIDS,
    // Subtensor's default is 4096 blocks; on a dev chain that would block replacement for over an hour.
    immunityPeriod: 100,
    commitmentMaxSpace: DEFAULT_COMMITMENT_MAX_SPACE,
    activityCutoff: DEFAULT_ACTIVITY_CUTOFF,
  }
}

const hashBlock = (parent: string, number: number): string => {
  const n = new Uint8Array(4)
  new DataView(n.buffer).setUint32(0, number, true)
  return u8aToHex(blake2AsU8a(new Uint8Array([...Buffer.from(parent.slice(2), 'hex'), ...n]), 256))
}

const fail = (code: ChainError['code'], message: string, meta: Record<string, unknown> = {}): never => {
  throw new ChainError({ code, ...meta }, message)
}

/** A fresh chain: block 0, the given subnets, nothing registered. */
export function genesisSnapshot(netuids: readonly number[], genesisHash: string): DevChainSnapshot {
  const snap: DevChainSnapshot = {
    version: 1,
    genesisHash,
    head: { number: 0, hash: genesisHash },
    stakeThreshold: DEFAULT_STAKE_THRESHOLD,
    balances: {},
    nonces: {},
    subnets: {},
  }
  for (const netuid of netuids) snap.subnets[String(netuid)] = emptySubnet(netuid)
  return snap
}

function emptySubnet(netuid: number, owner?: string): DevSubnet {
  return {
    netuid,
    ...(owner === undefined ? {} : { owner }),
    hyper: defaultSubnetHyperparameters(),
    neurons: [],
    commitments: {},
    usedSpace: {},
    weights: {},
    weightCommits: {},
    timelocked: [],
  }
}

/**
 * The dev chain's state machine: pure and synchronous, no I/O (the server persists `snapshot` after each
 * change). Every refusal is a `ChainError` whose code matches the Subtensor error it stands for.
 * Transactions run against the head block (see README: "differences").
 */
export class DevChainState {
  readonly snapshot: DevChainSnapshot

  constructor(snapshot: DevChainSnapshot) {
    this.snapshot = snapshot
  }

  get head(): BlockRef {
    return { ...this.snapshot.head }
  }

  subnet(netuid: number): DevSubnet {
    return (
      this.snapshot.subnets[String(netuid)] ??
      fail('CHAIN_SUBNET_NOT_FOUND', `netuid ${netuid} does not exist on the dev chain`, { netuid })
    )
  }

  neuron(netuid: number, hotkey: string): DevNeuron | undefined {
    return this.subnet(netuid).neurons.find((n) => n.hotkey === hotkey)
  }

  /** Produce the next block and run every subnet's epoch that falls in it. */
  produceBlock(): BlockRef {
    const number = this.snapshot.head.number + 1
    this.snapshot.head = { number, hash: hashBlock(this.snapshot.head.hash, number) }
    for (const subnet of Object.values(this.snapshot.subnets)) {
      if (isEpochBlock(number, subnet.hyper.tempo, subnet.netuid)) this.runEpoch(subnet, number)
    }
    return this.head
  }

  // What the dev chain's epoch does: permits and activity, plus pruning commits that can no longer be
  // revealed. No emission, consensus or bonds: nothing in Kinitro reads them.
  private runEpoch(subnet: DevSubnet, block: number): void {
    const permits = validatorPermits(
      subnet.neurons.map((n) => ({ stake: n.stake, isOwner: n.hotkey === subnet.owner })),
      this.snapshot.stakeThreshold,
      subnet.hyper.maxAllowedValidators,
    )
    subnet.neurons.forEach((n, uid) => {
      n.validatorPermit = permits[uid] ?? false
      n.active = (n.lastUpdate === 0 ? n.registeredAt : n.lastUpdate) + subnet.hyper.activityCutoff >= block
    })
    const { tempo, commitRevealPeriod } = subnet.hyper
    // Past their reveal epoch; a commit still revealable in this very block stays (reveals check timing).
    const now = epochIndex(block, tempo, subnet.netuid)
    const live = (commitBlock: number) => epochIndex(commitBlock, tempo, subnet.netuid) + commitRevealPeriod >= now
    for (const [hotkey, commits] of Object.entries(subnet.weightCommits)) {
      const kept = commits.filter((c) => live(c.block))
      if (kept.length === 0) delete subnet.weightCommits[hotkey]
      else subnet.weightCommits[hotkey] = kept
    }
    subnet.timelocked = subnet.timelocked.filter((c) => live(c.block))
  }

  fund(account: string, rao: bigint): bigint {
    const balance = (this.snapshot.balances[account] ?? 0n) + rao
    this.snapshot.balances[account] = balance
    return balance
  }

  /** The owner's hotkey; `undefined` for a subnet without one or that does not exist (as Subtensor reads). */
  subnetOwner(netuid: number): string | undefined {
    return this.snapshot.subnets[String(netuid)]?.owner
  }

  /** `owner` is a hotkey: the one the permit and stake rules exempt and `subnetOwner` returns. */
  createSubnet(netuid: number, owner?: string): void {
    if (this.snapshot.subnets[String(netuid)] !== undefined) {
      if (owner !== undefined) this.subnet(netuid).owner = owner
      return
    }
    this.snapshot.subnets[String(netuid)] = emptySubnet(netuid, owner)
  }

  /**
   * Register `hotkey`: the next free uid until `maxAllowedUids`, then the uid with the lowest stake among
   * those past their immunity period (oldest registration on ties). Subtensor prunes by pruning score
   * (emission-based) instead; the dev chain has no emission, so stake stands in for it.
   */
  register(netuid: number, hotkey: string, coldkey: string = hotkey): DevNeuron {
    if (this.snapshot.subnets[String(netuid)] === undefined) this.createSubnet(netuid)
    const subnet = this.subnet(netuid)
    const block = this.snapshot.head.number
    if (this.neuron(netuid, hotkey) !== undefined)
      fail('CHAIN_ALREADY_REGISTERED', `hotkey ${hotkey} is already registered on netuid ${netuid}`, {
        error: 'HotKeyAlreadyRegisteredInSubNet',
      })
    const fresh = (uid: number): DevNeuron => ({
      uid,
      hotkey,
      coldkey,
      stake: 0n,
      validatorPermit: false,
      active: true,
      lastUpdate: 0,
      registeredAt: block,
    })
    if (subnet.neurons.length < subnet.hyper.maxAllowedUids) {
      const n = fresh(subnet.neurons.length)
      subnet.neurons.push(n)
      return n
    }
    const candidates = subnet.neurons
      .filter((n) => n.hotkey !== subnet.owner && block - n.registeredAt >= subnet.hyper.immunityPeriod)
      .sort((a, b) => (a.stake < b.stake ? -1 : a.stake > b.stake ? 1 : a.registeredAt - b.registeredAt))
    const victim =
      candidates[0] ??
      fail('CHAIN_DISPATCH_FAILED', `netuid ${netuid} is full and every neuron is immune`, {
        pallet: 'SubtensorModule',
        error: 'NoNeuronIdAvailable',
      })
    const n = fresh(victim.uid)
    subnet.neurons[victim.uid] = n
    delete subnet.weights[String(victim.uid)]
    return n
  }

  /** Move `rao` from the neuron's coldkey balance to its stake. */
  addStake(netuid: number, hotkey: string, rao: bigint): bigint {
    const n =
      this.neuron(netuid, hotkey) ??
      fail('CHAIN_NOT_REGISTERED', `hotkey ${hotkey} is not registered on netuid ${netuid}`, {
        error: 'HotKeyAccountNotExists',
      })
    const balance = this.snapshot.balances[n.coldkey] ?? 0n
    if (balance < rao)
      fail('CHAIN_INSUFFICIENT_BALANCE', `coldkey ${n.coldkey} has ${balance} rao, ${rao} needed to stake`, {
        error: 'NotEnoughBalanceToStake',
      })
    this.snapshot.balances[n.coldkey] = balance - rao
    n.stake += rao
    return n.stake
  }

  setHyperparameters(netuid: number, patch: Partial<DevHyperparameters>): DevHyperparameters {
    const subnet = this.subnet(netuid)
    const { stakeThreshold, ...rest } = patch
    if (stakeThreshold !== undefined) this.snapshot.stakeThreshold = stakeThreshold
    Object.assign(subnet.hyper, rest)
    return { ...subnet.hyper, stakeThreshold: this.snapshot.stakeThreshold }
  }

  nonce(account: string): number {
    return this.snapshot.nonces[account] ?? 0
  }

  useNonce(account: string, nonce: number): void {
    const expected = this.nonce(account)
    if (nonce !== expected)
      fail('CHAIN_TX_INVALID', `nonce ${nonce} for ${account} is not the expected ${expected}`, {
        reason: 'nonce',
        expected,
      })
    this.snapshot.nonces[account] = expected + 1
  }

  hyperparameters(netuid: number): Hyperparameters {
    const h = this.subnet(netuid).hyper
    return {
      tempo: h.tempo,
      weightsRateLimit: h.weightsRateLimit,
      weightsVersionKey: h.weightsVersionKey,
      commitRevealEnabled: h.commitRevealEnabled,
      commitRevealPeriod: h.commitRevealPeriod,
      maxWeightLimit: h.maxWeightLimit,
      minAllowedWeights: h.minAllowedWeights,
      maxAllowedValidators: h.maxAllowedValidators,
      stakeThreshold: this.snapshot.stakeThreshold,
    }
  }

  metagraph(netuid: number): Metagraph {
    const neurons: ChainNeuron[] = this.subnet(netuid).neurons.map((n) => ({
      uid: n.uid,
      hotkey: n.hotkey,
      coldkey: n.coldkey,
      stake: n.stake,
      validatorPermit: n.validatorPermit,
      active: n.active,
      lastUpdate: n.lastUpdate,
      blockAtRegistration: n.registeredAt,
    }))
    return { netuid, block: this.snapshot.head.number, neurons }
  }

  commitments(netuid: number): CommitmentEntry[] {
    return Object.entries(this.subnet(netuid).commitments).map(([hotkey, c]) => ({
      hotkey,
      block: c.block,
      data: Buffer.from(c.data.slice(2), 'hex'),
      field: c.field,
    }))
  }

  weights(netuid: number): Map<number, Array<[number, number]>> {
    const rows = Object.entries(this.subnet(netuid).weights).map(([uid, row]) => [Number(uid), row] as const)
    return new Map(rows.sort((a, b) => a[0] - b[0]).map(([uid, row]) => [uid, row.map(([u, w]) => [u, w])]))
  }

  canSetWeights(netuid: number, hotkey: string): WeightEligibility {
    const subnet = this.subnet(netuid)
    const n = this.neuron(netuid, hotkey)
    const crOn = subnet.hyper.commitRevealEnabled
    if (n === undefined)
      return {
        registered: false,
        validatorPermit: false,
        stake: 0n,
        stakeSufficient: false,
        blocksUntilAllowed: 0,
        commitRevealEnabled: crOn,
      }
    const owner = n.hotkey === subnet.owner
    return {
      registered: true,
      uid: n.uid,
      validatorPermit: n.validatorPermit || owner,
      stake: n.stake,
      stakeSufficient: owner || n.stake >= this.snapshot.stakeThreshold,
      blocksUntilAllowed: blocksUntilWeightsAllowed(
        n.lastUpdate,
        this.snapshot.head.number,
        subnet.hyper.weightsRateLimit,
      ),
      commitRevealEnabled: crOn,
    }
  }
}
