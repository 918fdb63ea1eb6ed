import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, type TempDir } from '../../../../../test/utils/temp-dir.js'
import { stringify } from '../../../../src/chain/devchain/codec.js'
import { genesisSnapshot } from '../../../../src/chain/devchain/state.js'
import { openDevChainStore } from '../../../../src/chain/devchain/store.js'
import { ChainError, createDevChain, type DevChain } from '../../../../src/chain/index.js'
import { hotkeyFromUri } from '../../../../src/identity/hotkey.js'

const open: DevChain[] = []
const dirs: TempDir[] = []
afterEach(async () => {
  for (const d of open.splice(0)) await d.close()
  for (const d of dirs.splice(0)) d.cleanup()
})
async function start(path: string): Promise<DevChain> {
  const dev = await createDevChain({ path })
  open.push(dev)
  return dev
}
function dbFile(): string {
  const tmp = makeTempDir('kinitro-devchain-owner-')
  dirs.push(tmp)
  return tmp.file('chain.db')
}

describe('dev chain: subnetOwner over HTTP', () => {
  it('loads a state file written before owners were read, then serves, changes and persists the owner hotkey', async () => {
    const path = dbFile()
    // A chain file as an earlier build left it: subnet 1 with no `owner` field at all.
    const store = openDevChainStore(path)
    const old = genesisSnapshot([1], `0x${'ab'.repeat(32)}`)
    expect(stringify(old.subnets['1'])).not.toContain('owner')
    store.save(old, [old.head])
    store.close()

    const alice = await hotkeyFromUri('//Alice')
    const bob = await hotkeyFromUri('//Bob')
    const first = await start(path)
    const chain = first.client(1)
    expect(await chain.subnetOwner()).toBeUndefined()
    await first.admin.createSubnet(1, alice.ss58)
    expect(await chain.subnetOwner()).toBe(alice.ss58)
    await first.admin.createSubnet(1, bob.ss58)
    expect(await chain.subnetOwner(), 'read fresh, not cached').toBe(bob.ss58)
    await chain.close()
    await first.close()

    const second = await start(path)
    const again = second.client(1)
    expect(await again.subnetOwner()).toBe(bob.ss58)
    await again.close()
  })

  it('is undefined for a subnet that does not exist (no CHAIN_SUBNET_NOT_FOUND), and its own per subnet', async () => {
    const dev = await start(':memory:')
    const alice = await hotkeyFromUri('//Alice')
    await dev.admin.createSubnet(2, alice.ss58)
    const missing = dev.client(7)
    const one = dev.client(1)
    const two = dev.client(2)
    expect(await missing.subnetOwner()).toBeUndefined()
    expect(await one.subnetOwner()).toBeUndefined()
    expect(await two.subnetOwner()).toBe(alice.ss58)
    for (const c of [missing, one, two]) await c.close()
  })

  it('refuses a malformed owner field, and an aborted call rejects with the reason', async () => {
    const dev = await start(':memory:')
    const err = await dev.admin.createSubnet(1, 'not-an-address').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChainError)
    expect((err as ChainError).code).toBe('CHAIN_BAD_REQUEST')
    const chain = dev.client(1)
    const reason = new Error('caller gave up')
    await expect(chain.subnetOwner({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    await chain.close()
  })
})
