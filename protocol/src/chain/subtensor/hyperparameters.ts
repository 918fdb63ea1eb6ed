import type { ApiPromise } from '@polkadot/api'
import type { Codec } from '@polkadot/types/types'
import type { Hyperparameters } from '../chain.js'
import type { RuntimeProfile } from './runtime-check.js'

type QueryFn = (...args: unknown[]) => Promise<Codec>

function query(api: ApiPromise, item: string): QueryFn {
  return (api.query.subtensorModule as unknown as Record<string, QueryFn>)[item]!
}

/** Decode any integer codec (u16/u64/Compact) to bigint. */
export function toBig(value: Codec): bigint {
  return BigInt(value.toString())
}

/** Read the subnet's weight-related hyperparameters from storage (same items on every supported runtime). */
export async function readHyperparameters(
  api: ApiPromise,
  profile: RuntimeProfile,
  netuid: number,
): Promise<Hyperparameters> {
  const q = (item: string, ...args: unknown[]): Promise<Codec> => query(api, item)(...args)
  const [tempo, rateLimit, versionKey, crEnabled, maxWeight, minWeights, maxValidators, reveal, threshold] =
    await Promise.all([
      q('tempo', netuid),
      q('weightsSetRateLimit', netuid),
      q('weightsVersionKey', netuid),
      q('commitRevealWeightsEnabled', netuid),
      q('maxWeightsLimit', netuid),
      q('minAllowedWeights', netuid),
      q('maxAllowedValidators', netuid),
      profile.revealPeriodItem ? q('revealPeriodEpochs', netuid) : undefined,
      profile.stakeThresholdItem === undefined ? undefined : q(profile.stakeThresholdItem),
    ])
  return {
    tempo: Number(toBig(tempo)),
    weightsRateLimit: Number(toBig(rateLimit)),
    weightsVersionKey: toBig(versionKey),
    commitRevealEnabled: crEnabled.toJSON() === true,
    // Runtimes without RevealPeriodEpochs revealed one epoch after the commit.
    commitRevealPeriod: reveal === undefined ? 1 : Number(toBig(reveal)),
    maxWeightLimit: Number(toBig(maxWeight)),
    minAllowedWeights: Number(toBig(minWeights)),
    maxAllowedValidators: Number(toBig(maxValidators)),
    stakeThreshold: threshold === undefined ? 0n : toBig(threshold),
  }
}
