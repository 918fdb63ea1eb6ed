import { createHash } from 'node:crypto'
import { type DevHub, packPolicyDir, samplePolicyDir } from '#evaluator'
import {
  buildCommitment,
  createCompetitionManifest,
  type DevChainAdmin,
  generateMnemonic,
  type Hotkey,
  hotkeyFromMnemonic,
  signCompetitionManifest,
} from '#protocol'

/** A generated account: its mnemonic is kept so the devnet can write btcli wallet files. */
export interface DevAccountKey {
  name: string
  mnemonic: string
  hotkey: Hotkey
}

/** A sample miner of the devnet: which policy it serves and the commitment it made. */
export interface DevMiner extends DevAccountKey {
  policy: string
  commitment: string
  sha256: string
}

/**
 * Publishes one sample miner (its artifact where validators fetch it, its commitment on chain) and returns
 * the commitment and the archive's SHA-256. The devnet passes the miner CLI's path; without one the built-in
 * path packs the sample, adds it to the dev hub and commits directly.
 */
export type PublishMiner = (miner: {
  policy: string
  hotkey: Hotkey
  competitionId: string
}) => Promise<{ commitment: string; sha256: string }>

/** Inputs of {@link bootstrapSubnet}. */
export interface BootstrapSubnetInit {
  admin: DevChainAdmin
  /** A chain client of `netuid` (to commit and read the head). */
  chain: import('#protocol').Chain
  netuid: number
  validators: number
  /** Sample policies to commit, one miner each. @default ['expert', 'random'] */
  miners?: readonly string[]
  hub: DevHub
  /** Tasks of the devnet competition. @default [mujoco/reach-v1] */
  tasks?: readonly string[]
  episodesPerTask?: number
  maxSteps?: number
  /** Blocks per evaluation cycle. @default 20 */
  cycleLengthBlocks?: number
  /** The manifest of a resumed devnet: its cycles continue instead of restarting. */
  manifest?: Uint8Array
  /** How each miner is published. @default pack, add to `hub`, commit (see {@link PublishMiner}) */
  publishMiner?: PublishMiner
  /** Keys to reuse (a resumed devnet); missing ones are generated. */
  keys?: { owner?: string; validators?: string[]; miners?: string[] }
}

/** What {@link bootstrapSubnet} made. */
export interface DevSubnet {
  owner: DevAccountKey
  validators: DevAccountKey[]
  miners: DevMiner[]
  /** The owner-signed competition manifest envelope. */
  manifest: Uint8Array
  competitionId: string
}

export const DEVNET_COMPETITION_ID = 'devnet-reach'
const STAKE_RAO = 1_000_000_000_000n

async function account(name: string, mnemonic?: string): Promise<DevAccountKey> {
  const phrase = mnemonic ?? generateMnemonic()
  return { name, mnemonic: phrase, hotkey: await hotkeyFromMnemonic(phrase) }
}

/** A 40-hex "commit sha" for a dev repo revision: derived from the archive, like a git commit would be. */
export function devRevision(sha256: string): string {
  return createHash('sha1').update(`kinitro-devnet:${sha256}`).digest('hex')
}

/**
 * Set a dev chain subnet up the way a real one looks to validators: an owner, validators with stake and
 * permits, miners whose sample policies are packed, served by the dev hub and committed (`k1:` with the
 * archive's SHA-256), and an owner-signed competition manifest. Hyperparameters are shortened (tempo,
 * rate limit) so a cycle and a weight update take seconds; commit-reveal is off.
 */
export async function bootstrapSubnet(init: BootstrapSubnetInit): Promise<DevSubnet> {
  const { admin, chain, netuid } = init
  const owner = await account('owner', init.keys?.owner)
  await admin.createSubnet(netuid, owner.hotkey.ss58)
  await admin.setHyperparameters(netuid, {
    tempo: 5,
    weightsRateLimit: 1,
    commitRevealEnabled: false,
    minAllowedWeights: 1,
    maxAllowedValidators: 64,
    activityCutoff: 100_000,
    stakeThreshold: 0n,
  })
  // A resumed devnet finds its neurons registered already: registration and stake happen once.
  const registered = new Set((await chain.metagraph()).neurons.map((n) => n.hotkey))
  const validators: DevAccountKey[] = []
  for (let i = 0; i < init.validators; i++) {
    const v = await account(`validator-${i}`, init.keys?.validators?.[i])
    if (!registered.has(v.hotkey.ss58)) {
      await admin.fund(v.hotkey.ss58, STAKE_RAO * 2n)
      await admin.register(netuid, v.hotkey.ss58)
      await admin.addStake(netuid, v.hotkey.ss58, STAKE_RAO)
    }
    validators.push(v)
  }
  const miners: DevMiner[] = []
  const names = init.miners ?? ['expert', 'random']
  for (const [i, policy] of names.entries()) {
    const m = await account(`miner-${policy}`, init.keys?.miners?.[i])
    if (!registered.has(m.hotkey.ss58)) await admin.register(netuid, m.hotkey.ss58)
    const published = await (init.publishMiner ?? publishDirectly(init))({
      policy,
      hotkey: m.hotkey,
      competitionId: DEVNET_COMPETITION_ID,
    })
    // One block per miner: the commit order is the first-commit advantage's order, as on a real chain where
    // miners arrive one after another (the dev chain would otherwise put them all in the head block).
    await admin.advance(1)
    miners.push({ ...m, policy, ...published })
  }
  // Permits are computed at epoch boundaries: run one so the validators hold theirs before nodes start.
  const head = await admin.advance(6)
  if (init.manifest !== undefined) {
    return { owner, validators, miners, manifest: init.manifest, competitionId: DEVNET_COMPETITION_ID }
  }
  const manifest = createCompetitionManifest({
    netuid,
    block: head.number,
    id: DEVNET_COMPETITION_ID,
    name: 'Devnet manipulation',
    tasks: (init.tasks ?? ['mujoco/reach-v1']).map((envId) => ({ envId, taskId: envId.split('/').pop() as string })),
    episodesPerTask: init.episodesPerTask ?? 2,
    maxSteps: init.maxSteps ?? 100,
    scoring: { strategy: 'kinitro-subset-v1' },
    startBlock: head.number + 1,
    points: 1,
    cycleLengthBlocks: init.cycleLengthBlocks ?? 20,
  })
  return {
    owner,
    validators,
    miners,
    manifest: signCompetitionManifest(manifest, owner.hotkey.signer),
    competitionId: DEVNET_COMPETITION_ID,
  }
}

/** The built-in {@link PublishMiner}: pack the sample, serve it from the dev hub, commit `k1:` directly. */
function publishDirectly(init: BootstrapSubnetInit): PublishMiner {
  return async ({ policy, hotkey, competitionId }) => {
    const packed = await packPolicyDir(samplePolicyDir(policy))
    const repo = `devnet/${policy}`
    const revision = devRevision(packed.sha256)
    init.hub.addFile(repo, revision, 'policy.tar.gz', packed.bytes)
    const commitment = buildCommitment({ format: 'kinitro-v1', repo, revision, sha256: packed.sha256, competitionId })
    const existing = await init.chain.commitment(hotkey.ss58)
    if (existing === undefined || Buffer.from(existing.data).toString('utf8') !== commitment) {
      await init.chain.setCommitment(hotkey, new TextEncoder().encode(commitment))
    }
    return { commitment, sha256: packed.sha256 }
  }
}
