import type { ApiPromise } from '@polkadot/api'
import type { ChainCapabilities } from '../chain.js'
import { ChainError } from '../errors.js'

/** Calls the adapter cannot work without, as `pallet.call` in polkadot-js camelCase. */
const REQUIRED_CALLS = ['commitments.setCommitment', 'subtensorModule.setWeights'] as const

/** Storage items the adapter reads on every runtime we support (spec 218 … 424). */
const REQUIRED_STORAGE = [
  'commitments.commitmentOf',
  'subtensorModule.subnetworkN',
  'subtensorModule.keys',
  'subtensorModule.uids',
  'subtensorModule.owner',
  'subtensorModule.tempo',
  'subtensorModule.weightsSetRateLimit',
  'subtensorModule.weightsVersionKey',
  'subtensorModule.commitRevealWeightsEnabled',
  'subtensorModule.maxWeightsLimit',
  'subtensorModule.minAllowedWeights',
  'subtensorModule.maxAllowedValidators',
  'subtensorModule.validatorPermit',
  'subtensorModule.active',
  'subtensorModule.lastUpdate',
  'subtensorModule.blockAtRegistration',
  'subtensorModule.weights',
] as const

/** What differs between the runtimes we meet (spec 218 raonet, 293 dev, 424 mainnet). */
export interface RuntimeProfile {
  specVersion: number
  capabilities: ChainCapabilities
  /** `subnetInfoRuntimeApi.getMetagraph` returns a typed struct (spec ≥ 293), not opaque bytes. */
  typedMetagraph: boolean
  /** Global stake gate for weights: `StakeThreshold` (new) or `WeightsMinStake` (spec ≤ 2xx). */
  stakeThresholdItem: 'stakeThreshold' | 'weightsMinStake' | undefined
  /** `RevealPeriodEpochs` exists (else the period is the runtime's fixed 1). */
  revealPeriodItem: boolean
  /** `TotalHotkeyAlpha` exists (dTAO); else stake is `TotalHotkeyStake`. */
  alphaStake: boolean
}

function has(section: Record<string, Record<string, unknown>>, path: string): boolean {
  const [pallet, item] = path.split('.') as [string, string]
  return section[pallet]?.[item] !== undefined
}

/** Whether the runtime's `pallet_commitments::types::Data` has the `BigRaw` variant. */
function hasBigRaw(api: ApiPromise): boolean {
  for (const entry of api.registry.lookup.types) {
    const path = entry.type.path.map((p) => p.toString()).join('::')
    if (!path.endsWith('commitments::types::Data') || !entry.type.def.isVariant) continue
    return entry.type.def.asVariant.variants.some((v) => v.name.toString() === 'BigRaw')
  }
  return false
}

/**
 * Check the connected runtime has everything the adapter uses and work out how it differs from mainnet.
 * Fails loudly, naming every missing item, instead of failing later on first use.
 */
export function profileRuntime(api: ApiPromise): RuntimeProfile {
  const tx = api.tx as unknown as Record<string, Record<string, unknown>>
  const query = api.query as unknown as Record<string, Record<string, unknown>>
  const missing = [
    ...REQUIRED_CALLS.filter((c) => !has(tx, c)).map((c) => `call ${c}`),
    ...REQUIRED_STORAGE.filter((s) => !has(query, s)).map((s) => `storage ${s}`),
  ]
  if (missing.length > 0) {
    throw new ChainError(
      { code: 'CHAIN_UNSUPPORTED', missing, specVersion: api.runtimeVersion.specVersion.toNumber() },
      `the chain's runtime lacks what the Subtensor adapter needs: ${missing.join(', ')}`,
    )
  }
  const call = api.call as unknown as Record<string, Record<string, { meta?: { type?: unknown } } | undefined>>
  const metagraphOut = call.subnetInfoRuntimeApi?.getMetagraph?.meta?.type
  let stakeThresholdItem: RuntimeProfile['stakeThresholdItem']
  if (has(query, 'subtensorModule.stakeThreshold')) stakeThresholdItem = 'stakeThreshold'
  else if (has(query, 'subtensorModule.weightsMinStake')) stakeThresholdItem = 'weightsMinStake'
  return {
    specVersion: api.runtimeVersion.specVersion.toNumber(),
    capabilities: {
      timelockedWeights: has(tx, 'subtensorModule.commitTimelockedWeights'),
      hashCommitReveal: has(tx, 'subtensorModule.commitWeights') && has(tx, 'subtensorModule.revealWeights'),
      bigRawCommitments: hasBigRaw(api),
    },
    typedMetagraph: metagraphOut !== undefined && String(metagraphOut) !== 'Vec<u8>',
    stakeThresholdItem,
    revealPeriodItem: has(query, 'subtensorModule.revealPeriodEpochs'),
    alphaStake: has(query, 'subtensorModule.totalHotkeyAlpha'),
  }
}
