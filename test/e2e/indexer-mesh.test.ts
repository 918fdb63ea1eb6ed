import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DevHub, evaluatorConfigSchema, startDevHub } from '#evaluator'
import { auditWeights, createIndexer, createSqliteStore, type Indexer, type IndexerStore } from '#indexer'
import {
  bootstrapSubnet,
  buildResult,
  createEvaluation,
  createStore,
  createValidatorNode,
  DEVNET_COMPETITION_ID,
  type DevSubnet,
  type PreparedValidator,
  prepareValidator,
  type Store,
  storedResults,
  type ValidatorNode,
} from '#node'
import {
  createDevChain,
  createLogger,
  createMeshHost,
  createNodeKey,
  createOwnerAction,
  type DevChain,
  decodeBody,
  decodeEnvelope,
  type MeshHost,
  messageId,
  type NodeKey,
  rerunJobId,
  sealEnvelope,
  signOwnerAction,
  silentLogger,
  TOPIC_NAMES,
  type TopicName,
} from '#protocol'
import { hostileMessages } from '../faults/hostile-messages.js'
import { makeTempDir, type TempDir } from '../utils/temp-dir.js'
import { until } from '../utils/until.js'
import { expectedAssignees } from './mesh-views.js'

// The indexer against a real mesh (design §9): three in-process validator nodes on real TCP evaluate the
// sample miners on the dev chain; the indexer is an observer peer with its own SQLite store. It must hold
// what the validators hold, compute the weights they set, refuse what they refuse, and fill gaps by
// catch-up after downtime.

const VALIDATORS = 3
const SILENCE_BLOCKS = 12
const logger = process.env.KINITRO_TEST_LOG
  ? createLogger({ level: process.env.KINITRO_TEST_LOG as 'info' })
  : silentLogger
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

let tmp: TempDir
let dev: DevChain
let hub: DevHub
let subnet: DevSubnet
let prepared: PreparedValidator[]
let hostileId: PreparedValidator
let observerKey: NodeKey
let indexer: Indexer | undefined
let indexerStore: IndexerStore | undefined
const nodes: ValidatorNode[] = []
const stores: Store[] = []

/** How many results a validator's store holds for the job `jobId` (hex), from every validator. */
function storedJobResults(store: Store, jobId: string): number {
  return storedResults(store, 1).filter((r) => hex(r.result.jobId) === jobId).length
}

function resultIds(store: Store): string[] {
  const page = store.log.range({ topic: 'results', fromBlock: 0, toBlock: 1e12, limit: 1000 })
  return page.entries.map((e) => hex(e.id)).sort()
}

async function indexedResultIds(ix: Indexer): Promise<string[]> {
  const out: string[] = []
  let cursor: string | undefined
  for (;;) {
    const q = cursor === undefined ? '' : `&cursor=${cursor}`
    const res = await ix.app().inject({ url: `/v1/results?limit=100${q}` })
    const body = res.json() as { items: { messageId: string }[]; nextCursor?: string }
    out.push(...body.items.map((r) => r.messageId))
    if (body.nextCursor === undefined) break
    cursor = body.nextCursor
  }
  return out.sort()
}

/**
 * The bound but hostile validator identity as a test-side peer that admits only the indexer (so whatever the
 * indexer stores came through its validation), connected and subscribed on `topics`.
 */
async function hostilePeerOf(ix: Indexer, head: () => number, topics: readonly TopicName[]): Promise<MeshHost> {
  const observerPeer = observerKey.peerId.toString()
  const hostile = createMeshHost({
    netuid: 1,
    nodeKey: hostileId.nodeKey,
    headBlock: head,
    isPermitted: () => true,
    onAccepted: () => {},
    observers: [observerPeer],
  })
  await hostile.start()
  await hostile.dial(ix.observer.multiaddrs()[0] as string)
  await until(`the hostile peer to see the indexer on ${topics.join(', ')}`, () =>
    topics.every((t) => hostile.topicPeers(t).includes(observerPeer)),
  )
  return hostile
}

async function startIndexer(): Promise<Indexer> {
  indexerStore = await createSqliteStore({ path: tmp.file('indexer.sqlite') })
  return createIndexer({
    chain: dev.client(1),
    nodeKey: observerKey,
    store: indexerStore,
    mesh: {
      peerRecords: [...prepared.map((p) => p.record), hostileId.record],
      bootstrap: prepared.map((p) => p.dialAddr),
    },
    // The observer must judge take-overs as the mesh does (its README: jobs settings must match).
    silenceBlocks: SILENCE_BLOCKS,
    rateLimit: false,
    dashboard: false,
    logger: logger.child('indexer'),
  })
}

