import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger, REDACTED, redactSecrets } from '#protocol'

function capture() {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l))
      cb()
    },
  })
  return { lines, destination }
}

describe('createLogger', () => {
  it('writes constant messages with context, per-component children and levels', () => {
    const { lines, destination } = capture()
    const log = createLogger({ level: 'info', destination })
    log.child('node:gossip').info('gossip accepted', { topic: 'results' })
    log.debug('dropped at info level')
    log.error('store failed', { path: '/x' }, new Error('disk full'))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({ msg: 'gossip accepted', component: 'node:gossip', topic: 'results', level: 30 })
    expect(lines[1]).toMatchObject({ msg: 'store failed', path: '/x', level: 50 })
    expect(lines[1]).toMatchObject({ err: { message: 'disk full' } })
  })

  it('redacts secrets wherever they appear in the context', () => {
    const { lines, destination } = capture()
    const log = createLogger({ destination })
    log.info('loaded key', { mnemonic: 'abandon abandon', wallet: { secretSeed: '0x11', name: 'w' } })
    const text = JSON.stringify(lines)
    expect(text).not.toContain('abandon')
    expect(text).not.toContain('0x11')
    expect(lines[0]).toMatchObject({ mnemonic: '[redacted]', wallet: { name: 'w', secretSeed: '[redacted]' } })
  })
})

describe('redactSecrets', () => {
  it('redacts secret-named keys at any depth and in any case, and URL credentials in strings', () => {
    const out = redactSecrets({
      chain: { url: 'wss://alice:s3cret@rpc.example:443/ws', kind: 'finney' },
      a: { b: { c: { Mnemonic: 'abandon abandon', secretKey: 'k', name: 'n' } } },
      list: [{ password: 'p' }, 'postgres://u:pw@db/x'],
      seed: 42,
      bytes: new Uint8Array([1]),
    })
    expect(out).toEqual({
      chain: { url: `wss://${REDACTED}@rpc.example:443/ws`, kind: 'finney' },
      a: { b: { c: { Mnemonic: REDACTED, secretKey: REDACTED, name: 'n' } } },
      list: [{ password: REDACTED }, `postgres://${REDACTED}@db/x`],
      // An episode seed is not a secret; only the listed names are.
      seed: 42,
      bytes: new Uint8Array([1]),
    })
  })

  it('reaches log lines nested deeper than pino paths would', () => {
    const { lines, destination } = capture()
    createLogger({ destination }).warn('deep', { x: { y: { z: { mnemonic: 'abandon' } } }, url: 'ws://u:p@h' })
    const text = JSON.stringify(lines)
    expect(text).not.toContain('abandon')
    expect(text).not.toContain('u:p@')
    expect(lines[0]).toMatchObject({ x: { y: { z: { mnemonic: REDACTED } } }, url: `ws://${REDACTED}@h` })
  })
})
