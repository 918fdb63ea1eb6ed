import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { RuntimeError } from '../../../src/runtime/errors.js'
import { httpGet } from '../../../src/runtime/health.js'
import type { ProcessPolicyHandle } from '../../../src/runtime/process-handle.js'
import { createProcessRuntime } from '../../../src/runtime/process-runtime.js'
import type { PolicyHandle, Runtime } from '../../../src/runtime/types.js'
import { DEFAULT_UID_RANGE, heldUids } from '../../../src/runtime/uid-pool.js'
import { bwrapUnusable, POLICIES_DIR, ROOMY } from './helpers.js'

// A uid per policy (root only: nobody else can switch uids). RLIMIT_NPROC counts every process of a uid on
// the host, so under one shared uid a fork-bombing policy used up every other policy's process budget.

const IS_ROOT = process.getuid?.() === 0
const skipBwrap = await bwrapUnusable()
const modes = [{ sandbox: 'none' as const }, ...(skipBwrap ? [] : [{ sandbox: 'bubblewrap' as const }])]
const MAX_PROCESSES = 40
const FORK_ATTEMPTS = 400 // hostile.mjs's bound

const source = (file: string, ...args: string[]) => ({
  dir: POLICIES_DIR,
  command: ['node', file, '{port}', ...args],
  label: 'uid-test',
})

/** The real uid the kernel runs `pid` as. */
function realUid(pid: number): number {
  const line = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))
  return Number(line?.[1])
}

interface ForkCount {
  started: number
  failed: number
  lastError: string
}

/** hostile.mjs fork mode's tally once every attempt has an outcome (bounded poll, not a timing claim). */
async function forkTally(handle: PolicyHandle): Promise<ForkCount> {
  let count: ForkCount = { started: 0, failed: 0, lastError: '' }
  for (let i = 0; i < 200 && count.started + count.failed < FORK_ATTEMPTS; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    count = JSON.parse((await httpGet(handle.endpoint, '/count', 5_000)).body)
  }
  return count
}

describe.skipIf(!IS_ROOT).each(modes)('a uid per policy, sandbox=$sandbox', ({ sandbox }) => {
  const runtime: Runtime = createProcessRuntime({ sandbox, startTimeoutMs: 15_000 })
  afterAll(() => runtime.close())

  it('runs two policies started at once as two pooled uids, each released by its stop', async () => {
    const [a, b] = (await Promise.all([
      runtime.start(source('echo.mjs'), ROOMY),
      runtime.start(source('echo.mjs'), ROOMY),
    ])) as ProcessPolicyHandle[]
    const uids = [a?.uid, b?.uid] as number[]
    expect(uids[0]).not.toBe(uids[1])
    for (const [i, handle] of [a, b].entries()) {
      const uid = uids[i] as number
      expect(uid).toBeGreaterThanOrEqual(DEFAULT_UID_RANGE.first)
      expect(uid).toBeLessThan(DEFAULT_UID_RANGE.first + DEFAULT_UID_RANGE.count)
      // What the kernel counts: the policy's outermost process (bwrap, or the policy itself) runs as it.
      expect(realUid(handle?.pid as number), `policy ${i}`).toBe(uid)
      expect(heldUids().has(uid)).toBe(true)
    }
    await a?.stop()
    expect(heldUids().has(uids[0] as number)).toBe(false)
    expect(heldUids().has(uids[1] as number)).toBe(true)
    await b?.stop()
    expect(heldUids().has(uids[1] as number)).toBe(false)
  })

  it('releases the uid of a policy that fails to start, and of every policy when the runtime closes', async () => {
    const before = heldUids()
    const err = await runtime.start(source('exits-at-once.mjs'), ROOMY).catch((e: unknown) => e)
    expect((err as RuntimeError).code).toBe('EVAL_RUNTIME_POLICY_START_FAILED')
    expect(heldUids()).toEqual(before)

    const rt = createProcessRuntime({ sandbox, startTimeoutMs: 15_000 })
    const handles = (await Promise.all([
      rt.start(source('echo.mjs'), ROOMY),
      rt.start(source('echo.mjs'), ROOMY),
    ])) as ProcessPolicyHandle[]
    await rt.close()
    for (const h of handles) expect(heldUids().has(h.uid as number)).toBe(false)
  })

  it('a fork bomb in one policy leaves a second policy running next to it its own process budget', async () => {
    const limits = { ...ROOMY, maxProcesses: MAX_PROCESSES }
    const bomb = await runtime.start(source('hostile.mjs', 'fork'), limits)
    const bombed = await forkTally(bomb)
    expect(bombed.started).toBeLessThan(MAX_PROCESSES)
    expect(bombed.lastError).toBe('EAGAIN')
    // The bomb's children (sleep 60) still hold its budget while the second policy starts and forks.
    const second = await runtime.start(source('hostile.mjs', 'fork'), limits)
    const count = await forkTally(second)
    expect(count.started, JSON.stringify(count)).toBeGreaterThan(0)
    expect(count.started).toBeLessThan(MAX_PROCESSES)
    expect(count.lastError).toBe('EAGAIN')
    expect((second as ProcessPolicyHandle).uid).not.toBe((bomb as ProcessPolicyHandle).uid)
    await Promise.all([bomb.stop(), second.stop()])
  })

  // The control: what the test above guards against. Plain processes only: inside bubblewrap, kernels since
  // 5.14 count the limit per user namespace, so one shared uid starved no one there (measured, 6.18).
  it.runIf(sandbox === 'none')(
    'control: under one shared uid (runAsUid), the same bomb starves the second policy',
    async () => {
      const shared = 63_000 + (process.pid % 1_000)
      const rt = createProcessRuntime({ sandbox, startTimeoutMs: 15_000, runAsUid: shared })
      try {
        const limits = { ...ROOMY, maxProcesses: MAX_PROCESSES }
        const bomb = await rt.start(source('hostile.mjs', 'fork'), limits)
        expect((await forkTally(bomb)).lastError).toBe('EAGAIN')
        const second = await rt.start(source('hostile.mjs', 'fork'), limits).catch((e: unknown) => e)
        if (second instanceof RuntimeError) {
          expect(second.meta.failure).toBe('policy_start_failed')
        } else {
          expect((await forkTally(second as PolicyHandle)).started).toBe(0)
        }
      } finally {
        await rt.close()
      }
    },
  )
})