beforeAll(async () => {
  tmp = makeTempDir('kinitro-indexer-mesh-')
  dev = await createDevChain({ path: tmp.file('chain.sqlite'), blockTimeMs: 250 })
  hub = await startDevHub()
  const chain = dev.client(1)
  // One extra registered validator hotkey: the hostile peer's identity (bound, permitted, lying).
  subnet = await bootstrapSubnet({
    admin: dev.admin,
    chain,
    netuid: 1,
    validators: VALIDATORS + 1,
    hub,
    episodesPerTask: 2,
    maxSteps: 80,
    cycleLengthBlocks: 40,
  })
  // The job-status freshness window is 300 blocks: start past it so the hostile peer can make a stale one.
  await dev.admin.advance(400)
  const head = (await chain.head()).number
  const all = await Promise.all(subnet.validators.map((v) => prepareValidator({ netuid: 1, hotkey: v.hotkey, head })))
  prepared = all.slice(0, VALIDATORS)
  hostileId = all[VALIDATORS] as PreparedValidator
  observerKey = await createNodeKey()
  const config = evaluatorConfigSchema.parse({ fetch: { hubUrl: hub.url, allowInsecureHttp: true } })
  for (const [i, p] of prepared.entries()) {
    const store = createStore({ path: tmp.file(`v${i}.sqlite`) })
    stores.push(store)
    nodes.push(
      createValidatorNode({
        chain: dev.client(1),
        hotkey: (subnet.validators[i] as DevSubnet['validators'][number]).hotkey,
        nodeKey: p.nodeKey,
        store,
        evaluation: createEvaluation({ config, dataDir: join(tmp.dir, `v${i}`), logger }),
        canaries: false,
        mesh: {
          listen: [p.listen],
          peerRecords: all.filter((_, j) => j !== i).map((q) => q.record),
          bootstrap: prepared.filter((_, j) => j < i).map((q) => q.dialAddr),
          observers: [observerKey.peerId.toString()],
        },
        manifests: i === 0 ? [subnet.manifest] : [],
        weights: { intervalBlocks: 10 },
        silenceBlocks: SILENCE_BLOCKS,
        health: false,
        logger: logger.child(`v${i}`),
      }),
    )
  }
  for (const n of nodes) await n.start()
  indexer = await startIndexer()
  await indexer.start()
}, 180_000)

afterAll(async () => {
  await indexer?.stop().catch(() => {})
  for (const n of nodes) await n.stop().catch(() => {})
  for (const s of stores) s.close()
  await hub?.stop()
  await dev?.close()
  tmp?.cleanup()
}, 120_000)

