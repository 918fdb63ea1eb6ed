import { u8aToHex } from '@polkadot/util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ChainError } from '../../../../src/chain/errors.js'
import { commitmentInfo } from '../../../../src/chain/subtensor/commitment-codec.js'

function tooLarge(fn: () => unknown): ChainError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ChainError)
    expect((err as ChainError).code).toBe('CHAIN_COMMITMENT_TOO_LARGE')
    return err as ChainError
  }
  throw new Error('expected CHAIN_COMMITMENT_TOO_LARGE')
}

describe('commitmentInfo', () => {
  it('uses RawN up to 128 bytes and BigRaw (hex) above, where the runtime has it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (data) => {
        const [field] = commitmentInfo(data, true).fields
        if (data.length <= 128) expect(field).toEqual({ [`Raw${data.length}`]: data })
        else expect(field).toEqual({ BigRaw: u8aToHex(data) })
      }),
    )
  })

  it('refuses what no variant can carry, naming the size and the limit', () => {
    expect(tooLarge(() => commitmentInfo(new Uint8Array(129), false)).meta).toMatchObject({ size: 129, limit: 128 })
    expect(tooLarge(() => commitmentInfo(new Uint8Array(513), true)).meta).toMatchObject({ size: 513, limit: 512 })
    expect(commitmentInfo(new Uint8Array(128), false).fields[0]).toHaveProperty('Raw128')
  })
})
