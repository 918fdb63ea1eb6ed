import { describe, expect, it } from 'vitest'
import { spawnLines, TS_NODE_ARGS } from '../../../../test/utils/spawn.js'
import { EXIT_WITH_PARENT_ENV } from '../../../src/cli/lifecycle.js'

// `node run` / `indexer run` under a supervisor (the devnet, systemd): a stop signal must end the process by
// itself, soon, with a code that says how the stop went. Before, a node held its supervisor's stdin pipe
// after stopping and never exited; the devnet killed every node 20 s later.
const CHILD = 'protocol/test/unit/cli/lifecycle-child.ts'
// A guard against a hung child, not a timing claim.
const GUARD_MS = 60_000

function start(mode: string, env: Record<string, string> = { [EXIT_WITH_PARENT_ENV]: '1' }) {
  const c = spawnLines(process.execPath, [...TS_NODE_ARGS, CHILD, mode], { env, stdin: 'pipe' })
  const guard = setTimeout(() => void c.crash(), GUARD_MS)
  void c.exited.then(() => clearTimeout(guard))
  return c
}

describe('runUntilStopped', () => {
  it('exits 0 after a graceful stop on SIGTERM, letting go of the supervisor pipe', async () => {
    const c = start('clean')
    await c.waitForLine((l) => l === 'ready', GUARD_MS)
    c.child.kill('SIGTERM')
    expect(await c.exited).toEqual({ code: 0, signal: null })
    expect(c.lines).toEqual(['ready', 'stopped', 'returned'])
  }, 90_000)

  it('exits after the stop even when a handle stays open', async () => {
    const c = start('linger', {})
    await c.waitForLine((l) => l === 'ready', GUARD_MS)
    c.child.kill('SIGINT')
    expect(await c.exited).toEqual({ code: 0, signal: null })
    expect(c.lines).toContain('stopped')
  }, 90_000)

  it('stops when the supervisor goes away (its pipe closes)', async () => {
    const c = start('clean')
    await c.waitForLine((l) => l === 'ready', GUARD_MS)
    c.child.stdin?.end()
    expect(await c.exited).toEqual({ code: 0, signal: null })
    expect(c.stderr()).toContain('supervisor gone')
  }, 90_000)

  it('exits 1 when the graceful stop fails, saying why', async () => {
    const c = start('fail')
    await c.waitForLine((l) => l === 'ready', GUARD_MS)
    c.child.kill('SIGTERM')
    expect(await c.exited, c.stderr()).toEqual({ code: 1, signal: null })
    expect(c.stderr()).toContain('stop failed: Error: store would not close')
  }, 90_000)
})
