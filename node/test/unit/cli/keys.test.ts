import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { hotkeyFromMnemonic, loadHotkey, loadNodeKey } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { keysCommand } from '../../../src/cli/keys.js'
import { type CommandRun, runCommand } from './run-command.js'

// Runs `kinitro keys <args>` in-process with captured output; commander's exits become results.
const run = (...args: string[]): Promise<CommandRun> => runCommand((io) => keysCommand(io), args)

const dirs: TempDir[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup()
})
function tempDir(): string {
  const tmp = makeTempDir('kinitro-keys-cli-')
  dirs.push(tmp)
  return tmp.dir
}

describe('kinitro keys create-hotkey / show-hotkey', () => {
  it('creates a btcli hotkey, prints its address and the mnemonic once, and shows it back', async () => {
    const path = tempDir()
    const created = await run('create-hotkey', '--wallet', 'v', '--hotkey', 'default', '--wallets-path', path)
    expect(created.exitCode).toBe(0)
    const ss58 = /ss58:\s+(5\w{47})/.exec(created.out)?.[1]
    const mnemonic = /mnemonic: (.+)/.exec(created.out)?.[1]
    expect(ss58).toBeDefined()
    expect(created.out).toContain('IMPORTANT')
    expect((await hotkeyFromMnemonic(mnemonic!)).ss58).toBe(ss58)
    const file = join(path, 'v', 'hotkeys', 'default')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await loadHotkey({ wallet: 'v', hotkey: 'default', path })).ss58).toBe(ss58)

    const shown = await run('show-hotkey', '--wallet', 'v', '--hotkey', 'default', '--wallets-path', path)
    expect(shown.exitCode).toBe(0)
    expect(shown.out).toContain(ss58)
    expect(shown.out).toContain(file)
    const secrets = JSON.parse(await readFile(file, 'utf8'))
    for (const s of [mnemonic!, secrets.secretSeed.slice(2), secrets.privateKey.slice(2)]) {
      expect(shown.out + shown.err).not.toContain(s)
    }
  })

  it('--json output for create and show', async () => {
    const path = tempDir()
    const created = await run('create-hotkey', '--wallet', 'w', '--hotkey', 'h', '--wallets-path', path, '--json')
    const doc = JSON.parse(created.out)
    expect(doc).toMatchObject({ wallet: 'w', hotkey: 'h', file: join(path, 'w', 'hotkeys', 'h') })
    expect((await hotkeyFromMnemonic(doc.mnemonic)).ss58).toBe(doc.ss58)
    expect(created.err).toContain('IMPORTANT')
    const shown = JSON.parse(
      (await run('show-hotkey', '--wallet', 'w', '--hotkey', 'h', '--wallets-path', path, '--json')).out,
    )
    expect(shown).toEqual({ wallet: 'w', hotkey: 'h', path, ss58: doc.ss58, publicKey: doc.publicKey, file: doc.file })
  })

  it('refuses to overwrite without --force (exit 1, code and fix), overwrites with it', async () => {
    const path = tempDir()
    const args = ['create-hotkey', '--wallet', 'w', '--hotkey', 'h', '--wallets-path', path, '--json']
    const first = JSON.parse((await run(...args)).out)
    const again = await run(...args)
    expect(again.exitCode).toBe(1)
    expect(again.err).toContain('IDENTITY_KEY_FILE_EXISTS')
    expect(again.err).toContain('how to fix: ')
    expect(again.err).toContain('--force')
    expect((await loadHotkey({ wallet: 'w', hotkey: 'h', path })).ss58).toBe(first.ss58)
    const forced = JSON.parse((await run(...args, '--force')).out)
    expect(forced.ss58).not.toBe(first.ss58)
  })

  it('show-hotkey errors: missing file and encrypted file, each with its fix', async () => {
    const path = tempDir()
    const missing = await run('show-hotkey', '--wallet', 'w', '--hotkey', 'h', '--wallets-path', path)
    expect(missing.exitCode).toBe(1)
    expect(missing.err).toContain('error IDENTITY_KEY_FILE_NOT_FOUND')
    await mkdir(join(path, 'w', 'hotkeys'), { recursive: true })
    await writeFile(join(path, 'w', 'hotkeys', 'h'), '$NACL0123456789', { mode: 0o600 })
    const encrypted = await run('show-hotkey', '--wallet', 'w', '--hotkey', 'h', '--wallets-path', path)
    expect(encrypted.exitCode).toBe(1)
    expect(encrypted.err).toContain('error IDENTITY_HOTKEY_ENCRYPTED')
    expect(encrypted.err).toContain('btcli wallet regen-hotkey --no-use-password')
    expect(encrypted.err).toContain('KINITRO_HOTKEY_MNEMONIC')
  })

  it('warns on stderr when the hotkey file is readable by others', async () => {
    const path = tempDir()
    await run('create-hotkey', '--wallet', 'w', '--hotkey', 'h', '--wallets-path', path)
    await chmod(join(path, 'w', 'hotkeys', 'h'), 0o644)
    const shown = await run('show-hotkey', '--wallet', 'w', '--hotkey', 'h', '--wallets-path', path)
    expect(shown.exitCode).toBe(0)
    expect(shown.err).toContain('IDENTITY_KEY_FILE_INSECURE')
    expect(shown.err).toContain('chmod 600')
  })

  it('a missing required option is a usage error', async () => {
    const r = await run('create-hotkey', '--wallet', 'w')
    expect(r.exitCode).toBe(1)
    expect(r.err).toContain('--hotkey')
  })
})

describe('kinitro keys create-node-key / show-node-key', () => {
  it('creates a node key file and shows the same peer id', async () => {
    const file = join(tempDir(), 'node.key')
    const created = await run('create-node-key', '--out', file, '--json')
    expect(created.exitCode).toBe(0)
    const doc = JSON.parse(created.out)
    expect(doc.peerId).toBe((await loadNodeKey(file)).peerId.toString())
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const shown = await run('show-node-key', '--file', file)
    expect(shown.out).toContain(doc.peerId)
    expect(shown.out).toContain(doc.publicKey)
  })

  it('refuses to overwrite without --force, and reports malformed files', async () => {
    const file = join(tempDir(), 'node.key')
    const first = JSON.parse((await run('create-node-key', '--out', file, '--json')).out)
    const again = await run('create-node-key', '--out', file)
    expect(again.exitCode).toBe(1)
    expect(again.err).toContain('IDENTITY_KEY_FILE_EXISTS')
    expect((await loadNodeKey(file)).peerId.toString()).toBe(first.peerId)
    const forced = JSON.parse((await run('create-node-key', '--out', file, '--force', '--json')).out)
    expect(forced.peerId).not.toBe(first.peerId)
    await writeFile(file, 'junk', { mode: 0o600 })
    const bad = await run('show-node-key', '--file', file)
    expect(bad.exitCode).toBe(1)
    expect(bad.err).toContain('IDENTITY_NODE_KEY_MALFORMED')
    expect(bad.err).toContain('create-node-key')
  })
})

describe('kinitro keys dev-accounts', () => {
  it('lists the dev URIs with their addresses', async () => {
    const table = await run('dev-accounts')
    expect(table.out).toMatch(/Alice\s+\/\/Alice\s+5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY/)
    expect(table.out.trim().split('\n')).toHaveLength(6)
    expect(table.err).toContain('dev chain only')
    const json = JSON.parse((await run('dev-accounts', '--json')).out)
    expect(json[1]).toEqual({ name: 'Bob', uri: '//Bob', ss58: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty' })
  })
})
