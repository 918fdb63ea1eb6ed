import { afterEach, describe, expect, it } from 'vitest'
import {
  type Chain,
  type CompetitionManifest,
  createChainView,
  createCompetitionManifest,
  createDevChain,
  createJobBook,
  createManifestRegistry,
  createOwnerAction,
  createOwnerActionBook,
  type DevChain,
  decodeSs58,
  encodeBody,
  hotkeyFromUri,
  type KnownJob,
  messageId,
  type OwnerAction,
  rerunJobId,
  signOwnerAction,
  silentLogger,
  ss58FromPublicKey,
  type ValidatorInfo,
} from '#protocol'
import { cycleStartBlock } from '../../../src/jobs/cycles.js'
import { deriveRerunJob, jobManifest } from '../../../src/jobs/rerun.js'

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

const NETUID = 1
const COMMIT = 'k1:miner0/policy@abc1230'

interface World {
  dev: DevChain
  chain: Chain
  miner: string
  validators: string[]
  manifest: CompetitionManifest
  action: (over?: Partial<OwnerAction>) => { id: Uint8Array; action: OwnerAction }
}

/** Dev chain: four staked validators, one committed miner, a two-env competition that has started. */
async function setup(): Promise<World> {
  const dev = await createDevChain({ blockTimeMs: 0 })
  cleanup.push(() => dev.close())
  const chain = dev.client(NETUID)
  cleanup.push(() => chain.close())
  const owner = await hotkeyFromUri('//Owner')
  await dev.admin.createSubnet(NETUID, owner.ss58)
  const validators: string[] = []
  for (const [i, name] of ['Alice', 'Bob', 'Charlie', 'Dave'].entries()) {
    const h = await hotkeyFromUri(`//${name}`)
    await dev.admin.register(NETUID, h.ss58)
    await dev.admin.fund(h.ss58, 10_000_000n)
    await dev.admin.addStake(NETUID, h.ss58, BigInt(i + 1) * 1_000_000n)
    validators.push(h.ss58)
  }
  const m = await hotkeyFromUri('//Eve')
  await dev.admin.register(NETUID, m.ss58)
  await chain.setCommitment(m, new TextEncoder().encode(COMMIT))
  const head = await dev.admin.advance(1)
  const manifest = createCompetitionManifest({
    netuid: NETUID,
    block: head.number,
    id: 'comp',
    name: 'comp',
    tasks: [
      { envId: 'mujoco/reach-v1', taskId: 'reach' },
      { envId: 'toy/line-v0', taskId: 'line' },
    ],
    episodesPerTask: 1,
    maxSteps: 10,
    scoring: { strategy: 'kinitro-wta-v0' },
    startBlock: head.number,
    points: 1,
    cycleLengthBlocks: 4,
  })
  const at = (await dev.admin.advance(5)).number
  const action = (over: Partial<OwnerAction> = {}) => {
    const body = {
      ...createOwnerAction({
        action: 'rerun',
        netuid: NETUID,
        block: at,
        competitionId: 'comp',
        minerHotkey: decodeSs58(m.ss58),
        envIds: ['toy/line-v0'],
      }),
      ...over,
    }
    return { id: messageId(signOwnerAction(body, owner.signer)), action: body }
  }
  return { dev, chain, miner: m.ss58, validators, manifest, action }
}

