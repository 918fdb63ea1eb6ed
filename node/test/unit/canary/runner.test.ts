import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import {
  CanaryError,
  type CanaryEvaluate,
  type CanaryJob,
  createCanaryRunner,
  getCanaryMetrics,
} from '../../../src/canary/index.js'
import { HASH, manifest, outcomes } from './helpers.js'

const cycle = (n: number, id = 'comp-a') => ({
  netuid: 1,
  manifest: manifest(['mujoco/reach-v1'], 10, id),
  cycle: n,
  cycleStartBlockHash: HASH,
})

/** An evaluator that behaves like a healthy validator, counting calls and overlaps. */
function fakeEvaluate(opts: { expertSuccess?: boolean; fail?: string; hang?: boolean } = {}) {
  const calls: CanaryJob[] = []
  let active = 0
  let maxActive = 0
  const evaluate: CanaryEvaluate = async (job, { signal }) => {
    calls.push(job)
    active++
    maxActive = Math.max(maxActive, active)
    try {
      await new Promise<void>((res, rej) => {
        const t = setTimeout(res, opts.hang ? 60_000 : 5)
        signal.addEventListener('abort', () => {
          clearTimeout(t)
          rej(signal.reason)
        })
      })
      if (opts.fail) throw new CanaryError({ code: 'NODE_CANARY_BAD_INPUT', field: 'x', reason: 'y' }, opts.fail)
      const ok = job.policy === 'expert' ? (opts.expertSuccess ?? true) : false
      return { episodes: outcomes(job, () => ok) }
    } finally {
      active--
    }
  }
  return { evaluate, calls, maxActive: () => maxActive }
}

async function metric(register: Registry, name: string) {
  const m = (await register.getMetricsAsJSON()).find((x) => x.name === name)
  return Object.fromEntries((m?.values ?? []).map((v) => [Object.values(v.labels).join('|'), v.value]))
}

