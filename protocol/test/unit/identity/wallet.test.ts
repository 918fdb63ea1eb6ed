import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { HOTKEY_MNEMONIC_ENV } from '../../../src/identity/constants.js'
import { hotkeyFilePaths, loadHotkey, resolveHotkey, writeHotkeyFile } from '../../../src/identity/wallet.js'
import { silentLogger } from '../../../src/logger.js'
import { expectCode, tempDir } from './helpers.js'

const EXAMPLE = new URL('./fixtures/btcli-hotkey-example.json', import.meta.url)
const EXAMPLE_SS58 = '5E6xfU3oNU7y1a7pQwoc31fmUjwBZ2gKcNCw8EXsdtCQieUQ'
const EXAMPLE_PHRASE = 'inform sell fitness extra kitten unit hood glass window law spider desk'

async function placeExample(path: string, mode = 0o600): Promise<void> {
  const dir = join(path, 'offline', 'hotkeys')
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'test'), await readFile(EXAMPLE), { mode })
  await chmod(join(dir, 'test'), mode)
}

const modeOf = async (p: string) => (await stat(p)).mode & 0o777

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('loadHotkey', () => {
  it('reads <path>/<wallet>/hotkeys/<hotkey> as btcli wrote it', async () => {
    const path = tempDir()
    await placeExample(path)
    const hotkey = await loadHotkey({ wallet: 'offline', hotkey: 'test', path })
    expect(hotkey.ss58).toBe(EXAMPLE_SS58)
  })

  it('expands ~ to the home directory, including in the default path', async () => {
    const home = tempDir()
    vi.stubEnv('HOME', home)
    await placeExample(join(home, '.bittensor', 'wallets'))
    expect((await loadHotkey({ wallet: 'offline', hotkey: 'test' })).ss58).toBe(EXAMPLE_SS58)
    expect((await loadHotkey({ wallet: 'offline', hotkey: 'test', path: '~/.bittensor/wallets' })).ss58).toBe(
      EXAMPLE_SS58,
    )
    expect(hotkeyFilePaths({ wallet: 'w', hotkey: 'h' }).file).toBe(join(home, '.bittensor/wallets/w/hotkeys/h'))
  })

  it('IDENTITY_KEY_FILE_NOT_FOUND when the wallet or hotkey does not exist', async () => {
    const path = tempDir()
    const err = await expectCode(() => loadHotkey({ wallet: 'nope', hotkey: 'h', path }), 'IDENTITY_KEY_FILE_NOT_FOUND')
    expect(err.meta).toMatchObject({ kind: 'hotkey', path: join(path, 'nope', 'hotkeys', 'h') })
  })

  it('IDENTITY_KEY_FILE_UNREADABLE when the path is not a regular file', async () => {
    const path = tempDir()
    await mkdir(join(path, 'w', 'hotkeys', 'h'), { recursive: true })
    await expectCode(() => loadHotkey({ wallet: 'w', hotkey: 'h', path }), 'IDENTITY_KEY_FILE_UNREADABLE')
  })

  it('warns with IDENTITY_KEY_FILE_INSECURE when group or others can read the file, and refuses when strict', async () => {
    const path = tempDir()
    await placeExample(path, 0o644)
    const warn = vi.fn()
    const logger = { ...silentLogger, warn }
    expect((await loadHotkey({ wallet: 'offline', hotkey: 'test', path, logger })).ss58).toBe(EXAMPLE_SS58)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![1]).toMatchObject({ code: 'IDENTITY_KEY_FILE_INSECURE', mode: '0644' })
    const strict = { wallet: 'offline', hotkey: 'test', path, strictPermissions: true }
    await expectCode(() => loadHotkey(strict), 'IDENTITY_KEY_FILE_INSECURE')

    warn.mockClear()
    await chmod(join(path, 'offline', 'hotkeys', 'test'), 0o600)
    await loadHotkey({ ...strict, logger })
    expect(warn).not.toHaveBeenCalled()
  })

  it('IDENTITY_HOTKEY_ENCRYPTED for an encrypted hotkey file, naming a way out', async () => {
    const path = tempDir()
    await mkdir(join(path, 'w', 'hotkeys'), { recursive: true })
    await writeFile(join(path, 'w', 'hotkeys', 'h'), Buffer.concat([Buffer.from('$NACL'), Buffer.alloc(40, 1)]), {
      mode: 0o600,
    })
    await expectCode(() => loadHotkey({ wallet: 'w', hotkey: 'h', path }), 'IDENTITY_HOTKEY_ENCRYPTED')
  })

  it('IDENTITY_WALLET_NAME_INVALID for names that would leave the wallet tree', async () => {
    for (const name of ['', '..', '../x', 'a/b', 'a\\b', '.hidden', 'a\u0000b']) {
      await expectCode(() => loadHotkey({ wallet: name, hotkey: 'h' }), 'IDENTITY_WALLET_NAME_INVALID')
      await expectCode(() => loadHotkey({ wallet: 'w', hotkey: name }), 'IDENTITY_WALLET_NAME_INVALID')
    }
  })
})

