import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateMnemonic, HOTKEY_MNEMONIC_ENV, hotkeyFromMnemonic } from '#protocol'
import { WalletError } from '../../src/wallet/errors.js'
import { loadMinerHotkey } from '../../src/wallet/hotkey.js'
import { makeHotkey, tempDir } from './helpers.js'

async function failure(p: Promise<unknown>): Promise<WalletError> {
  try {
    await p
  } catch (err) {
    if (err instanceof WalletError) return err
    throw err
  }
  throw new Error('expected a WalletError')
}

describe('loadMinerHotkey', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeAll(() => {
    tmp = tempDir('kinitro-miner-wallet-')
  })
  afterAll(() => tmp?.cleanup())

  it('reads the btcli keyfile, resolving a relative wallets folder against the miner’s folder', async () => {
    const made = await makeHotkey(join(tmp.dir, 'wallets'), 'miner')
    const got = await loadMinerHotkey({ name: 'miner', hotkey: 'default', path: 'wallets' }, {}, { cwd: tmp.dir })
    expect(got.hotkey.ss58).toBe(made.ss58)
    expect(got).toMatchObject({ source: 'file', from: join(tmp.dir, 'wallets', 'miner', 'hotkeys', 'default') })
  })

  it('prefers KINITRO_HOTKEY_MNEMONIC over any file', async () => {
    const phrase = generateMnemonic()
    const got = await loadMinerHotkey(
      { name: 'absent', hotkey: 'default', path: tmp.dir },
      { [HOTKEY_MNEMONIC_ENV]: phrase },
    )
    expect(got).toMatchObject({ source: 'env', from: HOTKEY_MNEMONIC_ENV })
    expect(got.hotkey.ss58).toBe((await hotkeyFromMnemonic(phrase)).ss58)
  })

  it('MINER_WALLET_NOT_FOUND names the path tried and how to create the key', async () => {
    const err = await failure(loadMinerHotkey({ name: 'ghost', hotkey: 'hk', path: tmp.dir }, {}))
    expect(err.meta).toEqual({
      code: 'MINER_WALLET_NOT_FOUND',
      path: join(tmp.dir, 'ghost', 'hotkeys', 'hk'),
      wallet: 'ghost',
      hotkey: 'hk',
    })
    expect(err.message).toContain('kinitro keys create-hotkey --wallet ghost --hotkey hk')
    expect(err.message).toContain('btcli wallet new_hotkey --wallet.name ghost --wallet.hotkey hk')
  })

  it('MINER_WALLET_UNREADABLE for an encrypted keyfile, pointing at KINITRO_HOTKEY_MNEMONIC', async () => {
    const dir = join(tmp.dir, 'locked', 'hotkeys')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'default'), '$NACL\u0000sealed-bytes', { mode: 0o600 })
    const err = await failure(loadMinerHotkey({ name: 'locked', hotkey: 'default', path: tmp.dir }, {}))
    expect(err.meta).toMatchObject({ code: 'MINER_WALLET_UNREADABLE', identityCode: 'IDENTITY_HOTKEY_ENCRYPTED' })
    const { howToFix } = await import('#protocol')
    expect(howToFix('MINER_WALLET_UNREADABLE')).toContain('KINITRO_HOTKEY_MNEMONIC')
  })

  it('MINER_WALLET_MNEMONIC_INVALID when the environment holds no mnemonic', async () => {
    const err = await failure(
      loadMinerHotkey({ name: 'x', hotkey: 'y', path: tmp.dir }, { [HOTKEY_MNEMONIC_ENV]: 'not a real phrase' }),
    )
    expect(err.meta).toMatchObject({ code: 'MINER_WALLET_MNEMONIC_INVALID', words: 4 })
  })
})