describe('the indexer as an observer peer of a real validator mesh', () => {
  it('stores exactly the results the validators accepted, and computes the weights they set', async () => {
    const ix = indexer as Indexer
    // Two miners × three replicas (the silent hostile identity's share is taken over).
    await until('six results on every validator', () => stores.every((s) => resultIds(s).length >= 6), {
      timeoutMs: 240_000,
    })
    const expected = resultIds(stores[0] as Store)
    for (const s of stores) expect(resultIds(s), 'validators agree on the result set').toEqual(expected)
    await until('the indexer to hold the same results', async () => {
      const got = await indexedResultIds(ix)
      return got.length >= expected.length && expected.every((id) => got.includes(id))
    })

    // Every validator sets weights from the full view; the indexer computes the same vector and digest.
    const snapshot = await until(
      'weights set by every validator equal to the indexer’s',
      async () => {
        const s = await ix.scores.compute()
        if (s === undefined) return undefined
        const mine = JSON.stringify({ uids: s.output.u16.uids, weights: s.output.u16.values })
        const theirs = nodes.map((n) => JSON.stringify(n.status().weights?.lastWeights ?? null))
        return theirs.every((t) => t === mine) ? s : undefined
      },
      { timeoutMs: 120_000 },
    )
    // Per announced block, `kinitro audit` recomputes each validator's weights from the indexer's log cut at
    // that block: the vector and the inputs digest must equal what the validator announced and set on chain.
    // New results keep arriving (the next cycle), so an announcement made just before one reached its
    // validator can differ for a moment; the next one (10 blocks later) must agree.
    const honest = subnet.validators.slice(0, VALIDATORS).map((v) => v.hotkey.ss58)
    const audit = await until(
      'the audit to support every honest validator’s newest weights',
      async () => {
        await ix.observer.flush()
        const r = await auditWeights({
          store: indexerStore as IndexerStore,
          chain: dev.client(1),
          block: (await dev.client(1).head()).number,
        })
        // Each validator's newest announcement must come from the full result set (later than the announcements
        // made mid-cycle), and the log must support it.
        const ok = honest.every((h) => {
          const a = r.validators.find((v) => v.validator === h)
          return a?.verdict === 'supported' && a.results >= expected.length
        })
        return ok ? r : undefined
      },
      { timeoutMs: 120_000 },
    )
    expect(audit.flagged).toEqual([])
    for (const h of honest) {
      const a = audit.validators.find((v) => v.validator === h)
      expect(a?.recomputed?.inputsDigest, `digest of ${h}`).toBe(a?.announcement?.inputsDigest)
      expect(a?.results ?? 0, `results behind ${h}'s weights`).toBeGreaterThanOrEqual(expected.length)
    }
    expect(snapshot.output.u16.uids.length).toBeGreaterThan(0)

    // The leaderboard ranks the expert first, and jobs, statuses and the manifest are indexed too.
    const board = (await ix.app().inject({ url: '/v1/leaderboard' })).json() as {
      competitions: { entries: { hotkey: string; rank: number }[] }[]
    }
    const expert = subnet.miners.find((m) => m.policy === 'expert')?.hotkey.ss58
    expect(board.competitions[0]?.entries[0]?.hotkey).toBe(expert)
    const jobs = (await ix.app().inject({ url: '/v1/jobs?limit=1000' })).json() as {
      items: { jobId: string; statuses: { state: string }[]; results: unknown[] }[]
    }
    const finished = jobs.items.filter((j) => j.results.length > 0)
    expect(finished.length).toBeGreaterThanOrEqual(2)
    for (const j of finished)
      expect(
        j.statuses.some((s) => s.state === 'done'),
        `job ${j.jobId} done`,
      ).toBe(true)
    const comps = (await ix.app().inject({ url: '/v1/competitions' })).json() as { items: { id: string }[] }
    expect(comps.items.map((c) => c.id)).toEqual([DEVNET_COMPETITION_ID])
  }, 420_000)

  it('never stores or serves what a bound but hostile peer forges, replays or oversizes', async () => {
    const ix = indexer as Indexer
    let head = (await dev.client(1).head()).number
    const hostile = await hostilePeerOf(ix, () => head, TOPIC_NAMES)
    try {
      head = (await dev.client(1).head()).number
      const { control, attacks } = hostileMessages({
        netuid: 1,
        head,
        bound: hostileId.nodeKey,
        stranger: await createNodeKey(),
      })
      for (const a of attacks) await hostile.publish(a.type, a.bytes)
      const ok = control(head)
      await hostile.publish(ok.type, ok.bytes)
      await until('the valid control message indexed', () => hasMessage(ok.id))
      // Every attack judged (counted under its own code) before we look for it in the store.
      await until('every attack refused under its code', () => {
        const refused = ix.observer.status().refused
        return attacks.every((a) => (refused[a.code as string] ?? 0) >= 1)
      })
      await ix.observer.flush()
      for (const a of attacks) {
        expect(await hasMessage(a.id), `"${a.name}" stored`).toBe(false)
      }
      const weights = (await ix.app().inject({ url: '/v1/weights?limit=1000' })).json() as {
        items: { messageId: string }[]
      }
      const served = new Set(weights.items.map((w) => w.messageId))
      expect(served.has(ok.id), 'control served').toBe(true)
      for (const a of attacks) expect(served.has(a.id), `"${a.name}" served`).toBe(false)
      // The control announcement is signed and valid, but no log supports its weights: the audit says so.
      const audit = await auditWeights({
        store: indexerStore as IndexerStore,
        chain: dev.client(1),
        block: (await dev.client(1).head()).number,
      })
      const liar = subnet.validators[VALIDATORS]?.hotkey.ss58 as string
      expect(audit.validators.find((v) => v.validator === liar)?.verdict).toBe('unsupported')
      expect(audit.flagged).toEqual([liar])
    } finally {
      await hostile.stop()
    }
  }, 180_000)

  it('exposes a validator that signs two different results for one job; the weights still match the validators’', async () => {
    const ix = indexer as Indexer
    const liar = subnet.validators[VALIDATORS]?.hotkey.ss58 as string
    // A job of a finished cycle that rendezvous assigns to the liar (its share was taken over meanwhile).
    const announcements = stores[0]!.log
      .range({ topic: 'jobs', fromBlock: 0, toBlock: 1e12, limit: 1000 })
      .entries.map((e) => decodeBody('job-announcement', decodeEnvelope(e.envelope).body))
    const assignees = await expectedAssignees(
      dev.client(1),
      announcements.map((a) => hex(a.jobId)),
      3,
    )
    const job = announcements.find(
      (a) => assignees.get(hex(a.jobId))?.includes(liar) && storedJobResults(stores[0]!, hex(a.jobId)) >= 3,
    )
    expect(job, 'a finished job assigned to the liar').toBeDefined()
    const manifest = decodeBody('competition-manifest', decodeEnvelope(subnet.manifest).body)
    const lie = (success: boolean) =>
      sealEnvelope(
        'result',
        buildResult({
          netuid: 1,
          announcement: job!,
          episodes: manifest.tasks.flatMap((t, ti) =>
            Array.from({ length: manifest.episodesPerTask }, (_, e) => ({
              envId: t.envId,
              taskId: t.taskId,
              episodeIndex: ti * manifest.episodesPerTask + e,
              seed: e + 1,
              success,
              successAtEnd: success,
              totalReward: success ? 1 : 0,
              steps: 10,
              durationMs: 5,
              latencyP50Ms: 1,
              latencyP99Ms: 1,
              latencyMaxMs: 1,
              finalStateHash: hex(new Uint8Array(32).fill(success ? 1 : 2)),
              simulator: { name: 'mujoco', version: '3' },
            })),
          ),
          startedAtBlock: job!.block,
          finishedAtBlock: job!.block + 1,
        }),
        1,
        hostileId.nodeKey.signer,
      )
    const [high, low] = [lie(true), lie(false)]
    let head = (await dev.client(1).head()).number
    const hostile = await hostilePeerOf(ix, () => head, ['results'])
    try {
      head = (await dev.client(1).head()).number
      await hostile.publish('result', high)
      await hostile.publish('result', low)
      const found = await until('the indexer to list the equivocation', async () => {
        await ix.observer.flush()
        const res = await ix.app().inject({ url: `/v1/equivocations?validator=${liar}` })
        const items = (
          res.json() as { items: { validator: string; jobId: string; results: { messageId: string }[] }[] }
        ).items
        return items.length > 0 ? items : undefined
      })
      expect(found).toHaveLength(1)
      expect(found[0]).toMatchObject({ validator: liar, jobId: hex(job!.jobId) })
      expect(found[0]!.results.map((r) => r.messageId).sort()).toEqual(
        [hex(messageId(high)), hex(messageId(low))].sort(),
      )
      // No honest validator is listed, and the weights the indexer computes (lies included) are still what
      // every honest validator set: the liar holds a quarter of the stake, the median ignores it.
      const all = (await ix.app().inject({ url: '/v1/equivocations' })).json() as { items: { validator: string }[] }
      expect(all.items.map((e) => e.validator)).toEqual([liar])
      await until(
        'the indexer’s weights equal every honest validator’s newest',
        async () => {
          const s = await ix.scores.compute()
          if (s === undefined) return undefined
          const mine = JSON.stringify({ uids: s.output.u16.uids, weights: s.output.u16.values })
          return nodes.every((n) => JSON.stringify(n.status().weights?.lastWeights ?? null) === mine)
        },
        { timeoutMs: 120_000 },
      )
    } finally {
      await hostile.stop()
    }
  }, 240_000)

  it('fills every gap by catch-up after it was stopped while the mesh went on', async () => {
    const before = resultIds(stores[0] as Store).length
    await (indexer as Indexer).stop()
    indexer = undefined
    // The mesh keeps evaluating without it: a new cycle's results arrive on every validator.
    await until(
      'a new cycle of results on every validator',
      () => stores.every((s) => resultIds(s).length >= before + 6),
      { timeoutMs: 240_000 },
    )
    // …and keeps setting weights on chain from them: every validator sets weights after those results.
    const resultsBlock = (await dev.client(1).head()).number
    await until(
      'every validator to set weights after the new results, with the indexer down',
      () => nodes.every((n) => (n.status().weights?.lastSetBlock ?? 0) > resultsBlock),
      { timeoutMs: 120_000 },
    )
    const expected = resultIds(stores[0] as Store)
    const ix = await startIndexer()
    indexer = ix
    await ix.start()
    await until(
      'the restarted indexer to hold every result',
      async () => {
        const got = await indexedResultIds(ix)
        return expected.every((id) => got.includes(id)) ? got : undefined
      },
      { timeoutMs: 120_000 },
    )
    // Results made while it was down can only have come by catch-up (gossip does not replay them).
    await until('the catch-up round to complete', () => ix.observer.status().lastCatchUp?.complete === true)
    // Backfilled, it scores what the validators scored: the same weights vector as each one's newest.
    await until(
      'the restarted indexer to compute the weights every validator set',
      async () => {
        await ix.observer.flush()
        const s = await ix.scores.compute()
        if (s === undefined) return undefined
        const mine = JSON.stringify({ uids: s.output.u16.uids, weights: s.output.u16.values })
        return nodes.every((n) => JSON.stringify(n.status().weights?.lastWeights ?? null) === mine)
      },
      { timeoutMs: 120_000 },
    )
  }, 420_000)
})

