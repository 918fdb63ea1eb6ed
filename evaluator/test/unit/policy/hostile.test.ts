import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FailureCode } from '#protocol'
import { createPolicyClient, waitHealthy } from '../../../src/policy/client.js'
import { MAX_DETAIL_CHARS } from '../../../src/policy/errors.js'
import {
  crashingPolicy,
  endlessPolicy,
  GARBAGE,
  goodPolicy,
  hangingPolicy,
  httpErrorPolicy,
  oversizedPolicy,
  rawPolicy,
  refusedEndpoint,
  resettingPolicy,
  scriptedPolicy,
  slowPolicy,
  type TestPolicy,
  truncatingPolicy,
  WRONG_SHAPES,
} from '../../utils/bad-policies.js'
import { ARM, callError, eventually, makeObservation, TWO_CAMERAS, within } from './helpers.js'

// Every hostile mode must end in its failure code, quickly (a generous deadline, not a timing claim),
// without leaving a connection open on the policy's side, and without hurting the next episode.

const ACT_TIMEOUT = 250
const NO_HANG_MS = 10_000
const obs = makeObservation(TWO_CAMERAS)

let good: TestPolicy
beforeAll(async () => {
  good = await goodPolicy()
})
afterAll(async () => {
  await good.close()
})

/** After a failure, a fresh client to a good policy still works: the evaluator process is unharmed. */
async function goodStillWorks(): Promise<void> {
  const client = createPolicyClient(good.endpoint)
  try {
    const action = await client.act(obs, ARM)
    expect(action.continuous.ee_twist).toEqual([0, 0, 0, 0, 0, 0])
  } finally {
    client.close()
  }
}

const actCases: [string, () => Promise<TestPolicy>, FailureCode][] = [
  ['hangs on /act', hangingPolicy, 'policy_timeout'],
  ['answers after the deadline', () => slowPolicy(ACT_TIMEOUT * 4), 'policy_timeout'],
  ['resets the connection mid-request', resettingPolicy, 'policy_crashed'],
  ['drops the connection mid-answer', truncatingPolicy, 'policy_crashed'],
  ['answers non-JSON', GARBAGE.notJson, 'policy_bad_response'],
  ['answers JSON as text/plain', GARBAGE.textPlain, 'policy_bad_response'],
  ['answers an HTML page', GARBAGE.html, 'policy_bad_response'],
  ['answers an empty body', GARBAGE.empty, 'policy_bad_response'],
  ['answers a JSON array', GARBAGE.jsonArray, 'policy_bad_response'],
  ['answers without "action"', GARBAGE.noAction, 'policy_bad_response'],
  ['writes a NaN literal', WRONG_SHAPES.nanLiteral, 'policy_bad_response'],
  ['writes 1e999 (Infinity)', WRONG_SHAPES.infinity, 'policy_invalid_action'],
  ['omits gripper', WRONG_SHAPES.missingGripper, 'policy_invalid_action'],
  ['adds an unexpected key', WRONG_SHAPES.extraKey, 'policy_invalid_action'],
  ['sends a short ee_twist', WRONG_SHAPES.shortTwist, 'policy_invalid_action'],
  ['sends a string value', WRONG_SHAPES.stringValue, 'policy_invalid_action'],
  ['sends a nested array', WRONG_SHAPES.nestedValue, 'policy_invalid_action'],
  ['sends null', WRONG_SHAPES.nullValue, 'policy_invalid_action'],
  ['sends a 6-number flat array', WRONG_SHAPES.flatWrongLength, 'policy_invalid_action'],
  ['adds an unknown action field', WRONG_SHAPES.unknownField, 'policy_invalid_action'],
  ['answers 500', () => httpErrorPolicy(500), 'policy_http_error'],
  ['answers 503', () => httpErrorPolicy(503), 'policy_http_error'],
  ['declares a 10 MB body', () => oversizedPolicy(), 'policy_oversized_response'],
  ['streams a 10 MB chunked body', () => oversizedPolicy(10 * 1024 * 1024, true), 'policy_oversized_response'],
  ['streams an endless chunked body', endlessPolicy, 'policy_oversized_response'],
]

describe('hostile policies on /act', () => {
  const table = actCases.map(([name, start, code]) => ({ name, start, code }))
  it.each(table)('a policy that $name → $code', async ({ start, code }) => {
    const policy = await start()
    const client = createPolicyClient(policy.endpoint, { limits: { actTimeoutMs: ACT_TIMEOUT } })
    try {
      await client.reset({ envId: 'mujoco/reach-v1', taskName: 'reach' })
      const err = await within(callError(client.act(obs, ARM)), NO_HANG_MS)
      expect(err.failure).toBe(code)
      expect(err.op).toBe('act')
      expect(err.detail.length).toBeLessThanOrEqual(MAX_DETAIL_CHARS)
      // One request, or two when the reused keep-alive socket was reset (the client retries a stale socket once).
      expect(policy.requests['/act']).toBeGreaterThanOrEqual(1)
      expect(policy.requests['/act']).toBeLessThanOrEqual(2)
      client.close()
      expect(await eventually(() => policy.openConnections() === 0)).toBe(true)
    } finally {
      client.close()
      await policy.close()
    }
    await goodStillWorks()
  })

  it('closes the connection itself when it gives up (timeout, oversized), before close()', async () => {
    for (const start of [hangingPolicy, endlessPolicy]) {
      const policy = await start()
      const client = createPolicyClient(policy.endpoint, { limits: { actTimeoutMs: ACT_TIMEOUT } })
      try {
        await callError(client.act(obs, ARM))
        expect(await eventually(() => policy.openConnections() === 0)).toBe(true)
      } finally {
        client.close()
        await policy.close()
      }
    }
  })

  it('quotes at most a bounded prefix of the body in the detail', async () => {
    const secret = `${'x'.repeat(150)}TAIL_MARKER`
    const policy = await rawPolicy(secret, 'text/html', 500)
    const client = createPolicyClient(policy.endpoint)
    try {
      const err = await callError(client.act(obs, ARM))
      expect(err.failure).toBe('policy_http_error')
      expect(err.detail).toContain('HTTP 500')
      expect(err.detail).not.toContain('TAIL_MARKER')
    } finally {
      client.close()
      await policy.close()
    }
  })
})

