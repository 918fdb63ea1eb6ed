import type { ApiPromise } from '@polkadot/api'
import { describe, expect, it } from 'vitest'
import { ChainError } from '../../../../src/chain/errors.js'
import { checkTransactionExtensions } from '../../../../src/chain/subtensor/extensions-check.js'
import { profileRuntime } from '../../../../src/chain/subtensor/runtime-check.js'
import { HAS_FINNEY_METADATA, useStandIn } from './helpers.js'

/** The real decorated api with some pallet items hidden, as an older or renamed runtime would look. */
function without(api: ApiPromise, hide: Record<'tx' | 'query', string[]>): ApiPromise {
  const strip = (section: object, names: string[]): object =>
    new Proxy(section, {
      get: (target, pallet: string) => {
        const items = (target as Record<string, object>)[pallet]
        if (items === undefined) return undefined
        return new Proxy(items, {
          get: (t, item: string) =>
            names.includes(`${pallet}.${item}`) ? undefined : (t as Record<string, unknown>)[item],
        })
      },
    })
  return new Proxy(api, {
    get: (target, key: string) => {
      const value = (target as unknown as Record<string, unknown>)[key]
      if (key === 'tx') return strip(value as object, hide.tx)
      if (key === 'query') return strip(value as object, hide.query)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe.runIf(HAS_FINNEY_METADATA)('runtime startup checks (spec 424 stand-in)', () => {
  const env = useStandIn()

  it('fails loudly, naming every missing call and storage item', () => {
    const api = without(env.chain.api, {
      tx: ['commitments.setCommitment'],
      query: ['subtensorModule.weights', 'subtensorModule.tempo'],
    })
    let err: unknown
    try {
      profileRuntime(api)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ChainError)
    expect((err as ChainError).code).toBe('CHAIN_UNSUPPORTED')
    expect((err as ChainError).meta.missing).toEqual([
      'call commitments.setCommitment',
      'storage subtensorModule.tempo',
      'storage subtensorModule.weights',
    ])
  })

  it('turns optional calls into capabilities instead of failures', () => {
    const api = without(env.chain.api, { tx: ['subtensorModule.commitTimelockedWeights'], query: [] })
    expect(profileRuntime(api).capabilities.timelockedWeights).toBe(false)
  })

  it("accepts mainnet's custom transaction extensions because they carry no data", async () => {
    expect(await checkTransactionExtensions(env.chain.api)).toEqual(
      expect.arrayContaining(['SubtensorTransactionExtension', 'DrandPriority']),
    )
  })
})