describe('the indexer and the subnet owner', () => {
  it('follows an owner-relayed rerun: stores the action and the rerun results, and scores as the validators do', async () => {
    const ix = indexer as Indexer
    const random = subnet.miners.find((m) => m.policy === 'random') as DevSubnet['miners'][number]
    const head = (await dev.client(1).head()).number
    const rerun = signOwnerAction(
      createOwnerAction({
        action: 'rerun',
        netuid: 1,
        block: head,
        competitionId: DEVNET_COMPETITION_ID,
        minerHotkey: random.hotkey.publicKey,
        reason: 'a miner asked for a second look',
      }),
      subnet.owner.hotkey.signer,
    )
    const actionId = messageId(rerun)
    const jobId = hex(rerunJobId(1, actionId))
    // Any bound peer may carry the owner's signed action; the mesh checks the owner's signature, not the carrier.
    const carrier: MeshHost = createMeshHost({
      netuid: 1,
      nodeKey: hostileId.nodeKey,
      headBlock: () => head,
      isPermitted: () => true,
      onAccepted: () => {},
      peerRecords: prepared.map((p) => p.record),
    })
    await carrier.start()
    try {
      await carrier.dial(prepared[0]?.dialAddr as string)
      await until('the carrier to see a validator on the owner topic', () => carrier.topicPeers('owner').length > 0)
      await carrier.publish('owner-action', rerun)
      // Every validator plans the rerun job and evaluates it (three replicas), as the indexer's book does.
      await until(
        'the rerun evaluated on every validator',
        () => stores.every((st) => storedJobResults(st, jobId) >= VALIDATORS),
        { timeoutMs: 240_000 },
      )
    } finally {
      await carrier.stop()
    }
    await until('the owner action indexed', () => hasMessage(hex(actionId)))
    const expected = resultIds(stores[0] as Store)
    await until('the indexer to hold the rerun results', async () => {
      const got = await indexedResultIds(ix)
      return expected.every((id) => got.includes(id))
    })
    // With the rerun's results superseding the first ones, the indexer still computes what the validators set.
    await until(
      'weights set by every validator equal to the indexer’s, after the rerun',
      async () => {
        const s = await ix.scores.compute()
        if (s === undefined) return false
        const mine = JSON.stringify({ uids: s.output.u16.uids, weights: s.output.u16.values })
        return nodes.every((n) => JSON.stringify(n.status().weights?.lastWeights ?? null) === mine)
      },
      { timeoutMs: 120_000 },
    )
    // And the audit, which reads the owner's actions from the indexer's log, supports every validator's newest
    // weights with the same inputs digest: the rerun's results replaced the first ones there as on the nodes.
    const honest = subnet.validators.slice(0, VALIDATORS).map((v) => v.hotkey.ss58)
    await until(
      'the audit to support every validator’s weights made after the rerun',
      async () => {
        await ix.observer.flush()
        const r = await auditWeights({
          store: indexerStore as IndexerStore,
          chain: dev.client(1),
          block: (await dev.client(1).head()).number,
        })
        return honest.every((h) => {
          const a = r.validators.find((v) => v.validator === h)
          return a?.verdict === 'supported' && (a.announcement?.block ?? 0) > head
        })
      },
      { timeoutMs: 120_000 },
    )
  }, 420_000)
})

async function hasMessage(id: string): Promise<boolean> {
  return (await (indexerStore as IndexerStore).message(id)) !== undefined
}
