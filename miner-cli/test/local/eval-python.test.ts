import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addEvalCommands } from '../../src/cli/eval.js'
import { addInitCommands } from '../../src/cli/init.js'
import type { EvalReport } from '../../src/eval/report.js'
import { hasPython, preferSystemPython, runMiner, tempDir } from './helpers.js'

preferSystemPython()
const miner = (argv: string[], cwd: string) => runMiner([addInitCommands, addEvalCommands], argv, { cwd })
const REACH = ['--tasks', 'mujoco/reach-v1', '--seed', '11']

/** A stand-alone policy folder: kinitro.json plus a server.py written by the test. */
function policyFolder(root: string, name: string, serverPy: string): string {
  const dir = join(root, name)
  mkdirSync(dir)
  writeFileSync(
    join(dir, 'kinitro.json'),
    JSON.stringify({ name, entry: ['python3', 'server.py', '--port', '{port}'] }),
  )
  writeFileSync(join(dir, 'server.py'), serverPy)
  return dir
}

// A policy that answers /health and /reset, then dies on its first /act: what a segfaulting model looks like.
const CRASHES_ON_ACT = `
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def answer(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        self.answer({"status": "healthy"})
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/act":
            print("boom: the model crashed on purpose", file=sys.stderr, flush=True)
            os._exit(3)
        self.answer({"status": "ok", "episode_id": None})

port = int(sys.argv[sys.argv.index("--port") + 1])
HTTPServer(("127.0.0.1", port), H).serve_forever()
`

// Listens, but /health never says healthy: a model that never finishes loading.
const NEVER_HEALTHY = `
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "loading"}')

print("loading weights from model/ (this never finishes)", flush=True)
port = int(sys.argv[sys.argv.index("--port") + 1])
HTTPServer(("127.0.0.1", port), H).serve_forever()
`

const IMPORT_FAILS = 'import torch_is_not_installed_here\n'

