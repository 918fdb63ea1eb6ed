import { describe, expect, it } from 'vitest'
import { ChainError } from '../../../../src/chain/errors.js'
import { chainErrorFromRpc, classifyRefusal } from '../../../../src/chain/subtensor/dispatch-errors.js'

// polkadot-js' RpcError carries the JSON-RPC code as a number; rpc-core re-wraps it as text.
function rpcError(code: number, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code })
}

describe('classifyRefusal', () => {
  it('recognises stale and future nonces, from the numeric code or the wrapped text', () => {
    expect(classifyRefusal(rpcError(1010, 'Invalid Transaction: Transaction is outdated'))).toBe('stale')
    expect(classifyRefusal(rpcError(1010, 'Invalid Transaction: Transaction will be valid in the future'))).toBe(
      'future',
    )
    expect(
      classifyRefusal(new Error('author_submitAndWatchExtrinsic(extrinsic): 1010: Invalid Transaction: stale')),
    ).toBe('stale')
    expect(classifyRefusal(rpcError(1014, 'Priority is too low'))).toBe('stale')
  })

  it('leaves other refusals and non-pool errors alone', () => {
    expect(classifyRefusal(rpcError(1010, 'Invalid Transaction: Custom error: 6'))).toBe('other')
    expect(classifyRefusal(new Error('WebSocket is not connected'))).toBeUndefined()
    expect(classifyRefusal('nope')).toBeUndefined()
  })
})

describe('chainErrorFromRpc', () => {
  const ctx = { call: 'setWeights', rateLimitCode: 'CHAIN_WEIGHTS_RATE_LIMITED' } as const

  it("maps Subtensor's generic rate-limit refusal (custom 6) to the call's rate-limit code", () => {
    expect(chainErrorFromRpc(rpcError(1010, 'Invalid Transaction: Custom error: 6'), ctx).code).toBe(
      'CHAIN_WEIGHTS_RATE_LIMITED',
    )
    // chopsticks reports the same refusal as JSON
    expect(chainErrorFromRpc(rpcError(1010, '{"invalid":{"custom":6}}'), ctx).code).toBe('CHAIN_WEIGHTS_RATE_LIMITED')
    expect(chainErrorFromRpc(rpcError(1010, 'Custom error: 6'), { call: 'x' }).code).toBe('CHAIN_TX_INVALID')
  })

  it('maps unregistered hotkeys, fees and unknown refusals', () => {
    expect(chainErrorFromRpc(rpcError(1010, 'Custom error: 10'), ctx).code).toBe('CHAIN_NOT_REGISTERED')
    expect(chainErrorFromRpc(rpcError(1010, 'Inability to pay some fees'), ctx).code).toBe('CHAIN_INSUFFICIENT_BALANCE')
    const other = chainErrorFromRpc(rpcError(1010, 'Transaction has a bad signature'), ctx)
    expect(other.code).toBe('CHAIN_TX_INVALID')
    expect(other.meta).toMatchObject({ call: 'setWeights', rpcCode: 1010 })
  })

  it('turns socket failures into CHAIN_DISCONNECTED and passes ChainErrors through', () => {
    const dropped = new Error('disconnected from ws://127.0.0.1:9944: 1006:: Abnormal Closure')
    expect(chainErrorFromRpc(dropped, ctx).code).toBe('CHAIN_DISCONNECTED')
    expect(chainErrorFromRpc(new Error('WebSocket is not connected'), ctx).code).toBe('CHAIN_DISCONNECTED')
    const typed = new ChainError({ code: 'CHAIN_TIMEOUT' })
    expect(chainErrorFromRpc(typed, ctx)).toBe(typed)
    expect(chainErrorFromRpc(new Error('boom'), ctx).code).toBe('CHAIN_DISPATCH_FAILED')
  })
})