/** One follower ("node"): its own chain view, manifests and job book over the shared chain. */
async function follower(w: World, opts: { manifest?: boolean; reverse?: boolean } = {}) {
  const view = createChainView({ chain: w.chain, minStake: 1n, logger: silentLogger })
  await view.refresh(await w.chain.head())
  const manifests = createManifestRegistry()
  if (opts.manifest !== false) manifests.add(w.manifest)
  const book = createJobBook()
  const planned: KnownJob[] = []
  const validators = (): ValidatorInfo[] => {
    const list = (view.metagraph()?.neurons ?? [])
      .filter((n) => view.isPermitted(n.hotkey))
      .map((n) => ({ hotkey: n.hotkey, stake: n.stake, capacity: 1 }))
    // Rendezvous must not depend on the order a node lists its validators in.
    return opts.reverse === true ? list.reverse() : list
  }
  const hashes = new Map<number, Uint8Array>()
  const blockHash = async (n: number) => {
    if (!hashes.has(n)) {
      const ac = new AbortController()
      for await (const b of w.chain.blocks({ from: n - 1, signal: ac.signal })) {
        hashes.set(b.number, new Uint8Array(Buffer.from(b.hash.slice(2), 'hex')))
        if (b.number >= n) break
      }
      ac.abort()
    }
    return hashes.get(n)
  }
  const owner = createOwnerActionBook({
    chain: w.chain,
    view,
    book,
    manifests,
    validators,
    blockHash,
    replicas: 3,
    logger: silentLogger,
    onRerunJob: (j) => planned.push(j),
  })
  return { owner, book, manifests, planned }
}

describe('re-run planning (owner action → one extra job on every node)', () => {
  it('two nodes plan the same job (id from the action, same fields, same assignees) exactly once each', async () => {
    const w = await setup()
    const a = await follower(w)
    const b = await follower(w, { reverse: true })
    const { id, action } = w.action()
    a.owner.add(id, action)
    a.owner.add(id, action) // the same message twice: planned once
    b.owner.add(id, action)
    await Promise.all([a.owner.settled(), b.owner.settled()])
    expect(a.planned).toHaveLength(1)
    expect(b.planned).toHaveLength(1)
    const [ja, jb] = [a.planned[0] as KnownJob, b.planned[0] as KnownJob]
    expect(ja.announcement.jobId).toEqual(rerunJobId(NETUID, id))
    expect(encodeBody('job-announcement', ja.announcement)).toEqual(encodeBody('job-announcement', jb.announcement))
    expect(ja.ranking).toEqual(jb.ranking)
    expect(ja.ranking.slice(0, 3).every((h) => w.validators.includes(h))).toBe(true)
    expect(ja.announcement).toMatchObject({
      competitionId: 'comp',
      commitment: COMMIT,
      block: action.block,
      envIds: ['toy/line-v0'],
      cycle: 1,
      cycleStartBlock: cycleStartBlock(1, w.manifest),
    })
    expect(a.book.get(ja.idHex)?.announcement.rerunOf).toEqual(id)
    expect(a.owner.all().map((r) => r.id)).toEqual([Buffer.from(id).toString('hex')])

    // A restarted node (fresh memory, same log) books the same job again: the node's queue, keyed by job
    // id for ever, is what keeps it from being evaluated twice.
    const again = await follower(w)
    again.owner.add(id, action)
    await again.owner.settled()
    expect(again.planned.map((j) => j.idHex)).toEqual([ja.idHex])
  })

  it('ignores a re-run for an unknown competition until its manifest arrives, then plans it', async () => {
    const w = await setup()
    const a = await follower(w, { manifest: false })
    const { id, action } = w.action()
    a.owner.add(id, action)
    await a.owner.settled()
    expect(a.planned).toEqual([])
    expect(a.owner.skipped(Buffer.from(id).toString('hex'))).toBe('unknown-competition')
    a.manifests.add(w.manifest)
    a.owner.onManifest('comp')
    await a.owner.settled()
    expect(a.planned.map((j) => j.announcement.jobId)).toEqual([rerunJobId(NETUID, id)])
  })

  it('ignores a re-run for a miner without a commitment, or one that committed again after the action', async () => {
    const w = await setup()
    const a = await follower(w)
    const stranger = await hotkeyFromUri('//Ferdie')
    const none = w.action({ minerHotkey: decodeSs58(stranger.ss58) })
    a.owner.add(none.id, none.action)
    await a.owner.settled()
    expect(a.owner.skipped(Buffer.from(none.id).toString('hex'))).toBe('no-commitment')

    // The miner commits again after the action was signed: the owner asked about the old artifact.
    const m = await hotkeyFromUri('//Eve')
    const old = w.action()
    await w.dev.admin.advance(1)
    await w.chain.setCommitment(m, new TextEncoder().encode('k1:miner0/policy@def4560'))
    await w.dev.admin.advance(1)
    a.owner.add(old.id, old.action)
    await a.owner.settled()
    expect(a.owner.skipped(Buffer.from(old.id).toString('hex'))).toBe('commitment-replaced')
    expect(a.planned).toEqual([])
    expect(a.book.size()).toBe(0)
  })
})

