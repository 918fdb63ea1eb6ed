import type { SubmittableExtrinsic } from '@polkadot/api/types'
import { compactToU8a, hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util'
import { afterAll, beforeAll } from 'vitest'
import { createSubtensorChain, type SubtensorChain } from '../../../../src/chain/subtensor/subtensor-chain.js'
import { type Hotkey, hotkeyFromUri } from '../../../../src/identity/hotkey.js'
import { HAS_FINNEY_METADATA, RpcStandIn } from './rpc-stand-in.js'

/** The message a test run prints when the mainnet metadata fixture is absent (a user's fresh clone). */
export const SKIP_MESSAGE =
  'skipping Subtensor encoding tests: ../shared/fixtures/chain/finney-metadata.scale is absent (CI has it)'

if (!HAS_FINNEY_METADATA) console.warn(SKIP_MESSAGE)

export { HAS_FINNEY_METADATA }

/** A stand-in node plus a connected adapter, started once per test file. */
export interface StandInEnv {
  standIn: RpcStandIn
  chain: SubtensorChain
  alice: Hotkey
  bob: Hotkey
}

export const NETUID = 2

/** Start a stand-in and connect an adapter to it for the file's tests; torn down after them. */
export function useStandIn(opts: { autoInclude?: boolean } = {}): StandInEnv {
  const env = {} as StandInEnv
  beforeAll(async () => {
    env.standIn = new RpcStandIn()
    env.standIn.autoInclude = opts.autoInclude ?? false
    await env.standIn.server.listen()
    env.chain = await createSubtensorChain({ url: env.standIn.url, netuid: NETUID, inclusionTimeoutMs: 5_000 })
    env.alice = await hotkeyFromUri('//Alice')
    env.bob = await hotkeyFromUri('//Bob')
  })
  afterAll(async () => {
    await env.chain?.close()
    await env.standIn?.server.stop()
  })
  return env
}

/** The bare call bytes (pallet index, call index, args) of an extrinsic. */
export function callHex(tx: SubmittableExtrinsic<'promise'>): string {
  return tx.method.toHex()
}

/** Hex of `n` as little-endian bytes of `width` bytes. */
export function le(n: number | bigint, width: number): string {
  let v = BigInt(n)
  let out = ''
  for (let i = 0; i < width; i++) {
    out += (v & 0xffn).toString(16).padStart(2, '0')
    v >>= 8n
  }
  return out
}

/** SCALE `Vec<u16>` as hex without 0x. */
export function vecU16(values: number[]): string {
  return u8aToHex(compactToU8a(values.length)).slice(2) + values.map((v) => le(v, 2)).join('')
}

/**
 * One `System.ExtrinsicFailed` event record for extrinsic 0 carrying `Module { index, error }`, byte by
 * byte (phase ApplyExtrinsic(0), System=0/ExtrinsicFailed=1, DispatchError::Module=3, zero DispatchInfo).
 */
export function extrinsicFailedEvents(palletIndex: number, errorIndex: number): string {
  return u8aToHex(
    u8aConcat(
      compactToU8a(1),
      [0x00, 0, 0, 0, 0],
      [0x00, 0x01],
      [0x03, palletIndex, errorIndex, 0, 0, 0],
      [0x00, 0x00, 0x00, 0x00],
      [0x00],
    ),
  )
}

export { hexToU8a }

type AnyTx = (...args: unknown[]) => SubmittableExtrinsic<'promise'>

/** `api.tx[pallet][call]`, asserted present (the metadata decides; a missing call fails the test loudly). */
export function txOf(chain: SubtensorChain, pallet: string, call: string): AnyTx {
  const fn = (chain.api.tx as unknown as Record<string, Record<string, AnyTx | undefined> | undefined>)[pallet]?.[call]
  if (fn === undefined) throw new Error(`runtime has no ${pallet}.${call}`)
  return fn
}

/** A storage item's decorated query (`key`, `creator`), asserted present. */
export function queryOf<T>(chain: SubtensorChain, pallet: string, item: string): T {
  const q = (chain.api.query as unknown as Record<string, Record<string, T | undefined> | undefined>)[pallet]?.[item]
  if (q === undefined) throw new Error(`runtime has no storage ${pallet}.${item}`)
  return q
}

/** The index of a module error in its pallet's error enum. */
export function errorIndex(chain: SubtensorChain, pallet: string, name: string): number {
  const errors = chain.api.errors as unknown as Record<
    string,
    Record<string, { meta: { index: { toNumber(): number } } }>
  >
  const e = errors[pallet]?.[name]
  if (e === undefined) throw new Error(`runtime has no error ${pallet}.${name}`)
  return e.meta.index.toNumber()
}