describe('createCanaryRunner', () => {
  it('runs every reference policy once per cycle and reports healthy', async () => {
    const f = fakeEvaluate()
    const runner = createCanaryRunner({ evaluate: f.evaluate })
    const report = await runner.runCycle(cycle(3))
    expect(f.calls.map((j) => j.policy)).toEqual(['expert', 'random'])
    expect(report).toMatchObject({
      healthy: true,
      reasons: [],
      netuid: 1,
      competitionId: 'comp-a',
      cycle: 3,
      peersSeen: 0,
    })
    expect(report.cycleStartBlockHash).toBe('07'.repeat(32))
    expect(report.perPolicy.expert).toMatchObject({ successes: 4, episodes: 4 })
    expect(report.perPolicy.random).toMatchObject({ successes: 0, episodes: 4 })
    expect(runner.healthy()).toBe(true)
    expect(runner.latest('comp-a')).toBe(report)
  })

  it('runs a cycle once: repeated and concurrent calls share the run', async () => {
    const f = fakeEvaluate()
    const runner = createCanaryRunner({ evaluate: f.evaluate })
    const [a, b] = await Promise.all([runner.runCycle(cycle(1)), runner.runCycle(cycle(1))])
    expect(a).toBe(b)
    expect(await runner.runCycle(cycle(1))).toBe(a)
    expect(f.calls).toHaveLength(2)
  })

  it('runs one cycle at a time and keeps only the last `history` reports', async () => {
    const f = fakeEvaluate()
    const runner = createCanaryRunner({ evaluate: f.evaluate, history: 3 })
    await Promise.all([1, 2, 3, 4, 5].map((n) => runner.runCycle(cycle(n))))
    expect(f.maxActive()).toBe(1)
    expect(runner.reports().map((r) => r.cycle)).toEqual([3, 4, 5])
  })

  it('turns drift into an unhealthy report; health follows the latest report per competition', async () => {
    const bad = fakeEvaluate({ expertSuccess: false })
    const good = fakeEvaluate()
    let evaluate = bad.evaluate
    const runner = createCanaryRunner({ evaluate: (j, o) => evaluate(j, o) })
    const drift = await runner.runCycle(cycle(1))
    expect(drift.healthy).toBe(false)
    expect(drift.reasons.map((r) => r.code)).toEqual(['below-floor'])
    await runner.runCycle(cycle(1, 'comp-b'))
    expect(runner.healthy()).toBe(false)
    evaluate = good.evaluate
    await runner.runCycle(cycle(2))
    // comp-a recovered, comp-b's latest is still the drifted one.
    expect(runner.latest('comp-a')?.healthy).toBe(true)
    expect(runner.healthy()).toBe(false)
    await runner.runCycle(cycle(2, 'comp-b'))
    expect(runner.healthy()).toBe(true)
  })

  it('records a throwing evaluator as evaluation-failed, with its code', async () => {
    const runner = createCanaryRunner({ evaluate: fakeEvaluate({ fail: 'no sandbox' }).evaluate })
    const report = await runner.runCycle(cycle(1))
    expect(report.reasons.map((r) => `${r.code}:${r.policy}`)).toEqual([
      'evaluation-failed:expert',
      'evaluation-failed:random',
    ])
    expect(report.perPolicy.expert?.evaluationError).toBe('NODE_CANARY_BAD_INPUT: no sandbox')
  })

  it('aborts on the caller signal with NODE_CANARY_ABORTED and keeps no report', async () => {
    const register = new Registry()
    const opts = { hang: true }
    const runner = createCanaryRunner({ evaluate: fakeEvaluate(opts).evaluate, metrics: getCanaryMetrics(register) })
    const ac = new AbortController()
    const p = runner.runCycle(cycle(1), { signal: ac.signal })
    setTimeout(() => ac.abort(), 20)
    await expect(p).rejects.toMatchObject({ code: 'NODE_CANARY_ABORTED', meta: { competitionId: 'comp-a', cycle: 1 } })
    expect(runner.reports()).toEqual([])
    expect((await metric(register, 'kinitro_node_canary_runs_total')).aborted).toBe(1)
    await expect(runner.runCycle(cycle(1), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CanaryError)
    // The cycle is not poisoned: it runs again once nothing aborts it.
    opts.hang = false
    expect((await runner.runCycle(cycle(1))).healthy).toBe(true)
  })

  it('stop() aborts the running cycle and refuses later ones', async () => {
    const runner = createCanaryRunner({ evaluate: fakeEvaluate({ hang: true }).evaluate })
    const p = runner.runCycle(cycle(1))
    const q = runner.runCycle(cycle(2))
    await new Promise((r) => setTimeout(r, 20))
    await runner.stop()
    await expect(p).rejects.toMatchObject({ code: 'NODE_CANARY_ABORTED' })
    await expect(q).rejects.toMatchObject({ code: 'NODE_CANARY_ABORTED' })
    await expect(runner.runCycle(cycle(3))).rejects.toMatchObject({ code: 'NODE_CANARY_ABORTED' })
    await runner.stop()
  })

  it('re-judges a kept cycle when peers report later', async () => {
    const register = new Registry()
    const runner = createCanaryRunner({ evaluate: fakeEvaluate().evaluate, metrics: getCanaryMetrics(register) })
    const report = await runner.runCycle(cycle(1))
    const mine = report.perPolicy.expert!
    const tampered = mine.fingerprints.map((f, i) => (i === 0 ? { ...f, finalStateHash: 'ee' } : f))
    const key = { netuid: 1, competitionId: 'comp-a', cycle: 1 }
    const after = runner.addPeerReports(key, [
      { peer: 'bob', policy: 'expert', jobIdHex: mine.jobIdHex, episodes: tampered },
    ])
    expect(after?.healthy).toBe(false)
    expect(after?.reasons.map((r) => r.code)).toEqual(['peer-mismatch'])
    expect(runner.healthy()).toBe(false)
    expect(runner.latest('comp-a')).toBe(after)
    // A second honest peer ties it; the same finding is counted once in the metrics.
    const again = runner.addPeerReports(key, [
      { peer: 'carol', policy: 'expert', jobIdHex: mine.jobIdHex, episodes: mine.fingerprints.map((f) => ({ ...f })) },
    ])
    expect(again).toMatchObject({ healthy: true, peersSeen: 2 })
    expect((await metric(register, 'kinitro_node_canary_reasons_total'))['peer-mismatch']).toBe(1)
    expect(await metric(register, 'kinitro_node_canary_healthy')).toEqual({ '': 1 })
    expect(runner.addPeerReports({ ...key, cycle: 9 }, [])).toBeUndefined()
    // Peers passed to runCycle for a kept cycle are merged the same way.
    const honest = { peer: 'dave', policy: 'expert', jobIdHex: mine.jobIdHex, episodes: [...mine.fingerprints] }
    expect((await runner.runCycle({ ...cycle(1), peers: [honest] })).peersSeen).toBe(3)
  })

  it('exports metrics: runs by verdict, reasons, success rate per policy, duration', async () => {
    const register = new Registry()
    const metrics = getCanaryMetrics(register)
    expect(await metric(register, 'kinitro_node_canary_runs_total')).toEqual({ healthy: 0, unhealthy: 0, aborted: 0 })
    const runner = createCanaryRunner({ evaluate: fakeEvaluate({ expertSuccess: false }).evaluate, metrics })
    await runner.runCycle(cycle(1))
    expect(await metric(register, 'kinitro_node_canary_runs_total')).toEqual({ healthy: 0, unhealthy: 1, aborted: 0 })
    expect((await metric(register, 'kinitro_node_canary_reasons_total'))['below-floor']).toBe(1)
    expect(await metric(register, 'kinitro_node_canary_success_rate')).toEqual({ expert: 0, random: 0 })
    expect(await metric(register, 'kinitro_node_canary_healthy')).toEqual({ '': 0 })
    const text = await register.metrics()
    expect(text).toMatch(/kinitro_node_canary_duration_seconds_count\{policy="expert"\} 1/)
  })

  it('refuses a bad history and bad cycle input', async () => {
    expect(() => createCanaryRunner({ evaluate: fakeEvaluate().evaluate, history: 0 })).toThrow(CanaryError)
    const runner = createCanaryRunner({ evaluate: fakeEvaluate().evaluate })
    await expect(runner.runCycle({ ...cycle(1), cycleStartBlockHash: new Uint8Array(3) })).rejects.toMatchObject({
      code: 'NODE_CANARY_BAD_INPUT',
    })
  })
})