describe('writeHotkeyFile', () => {
  it('writes a btcli-compatible keyfile (0600) and pub sidecar, in a 0700 directory, that loads back', async () => {
    const path = join(tempDir(), 'wallets')
    const out = await writeHotkeyFile({ wallet: 'v', hotkey: 'default', path, secret: { mnemonic: EXAMPLE_PHRASE } })
    expect(out.file).toBe(join(path, 'v', 'hotkeys', 'default'))
    expect(out.pubFile).toBe(join(path, 'v', 'hotkeys', 'defaultpub.txt'))
    expect(out.hotkey.ss58).toBe(EXAMPLE_SS58)
    expect(JSON.parse(await readFile(out.file, 'utf8'))).toEqual(JSON.parse(await readFile(EXAMPLE, 'utf8')))
    expect(JSON.parse(await readFile(out.pubFile, 'utf8'))).toEqual({
      accountId: '0x5a30cd5517328838f69ed48531894d94e9f231dff241e1561260a8522a167731',
      publicKey: '0x5a30cd5517328838f69ed48531894d94e9f231dff241e1561260a8522a167731',
      ss58Address: EXAMPLE_SS58,
    })
    expect(await modeOf(out.file)).toBe(0o600)
    expect(await modeOf(join(path, 'v', 'hotkeys'))).toBe(0o700)
    expect(await modeOf(join(path, 'v'))).toBe(0o700)
    const warn = vi.fn()
    const loaded = await loadHotkey({ wallet: 'v', hotkey: 'default', path, logger: { ...silentLogger, warn } })
    expect(loaded.ss58).toBe(EXAMPLE_SS58)
    expect(warn).not.toHaveBeenCalled()
  })

  it('IDENTITY_KEY_FILE_EXISTS instead of overwriting, unless forced', async () => {
    const path = tempDir()
    const first = await writeHotkeyFile({ wallet: 'w', hotkey: 'h', path, secret: { mnemonic: EXAMPLE_PHRASE } })
    const before = await readFile(first.file, 'utf8')
    const other = { seed: `0x${'11'.repeat(32)}` }
    const err = await expectCode(
      () => writeHotkeyFile({ wallet: 'w', hotkey: 'h', path, secret: other }),
      'IDENTITY_KEY_FILE_EXISTS',
    )
    expect(err.meta).toMatchObject({ kind: 'hotkey', path: first.file })
    expect(await readFile(first.file, 'utf8')).toBe(before)
    const forced = await writeHotkeyFile({ wallet: 'w', hotkey: 'h', path, secret: other, force: true })
    expect(forced.hotkey.ss58).not.toBe(first.hotkey.ss58)
    expect((await loadHotkey({ wallet: 'w', hotkey: 'h', path })).ss58).toBe(forced.hotkey.ss58)
    expect(JSON.parse(await readFile(forced.pubFile, 'utf8')).ss58Address).toBe(forced.hotkey.ss58)
  })
})

describe('resolveHotkey', () => {
  it(`uses ${HOTKEY_MNEMONIC_ENV} when set, the wallet file otherwise`, async () => {
    const path = tempDir()
    const fromEnv = await resolveHotkey({
      wallet: 'none',
      hotkey: 'h',
      path,
      env: { [HOTKEY_MNEMONIC_ENV]: EXAMPLE_PHRASE },
    })
    expect(fromEnv).toMatchObject({ source: 'env', env: HOTKEY_MNEMONIC_ENV })
    expect(fromEnv.hotkey.ss58).toBe(EXAMPLE_SS58)
    await placeExample(path)
    const fromFile = await resolveHotkey({
      wallet: 'offline',
      hotkey: 'test',
      path,
      env: { [HOTKEY_MNEMONIC_ENV]: ' ' },
    })
    expect(fromFile).toMatchObject({ source: 'file', file: join(path, 'offline', 'hotkeys', 'test') })
    await expectCode(() => resolveHotkey({ wallet: 'none', hotkey: 'h', path, env: {} }), 'IDENTITY_KEY_FILE_NOT_FOUND')
  })
})
