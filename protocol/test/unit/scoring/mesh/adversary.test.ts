import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ss58FromPublicKey } from '../../../../src/identity/hotkey.js'
import { ed25519Signer } from '../../../../src/identity/signer.js'
import {
  computeWeights,
  type MeshNeuron,
  type ReplicaResult,
  scoringInputFromMesh,
} from '../../../../src/scoring/index.js'
import { filled } from '../../messages/fixtures.js'
import { episodes, HEAD, manifest, miners, type Outcome, replicaBy, validators } from './helpers.js'

// The bound RELIABILITY.md states for dishonest validators: for every (miner, environment) the mesh takes
// the stake-weighted median over the replicas' results, and an equivocating validator counts once (its
// newest result, the lower one at one block). So while the honest replicas agree and hold more stake than
// the dishonest ones together, fabricated, equivocating or withheld results change no weight at all.

const RAO = 10n ** 9n
const adversaries = [0, 1].map((i) => ({
  hotkey: ss58FromPublicKey(filled(0x61 + i)),
  node: ed25519Signer(filled(0x71 + i)),
}))
const honestOutcomes = [
  // Miner 0 strong (one failure), miner 1 weak (five failures).
  episodes(0, { 7: { success: false } }),
  episodes(1, Object.fromEntries([2, 3, 5, 6, 7].map((i) => [i, { success: false } as Outcome]))),
]
const allSuccess = (miner: number) => episodes(miner)
const allFail = (miner: number) =>
  episodes(miner, Object.fromEntries(Array.from({ length: 8 }, (_, i) => [i, { success: false } as Outcome])))

type Behaviour = 'fabricate-high' | 'fabricate-low' | 'equivocate' | 'withhold'

function dishonest(a: number, miner: number, how: Behaviour): ReplicaResult[] {
  const v = adversaries[a] as (typeof adversaries)[number]
  switch (how) {
    case 'fabricate-high':
      return [replicaBy(v, miner, allSuccess(miner))]
    case 'fabricate-low':
      return [replicaBy(v, miner, allFail(miner))]
    case 'equivocate':
      // Two different signed results for one job at one block.
      return [replicaBy(v, miner, allSuccess(miner)), replicaBy(v, miner, allFail(miner))]
    case 'withhold':
      return []
  }
}

function weights(stakes: { honest: bigint[]; adversary: bigint[] }, results: ReplicaResult[]) {
  const metagraph: MeshNeuron[] = [
    ...validators.map((v, i) => ({ uid: i, hotkey: v.hotkey, stake: stakes.honest[i] as bigint })),
    ...adversaries.map((v, i) => ({ uid: 3 + i, hotkey: v.hotkey, stake: stakes.adversary[i] as bigint })),
    ...miners.map((m, i) => ({ uid: 5 + i, hotkey: m.hotkey, stake: 0n })),
  ]
  const commitments = miners.map((m, i) => ({ hotkey: m.hotkey, block: 100 + i }))
  const out = computeWeights(scoringInputFromMesh({ manifests: [manifest()], commitments, metagraph, results }))
  return out.weights
}

const honestResults = (): ReplicaResult[] =>
  [0, 1].flatMap((miner) => validators.map((v) => replicaBy(v, miner, honestOutcomes[miner] as never, HEAD)))

describe('dishonest validators against the stake-weighted median', () => {
  const behaviour = fc.constantFrom<Behaviour>('fabricate-high', 'fabricate-low', 'equivocate', 'withhold')
  const honest = honestResults()

  it('change no weight while honest replicas agree and outweigh them (300 worlds)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 2 }),
        fc.array(behaviour, { minLength: 4, maxLength: 4 }),
        (h, a, how) => {
          fc.pre(a[0]! + a[1]! < h[0]! + h[1]! + h[2]!)
          const stakes = { honest: h.map((x) => BigInt(x) * RAO), adversary: a.map((x) => BigInt(x) * RAO) }
          const lies = [0, 1].flatMap((adv) => [0, 1].flatMap((miner) => dishonest(adv, miner, how[adv * 2 + miner]!)))
          expect(weights(stakes, [...honest, ...lies])).toEqual(weights(stakes, honest))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('can move the weights once they hold as much stake as the honest replicas (the bound is tight)', () => {
    const stakes = { honest: [100n, 100n, 100n].map((x) => x * RAO), adversary: [300n, 0n].map((x) => x * RAO) }
    // At exactly half the stake the lower value wins the median: a low fabrication sinks the strong miner.
    const lies = dishonest(0, 0, 'fabricate-low')
    expect(weights(stakes, [...honest, ...lies])).not.toEqual(weights(stakes, honest))
  })
})
