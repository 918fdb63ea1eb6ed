import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../utils/spawn.js'

// The README's commands start with `npx kinitro …` in a checkout after `npm ci`. npm 11 runs a root
// package's own bin by installing the checkout into its npx cache, which fails; the command must come
// from node_modules/.bin (the `bin/` workspace). This runs it the way the README does.
const run = promisify(execFile)
const PKG = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string
  bin?: unknown
  workspaces?: string[]
}

describe('npx kinitro in a checkout', () => {
  it('runs the checkout’s command: the root manifest has no bin, the bin/ workspace links it', async () => {
    expect(PKG.bin).toBeUndefined()
    expect(PKG.workspaces).toContain('bin')
    const { stdout } = await run('npx', ['kinitro', '--version'], { cwd: REPO_ROOT, timeout: 120_000 })
    expect(stdout.trim()).toBe(PKG.version)
  }, 150_000)
})
