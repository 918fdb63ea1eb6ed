import { existsSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCompetitionManifest, messageId, openEnvelope, signCompetitionManifest } from '#protocol'
import { type InProcessSubnet, startInProcessSubnet } from '../../../../test/utils/in-process-subnet.js'
import { until as untilWith } from '../../../../test/utils/until.js'
import { readEnvelopeLines } from '../../../src/cli/competition-output.js'
import { runCompetition } from './competition-cli.js'

const until = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 60_000) =>
  untilWith(what, probe, { timeoutMs: ms, intervalMs: 150 })

const CYCLE = 4
const ID = 'devnet-reach' // the competition the sample miners commit to, so nodes derive jobs for it

describe('kinitro competition against real nodes: dev chain, relay over HTTP, mesh between two nodes', () => {
  let net: InProcessSubnet
  let tmp: InProcessSubnet['tmp']
  let dev: InProcessSubnet['dev']
  let subnet: InProcessSubnet['subnet']
  let nodes: InProcessSubnet['nodes']
  let stores: InProcessSubnet['stores']

  const run = (mnemonic: string | undefined, ...args: string[]) => runCompetition(tmp.dir, mnemonic, ...args)
  const nodeUrl = (i: number) => nodes[i]?.healthUrl() as string
  const chainArgs = () => ['--chain-url', dev.url, '--netuid', '1']
  const list = async (i: number) => {
    const r = await run(undefined, 'list', '--json', '--node', nodeUrl(i))
    expect(r.exitCode, r.err).toBe(0)
    return JSON.parse(r.out) as { head: number; competitions: Record<string, unknown>[] }
  }

  beforeAll(async () => {
    // Light nodes: they plan jobs and keep the manifests like any validator, without evaluating.
    net = await startInProcessSubnet({
      name: 'competition',
      validators: 2,
      subnet: { miners: ['random'] },
      evaluates: () => false,
      node: () => ({ weights: { enabled: false }, health: { port: 0 } }),
    })
    ;({ tmp, dev, subnet, nodes, stores } = net)
  }, 120_000)

  afterAll(() => net?.stop())

  it('create signs as the owner and writes the file; publish relays it; both nodes list it', async () => {
    const created = await run(
      subnet.owner.mnemonic,
      'create',
      ...['--id', ID, '--name', 'Reach test', '--task', 'mujoco/reach-v1', '--episodes-per-task', '1'],
      ...['--max-steps', '20', '--cycle-length', String(CYCLE), '--out', 'reach.hex'],
      ...chainArgs(),
    )
    expect(created.exitCode, created.err).toBe(0)
    expect(created.out).toContain(`signed by ${subnet.owner.hotkey.ss58} (owner of subnet 1)`)
    const [envelope] = readEnvelopeLines(tmp.file('reach.hex'))
    const opened = openEnvelope(envelope as Uint8Array, { netuid: 1, expectedType: 'competition-manifest' })
    expect(Buffer.from(opened.signer).equals(Buffer.from(subnet.owner.hotkey.publicKey))).toBe(true)
    expect(opened.body).toMatchObject({ id: ID, name: 'Reach test', episodesPerTask: 1, cycleLengthBlocks: CYCLE })
    expect(created.out.trim().split('\n').pop()).toBe(Buffer.from(envelope as Uint8Array).toString('hex'))

    expect(nodes.map((n) => n.status().manifests)).toEqual([0, 0])
    const published = await run(undefined, 'publish', 'reach.hex', '--node', nodeUrl(0))
    expect(published.exitCode, published.err).toBe(0)
    expect(published.out).toMatch(new RegExp(`^accepted ${ID} \\(block ${opened.body.block}\\)`))
    expect(stores[0]?.log.has(messageId(envelope as Uint8Array))).toBe(true)

    // The second node never talked to the CLI: the manifest reached it over the mesh.
    await until('manifest on node 1', () => nodes[1]?.status().manifests === 1)
    for (const i of [0, 1]) {
      const l = await list(i)
      expect(l.competitions, `node ${i}`).toEqual([
        expect.objectContaining({ id: ID, block: opened.body.block, endBlock: 0, cycleLengthBlocks: CYCLE }),
      ])
    }
    const text = await run(undefined, 'list', '--node', nodeUrl(1))
    expect(text.out).toContain(`${ID} "Reach test"`)
    expect(text.out).toContain('tasks mujoco/reach-v1; 1 episodes × 20 steps; scoring kinitro-subset-v1')
  })

  it("a non-owner's manifest: create refuses to sign it, the relay refuses it with its code and stores nothing", async () => {
    const validator = subnet.validators[0] as InProcessSubnet['subnet']['validators'][number]
    const refused = await run(
      validator.mnemonic,
      ...['create', '--id', 'rogue', '--task', 'mujoco/reach-v1', '--episodes-per-task', '1', '--max-steps', '20'],
      ...chainArgs(),
    )
    expect(refused.exitCode).toBe(1)
    expect(refused.err).toContain('error NODE_COMPETITION_NOT_OWNER')
    expect(refused.err).toContain(subnet.owner.hotkey.ss58)
    expect(existsSync(tmp.file('rogue.manifest.hex'))).toBe(false)

    // Signed anyway, with the validator's key, and handed to the relay: the mesh's owner check refuses it.
    const head = (await dev.client(1).head()).number
    const rogue = signCompetitionManifest(
      createCompetitionManifest({
        netuid: 1,
        block: head,
        id: 'rogue',
        name: 'rogue',
        tasks: [{ envId: 'mujoco/reach-v1', taskId: 'reach-v1' }],
        episodesPerTask: 1,
        maxSteps: 20,
        scoring: { strategy: 'kinitro-subset-v1' },
        startBlock: head + 1,
        points: 1,
        cycleLengthBlocks: CYCLE,
      }),
      validator.hotkey.signer,
    )
    writeFileSync(tmp.file('rogue.hex'), `${Buffer.from(rogue).toString('hex')}\n`)
    const published = await run(undefined, 'publish', 'rogue.hex', '--node', nodeUrl(0))
    expect(published.exitCode).toBe(1)
    expect(published.out).toContain('ignored rogue')
    expect(published.out).toContain('MESH_BINDING_NOT_PERMITTED')
    expect(published.err).toContain('error NODE_COMPETITION_NOT_ACCEPTED')
    expect(stores[0]?.log.has(messageId(rogue))).toBe(false)
    expect((await list(0)).competitions.map((c) => c.id)).toEqual([ID])
  })

  it('retire re-signs with end_block = head, both nodes take it, and no new cycle is planned after it', async () => {
    // Planning runs: jobs for the competition's cycles keep appearing (one miner, one job per cycle).
    const before = await until('two cycles of jobs', () => {
      const n = nodes[0]?.status().jobsKnown ?? 0
      return n >= 2 ? n : undefined
    })
    await until('the next cycle', () => (nodes[0]?.status().jobsKnown ?? 0) > before)

    const retired = await run(subnet.owner.mnemonic, 'retire', ID, '--node', nodeUrl(1), ...chainArgs())
    expect(retired.exitCode, retired.err).toBe(0)
    const end = Number(/end block (\d+)/.exec(retired.out)?.[1])
    expect(retired.out).toContain(`accepted ${ID}`)
    for (const i of [0, 1]) {
      await until(`retirement on node ${i}`, async () => (await list(i)).competitions[0]?.endBlock === end)
    }
    await until('the end block to pass', async () => (await list(0)).head > end + 1)
    expect((await list(0)).competitions[0]).toMatchObject({ state: 'ended', active: false, cycle: null })

    const settled = nodes.map((n) => n.status().jobsKnown)
    const from = (await list(0)).head
    await until('three more cycles', async () => (await list(0)).head >= from + 3 * CYCLE)
    expect(nodes.map((n) => n.status().jobsKnown)).toEqual(settled)

    // Retiring again is refused before anything is signed: it already ends.
    const again = await run(subnet.owner.mnemonic, 'retire', ID, '--node', nodeUrl(0), ...chainArgs())
    expect(again.exitCode).toBe(1)
    expect(again.err).toContain('error NODE_COMPETITION_BAD_RETIRE')
    const unknown = await run(subnet.owner.mnemonic, 'retire', 'nope', '--node', nodeUrl(0), ...chainArgs())
    expect(unknown.err).toContain('error NODE_COMPETITION_UNKNOWN')
  })

  it('an unreachable node is NODE_COMPETITION_NODE_UNREACHABLE', async () => {
    const r = await run(undefined, 'list', '--node', 'http://127.0.0.1:9', '--timeout', '2000')
    expect(r.exitCode).toBe(1)
    expect(r.err).toContain('error NODE_COMPETITION_NODE_UNREACHABLE')
  })
})
