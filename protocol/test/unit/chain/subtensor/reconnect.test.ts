import type { ApiPromise } from '@polkadot/api'
import { describe, expect, it } from 'vitest'
import type { BlockRef } from '../../../../src/chain/chain.js'
import { ChainError } from '../../../../src/chain/errors.js'
import { createSubtensorChain } from '../../../../src/chain/subtensor/subtensor-chain.js'
import { hotkeyFromUri } from '../../../../src/identity/hotkey.js'
import { HAS_FINNEY_METADATA, NETUID } from './helpers.js'
import { RpcStandIn } from './rpc-stand-in.js'

function apiEvent(api: ApiPromise, event: 'connected' | 'disconnected'): Promise<void> {
  return new Promise((resolve) => api.once(event, () => resolve()))
}

async function take(it: AsyncIterator<BlockRef>, n: number): Promise<BlockRef[]> {
  const out: BlockRef[] = []
  while (out.length < n) {
    const next = await it.next()
    if (next.done === true) break
    out.push(next.value)
  }
  return out
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  return err instanceof ChainError ? err.code : `not a ChainError: ${String(err)}`
}

describe.runIf(HAS_FINNEY_METADATA)('SubtensorChain across a node crash (spec 424 stand-in)', () => {
  it('fails calls with CHAIN_DISCONNECTED during the outage and resumes the block stream without gaps', async () => {
    const standIn = new RpcStandIn()
    await standIn.server.listen()
    const chain = await createSubtensorChain({ url: standIn.url, netuid: NETUID, reconnectDelayMs: 50 })
    const alice = await hotkeyFromUri('//Alice')
    const abort = new AbortController()
    try {
      const stream = chain.blocks({ signal: abort.signal })[Symbol.asyncIterator]()
      const first = take(stream, 2)
      // let the stream subscribe before producing
      await chain.head()
      standIn.produceBlock()
      standIn.produceBlock()
      expect((await first).map((b) => b.number)).toEqual([1, 2])

      const dropped = apiEvent(chain.api, 'disconnected')
      await standIn.server.kill()
      await dropped
      expect(await codeOf(chain.head())).toBe('CHAIN_DISCONNECTED')
      expect(await codeOf(chain.metagraph())).toBe('CHAIN_DISCONNECTED')
      expect(await codeOf(chain.setCommitment(alice, new Uint8Array([1])))).toBe('CHAIN_DISCONNECTED')

      // blocks the client never hears about while it is down
      standIn.produceSilentBlock()
      standIn.produceSilentBlock()
      standIn.produceSilentBlock()
      const back = apiEvent(chain.api, 'connected')
      await standIn.server.listen()
      await back
      const resumed = take(stream, 4)
      standIn.produceBlock()
      const got = await resumed
      expect(got.map((b) => b.number)).toEqual([3, 4, 5, 6])
      expect(got.map((b) => b.hash)).toEqual([3, 4, 5, 6].map((n) => standIn.hashOf(n)))
      expect((await chain.head()).number).toBe(6)
    } finally {
      abort.abort()
      await chain.close()
      await standIn.server.kill()
    }
  })

  it('fails to start with CHAIN_CONNECTION_FAILED when nothing listens', async () => {
    const standIn = new RpcStandIn()
    const port = await standIn.server.listen()
    await standIn.server.kill()
    const err = await createSubtensorChain({
      url: `ws://127.0.0.1:${port}`,
      netuid: NETUID,
      connectTimeoutMs: 500,
    }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(ChainError)
    expect((err as ChainError).code).toBe('CHAIN_CONNECTION_FAILED')
  })
})
