import { describe, expect, it } from 'vitest'
// @ts-expect-error plain JavaScript policy artifact without type declarations
import { createPolicy as createMediocre } from '../../../policies/mediocre/policy.mjs'
import { createMujocoEnvironmentFactory } from '../../../src/env/mujoco/index.js'
import { successes, type WirePolicy } from './helpers.js'

// The devnet's middle miner is a reach specialist: it must solve reach (or it would not rank above random)
// and must not solve the other devnet tasks (or it would not rank below the expert).
describe('the mediocre sample policy', () => {
  const factory = createMujocoEnvironmentFactory()
  it('solves mujoco/reach-v1 on >= 90% of 10 seeds', { timeout: 120_000 }, async () => {
    const ok = await successes(factory, 'mujoco/reach-v1', (createMediocre as () => WirePolicy)(), 10)
    expect(ok).toBeGreaterThanOrEqual(9)
  })
  for (const envId of ['mujoco/push-v1', 'mujoco/button-press-v1']) {
    it(`does not solve ${envId}`, { timeout: 120_000 }, async () => {
      const ok = await successes(factory, envId, (createMediocre as () => WirePolicy)(), 5)
      expect(ok).toBe(0)
    })
  }
})