describe('a policy process that crashes', () => {
  it('mid-episode → policy_crashed, then connection refused', async () => {
    const policy = await crashingPolicy(2)
    const client = createPolicyClient(policy.endpoint, { limits: { actTimeoutMs: 2_000 } })
    try {
      await waitHealthy(client, { deadlineMs: 5_000 })
      await client.reset({ envId: 'mujoco/reach-v1', taskName: 'reach' })
      await client.act(obs, ARM)
      await client.act(obs, ARM)
      const err = await within(callError(client.act(obs, ARM)), NO_HANG_MS)
      expect(err.failure).toBe('policy_crashed')
      expect(await policy.exited).toBe(3)
      const after = await callError(client.act(obs, ARM))
      expect(after.failure).toBe('policy_connection_refused')
    } finally {
      client.close()
      await policy.close()
    }
    await goodStillWorks()
  })

  it('on the first /act of a fresh connection → policy_crashed', async () => {
    const policy = await crashingPolicy(0)
    const client = createPolicyClient(policy.endpoint, { limits: { actTimeoutMs: 2_000 } })
    try {
      const err = await within(callError(client.act(obs, ARM)), NO_HANG_MS)
      expect(err.failure).toBe('policy_crashed')
    } finally {
      client.close()
      await policy.close()
    }
  })
})

describe('nothing listening, /reset and /health faults', () => {
  it('a released port → policy_connection_refused on every call', async () => {
    const client = createPolicyClient(await refusedEndpoint())
    try {
      expect((await callError(client.health())).failure).toBe('policy_connection_refused')
      expect((await callError(client.reset({ envId: 'e', taskName: 't' }))).failure).toBe('policy_connection_refused')
      expect((await callError(client.act(obs, ARM))).failure).toBe('policy_connection_refused')
    } finally {
      client.close()
    }
  })

  it('a missing Unix socket → policy_connection_refused', async () => {
    const client = createPolicyClient({ url: 'http://policy', socketPath: '/nonexistent/kinitro-policy.sock' })
    try {
      expect((await callError(client.act(obs, ARM))).failure).toBe('policy_connection_refused')
    } finally {
      client.close()
    }
  })

  it('/reset answering 500 → policy_reset_failed; hanging → policy_timeout', async () => {
    const failing = await scriptedPolicy(() => {}, {
      reset: (_q, res) => {
        res.writeHead(500, { 'content-type': 'application/json' })
        res.end('{"detail":"boom"}')
      },
    })
    const hanging = await scriptedPolicy(() => {}, { reset: () => {} })
    const a = createPolicyClient(failing.endpoint)
    const b = createPolicyClient(hanging.endpoint, { limits: { resetTimeoutMs: ACT_TIMEOUT } })
    try {
      const e1 = await callError(a.reset({ envId: 'mujoco/reach-v1', taskName: 'reach' }))
      expect(e1.failure).toBe('policy_reset_failed')
      expect(e1.detail).toContain('500')
      const e2 = await within(callError(b.reset({ envId: 'mujoco/reach-v1', taskName: 'reach' })), NO_HANG_MS)
      expect([e2.failure, e2.op]).toEqual(['policy_timeout', 'reset'])
    } finally {
      a.close()
      b.close()
      await failing.close()
      await hanging.close()
    }
  })

  it('waitHealthy gives up with policy_health_failed on an unhealthy or hanging /health', async () => {
    const unhealthy = await scriptedPolicy(() => {}, {
      health: (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"status":"loading"}')
      },
    })
    const hanging = await scriptedPolicy(() => {}, { health: () => {} })
    const a = createPolicyClient(unhealthy.endpoint)
    const b = createPolicyClient(hanging.endpoint)
    try {
      const e1 = await within(callError(waitHealthy(a, { deadlineMs: 400, intervalMs: 50 })), NO_HANG_MS)
      expect(e1.failure).toBe('policy_health_failed')
      expect(e1.detail).toContain('loading')
      expect(unhealthy.requests['/health']).toBeGreaterThan(1)
      const e2 = await within(callError(waitHealthy(b, { deadlineMs: 400 })), NO_HANG_MS)
      expect(e2.failure).toBe('policy_health_failed')
    } finally {
      a.close()
      b.close()
      await unhealthy.close()
      await hanging.close()
    }
  })
})
