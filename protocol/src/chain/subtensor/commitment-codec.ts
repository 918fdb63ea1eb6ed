import type { Option, Struct, Vec } from '@polkadot/types'
import type { Codec } from '@polkadot/types/types'
import { u8aToHex } from '@polkadot/util'
import type { CommitmentEntry, CommitmentField } from '../chain.js'
import { ChainError } from '../errors.js'
import { BIG_RAW_COMMITMENT_MAX_BYTES, RAW_COMMITMENT_MAX_BYTES } from './constants.js'

/**
 * The polkadot-js value for `CommitmentInfo { fields: [Data] }` carrying `data`: `RawN` up to 128 bytes,
 * `BigRaw` up to 512 where the runtime has it. A flat `fields` list (reference/chain.md §2, pitfall 6);
 * `BigRaw` takes hex because polkadot-js reads a bare Uint8Array as already length-prefixed.
 */
export function commitmentInfo(
  data: Uint8Array,
  bigRaw: boolean,
): { fields: Array<Record<string, Uint8Array | string>> } {
  if (data.length <= RAW_COMMITMENT_MAX_BYTES) return { fields: [{ [`Raw${data.length}`]: data }] }
  const limit = bigRaw ? BIG_RAW_COMMITMENT_MAX_BYTES : RAW_COMMITMENT_MAX_BYTES
  if (!bigRaw || data.length > limit) {
    throw new ChainError(
      { code: 'CHAIN_COMMITMENT_TOO_LARGE', size: data.length, limit },
      `commitment is ${data.length} bytes; this runtime takes at most ${limit}`,
    )
  }
  return { fields: [{ BigRaw: u8aToHex(data) }] }
}

interface DataEnum extends Codec {
  readonly type: string
  readonly value: Codec
}

/** Decode a stored `Registration { deposit, block, info: { fields } }` into a {@link CommitmentEntry}. */
export function decodeRegistration(hotkey: string, registration: Codec): CommitmentEntry | undefined {
  const reg = registration as Struct
  const info = reg.get('info') as Struct | undefined
  const fields = info?.get('fields') as Vec<DataEnum> | undefined
  const block = Number((reg.get('block') as Codec | undefined)?.toString() ?? 0)
  const first = fields?.[0]
  if (first === undefined) return undefined
  let field: CommitmentField = 'other'
  let data: Uint8Array
  if (/^Raw\d+$/.test(first.type)) {
    field = 'raw'
    data = first.value.toU8a(true)
  } else if (first.type === 'BigRaw') {
    field = 'big-raw'
    data = first.value.toU8a(true)
  } else {
    data = first.value.toU8a(true)
  }
  return { hotkey, block, data, field }
}

/** Unwrap an `Option<Registration>` query result. */
export function decodeOptionalRegistration(hotkey: string, value: Codec): CommitmentEntry | undefined {
  const opt = value as Option<Codec>
  if (typeof opt.isSome === 'boolean') return opt.isSome ? decodeRegistration(hotkey, opt.unwrap()) : undefined
  return decodeRegistration(hotkey, value)
}
