import { describe, expect, it } from 'vitest'
import type { TaskConfig } from '../../../src/env/types.js'
import { createPolicyClient } from '../../../src/policy/client.js'
import type { PolicyResetConfig } from '../../../src/policy/types.js'
import { type RecordedRequest, recordingPolicy } from '../../utils/bad-policies.js'
import { ARM, makeObservation, TWO_CAMERAS } from './helpers.js'

// Seeds and task ids never leave the validator (design §5): a policy that saw them could precompute
// the episode. This scans every byte the client sends, including decoded image payloads.

const SEED = 2868838401
const TASK: TaskConfig = { envId: 'mujoco/reach-v1', taskId: 'reach-7', seed: SEED, params: { goal: 'far' } }

function needles(seed: number): Buffer[] {
  const be = Buffer.alloc(4)
  be.writeUInt32BE(seed)
  const le = Buffer.alloc(4)
  le.writeUInt32LE(seed)
  const hex = seed.toString(16)
  return [String(seed), hex, hex.toUpperCase(), `0x${hex}`].map((s) => Buffer.from(s)).concat([be, le])
}

/** Everything a request carried: head, body, and every base64 image in it decoded to raw bytes. */
function haystacks(req: RecordedRequest): Buffer[] {
  const out = [Buffer.from(req.head), req.body]
  const text = req.body.toString('utf8')
  for (const m of text.matchAll(/"data":"([A-Za-z0-9+/=]+)"/g)) out.push(Buffer.from(m[1] as string, 'base64'))
  return out
}

function leaks(recorded: RecordedRequest[], seed: number): string[] {
  const found: string[] = []
  for (const req of recorded) {
    for (const hay of haystacks(req)) {
      for (const n of needles(seed))
        if (hay.includes(n)) found.push(`${req.head.split('\r\n')[0]}: ${n.toString('hex')}`)
    }
  }
  return found
}

describe('nothing sent to a policy carries the episode seed or task id', () => {
  it('health, reset (given the full task config) and 10 acts with cameras are clean', async () => {
    const rec = await recordingPolicy()
    const client = createPolicyClient(rec.endpoint)
    try {
      await client.health()
      // A careless caller hands over the whole TaskConfig; the client must still send only the three names.
      await client.reset({ ...TASK, taskName: 'reach' } as unknown as PolicyResetConfig)
      const obs = makeObservation(TWO_CAMERAS, { task_prompt: 'reach the red goal' })
      for (let i = 0; i < 10; i++) await client.act(obs, ARM)
      expect(rec.recorded).toHaveLength(12)
      expect(leaks(rec.recorded, SEED)).toEqual([])
      const all = Buffer.concat(rec.recorded.flatMap(haystacks)).toString('latin1')
      expect(all).not.toContain(TASK.taskId)
      expect(all).not.toContain('"seed"')
    } finally {
      client.close()
      await rec.close()
    }
  })

  it('the scan finds the seed when it does leak (control)', async () => {
    const rec = await recordingPolicy()
    const client = createPolicyClient(rec.endpoint)
    try {
      const obs = makeObservation([], { oops: SEED })
      await client.act(obs, ARM)
      const be = Buffer.alloc(4)
      be.writeUInt32BE(SEED)
      obs.rgb.leak = { data: new Uint8Array(be), shape: [1, 4, 1], dtype: 'uint8' }
      obs.extra = {}
      await client.act(obs, ARM)
      const found = leaks(rec.recorded, SEED)
      expect(found.some((f) => f.includes(Buffer.from(String(SEED)).toString('hex')))).toBe(true)
      expect(found.some((f) => f.endsWith(be.toString('hex')))).toBe(true)
    } finally {
      client.close()
      await rec.close()
    }
  })
})
