import { writeFileSync } from 'node:fs'
import { CommanderError } from 'commander'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nodeCommand } from '#node'
import { howToFix } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { STATUS_INTERVAL_BLOCKS } from '../../../src/node/worker.js'

async function run(argv: string[], stderr: string[] = []): Promise<string> {
  const lines: string[] = []
  const spy = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s)))
  const cmd = nodeCommand()
  for (const c of [cmd, ...cmd.commands]) {
    c.exitOverride().configureOutput({ writeErr: (s) => void stderr.push(s) })
  }
  try {
    await cmd.parseAsync(argv, { from: 'user' })
  } finally {
    spy.mockRestore()
  }
  return lines.join('\n')
}

describe('kinitro node config', () => {
  const dirs: TempDir[] = []
  afterEach(() => {
    vi.unstubAllEnvs()
    for (const d of dirs.splice(0)) d.cleanup()
  })
  const tomlPath = () => {
    const tmp = makeTempDir('kinitro-node-cli-')
    dirs.push(tmp)
    return tmp.file('node.toml')
  }

  it('merges file, env and flags and reports each origin', async () => {
    const file = tomlPath()
    writeFileSync(file, 'netuid = 5\n[wallet]\nname = "file-wallet"\n')
    vi.stubEnv('KINITRO_WALLET_HOTKEY', 'env-hot')
    const out = JSON.parse(await run(['config', '--config', file, '--store-synchronous', 'NORMAL', '--json']))
    expect(out.config).toMatchObject({
      netuid: 5,
      wallet: { name: 'file-wallet', hotkey: 'env-hot' },
      store: { synchronous: 'NORMAL' },
    })
    expect(out.origin).toMatchObject({ netuid: 'file', 'wallet.hotkey': 'env', 'store.synchronous': 'flag' })
  })

  it('fails with CONFIG_INVALID naming the env variable, and says how to fix it', async () => {
    vi.stubEnv('KINITRO_NETUID', 'seven')
    const stderr: string[] = []
    const err = await run(['config'], stderr).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CommanderError)
    expect((err as CommanderError).code).toBe('CONFIG_INVALID')
    expect((err as CommanderError).exitCode).toBe(1)
    const text = stderr.join('')
    expect(text).toContain('error CONFIG_INVALID')
    expect(text).toContain('netuid = "seven" (from env KINITRO_NETUID)')
    expect(text).toContain(`how to fix: ${howToFix('CONFIG_INVALID')}`)
  })

  it('refuses a take-over silence a healthy job would break: statuses go out every few blocks', async () => {
    const file = tomlPath()
    writeFileSync(file, `[jobs]\nsilenceBlocks = ${STATUS_INTERVAL_BLOCKS}\n[mesh]\nmaxConnections = 1024\n`)
    const stderr: string[] = []
    const err = await run(['config', '--config', file], stderr).catch((e: unknown) => e)
    expect((err as CommanderError).code).toBe('CONFIG_INVALID')
    expect(stderr.join('')).toContain('jobs.silenceBlocks')
    writeFileSync(file, `[jobs]\nsilenceBlocks = ${2 * STATUS_INTERVAL_BLOCKS}\n[mesh]\nmaxConnections = 1024\n`)
    const out = JSON.parse(await run(['config', '--config', file, '--json']))
    expect(out.config).toMatchObject({ jobs: { silenceBlocks: 10 }, mesh: { maxConnections: 1024 } })
  })

  it('prints no credentials: URL userinfo in a config dump is redacted', async () => {
    vi.stubEnv('KINITRO_CHAIN_URL', 'wss://alice:s3cret@rpc.example/ws')
    const text = await run(['config'])
    const json = await run(['config', '--json'])
    for (const out of [text, json]) {
      expect(out).not.toContain('s3cret')
      expect(out).toContain('wss://[redacted]@rpc.example/ws')
    }
  })
})
