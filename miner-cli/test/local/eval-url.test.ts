import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { samplePolicyDir } from '#evaluator'
import { addEvalCommands } from '../../src/cli/eval.js'
import type { EvalReport } from '../../src/eval/report.js'
import { runMiner, tempDir } from './helpers.js'

const miner = (argv: string[], cwd: string) => runMiner([addEvalCommands], argv, { cwd })

/** The evaluator's scripted expert, started by hand as a miner would run their own server. */
async function startExpert(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['server.mjs', '--port', '0'], {
    cwd: samplePolicyDir('expert'),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)
      if (m?.[1]) resolve(m[1])
    })
    child.once('exit', (code) => reject(new Error(`expert exited with ${code}`)))
  })
  return { url, child }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('kinitro miner eval --policy-url', () => {
  let tmp: ReturnType<typeof tempDir>
  let expert: { url: string; child: ChildProcess }
  beforeAll(async () => {
    tmp = tempDir('eval-url')
    expert = await startExpert()
  })
  afterAll(async () => {
    const exited = new Promise((resolve) => expert.child.once('exit', resolve))
    expert.child.kill('SIGTERM')
    await exited
    tmp.cleanup()
  })

  it('evaluates a server that is already running, from any folder', async () => {
    const r = await miner(
      [
        'eval',
        '--policy-url',
        expert.url,
        '--tasks',
        'mujoco/reach-v1',
        '--episodes',
        '2',
        '--max-steps',
        '60',
        '--seed',
        '5',
        '--json',
      ],
      tmp.dir,
    )
    expect(r.code, r.err).toBe(0)
    const report = JSON.parse(r.out) as EvalReport
    expect(report.policy).toEqual({ url: expert.url, isolation: 'external' })
    expect(report.tasks[0]).toMatchObject({ envId: 'mujoco/reach-v1', episodes: 2, successes: 2 })
    expect(report.episodes.map((e) => e.seed)).toEqual([5, 6])
    expect(report.verdict.passed).toBe(true)
    // No policy output to show for a server eval did not start; the bar says nothing about a sandbox either.
    expect(report.policyLog).toEqual([])
    expect(r.err).not.toContain('bubblewrap')
  })

  it('says the server is not healthy when nothing answers, and refuses a URL that is not http(s)', async () => {
    const port = await closedPort()
    const down = await miner(
      ['eval', '--policy-url', `http://127.0.0.1:${port}`, '--tasks', 'mujoco/reach-v1', '--start-timeout', '500'],
      tmp.dir,
    )
    expect(down.code).toBe(1)
    expect(down.errorCode).toBe('MINER_EVAL_HEALTH_FAILED')
    expect(down.err).toContain('policy_connection_refused')
    const bad = await miner(['eval', '--policy-url', 'ftp://example.com/policy'], tmp.dir)
    expect(bad.errorCode).toBe('MINER_EVAL_BAD_POLICY_URL')
  })
})
