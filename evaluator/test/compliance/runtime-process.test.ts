import { createProcessRuntime } from '../../src/runtime/process-runtime.js'
import { POLICIES_DIR, ROOMY } from '../unit/runtime/helpers.js'
import { runtimeSuite, unreachable } from './runtime.suite.js'

runtimeSuite('process (no sandbox)', async () => ({
  runtime: createProcessRuntime({ sandbox: 'none', startTimeoutMs: 10_000 }),
  good: (label) => ({ dir: POLICIES_DIR, command: ['node', 'echo.mjs', '{port}'], label }),
  broken: (label) => ({ dir: POLICIES_DIR, command: ['node', 'exits-at-once.mjs'], label }),
  slow: (label) => ({ dir: POLICIES_DIR, command: ['node', 'unhealthy.mjs', '{port}'], label }),
  limits: ROOMY,
  gone: unreachable,
}))