describe.skipIf(!hasPython)('kinitro miner eval (python)', () => {
  let tmp: ReturnType<typeof tempDir>
  let template: string
  beforeAll(async () => {
    tmp = tempDir('eval-py')
    expect((await miner(['init', 'reach-bot'], tmp.dir)).code).toBe(0)
    template = join(tmp.dir, 'reach-bot')
  })
  afterAll(() => tmp.cleanup())

  it('evaluates the python template on mujoco/reach-v1: it succeeds, exit 0, JSON report saved', async () => {
    const r = await miner(['eval', ...REACH, '--episodes', '2', '--max-steps', '60', '--json'], template)
    expect(r.code, r.err).toBe(0)
    const report = JSON.parse(r.out) as EvalReport
    expect(report.format).toBe('kinitro-miner-eval/1')
    expect(report.policy).toEqual({ dir: template, isolation: expect.stringMatching(/^(bubblewrap|process)$/) })
    expect(report.seed).toBe(11)
    expect(report.maxSteps).toBe(60)
    expect(report.tasks).toHaveLength(1)
    const reach = report.tasks[0]
    expect(reach).toMatchObject({ envId: 'mujoco/reach-v1', episodes: 2, successes: 2, successRate: 1, failures: {} })
    expect(reach?.interval.high).toBe(1)
    expect(reach?.interval.low).toBeGreaterThan(0.3)
    expect(reach?.interval.low).toBeLessThan(0.4)
    expect(reach?.actP50Ms).toBeGreaterThan(0)
    expect(reach?.meanReturn).toBeGreaterThan(0)
    expect(report.episodes.map((e) => [e.seed, e.steps, e.success, e.error])).toEqual([
      [11, 60, true, undefined],
      [12, 60, true, undefined],
    ])
    for (const e of report.episodes) {
      expect(e.firstSuccessStep).toBeGreaterThan(10)
      expect(e.finalStateHash).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(report.verdict).toEqual({ passed: true, policyFailures: 0, otherFailures: 0, failUnder: null })
    expect(JSON.parse(readFileSync(join(template, 'build', 'eval.json'), 'utf8'))).toEqual(report)
    // Progress went to stderr, one line per episode (not a terminal here).
    expect(r.err).toMatch(/episode 1\/2 mujoco\/reach-v1 seed 11: success at step \d+/)
    expect(r.err).toMatch(/episode 2\/2 mujoco\/reach-v1 seed 12: success at step \d+/)
  })

  it('prints a results table and honours --fail-under', async () => {
    const r = await miner(['eval', ...REACH, '--episodes', '1', '--max-steps', '5', '--fail-under', '50%'], template)
    expect(r.code).toBe(1)
    expect(r.errorCode).toBe('MINER_EVAL_BELOW_THRESHOLD')
    const lines = r.out.split('\n')
    const header = lines.findIndex((l) => l.startsWith('task '))
    expect(lines[header]).toMatch(/task\s+success\s+95% interval\s+episodes\s+mean return\s+act p50\s+failures/)
    expect(lines[header + 2]).toMatch(/^mujoco\/reach-v1\s+0%\s+0%–79%\s+1\s+\S+\s+\d+\.\d ms\s+—$/)
    expect(r.out).toContain('seed 11 (repeat with --seed 11)')
    expect(r.err).toContain('success rate 0.0% is under --fail-under 50.0%')
  })

  it('films every episode with --video', async () => {
    const videos = join(tmp.dir, 'videos')
    const r = await miner(
      ['eval', ...REACH, '--episodes', '1', '--max-steps', '8', '--video', videos, '--video-size', '32x32'],
      template,
    )
    expect(r.code, r.err).toBe(0)
    expect(readdirSync(videos)).toEqual(['mujoco_reach-v1-ep1-seed11.mp4'])
    const mp4 = readFileSync(join(videos, 'mujoco_reach-v1-ep1-seed11.mp4'))
    expect(mp4.subarray(4, 8).toString('latin1')).toBe('ftyp')
    const bad = await miner(
      ['eval', ...REACH, '--episodes', '1', '--video', videos, '--video-camera', 'nope'],
      template,
    )
    expect(bad.errorCode).toBe('MINER_EVAL_VIDEO_FAILED')
  })

  it('exits 1 with the failure code in the table when the policy crashes, and shows its output', async () => {
    const dir = policyFolder(tmp.dir, 'crasher', CRASHES_ON_ACT)
    const r = await miner(['eval', ...REACH, '--episodes', '2', '--max-steps', '20'], dir)
    expect(r.code).toBe(1)
    expect(r.errorCode).toBe('MINER_EVAL_POLICY_FAILED')
    const row = r.out.split('\n').find((l) => l.startsWith('mujoco/reach-v1'))
    // The first episode crashes the server; how the second one fails (crashed again, refused) depends on timing.
    expect(row).toMatch(/\s0%\s.*policy_crashed ×\d/)
    expect(r.err).toContain('2 of 2 episodes failed because of the policy')
    expect(r.err).toContain('boom: the model crashed on purpose')
    expect(r.err).toContain('how to fix:')
    const saved = JSON.parse(readFileSync(join(dir, 'build', 'eval.json'), 'utf8')) as EvalReport
    expect(saved.verdict).toMatchObject({ passed: false, code: 'MINER_EVAL_POLICY_FAILED', policyFailures: 2 })
    expect(saved.episodes[0]?.error).toBe('policy_crashed')
    expect(saved.policyLog).toContain('boom: the model crashed on purpose')
  })

  it('reports a policy that never answers /health healthy with its last output lines', async () => {
    const dir = policyFolder(tmp.dir, 'sleepy', NEVER_HEALTHY)
    const r = await miner(['eval', ...REACH, '--episodes', '1', '--start-timeout', '2000'], dir)
    expect(r.code).toBe(1)
    expect(r.errorCode).toBe('MINER_EVAL_HEALTH_FAILED')
    expect(r.err).toContain('loading weights from model/ (this never finishes)')
    expect(r.err).toContain('how to fix: make GET /health answer 200')
    expect(existsSync(join(dir, 'build', 'eval.json'))).toBe(false)
  })

  it('reports a policy that exits before it is healthy, with its traceback', async () => {
    const dir = policyFolder(tmp.dir, 'broken', IMPORT_FAILS)
    const r = await miner(['eval', ...REACH, '--episodes', '1'], dir)
    expect(r.errorCode).toBe('MINER_EVAL_START_FAILED')
    expect(r.err).toContain("No module named 'torch_is_not_installed_here'")
  })

  it('checks the folder and the task ids before starting anything', async () => {
    const notPolicy = await miner(['eval', ...REACH], tmp.dir)
    expect(notPolicy.errorCode).toBe('MINER_EVAL_NOT_A_POLICY')
    const unknown = await miner(['eval', '--tasks', 'mujoco/reach-v1,mujoco/fly-v9'], template)
    expect(unknown.errorCode).toBe('MINER_EVAL_UNKNOWN_TASK')
    expect(unknown.err).toContain('mujoco/fly-v9')
    expect(unknown.err).toContain('mujoco/push-v1')
    const badCount = await miner(['eval', '--episodes', '0'], template)
    expect(badCount.code).toBe(1)
    expect(badCount.err).toContain('expected an integer 1')
  })
})
