import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '#protocol'

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
