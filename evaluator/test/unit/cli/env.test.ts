import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { envCommand, MUJOCO_ENV_IDS } from '#evaluator'

async function run(argv: string[]): Promise<string[]> {
  const lines: string[] = []
  const cmd = envCommand({ stdout: (t) => lines.push(t) })
  for (const c of [cmd, ...cmd.commands]) c.exitOverride()
  await cmd.parseAsync(argv, { from: 'user' })
  return lines
}

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe('kinitro env', () => {
  it('list --json names every built-in task with its cameras and limits', async () => {
    const specs = JSON.parse((await run(['list', '--json'])).join('\n')) as { envId: string; maxSteps: number }[]
    const ids = specs.map((s) => s.envId)
    for (const id of MUJOCO_ENV_IDS) expect(ids).toContain(id)
    expect(ids).toContain('toy/point-reach-v1')
    expect(specs.every((s) => s.maxSteps > 0)).toBe(true)
  })

  it('run: the sample expert, started as a real policy server, reaches the goal', async () => {
    const out = await run([
      'run',
      'mujoco/reach-v1',
      '--policy',
      'expert',
      '--sandbox',
      'none',
      '--seed',
      '11',
      '--max-steps',
      '150',
      '--json',
    ])
    const report = JSON.parse(out.join('\n')) as { successes: number; episodes: { seed: number; error?: string }[] }
    expect(report.episodes).toHaveLength(1)
    expect(report.episodes[0]?.seed).toBe(11)
    expect(report.episodes[0]?.error).toBeUndefined()
    expect(report.successes).toBe(1)
  }, 120_000)

  it('record: writes the trace, snapshots and an MP4 of the episode', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kinitro-record-'))
    dirs.push(dir)
    const out = await run([
      'record',
      'mujoco/push-v1',
      '--policy',
      'random',
      '--sandbox',
      'none',
      '--seed',
      '5',
      '--max-steps',
      '40',
      '--video-size',
      '64x48',
      '--out',
      dir,
      '--json',
    ])
    const summary = JSON.parse(out.join('\n')) as { steps: number; files: string[] }
    expect(summary.steps).toBe(40)
    const prefix = join(dir, 'mujoco_push-v1', '5')
    const steps = gunzipSync(await readFile(join(prefix, 'steps.jsonl.gz')))
      .toString('utf8')
      .trim()
      .split('\n')
    expect(steps).toHaveLength(40)
    const mp4 = await readFile(join(prefix, 'video_corner.mp4'))
    expect(mp4.subarray(4, 8).toString('latin1')).toBe('ftyp')
    const episode = JSON.parse(await readFile(join(prefix, 'episode.json'), 'utf8')) as { outcome: { seed: number } }
    expect(episode.outcome.seed).toBe(5)
  }, 120_000)
})
