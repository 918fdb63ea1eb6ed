import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bwrapUnusable, groupAlive } from './helpers.js'

// A policy must not outlive the evaluator that started it (design §8: miner code is bounded): when the
// evaluator process is SIGKILLed (a crash, a killed test worker), the kernel kills the policy's outermost
// process (setpriv --pdeathsig) and bwrap takes the sandbox with it. Leftover policies would also keep
// holding the shared policy uid's process budget, which every later policy start draws from.

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const HELPER = fileURLToPath(new URL('./start-and-hang.ts', import.meta.url))
const skipBwrap = await bwrapUnusable()
const modes = ['none', ...(skipBwrap ? [] : ['bubblewrap'])]

describe.each(modes)('a policy started with sandbox=%s', (sandbox) => {
  it('dies with the evaluator process when that is SIGKILLed', { timeout: 60_000 }, async () => {
    const child = spawn(
      process.execPath,
      ['--import', './compat/promise-with-resolvers.mjs', '--import', 'tsx', '--conditions=source', HELPER, sandbox],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve)
        child.once('exit', (code) => reject(new Error(`helper exited with ${code} before starting the policy`)))
      })
      const { pid } = JSON.parse(line) as { pid: number }
      expect(groupAlive(pid), 'policy running').toBe(true)
      child.kill('SIGKILL')
      await expect.poll(() => groupAlive(pid), { timeout: 15_000, interval: 200 }).toBe(false)
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
  })
})
