import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOwnerAction, messageId, openEnvelope, type Result, rerunJobId, signOwnerAction } from '#protocol'
import { type InProcessSubnet, startInProcessSubnet } from '../../../../test/utils/in-process-subnet.js'
import { until as untilWith } from '../../../../test/utils/until.js'
import { runCompetition } from './competition-cli.js'

const until = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 90_000) =>
  untilWith(what, probe, { timeoutMs: ms, intervalMs: 200 })

const ID = 'devnet-reach' // the competition the sample miner commits to
const ENV = 'mujoco/reach-v1'
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

interface Snapshot {
  head: number
  leader: string | null
  candidates: { candidateId: string; hotkey: string; successRate: number; avgReward: number }[]
  approved: { candidateId: string } | null
  rejected: string[]
}

describe('owner actions on a real mesh: two evaluating nodes, relay over HTTP, dev chain, a sample miner', () => {
  let net: InProcessSubnet
  let tmp: InProcessSubnet['tmp']
  let dev: InProcessSubnet['dev']
  let subnet: InProcessSubnet['subnet']
  let nodes: InProcessSubnet['nodes']
  let stores: InProcessSubnet['stores']

  const run = (mnemonic: string | undefined, ...args: string[]) => runCompetition(tmp.dir, mnemonic, ...args)
  const nodeUrl = (i: number) => nodes[i]?.healthUrl() as string
  const chainArgs = () => ['--chain-url', dev.url, '--netuid', '1']
  const candidates = async (i: number): Promise<Snapshot> => {
    const r = await run(undefined, 'candidates', ID, '--json', '--node', nodeUrl(i))
    expect(r.exitCode, r.err).toBe(0)
    return JSON.parse(r.out) as Snapshot
  }
  /** Results in node i's store for the job `jobIdHex`, by validator hotkey. */
  const resultsFor = (i: number, jobIdHex: string): string[] => {
    const page = stores[i]?.log.range({ topic: 'results', fromBlock: 0, toBlock: 1e12, limit: 1000 })
    return (page?.entries ?? [])
      .filter((e) => {
        const m = openEnvelope(e.envelope, { netuid: 1, acceptStale: true, expectedType: 'result' })
        return hex((m.body as Result).jobId) === jobIdHex
      })
      .map((e) => e.hotkey as string)
      .sort()
  }

  beforeAll(async () => {
    // Both evaluate: with 2 validators and 3 replicas, each is assigned every job, re-runs included.
    net = await startInProcessSubnet({
      name: 'owner-actions',
      validators: 2,
      subnet: { miners: ['random'] },
      node: () => ({ weights: { enabled: false }, canaries: false, health: { port: 0 } }),
    })
    ;({ tmp, dev, subnet, nodes, stores } = net)

    // A winner-take-all competition whose thresholds let the random miner be a candidate; cycles are long,
    // so the only jobs are cycle 0's and the re-run's.
    const created = await run(
      subnet.owner.mnemonic,
      ...['create', '--id', ID, '--task', ENV, '--episodes-per-task', '2', '--max-steps', '20'],
      ...['--strategy', 'kinitro-wta-v0', '--param', 'minSuccessRate=0', '--param', 'minAvgReward=-1000000'],
      ...['--cycle-length', '100000', '--out', 'wta.hex', '--publish', '--node', nodeUrl(0)],
      ...chainArgs(),
    )
    expect(created.exitCode, created.err).toBe(0)
    await until('cycle 0 evaluated on both nodes', () => nodes.every((n) => n.status().queue.done === 1), 180_000)
  }, 300_000)

  afterAll(() => net?.stop())

  it("a non-owner's action: the CLI refuses to sign it, the relay refuses it and no node stores it", async () => {
    const validator = subnet.validators[0] as InProcessSubnet['subnet']['validators'][number]
    const miner = subnet.miners[0] as InProcessSubnet['subnet']['miners'][number]
    const refused = await run(validator.mnemonic, 'rerun', miner.hotkey.ss58, '--competition', ID, ...chainArgs())
    expect(refused.exitCode).toBe(1)
    expect(refused.err).toContain('error NODE_COMPETITION_NOT_OWNER')

    // Signed anyway with the validator's hotkey and handed to the relay: the mesh's owner check refuses it.
    const head = (await dev.client(1).head()).number
    const rogue = signOwnerAction(
      createOwnerAction({
        action: 'rerun',
        netuid: 1,
        block: head,
        competitionId: ID,
        minerHotkey: miner.hotkey.publicKey,
      }),
      validator.hotkey.signer,
    )
    writeFileSync(tmp.file('rogue.hex'), `${hex(rogue)}\n`)
    const published = await run(undefined, 'publish', 'rogue.hex', '--node', nodeUrl(0))
    expect(published.exitCode).toBe(1)
    expect(published.out).toContain(`ignored rerun ${miner.hotkey.ss58} in ${ID}`)
    expect(published.out).toContain('MESH_BINDING_NOT_PERMITTED')
    expect(published.err).toContain('error NODE_COMPETITION_NOT_ACCEPTED')
    for (const [i, s] of stores.entries()) expect(s.log.has(messageId(rogue)), `node ${i}`).toBe(false)
    expect(nodes.map((n) => n.status().ownerActions)).toEqual([0, 0])
    // Nothing was planned for it: no result for its job id anywhere.
    const jobIdHex = hex(rerunJobId(1, messageId(rogue)))
    expect([resultsFor(0, jobIdHex), resultsFor(1, jobIdHex)]).toEqual([[], []])
  })

  it('a re-run relayed to node 0 is planned by both nodes, evaluated, and its results reach both stores', async () => {
    const miner = subnet.miners[0] as InProcessSubnet['subnet']['miners'][number]
    const r = await run(
      subnet.owner.mnemonic,
      ...['rerun', miner.hotkey.ss58, '--competition', ID, '--task', ENV, '--reason', 'env fixed', '--json'],
      ...['--out', 'rerun.hex', '--node', nodeUrl(0)],
      ...chainArgs(),
    )
    expect(r.exitCode, r.err).toBe(0)
    const [answer] = JSON.parse(r.out) as Array<{ result: string; messageId: string; action: { kind: string } }>
    expect(answer).toMatchObject({ result: 'accepted', action: { kind: 'rerun', envIds: [ENV] } })
    const jobIdHex = hex(rerunJobId(1, Buffer.from(answer?.messageId as string, 'hex')))
    const both = subnet.validators.map((v) => v.hotkey.ss58).sort()
    for (const i of [0, 1]) {
      await until(`both re-run results on node ${i}`, () => resultsFor(i, jobIdHex).length === 2, 180_000)
      expect(resultsFor(i, jobIdHex), `node ${i}`).toEqual(both)
    }
    expect(nodes.map((n) => n.status().ownerActions)).toEqual([1, 1])
    // Each node evaluated the cycle's job and the re-run, once each.
    expect(nodes.map((n) => n.status().queue.done)).toEqual([2, 2])

    // The same signed action handed to the other node again: accepted (it is valid), but nothing new is
    // planned or evaluated.
    const again = await run(undefined, 'publish', 'rerun.hex', '--node', nodeUrl(1))
    expect(again.exitCode, again.err).toBe(0)
    await new Promise((res) => setTimeout(res, 3000))
    expect(nodes.map((n) => n.status().ownerActions)).toEqual([1, 1])
    expect(nodes.map((n) => n.status().queue.done)).toEqual([2, 2])
    expect([resultsFor(0, jobIdHex), resultsFor(1, jobIdHex)]).toEqual([both, both])
  }, 240_000)

  it('an approval changes the leader in both nodes’ scoring identically; a rejection hides a candidate', async () => {
    const miner = subnet.miners[0] as InProcessSubnet['subnet']['miners'][number]
    // Both nodes hold the same signed log, so they score the same candidates.
    const before = await until('the same candidates on both nodes', async () => {
      const [a, b] = [await candidates(0), await candidates(1)]
      const strip = (s: Snapshot) => ({ ...s, head: 0 })
      return a.candidates.length > 0 && JSON.stringify(strip(a)) === JSON.stringify(strip(b)) ? a : undefined
    })
    expect(before.leader).toBeNull()
    const cand = before.candidates.find((c) => c.hotkey === miner.hotkey.ss58)
    expect(cand).toBeDefined()
    const text = await run(undefined, 'candidates', ID, '--node', nodeUrl(1))
    expect(text.out).toContain(`${cand?.candidateId}  success`)

    const approved = await run(
      subnet.owner.mnemonic,
      ...['approve', ID, cand?.candidateId as string, '--node', nodeUrl(1)],
      ...chainArgs(),
    )
    expect(approved.exitCode, approved.err).toBe(0)
    expect(approved.out).toContain(`approving ${cand?.candidateId} in ${ID}: success ${cand?.successRate}`)
    expect(approved.out).toContain(`accepted approve ${cand?.candidateId} in ${ID}`)
    const after = await until('the approval on both nodes', async () => {
      const s = [await candidates(0), await candidates(1)]
      return s.every((x) => x.leader === miner.hotkey.ss58) ? s : undefined
    })
    const strip = (s: Snapshot) => ({ ...s, head: 0 })
    expect(strip(after[0] as Snapshot)).toEqual(strip(after[1] as Snapshot))
    expect(after[0]?.approved).toMatchObject({ candidateId: cand?.candidateId, successRate: cand?.successRate })

    // Approving something the node does not list is refused before signing.
    const bogus = `${miner.hotkey.ss58}@1`
    const notListed = await run(subnet.owner.mnemonic, 'approve', ID, bogus, '--node', nodeUrl(0), ...chainArgs())
    expect(notListed.exitCode).toBe(1)
    expect(notListed.err).toContain('error NODE_COMPETITION_NOT_CANDIDATE')
    const malformed = await run(subnet.owner.mnemonic, 'reject', ID, 'not-a-candidate', ...chainArgs())
    expect(malformed.err).toContain('error NODE_COMPETITION_BAD_ACTION')
    const unknown = await run(undefined, 'candidates', 'nope', '--node', nodeUrl(0))
    expect(unknown.err).toContain('error NODE_COMPETITION_UNKNOWN')

    // Rejecting the approved candidate withdraws the approval on both nodes.
    const rejected = await run(
      subnet.owner.mnemonic,
      ...['reject', ID, cand?.candidateId as string, '--reason', 'copied', '--node', nodeUrl(0)],
      ...chainArgs(),
    )
    expect(rejected.exitCode, rejected.err).toBe(0)
    await until('the rejection on both nodes', async () => {
      const s = [await candidates(0), await candidates(1)]
      return s.every((x) => x.leader === null && x.rejected.includes(cand?.candidateId as string)) ? s : undefined
    })
    for (const i of [0, 1]) {
      const s = await candidates(i)
      expect(
        s.candidates.map((c) => c.candidateId),
        `node ${i}`,
      ).not.toContain(cand?.candidateId)
      expect(s.approved).toBeNull()
    }
  }, 240_000)
})
