import { chmodSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createNodeKey, type Logger, saveNodeKey, silentLogger, writeHotkeyFile } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { loadNodeKeys } from '../../../src/cli/node-run.js'
import { nodeConfigSchema } from '../../../src/options.js'

// The same public test phrase as the identity tests: no funds, never a real key.
const PHRASE = 'inform sell fitness extra kitten unit hood glass window law spider desk'

describe('a validator key file readable by others', () => {
  let tmp: TempDir | undefined
  afterEach(() => {
    tmp?.cleanup()
    vi.unstubAllEnvs()
  })

  async function setup(mode: number) {
    tmp = makeTempDir('kinitro-node-keys-')
    const dataDir = tmp.file('data')
    const wallets = tmp.file('wallets')
    const nodeKey = tmp.file('node.key')
    await saveNodeKey(nodeKey, await createNodeKey())
    const { file } = await writeHotkeyFile({ wallet: 'v', hotkey: 'h', path: wallets, secret: { mnemonic: PHRASE } })
    chmodSync(nodeKey, mode)
    chmodSync(file, mode)
    // The env mnemonic would bypass the wallet file.
    vi.stubEnv('KINITRO_HOTKEY_MNEMONIC', '')
    const config = (strictPermissions: boolean) =>
      nodeConfigSchema.parse({
        dataDir,
        keys: { nodeKey, strictPermissions },
        wallet: { name: 'v', hotkey: 'h', path: wallets },
      })
    return { config, files: [nodeKey, file] }
  }

  function recording(): { log: Logger; warnings: Record<string, unknown>[] } {
    const warnings: Record<string, unknown>[] = []
    const log: Logger = { ...silentLogger, warn: (_msg, ctx) => void warnings.push(ctx ?? {}), child: () => log }
    return { log, warnings }
  }

  it('is logged with IDENTITY_KEY_FILE_INSECURE for the node key and the hotkey, and still loads', async () => {
    const { config, files } = await setup(0o644)
    const { log, warnings } = recording()
    const keys = await loadNodeKeys(config(false), log)
    expect(keys.hotkey.ss58).toMatch(/^5/u)
    expect(warnings.map((w) => [w.code, w.path, w.mode])).toEqual(
      files.map((f) => ['IDENTITY_KEY_FILE_INSECURE', f, '0644']),
    )
  })

  it('is refused with keys.strictPermissions', async () => {
    const { config } = await setup(0o640)
    await expect(loadNodeKeys(config(true), silentLogger)).rejects.toMatchObject({ code: 'IDENTITY_KEY_FILE_INSECURE' })
  })

  it('passes silently at 0600', async () => {
    const { config } = await setup(0o600)
    const { log, warnings } = recording()
    await loadNodeKeys(config(true), log)
    expect(warnings).toEqual([])
  })
})
