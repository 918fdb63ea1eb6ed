import { writeFileSync } from 'node:fs'
import { type Command, CommanderError } from 'commander'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { scoreCommand } from '../../../src/cli/score.js'

interface Run {
  out: string
  err: string
  error?: CommanderError
}

async function runCli(argv: string[], stdin = ''): Promise<Run> {
  const run: Run = { out: '', err: '' }
  const cmd = scoreCommand({ stdout: (t) => (run.out += t), readStdin: async () => stdin })
  const all: Command[] = [cmd, ...cmd.commands]
  for (const c of all) {
    c.exitOverride().configureOutput({ writeOut: (t) => (run.out += t), writeErr: (t) => (run.err += t) })
  }
  try {
    await cmd.parseAsync(argv, { from: 'user' })
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err
    run.error = err
  }
  return run
}

const scenario = {
  strategy: 'kinitro-subset-v1',
  envs: ['reach', 'push'],
  miners: [
    { uid: 0, block: 1000, scores: { reach: 0.9, push: 0.5 } },
    { uid: 1, block: 2000, scores: { reach: 0.5, push: 0.9 } },
  ],
}

const dirs: TempDir[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup()
})

function tempScenario(doc: unknown): string {
  const tmp = makeTempDir('kinitro-score-')
  dirs.push(tmp)
  const file = tmp.file('scenario.json')
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc))
  return file
}

describe('kinitro score simulate', () => {
  it('prints a table with points, float and u16 weights for a scenario file', async () => {
    const { out, error } = await runCli(['simulate', tempScenario(scenario)])
    expect(error).toBeUndefined()
    expect(out).toMatch(/strategy kinitro-subset-v1, 2 envs, 2 miners/)
    // Trade-off: the earlier miner takes {reach} and {reach, push} (3 points), the later {push} (1).
    // Softmax: 1/(1 + e^−2) = 0.880797.
    expect(out).toMatch(/0\s+miner-0\s+1000\s+0\.90\s+0\.50\s+3\.0\s+0\.880797\s+65535/)
    expect(out).toMatch(/1\s+miner-1\s+2000\s+0\.50\s+0\.90\s+1\.0\s+0\.119203\s+8869/)
    expect(out).toMatch(/reference u16: 0=57723 1=7811 \(sum 65534\)/)
  })

  it('prints JSON with --json and reads stdin for -', async () => {
    const { out } = await runCli(['simulate', '-', '--json'], JSON.stringify(scenario))
    const doc = JSON.parse(out) as { result: { weights: { uids: number[]; values: number[] }; inputsDigest: string } }
    expect(doc.result.weights.uids).toEqual([0, 1])
    expect(doc.result.weights.values[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 12)
    expect(doc.result.inputsDigest).toMatch(/^[0-9a-f]{64}$/)
  })

  it('generates a seeded random scenario like test-scoring: rates in [0.3, 0.9), blocks 1000 + 100·uid', async () => {
    const a = await runCli(['simulate', '--random', '--miners', '7', '--envs', '2', '--seed', '42', '--json'])
    const b = await runCli(['simulate', '--random', '--miners', '7', '--envs', '2', '--seed', '42', '--json'])
    expect(a.out).toBe(b.out)
    const doc = JSON.parse(a.out) as {
      scenario: { miners: Array<{ uid: number; block: number; scores: Record<string, number> }> }
    }
    expect(doc.scenario.miners).toHaveLength(7)
    for (const m of doc.scenario.miners) {
      expect(m.block).toBe(1000 + 100 * m.uid)
      for (const v of Object.values(m.scores)) expect(v >= 0.3 && v < 0.9).toBe(true)
    }
    const other = await runCli(['simulate', '--random', '--miners', '7', '--envs', '2', '--seed', '43', '--json'])
    expect(other.out).not.toBe(a.out)
  })

  it('can switch the strategy', async () => {
    const { out } = await runCli(['simulate', tempScenario(scenario), '--strategy', 'kinitro-subset-v2'])
    expect(out).toMatch(/strategy kinitro-subset-v2/)
    expect(out).toMatch(/0\s+miner-0\s+1000\s+0\.90\s+0\.50\s+3\.0\s+0\.750000\s+65535/)
  })

  it('names the JSON path, the value and what was expected for an invalid scenario', async () => {
    const bad = {
      ...scenario,
      miners: [
        { uid: 0, block: 1000, scores: { reach: 1.5 } },
        { uid: 0, scores: { jump: 0.2 } },
      ],
    }
    const { error, err } = await runCli(['simulate', tempScenario(bad)])
    expect(error?.code).toBe('SCORING_SCENARIO_INVALID')
    expect(err).toMatch(/miners\[0\]\.scores\.reach: got 1\.5, .*(<=|≤)\s*1/)
    const dup = await runCli([
      'simulate',
      tempScenario({ ...scenario, miners: [scenario.miners[0], { ...scenario.miners[1], uid: 0 }] }),
    ])
    expect(dup.err).toMatch(/miners\[1\]\.uid: got 0, duplicate uid/)
    const unknownEnv = await runCli([
      'simulate',
      tempScenario({ ...scenario, miners: [{ uid: 0, scores: { jump: 0.2 } }] }),
    ])
    expect(unknownEnv.err).toMatch(/miners\[0\]\.scores\.jump: got "jump", env not listed in envs/)
    expect(err).toMatch(/how to fix:/)
  })

  it('refuses non-JSON, a missing scenario, and bad numbers', async () => {
    expect((await runCli(['simulate', tempScenario('{oops')])).err).toMatch(/not JSON/)
    expect((await runCli(['simulate'])).error?.code).toBe('SCORING_SCENARIO_INVALID')
    expect((await runCli(['simulate', '--random', '--miners', '0'])).error?.code).toBe('commander.invalidArgument')
    expect((await runCli(['simulate', tempScenario({ ...scenario, strategy: 'nope' })])).error?.code).toBe(
      'SCORING_UNKNOWN_STRATEGY',
    )
  })
})
