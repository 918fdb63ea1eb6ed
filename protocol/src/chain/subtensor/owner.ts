import type { ApiPromise } from '@polkadot/api'
import type { Option } from '@polkadot/types'
import type { Codec } from '@polkadot/types/types'
import { u8aToHex } from '@polkadot/util'

type QueryFn = (...args: unknown[]) => Promise<Codec>

// `SubnetOwnerHotkey` is a ValueQuery whose default is `AccountId::decode(TrailingZeroInput::zeroes())`:
// a subnet that never existed, or was dissolved (which removes the entry), reads as this account.
const ZERO_ACCOUNT = u8aToHex(new Uint8Array(32))

/**
 * The subnet owner's hotkey (`SubtensorModule.SubnetOwnerHotkey[netuid]`) as SS58, or `undefined` when the
 * storage is empty (the all-zero default) or the runtime predates the item. Never falls back to
 * `SubnetOwner`: that is the owner's coldkey, and manifests are signed by the hotkey.
 */
export async function ownerHotkey(api: ApiPromise, netuid: number): Promise<string | undefined> {
  const item = (api.query.subtensorModule as unknown as Record<string, QueryFn | undefined>).subnetOwnerHotkey
  if (item === undefined) return undefined
  const value = await item(netuid)
  // Some runtimes could declare the item OptionQuery; unwrap instead of reading `None` as an account.
  const opt = value as Option<Codec>
  const account = typeof opt.isSome === 'boolean' ? (opt.isSome ? opt.unwrap() : undefined) : value
  if (account === undefined || u8aToHex(account.toU8a()) === ZERO_ACCOUNT) return undefined
  return account.toString()
}
