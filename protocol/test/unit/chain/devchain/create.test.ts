import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, type TempDir } from '../../../../../test/utils/temp-dir.js'
import { type BlockRef, ChainError, createDevChain, type DevChain } from '../../../../src/chain/index.js'
import { hotkeyFromUri } from '../../../../src/identity/hotkey.js'

const open: DevChain[] = []
const dirs: TempDir[] = []
afterEach(async () => {
  for (const d of open.splice(0)) await d.close()
  for (const d of dirs.splice(0)) d.cleanup()
})
async function start(init: Parameters<typeof createDevChain>[0] = {}): Promise<DevChain> {
  const dev = await createDevChain(init)
  open.push(dev)
  return dev
}
function dbFile(): string {
  const tmp = makeTempDir('kinitro-devchain-')
  dirs.push(tmp)
  return tmp.file('chain.db')
}
const portOf = (url: string) => Number(new URL(url).port)

describe('createDevChain: persistence', () => {
  it('a restart on the same file keeps blocks, neurons, stake, commitments, weights and nonces', async () => {
    const path = dbFile()
    const alice = await hotkeyFromUri('//Alice')
    const bob = await hotkeyFromUri('//Bob')
    const first = await start({ path })
    await first.admin.setHyperparameters(1, { commitRevealEnabled: false, tempo: 3, minAllowedWeights: 1 })
    await first.admin.register(1, alice.ss58)
    await first.admin.register(1, bob.ss58)
    await first.admin.fund(alice.ss58, 5000n)
    await first.admin.addStake(1, alice.ss58, 5000n)
    await first.admin.advance(5)
    const chain = first.client(1)
    await chain.setCommitment(alice, new TextEncoder().encode('persist me'))
    await chain.setWeights(alice, { uids: [1], weights: [9] })
    const before = { head: await chain.head(), mg: await chain.metagraph(), cs: await chain.commitments() }
    await chain.close()
    await first.close()

    const second = await start({ path })
    const again = second.client(1)
    expect(await again.head()).toEqual(before.head)
    expect(await again.metagraph()).toEqual(before.mg)
    expect(await again.commitments()).toEqual(before.cs)
    expect((await again.weights()).get(0)).toEqual([[1, 65535]])
    expect((await again.hyperparameters()).tempo).toBe(3)
    // The nonce survived: a new signed call is accepted, not refused as a replay.
    await again.setCommitment(alice, new TextEncoder().encode('after restart'))
    await again.close()
  })

  it('produces blocks by itself every blockTimeMs', async () => {
    const dev = await start({ blockTimeMs: 5 })
    const chain = dev.client()
    const ac = new AbortController()
    const seen: number[] = []
    for await (const b of chain.blocks({ from: 0, signal: ac.signal })) {
      seen.push(b.number)
      if (seen.length === 3) ac.abort()
    }
    expect(seen).toEqual([1, 2, 3])
    await chain.close()
  })
})

describe('dev chain client: block stream across a server restart', () => {
  it('yields every block exactly once after the server dies mid-stream and comes back on the same port', async () => {
    const path = dbFile()
    let dev = await start({ path })
    const port = portOf(dev.url)
    const chain = dev.client(1)
    const ac = new AbortController()
    const it = chain.blocks({ from: 0, signal: ac.signal })[Symbol.asyncIterator]()
    await dev.admin.advance(3)
    const seen: BlockRef[] = []
    for (let i = 0; i < 3; i++) seen.push((await it.next()).value as BlockRef)

    const pending = it.next()
    await dev.close()
    // While the chain is down, ordinary calls fail with a clear code instead of hanging or crashing.
    const down = await chain.head().catch((e: unknown) => e)
    expect(down).toBeInstanceOf(ChainError)
    expect((down as ChainError).code).toBe('CHAIN_CONNECTION_FAILED')

    dev = await start({ path, port })
    await dev.admin.advance(3)
    seen.push((await pending).value as BlockRef)
    for (let i = 0; i < 2; i++) seen.push((await it.next()).value as BlockRef)
    ac.abort()
    await it.return?.()
    expect(seen.map((b) => b.number)).toEqual([1, 2, 3, 4, 5, 6])
    // Block hashes chain on from the persisted head, so none repeats across the restart.
    expect(new Set(seen.map((b) => b.hash)).size).toBe(6)
    await chain.close()
  })
})
