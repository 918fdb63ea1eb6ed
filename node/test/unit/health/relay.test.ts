import type { FastifyInstance } from 'fastify'
import { Registry } from 'prom-client'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { prepareValidator } from '#node'
import {
  createCompetitionManifest,
  createManifestRegistry,
  createOwnerAction,
  createPeerAllowlist,
  decodeSs58,
  type Hotkey,
  hotkeyFromUri,
  MAX_ENVELOPE_BYTES,
  type ManifestRegistry,
  messageId,
  signCompetitionManifest,
  signOwnerAction,
  type TopicName,
  validateGossip,
} from '#protocol'
import { buildHealthApp, type HealthServerInit } from '../../../src/health/index.js'

const NETUID = 1
let owner: Hotkey
let stranger: Hotkey
let head = 100

beforeAll(async () => {
  owner = await hotkeyFromUri('//Alice')
  stranger = await hotkeyFromUri('//Bob')
})

function manifest(signer: Hotkey, over: { id?: string; block?: number; endBlock?: number } = {}): Uint8Array {
  const m = createCompetitionManifest({
    netuid: NETUID,
    block: over.block ?? head,
    id: over.id ?? 'reach',
    name: 'Reach',
    tasks: [{ envId: 'mujoco/reach-v1', taskId: 'reach-v1' }],
    episodesPerTask: 2,
    maxSteps: 50,
    scoring: { strategy: 'kinitro-subset-v1' },
    startBlock: 90,
    endBlock: over.endBlock ?? 0,
    points: 1,
    cycleLengthBlocks: 20,
  })
  return signCompetitionManifest(m, signer.signer)
}

const apps: FastifyInstance[] = []
beforeEach(() => {
  head = 100
})
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close()
})

/**
 * A health app whose relay runs the real gossip validation (the owner is //Alice) into a real manifest
 * registry, which is what a node does with a relayed manifest.
 */
function relayApp(over: Partial<HealthServerInit> = {}): {
  app: FastifyInstance
  registry: ManifestRegistry
  seen: TopicName[]
  actions: string[]
} {
  const registry = createManifestRegistry()
  const seen: TopicName[] = []
  const actions: string[] = []
  const allowlist = createPeerAllowlist({ netuid: NETUID, headBlock: () => head, isPermitted: () => true })
  const app = buildHealthApp({
    metricsRegister: new Registry(),
    status: () => ({ chainConnected: true, meshPeers: 1, synced: true }),
    relay: {
      accept(topic, bytes) {
        seen.push(topic)
        const m = validateGossip(topic, bytes, {
          netuid: NETUID,
          headBlock: head,
          isPermitted: () => true,
          isManifestSigner: (k) => Buffer.from(k).equals(Buffer.from(owner.publicKey)),
          allowlist,
        })
        if (m.type === 'competition-manifest') registry.add(m.body)
        if (m.type === 'owner-action') actions.push(Buffer.from(m.id).toString('hex'))
      },
    },
    competitions: () => ({ head, manifests: registry.all() }),
    ...over,
  })
  apps.push(app)
  return { app, registry, seen, actions }
}

async function post(app: FastifyInstance, body: Uint8Array, remoteAddress = '127.0.0.1') {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/relay',
    headers: { 'content-type': 'application/octet-stream' },
    payload: Buffer.from(body),
    remoteAddress,
  })
  return { status: res.statusCode, body: res.json() as Record<string, unknown> }
}

