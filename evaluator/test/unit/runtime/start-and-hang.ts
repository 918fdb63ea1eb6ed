// Test helper process: start one policy with the process runtime, print its pid, then wait to be killed.
import { createProcessRuntime } from '../../../src/runtime/process-runtime.js'
import { POLICIES_DIR, ROOMY } from './helpers.js'

const sandbox = process.argv[2] === 'bubblewrap' ? 'bubblewrap' : 'none'
const runtime = createProcessRuntime({ sandbox, startTimeoutMs: 20_000 })
const handle = (await runtime.start(
  { dir: POLICIES_DIR, command: ['node', 'echo.mjs', '{port}'], label: 'orphan-test' },
  ROOMY,
)) as unknown as { pid: number }
process.stdout.write(`${JSON.stringify({ pid: handle.pid })}\n`)
setInterval(() => {}, 1 << 30)
