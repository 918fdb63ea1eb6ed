import { describe, expect, it } from 'vitest'
// @ts-expect-error plain JavaScript policy artifact without type declarations
import { createPolicy as createExpert } from '../../../policies/expert/policy.mjs'
// @ts-expect-error plain JavaScript policy artifact without type declarations
import { createPolicy as createRandom } from '../../../policies/random/policy.mjs'
import { createMujocoEnvironmentFactory } from '../../../src/env/mujoco/index.js'
import { successes, type WirePolicy } from './helpers.js'

// Expert episodes render two 84x84 cameras every step (~1 ms/frame), so 20 seeds keep the suite inside its
// time budget; a 200-seed run of the same expert scored 200/200 on every task (see the env README).
const EXPERT_SEEDS = 20
const RANDOM_SEEDS = 30

/**
 * The expert (vision only: it locates the task's coloured object in the images) must solve >= 90% of
 * seeds and a uniform random policy <= 10%. Guards physics, action scaling, rendering and camera matrices
 * at once: any of them broken and the expert fails. One file per task so vitest spreads them over cores.
 */
export function policySuccessSuite(envId: string): void {
  describe(`${envId}: sample policies`, () => {
    const factory = createMujocoEnvironmentFactory()
    it(`expert succeeds on >= 90% of ${EXPERT_SEEDS} seeds`, { timeout: 120_000 }, async () => {
      const ok = await successes(factory, envId, (createExpert as () => WirePolicy)(), EXPERT_SEEDS)
      expect(ok).toBeGreaterThanOrEqual(Math.ceil(0.9 * EXPERT_SEEDS))
    })
    it(`random succeeds on <= 10% of ${RANDOM_SEEDS} seeds`, { timeout: 120_000 }, async () => {
      const policy = (createRandom as (o: { seed: number }) => WirePolicy)({ seed: 20260501 })
      const ok = await successes(factory, envId, policy, RANDOM_SEEDS, false)
      expect(ok).toBeLessThanOrEqual(Math.floor(0.1 * RANDOM_SEEDS))
    })
  })
}
