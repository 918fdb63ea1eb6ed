import type { ApiPromise } from '@polkadot/api'
import type { Codec } from '@polkadot/types/types'
import { u8aToHex } from '@polkadot/util'
import type { DevHyperparameters } from '../devchain/types.js'
import { ChainError } from '../errors.js'

/** A decorated storage item: enough of polkadot-js' `StorageEntry` to build its key and encode its value. */
export interface StorageItem {
  key: (...args: unknown[]) => string
  creator: { meta: { type: { isMap: boolean; asMap: { value: Codec }; asPlain: Codec } } }
}

/** One `dev_setStorage` write before encoding: the item, its map keys, and the value in any form createType takes. */
export type StorageWrite = [item: StorageItem, args: unknown[], value: unknown]

/** `api.query.<pallet>.<name>` when the runtime has it. */
export function storageItem(api: ApiPromise, name: string, pallet = 'subtensorModule'): StorageItem | undefined {
  return (api.query as unknown as Record<string, Record<string, StorageItem | undefined>>)[pallet]?.[name]
}

/**
 * Encode writes as `dev_setStorage` expects them: `[key, SCALE value]` hex pairs. Values are encoded with the
 * item's own lookup type, so one table serves every runtime (the raw-key route the reference tried first for
 * `WeightsSetRateLimit` is not needed with the runtime's types).
 */
export function encodeWrites(api: ApiPromise, writes: readonly StorageWrite[]): Array<[string, string]> {
  return writes.map(([item, args, value]) => {
    const t = item.creator.meta.type
    const type = api.registry.createLookupType(Number((t.isMap ? t.asMap.value : t.asPlain).toString()))
    return [item.key(...args), u8aToHex(api.createType(type, value).toU8a())]
  })
}

/**
 * Each dev hyperparameter's storage item(s), first existing one wins, and whether the item is keyed by netuid.
 * Spec 218 calls the global stake gate `WeightsMinStake`; `MaxSpace` is the commitments pallet's global limit.
 */
export const HYPERPARAMETER_ITEMS: Readonly<
  Record<keyof DevHyperparameters, ReadonlyArray<[item: string, perNet: boolean, pallet?: string]>>
> = {
  tempo: [['tempo', true]],
  weightsRateLimit: [['weightsSetRateLimit', true]],
  weightsVersionKey: [['weightsVersionKey', true]],
  commitRevealEnabled: [['commitRevealWeightsEnabled', true]],
  commitRevealPeriod: [['revealPeriodEpochs', true]],
  maxWeightLimit: [['maxWeightsLimit', true]],
  minAllowedWeights: [['minAllowedWeights', true]],
  maxAllowedValidators: [['maxAllowedValidators', true]],
  maxAllowedUids: [['maxAllowedUids', true]],
  immunityPeriod: [['immunityPeriod', true]],
  activityCutoff: [['activityCutoff', true]],
  commitmentMaxSpace: [['maxSpace', false, 'commitments']],
  stakeThreshold: [
    ['stakeThreshold', false],
    ['weightsMinStake', false],
  ],
}

/** The storage write for one hyperparameter on `netuid`; `CHAIN_UNSUPPORTED` when the runtime has no such item. */
export function hyperparameterWrite(
  api: ApiPromise,
  netuid: number,
  field: keyof DevHyperparameters,
  value: unknown,
): StorageWrite {
  for (const [name, perNet, pallet] of HYPERPARAMETER_ITEMS[field]) {
    const item = storageItem(api, name, pallet)
    if (item === undefined) continue
    const write: StorageWrite = [item, perNet ? [netuid] : [], value]
    try {
      encodeWrites(api, [write])
    } catch (err) {
      throw new ChainError(
        { code: 'CHAIN_BAD_REQUEST', field, item: name },
        `${field} = ${String(value)} does not fit ${name}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      )
    }
    return write
  }
  throw new ChainError(
    { code: 'CHAIN_UNSUPPORTED', call: 'setHyperparameters', field },
    `this runtime has no storage item for the hyperparameter ${field}`,
  )
}

/** Read one hyperparameter that `Chain.hyperparameters()` does not cover; `fallback` when the runtime lacks it. */
export async function readExtraHyperparameter(
  api: ApiPromise,
  netuid: number,
  field: 'maxAllowedUids' | 'immunityPeriod' | 'activityCutoff' | 'commitmentMaxSpace',
  fallback: number,
): Promise<number> {
  const [name, perNet, pallet] = HYPERPARAMETER_ITEMS[field][0] as [string, boolean, string?]
  const query = (api.query as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<Codec>>>)[
    pallet ?? 'subtensorModule'
  ]?.[name]
  if (query === undefined) return fallback
  return Number((await (perNet ? query(netuid) : query())).toString())
}

/**
 * What makes a genesis subnet usable by a devnet or a test at once, as `[item, value]` per netuid; items a
 * runtime lacks are skipped. Registration is open, cheap and unthrottled; emission has started (spec ≥ 2xx
 * subnets otherwise wait for the owner's `start_call`); new neurons have no immunity, so a test can replace them.
 */
export function openSubnetValues(poolDepthRao: bigint): Array<[item: string, value: unknown]> {
  return [
    ['networkRegistrationAllowed', true],
    ['maxRegistrationsPerBlock', 100],
    ['targetRegistrationsPerInterval', 100],
    ['burn', 1_000_000],
    ['minBurn', 1_000_000],
    ['firstEmissionBlockNumber', 1],
    ['subtokenEnabled', true],
    // Genesis pools are nearly empty (raonet's holds 1 rao of alpha), so staking TAO bought nothing: give the
    // pool depth at price 1.
    ['subnetTAO', poolDepthRao],
    ['subnetAlphaIn', poolDepthRao],
    ['immunityPeriod', 0],
  ]
}