describe('POST /v1/relay', () => {
  it("accepts the owner's manifest into the registry and says whether it is now current", async () => {
    const { app, registry, seen } = relayApp()
    const env = manifest(owner)
    const r = await post(app, env)
    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      result: 'accepted',
      code: null,
      fix: null,
      messageId: Buffer.from(messageId(env)).toString('hex'),
      type: 'competition-manifest',
      competition: { id: 'reach', block: 100, current: true },
      action: null,
    })
    expect(seen).toEqual(['competitions'])
    expect(registry.get('reach')?.block).toBe(100)

    // A newer manifest supersedes; an older one is still valid gossip but not the current one.
    expect((await post(app, manifest(owner, { block: 102, endBlock: 150 }))).body.competition).toEqual({
      id: 'reach',
      block: 102,
      current: true,
    })
    expect((await post(app, manifest(owner, { block: 101 }))).body.competition).toEqual({
      id: 'reach',
      block: 101,
      current: false,
    })
    expect(registry.get('reach')?.endBlock).toBe(150)
  })

  it("refuses a non-owner's manifest with MESH_BINDING_NOT_PERMITTED and stores nothing", async () => {
    const { app, registry } = relayApp()
    const r = await post(app, manifest(stranger, { id: 'rogue' }))
    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({
      result: 'ignored',
      code: 'MESH_BINDING_NOT_PERMITTED',
      type: 'competition-manifest',
      competition: { id: 'rogue', block: 100, current: null },
    })
    expect(String(r.body.fix)).toContain('permit')
    expect(registry.all()).toEqual([])
  })

  it("relays the owner's approve / reject / rerun actions and names what each decides; a non-owner's is refused", async () => {
    const { app, seen, actions } = relayApp()
    const miner = decodeSs58(stranger.ss58)
    const rerun = signOwnerAction(
      createOwnerAction({
        action: 'rerun',
        netuid: NETUID,
        block: head,
        competitionId: 'reach',
        minerHotkey: miner,
        envIds: ['mujoco/reach-v1'],
      }),
      owner.signer,
    )
    const r = await post(app, rerun)
    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      result: 'accepted',
      code: null,
      fix: null,
      messageId: Buffer.from(messageId(rerun)).toString('hex'),
      type: 'owner-action',
      competition: null,
      action: {
        kind: 'rerun',
        competitionId: 'reach',
        block: head,
        candidateId: null,
        miner: stranger.ss58,
        envIds: ['mujoco/reach-v1'],
      },
    })
    expect(seen).toEqual(['owner'])
    const approve = createOwnerAction({
      action: 'approve',
      netuid: NETUID,
      block: head,
      competitionId: 'reach',
      candidateId: `${stranger.ss58}@12`,
      successRate: 1,
      avgReward: 2,
    })
    expect((await post(app, signOwnerAction(approve, owner.signer))).body.action).toMatchObject({
      kind: 'approve',
      candidateId: `${stranger.ss58}@12`,
      miner: null,
    })
    expect(actions).toHaveLength(2)

    const rogue = await post(app, signOwnerAction(approve, stranger.signer))
    expect(rogue.status).toBe(409)
    expect(rogue.body).toMatchObject({
      result: 'ignored',
      code: 'MESH_BINDING_NOT_PERMITTED',
      type: 'owner-action',
      action: { kind: 'approve', competitionId: 'reach' },
    })
    expect(actions).toHaveLength(2)
  })

  it('rejects garbage, foreign message types and stale or future manifests with their validation codes', async () => {
    const { app, seen } = relayApp()
    expect((await post(app, new Uint8Array([1, 2, 3, 4]))).body).toMatchObject({
      result: 'rejected',
      code: 'MESH_MALFORMED',
    })
    // A peer record is signed by a hotkey too, but it is the validator's own to publish, not the owner's.
    const record = (await prepareValidator({ netuid: NETUID, hotkey: owner, head })).record
    const r = await post(app, record)
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({ result: 'rejected', code: 'MESH_UNEXPECTED_TYPE', type: 'peer-record' })
    expect(seen).toEqual([]) // never handed to the node
    expect((await post(app, manifest(owner, { block: 200 }))).body).toMatchObject({ code: 'MESH_FUTURE_BLOCK' })
  })

  it('answers loopback clients only unless allowRemote, and refuses empty, mistyped or oversized bodies', async () => {
    const { app } = relayApp()
    const env = manifest(owner)
    const far = await post(app, env, '10.1.2.3')
    expect(far.status).toBe(403)
    expect(far.body).toMatchObject({ result: 'rejected', code: 'NODE_RELAY_FORBIDDEN' })
    expect((await post(app, env, '::1')).status).toBe(200)

    const open = relayApp({
      relay: {
        accept: () => {},
        allowRemote: true,
      },
    })
    expect((await post(open.app, env, '10.1.2.3')).status).toBe(200)

    const empty = await post(app, new Uint8Array())
    expect(empty.status).toBe(400)
    expect(empty.body.code).toBe('NODE_RELAY_BAD_BODY')
    const text = await app.inject({ method: 'POST', url: '/v1/relay', payload: Buffer.from(env).toString('hex') })
    expect(text.statusCode).toBe(415)
    expect(text.json()).toMatchObject({ result: 'rejected', code: 'NODE_RELAY_BAD_BODY' })
    const big = await post(app, new Uint8Array(MAX_ENVELOPE_BYTES + 1))
    expect(big.status).toBe(413)
    expect(big.body).toMatchObject({ result: 'rejected', code: 'NODE_RELAY_BAD_BODY' })
  })

  it('a node that fails to store answers 500 NODE_RELAY_FAILED, not a verdict against the sender', async () => {
    const { app } = relayApp({
      relay: {
        accept: () => {
          throw new Error('database is closed')
        },
      },
    })
    const r = await post(app, manifest(owner))
    expect(r.status).toBe(500)
    expect(r.body).toMatchObject({ result: 'ignored', code: 'NODE_RELAY_FAILED', type: 'competition-manifest' })
  })

  it('is absent unless the node wires it', async () => {
    const app = buildHealthApp({
      metricsRegister: new Registry(),
      status: () => ({ chainConnected: true, meshPeers: 1, synced: true }),
    })
    apps.push(app)
    expect((await post(app, manifest(owner))).status).toBe(404)
    expect((await app.inject({ method: 'GET', url: '/v1/competitions' })).statusCode).toBe(404)
  })
})

describe('GET /v1/competitions', () => {
  it('lists every manifest field and the state at the head: upcoming, active with its cycle, ended', async () => {
    const { app } = relayApp()
    await post(app, manifest(owner, { id: 'a' }))
    await post(app, manifest(owner, { id: 'b', endBlock: 95 }))
    const list = async () =>
      (await app.inject({ method: 'GET', url: '/v1/competitions' })).json() as {
        head: number
        competitions: Record<string, unknown>[]
      }
    const now = await list()
    expect(now.head).toBe(100)
    expect(now.competitions).toEqual([
      {
        netuid: 1,
        block: 100,
        id: 'a',
        name: 'Reach',
        tasks: [{ envId: 'mujoco/reach-v1', taskId: 'reach-v1', params: {} }],
        episodesPerTask: 2,
        maxSteps: 50,
        scoring: { strategy: 'kinitro-subset-v1', params: {} },
        startBlock: 90,
        endBlock: 0,
        points: 1,
        cycleLengthBlocks: 20,
        state: 'active',
        active: true,
        cycle: 0,
      },
      expect.objectContaining({ id: 'b', endBlock: 95, state: 'ended', active: false, cycle: null }),
    ])
    head = 89
    expect((await list()).competitions[0]).toMatchObject({ state: 'upcoming', active: false, cycle: null })
    head = 131
    expect((await list()).competitions[0]).toMatchObject({ state: 'active', cycle: 2 })
  })
})
