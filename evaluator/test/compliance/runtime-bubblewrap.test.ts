import { describe, it } from 'vitest'
import { createProcessRuntime } from '../../src/runtime/process-runtime.js'
import { bwrapUnusable, POLICIES_DIR, ROOMY } from '../unit/runtime/helpers.js'
import { runtimeSuite, unreachable } from './runtime.suite.js'

const skip = await bwrapUnusable()
if (skip) {
  describe('Runtime compliance: bubblewrap', () => {
    it.skip(`skipped: ${skip}`, () => {})
  })
} else {
  runtimeSuite('bubblewrap', async () => ({
    runtime: createProcessRuntime({ sandbox: 'bubblewrap', startTimeoutMs: 10_000 }),
    good: (label) => ({ dir: POLICIES_DIR, command: ['node', 'echo.mjs', '{port}'], label }),
    broken: (label) => ({ dir: POLICIES_DIR, command: ['node', 'exits-at-once.mjs'], label }),
    slow: (label) => ({ dir: POLICIES_DIR, command: ['node', 'unhealthy.mjs', '{port}'], label }),
    limits: ROOMY,
    gone: unreachable,
  }))
}
