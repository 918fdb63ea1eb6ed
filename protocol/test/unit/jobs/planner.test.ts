import { afterEach, describe, expect, it } from 'vitest'
import {
  type Chain,
  type CompetitionManifest,
  createCompetitionManifest,
  createDevChain,
  type DevChain,
  hotkeyFromUri,
} from '#protocol'
import { createJobPlanner, type JobPlan, type JobPlanner } from '../../../src/jobs/index.js'

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

async function waitFor<T>(get: () => T | undefined, what: string, deadlineMs = 20_000): Promise<T> {
  const end = Date.now() + deadlineMs
  for (;;) {
    const v = get()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function setup(): Promise<{ dev: DevChain; chain: Chain; validators: string[]; manifest: CompetitionManifest }> {
  const dev = await createDevChain({ blockTimeMs: 0 })
  cleanup.push(() => dev.close())
  const chain = dev.client(1)
  cleanup.push(() => chain.close())
  const validators: string[] = []
  for (const [i, name] of ['Alice', 'Bob', 'Charlie', 'Dave'].entries()) {
    const h = await hotkeyFromUri(`//${name}`)
    await dev.admin.register(1, h.ss58)
    await dev.admin.fund(h.ss58, 10_000_000n)
    await dev.admin.addStake(1, h.ss58, BigInt(i + 1) * 1_000_000n)
    validators.push(h.ss58)
  }
  for (const [i, name] of ['Eve', 'Ferdie'].entries()) {
    const m = await hotkeyFromUri(`//${name}`)
    await dev.admin.register(1, m.ss58)
    await chain.setCommitment(m, new TextEncoder().encode(`k1:miner${i}/policy@abc123${i}`))
  }
  const head = await dev.admin.advance(1)
  const manifest = createCompetitionManifest({
    netuid: 1,
    block: head.number,
    id: 'comp',
    name: 'comp',
    tasks: [{ envId: 'mujoco/reach-v1', taskId: 'reach' }],
    episodesPerTask: 1,
    maxSteps: 10,
    scoring: { strategy: 'subsets' },
    startBlock: head.number + 1,
    points: 1,
    cycleLengthBlocks: 4,
  })
  return { dev, chain, validators, manifest }
}

describe('createJobPlanner against the dev chain', () => {
  it('plans one job per committed miner with 3 stake-weighted assignees, and follows new cycles', async () => {
    const { dev, chain, validators, manifest } = await setup()
    const self = validators[3] as string
    const seen: JobPlan[] = []
    const planner: JobPlanner = createJobPlanner({
      chain,
      manifests: () => [manifest],
      self,
      minStake: 1n,
      onJobs: (p) => seen.push(p),
    })
    cleanup.push(() => planner.stop())
    await planner.start()
    await planner.start() // idempotent
    await dev.admin.advance(2) // into cycle 0 (start block is after both commitments)
    const first = await waitFor(() => seen.find((p) => p.jobs.length > 0), 'a plan with jobs')
    expect(first.jobs.map((j) => j.announcement.minerUid)).toEqual([4, 5])
    for (const j of first.jobs) {
      expect(j.announcement.cycle).toBe(0)
      expect(j.announcement.cycleStartBlock).toBe(manifest.startBlock)
      expect(j.assignees).toHaveLength(3)
      expect(new Set(j.assignees).size).toBe(3)
      for (const a of j.assignees) expect(validators).toContain(a)
      // Miners (no stake) are never assigned.
      expect(j.ranking).toHaveLength(4)
    }
    expect(first.mine).toEqual(first.jobs.filter((j) => j.assignees.includes(self)))
    // The seeds' block hash is the chain's hash of the cycle start block.
    const ac = new AbortController()
    for await (const b of chain.blocks({ from: manifest.startBlock - 1, signal: ac.signal })) {
      expect(Buffer.from(first.jobs[0]?.announcement.cycleStartBlockHash ?? []).toString('hex')).toBe(
        b.hash.replace(/^0x/, ''),
      )
      expect(b.number).toBe(manifest.startBlock)
      break
    }
    ac.abort()
    // A fresh planner on the same chain derives the same jobs (determinism across nodes).
    const other = createJobPlanner({ chain, manifests: () => [manifest], minStake: 1n })
    const again = await other.plan(first.head)
    expect(again.jobs.map((j) => [j.announcement.jobId, j.assignees])).toEqual(
      first.jobs.map((j) => [j.announcement.jobId, j.assignees]),
    )

    await dev.admin.advance(4) // next cycle: new job ids for the same commitments
    const next = await waitFor(() => seen.find((p) => p.jobs[0]?.announcement.cycle === 1), 'cycle 1 plan')
    expect(next.jobs).toHaveLength(2)
    expect(next.jobs[0]?.announcement.jobId).not.toEqual(first.jobs[0]?.announcement.jobId)
    await planner.stop()
    await planner.stop()
  })

  it('plans() yields plans and ends on stop; a commitment after the cycle start waits for the next cycle', async () => {
    const { dev, chain, manifest } = await setup()
    const planner = createJobPlanner({ chain, manifests: () => [manifest], minStake: 1n })
    cleanup.push(() => planner.stop())
    await planner.start()
    await dev.admin.advance(2)
    const late = await hotkeyFromUri('//Late')
    await dev.admin.register(1, late.ss58)
    await chain.setCommitment(late, new TextEncoder().encode('k1:late/policy@abc1239'))
    await dev.admin.advance(1)
    const got: JobPlan[] = []
    const iterate = (async () => {
      for await (const p of planner.plans()) {
        got.push(p)
        if (p.jobs.some((j) => j.announcement.cycle === 1)) await planner.stop()
      }
    })()
    await waitFor(() => planner.latest(), 'first plan')
    // Still cycle 0: the late miner has no job yet.
    expect(planner.latest()?.jobs.map((j) => j.announcement.minerUid)).toEqual([4, 5])
    await dev.admin.advance(4)
    await iterate // ends because stop() closes the iterator
    const last = got.at(-1) as JobPlan
    expect(last.jobs.map((j) => j.announcement.minerUid)).toEqual([4, 5, 6])
  })
})
