import { afterAll, describe, expect, it } from 'vitest'
import { createBuiltinEnvironmentFactory, createProcessRuntime, type EpisodeOutcome } from '#evaluator'
import {
  type CanaryEvaluate,
  type CanaryJob,
  createCanaryRunner,
  createLocalCanaryEvaluator,
  defaultReferencePolicies,
  judgeCanary,
} from '../../../src/canary/index.js'
import { manifest } from './helpers.js'

// The real thing end to end: the shipped expert and random policy folders started as policy servers by the
// process runtime, driven over HTTP by evaluateJob on the built-in MuJoCo reach task (two 84×84 cameras).
// maxSteps 150 keeps it to seconds; the expert solves reach well inside that (evaluator policy tests).
const runtime = createProcessRuntime({ sandbox: 'none', startTimeoutMs: 20_000 })
const envFactory = createBuiltinEnvironmentFactory()
afterAll(() => runtime.close())

/** A validator: the node's local evaluator, recording what it returned per policy. */
function validator(lanes: number) {
  const seen = new Map<string, { job: CanaryJob; episodes: EpisodeOutcome[] }>()
  const real = createLocalCanaryEvaluator({ runtime, envFactory, lanes })
  const evaluate: CanaryEvaluate = async (job, opts) => {
    const out = await real(job, opts)
    seen.set(job.policy, { job, episodes: out.episodes })
    return out
  }
  return { evaluate, seen }
}

const input = {
  netuid: 7,
  manifest: manifest(['mujoco/reach-v1'], 10),
  cycle: 12,
  cycleStartBlockHash: new Uint8Array(32).fill(0xab),
}

describe('canary with the real sample policies and evaluator', () => {
  it('judges the expert and random healthy, agrees with a second validator, and catches tampering', {
    timeout: 180_000,
  }, async () => {
    const a = validator(1)
    const runner = createCanaryRunner({ evaluate: a.evaluate })
    const report = await runner.runCycle(input)

    expect(report.reasons).toEqual([])
    expect(report.healthy).toBe(true)
    const expert = report.perPolicy.expert!
    const random = report.perPolicy.random!
    expect(expert).toMatchObject({ episodes: 4, errored: 0 })
    expect(expert.successes).toBeGreaterThanOrEqual(3)
    expect(random).toMatchObject({ episodes: 4, errored: 0 })
    expect(random.successes).toBeLessThanOrEqual(1)
    for (const f of expert.fingerprints) expect(f.finalStateHash).toMatch(/^[0-9a-f]{64}$/)

    // A second validator (two lanes instead of one, so episodes land on other policy instances) runs the
    // same canary job: same seeds, deterministic simulator and expert, hence identical outcomes and hashes.
    const b = validator(2)
    const expertOnly = defaultReferencePolicies().filter((p) => p.name === 'expert')
    const other = await createCanaryRunner({ evaluate: b.evaluate, policies: expertOnly }).runCycle(input)
    expect(other.perPolicy.expert?.jobIdHex).toBe(expert.jobIdHex)
    expect(other.perPolicy.expert?.fingerprints).toEqual(expert.fingerprints)
    const peerReport = {
      peer: 'validator-b',
      policy: 'expert',
      jobIdHex: expert.jobIdHex,
      episodes: other.perPolicy.expert!.fingerprints,
    }
    const agreed = runner.addPeerReports({ netuid: 7, competitionId: 'comp-a', cycle: 12 }, [peerReport])
    expect(agreed?.healthy).toBe(true)
    expect(agreed?.perPolicy.expert?.peers).toEqual({ agreeing: ['validator-b'], disagreeing: [] })

    // Tampered outcomes are judged unhealthy: the expert's successes flipped (≥ 3/4 become ≤ 1/4) fall below
    // its floor; random made to succeed everywhere rises above its ceiling. The untampered runs pass.
    const aExpert = a.seen.get('expert')!
    const aRandom = a.seen.get('random')!
    expect(judgeCanary({ runs: [aExpert, aRandom] }).healthy).toBe(true)
    const flipped = aExpert.episodes.map((o) => ({ ...o, success: !o.success }))
    const lucky = aRandom.episodes.map((o) => ({ ...o, success: true }))
    const tampered = judgeCanary({
      runs: [
        { ...aExpert, episodes: flipped },
        { ...aRandom, episodes: lucky },
      ],
    })
    expect(tampered.healthy).toBe(false)
    expect(tampered.reasons.map((r) => `${r.code}:${r.policy}`)).toEqual(['below-floor:expert', 'above-ceiling:random'])

    // A validator whose simulation drifted (one episode's final state differs) is out of step with its peer.
    const drifted = aExpert.episodes.map((o, i) => (i === 1 ? { ...o, finalStateHash: '0'.repeat(64) } : o))
    const vsPeer = judgeCanary({ runs: [{ job: aExpert.job, episodes: drifted }], peers: [peerReport] })
    expect(vsPeer.reasons).toEqual([expect.objectContaining({ code: 'peer-mismatch', policy: 'expert' })])
    expect(vsPeer.perPolicy.expert?.peers.disagreeing).toEqual([{ peer: 'validator-b', episodeIndices: [1] }])
  })
})
