import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createToyEnvironment, TOY_POINT_REACH_ID, toyExpertAction } from '../../../src/env/toy/index.js'
import { runEpisode } from '../../../src/episode/run-episode.js'
import { createPolicyClient } from '../../../src/policy/client.js'
import { decodeObservation } from '../../../src/policy/wire.js'
import { TEST_LIMITS } from './helpers.js'

/** A raw policy server that keeps every request line, header block and body it receives. */
async function recordingPolicy(): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      requests.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${body}`)
      let answer: unknown = { status: 'healthy', model_loaded: true, uptime_seconds: 1 }
      if (req.url === '/reset') answer = { status: 'ok', episode_id: null }
      if (req.url === '/act') answer = { action: toyExpertAction(decodeObservation(JSON.parse(body).obs)) }
      const text = JSON.stringify(answer)
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      res.end(text)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

describe('seed secrecy', () => {
  it('no request the policy receives carries the seed in decimal, hex or as its 4 raw bytes', async () => {
    // High bytes all non-zero and distinct so the byte patterns are specific.
    const seed = 0x9b3c7ae1
    const rec = await recordingPolicy()
    const policy = createPolicyClient({ url: rec.url }, { limits: TEST_LIMITS })
    const trace = await runEpisode({
      env: createToyEnvironment(),
      policy,
      task: { envId: TOY_POINT_REACH_ID, taskId: 'reach-secret-7', seed, params: { goal_hint: 'x' } },
      episodeIndex: 0,
      limits: TEST_LIMITS,
    })
    policy.close()
    await rec.close()
    expect(trace.outcome.error).toBeUndefined()
    expect(rec.requests.length).toBe(1 + trace.outcome.steps)
    const be = Buffer.alloc(4)
    be.writeUInt32BE(seed)
    const le = Buffer.from(be).reverse()
    const needles = [
      String(seed),
      seed.toString(16),
      seed.toString(16).toUpperCase(),
      be.toString('latin1'),
      le.toString('latin1'),
      be.toString('base64'),
      le.toString('base64'),
      be.toString('hex'),
      le.toString('hex'),
      'reach-secret-7',
    ]
    const haystack = rec.requests.join('\n')
    expect(haystack).toContain('/reset')
    for (const n of needles) expect(haystack.includes(n), `found ${JSON.stringify(n)}`).toBe(false)
    // And the bytes, in case a body were binary: scan the raw UTF-8 of every request.
    const raw = Buffer.from(haystack, 'utf8')
    expect(raw.indexOf(be)).toBe(-1)
    expect(raw.indexOf(le)).toBe(-1)
  })
})
