import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify, toHex } from '../../../../src/chain/devchain/codec.js'
import { DevChainCore } from '../../../../src/chain/devchain/core.js'
import { buildDevChainApp } from '../../../../src/chain/devchain/server.js'
import { devCallSigningMessage } from '../../../../src/chain/devchain/signing.js'
import { openDevChainStore } from '../../../../src/chain/devchain/store.js'
import { type Hotkey, hotkeyFromUri } from '../../../../src/identity/hotkey.js'
import { initCrypto } from '../../../../src/identity/signer.js'
import { silentLogger } from '../../../../src/logger.js'

let alice: Hotkey
let bob: Hotkey
beforeAll(async () => {
  await initCrypto()
  alice = await hotkeyFromUri('//Alice')
  bob = await hotkeyFromUri('//Bob')
})

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of closers.splice(0)) await c()
})

async function app() {
  const store = openDevChainStore(':memory:')
  const core = new DevChainCore(store, [1], silentLogger)
  const a = await buildDevChainApp(core, silentLogger)
  closers.push(async () => {
    await a.close()
    store.close()
  })
  const post = async (url: string, body: unknown) => {
    const res = await a.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: typeof body === 'string' ? body : stringify(body),
    })
    return { status: res.statusCode, doc: parse<{ result?: unknown; error?: { meta: { code: string } } }>(res.body) }
  }
  return { app: a, core, post }
}

function signed(h: Hotkey, genesis: string, nonce: number, call: unknown, netuid = 1) {
  const callJson = stringify({ netuid, signer: h.ss58, nonce, call })
  return { call: callJson, signature: toHex(h.signer.sign(devCallSigningMessage(genesis, callJson))) }
}

describe('dev chain server: bad input is a 400 with a code, never a crash', () => {
  it.each([
    ['/rpc', '{not json', 'CHAIN_BAD_REQUEST'],
    ['/rpc', { method: 'nope' }, 'CHAIN_BAD_REQUEST'],
    ['/rpc', { method: 'metagraph', netuid: -1 }, 'CHAIN_BAD_REQUEST'],
    ['/rpc', { method: 'metagraph', netuid: 4 }, 'CHAIN_SUBNET_NOT_FOUND'],
    ['/admin', { op: 'fund', account: 'x', rao: 1 }, 'CHAIN_BAD_REQUEST'],
    ['/admin', { op: 'setHyperparameters', netuid: 1, patch: { tempo: 0 } }, 'CHAIN_BAD_REQUEST'],
    ['/tx', { call: '{}', signature: '0x00' }, 'CHAIN_BAD_REQUEST'],
  ])('%s %j → %s', async (url, body, code) => {
    const { post } = await app()
    const { status, doc } = await post(url, body)
    expect(status).toBe(400)
    expect(doc.error?.meta.code).toBe(code)
    expect((await post('/rpc', { method: 'head' })).status).toBe(200)
  })

  it('refuses a forged signature, a replayed nonce and a signature from another chain', async () => {
    const { core, post } = await app()
    await post('/admin', { op: 'register', netuid: 1, hotkey: alice.ss58 })
    const call = { method: 'setCommitment', data: '0x01' }
    const good = signed(alice, core.genesisHash, 0, call)
    const forged = { ...good, signature: signed(bob, core.genesisHash, 0, call).signature }
    expect((await post('/tx', forged)).doc.error?.meta.code).toBe('CHAIN_TX_INVALID')
    const other = signed(alice, `0x${'22'.repeat(32)}`, 0, call)
    expect((await post('/tx', other)).doc.error?.meta.code).toBe('CHAIN_TX_INVALID')
    expect((await post('/tx', good)).status).toBe(200)
    expect((await post('/tx', good)).doc.error?.meta.code).toBe('CHAIN_TX_INVALID')
  })

  it('a refused dispatch consumes the nonce and changes nothing else', async () => {
    const { core, post } = await app()
    const refused = await post('/tx', signed(alice, core.genesisHash, 0, { method: 'setCommitment', data: '0x01' }))
    expect(refused.doc.error?.meta.code).toBe('CHAIN_NOT_REGISTERED')
    expect((await post('/rpc', { method: 'nonce', account: alice.ss58 })).doc.result).toBe(1)
    expect((await post('/rpc', { method: 'commitments', netuid: 1 })).doc.result).toEqual([])
  })
})

// A minimal WebSocket reader over node:http (server frames are unmasked text frames): no client package
// needed, and it checks the feed speaks plain RFC 6455. (fastify's injectWS hangs on Node 20 here.)
function readWsFrames(url: string, onText: (text: string) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
      },
    })
    req.on('error', reject)
    req.on('upgrade', (_res, socket, head) => {
      let buf = Buffer.from(head)
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk])
        for (;;) {
          if (buf.length < 2) return
          let len = buf[1]! & 0x7f
          let off = 2
          if (len === 126) {
            if (buf.length < 4) return
            len = buf.readUInt16BE(2)
            off = 4
          }
          if (buf.length < off + len) return
          if ((buf[0]! & 0x0f) === 1) onText(buf.subarray(off, off + len).toString())
          buf = buf.subarray(off + len)
        }
      })
      resolve(() => socket.destroy())
    })
    req.end()
  })
}

describe('dev chain server: WebSocket block feed', () => {
  it('sends every block after ?from=, history first, then live blocks', async () => {
    const { app: a, core } = await app()
    const base = await a.listen({ port: 0, host: '127.0.0.1' })
    core.advance(3)
    const got: number[] = []
    let done = () => {}
    const all = new Promise<void>((r) => {
      done = r
    })
    const stop = await readWsFrames(`${base}/ws/blocks?from=1`, (text) => {
      got.push(parse<{ number: number }>(text).number)
      if (got.length === 4) done()
    })
    core.advance(2)
    await all
    stop()
    expect(got).toEqual([2, 3, 4, 5])
  })
})