describe('deriveRerunJob (pure)', () => {
  const manifest = createCompetitionManifest({
    netuid: NETUID,
    block: 100,
    id: 'comp',
    name: 'comp',
    tasks: [
      { envId: 'mujoco/reach-v1', taskId: 'reach' },
      { envId: 'mujoco/push-v1', taskId: 'push' },
    ],
    episodesPerTask: 2,
    maxSteps: 10,
    scoring: { strategy: 'kinitro-wta-v0' },
    startBlock: 100,
    endBlock: 200,
    points: 1,
    cycleLengthBlocks: 10,
  })
  const minerKey = new Uint8Array(32).fill(7)
  const action = (over: Partial<OwnerAction> = {}): OwnerAction => ({
    ...createOwnerAction({ action: 'rerun', netuid: NETUID, block: 125, competitionId: 'comp', minerHotkey: minerKey }),
    ...over,
  })
  const base = () => ({
    netuid: NETUID,
    action: action(),
    actionId: new Uint8Array(32).fill(0x42),
    manifest,
    commitment: { hotkey: ss58FromPublicKey(minerKey), uid: 5, text: COMMIT, block: 110 },
    blockHashes: new Map([[120, new Uint8Array(32).fill(0xab)]]),
  })

  it('is a pure function of the action and the chain: same input, same announcement bytes', () => {
    const one = deriveRerunJob(base())
    const two = deriveRerunJob(base())
    if (!('job' in one) || !('job' in two)) throw new Error('expected a job')
    expect(encodeBody('job-announcement', one.job.announcement)).toEqual(
      encodeBody('job-announcement', two.job.announcement),
    )
    expect(one.job.announcement).toMatchObject({ cycle: 2, cycleStartBlock: 120, commitmentBlock: 110, block: 125 })
  })

  it('names why it plans nothing', () => {
    const skip = (over: Partial<ReturnType<typeof base>>) => {
      const out = deriveRerunJob({ ...base(), ...over })
      return 'skip' in out ? out.skip : 'job'
    }
    expect(skip({ action: action({ action: 1 }) })).toBe('not-a-rerun')
    expect(skip({ manifest: undefined })).toBe('unknown-competition')
    expect(skip({ action: action({ block: 250 }) })).toBe('competition-inactive')
    expect(skip({ action: action({ envIds: ['mujoco/pick-v1'] }) })).toBe('unknown-env')
    expect(skip({ commitment: undefined })).toBe('no-commitment')
    expect(skip({ commitment: { ...base().commitment, block: 126 } })).toBe('commitment-replaced')
    expect(skip({ commitment: { ...base().commitment, text: 'k1:miner0/policy@abc:other' } })).toBe('not-an-artifact')
    expect(skip({ blockHashes: new Map() })).toBe('hash-unavailable')
    // A commitment made mid-cycle (after its start) is still re-run: the owner asked about it.
    expect(skip({ commitment: { ...base().commitment, block: 124 } })).toBe('job')
  })

  it('a re-run naming envs evaluates only their tasks; any other job the whole manifest', () => {
    const out = deriveRerunJob({ ...base(), action: action({ envIds: ['mujoco/push-v1'] }) })
    if (!('job' in out)) throw new Error('expected a job')
    expect(jobManifest(manifest, out.job.announcement).tasks.map((t) => t.envId)).toEqual(['mujoco/push-v1'])
    expect(jobManifest(manifest, { rerunOf: new Uint8Array(0), envIds: [] })).toBe(manifest)
    expect(out.job.families).toEqual(['mujoco'])
  })
})
