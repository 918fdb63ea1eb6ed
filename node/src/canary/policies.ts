import { MUJOCO_ENV_IDS, samplePolicyDir } from '#evaluator'
import { badInput } from './errors.js'

/**
 * What a reference policy's success rate must look like on a healthy validator. `floor`: the Wilson upper
 * bound of its success rate must reach it (a policy that should succeed). `ceiling`: the Wilson lower bound
 * must not exceed it (a policy that should fail). Either, both or neither may be set.
 */
export interface CanaryBand {
  floor?: number
  ceiling?: number
}

/** A policy whose outcomes we know in advance, run on every validator every cycle. Plain data. */
export interface ReferencePolicy {
  /** Enters the canary job id and labels metrics, so keep it short and stable (`expert`, `random`). */
  name: string
  /** Policy folder (a `kinitro.json` artifact), e.g. `samplePolicyDir('expert')`. */
  dir: string
  band: CanaryBand
  /**
   * Same seeds give the same actions, so every validator must report the same per-episode outcomes and
   * final state hashes; only such policies are compared with peers.
   */
  deterministic: boolean
  /** Env ids the policy is meant for; the competition's other tasks are left out. Undefined = every task. */
  envIds?: readonly string[]
}

/**
 * Tunables of the canaries. Provenance:
 * - `maxEpisodesPerTask` 4: the brief's cost bound. Measured on the 2-vCPU dev box (one lane, reach, two
 *   84×84 cameras, full 500-step horizon): 4 expert episodes 41 s, 4 random 30 s; so a 6-task competition
 *   costs ≈ 7 min of evaluator time per cycle (150-step limit: 6 s and 11 s per 4 episodes).
 * - `expertFloor` 0.8: the scripted expert solved 200/200 seeds (door-open 100/100) of every
 *   built-in task (evaluator/src/env/mujoco/README "Measured"). Wilson-high(1/4) = 0.70 < 0.8 ≤ Wilson-high(2/4) = 0.85, so four
 *   episodes flag "at most one success", which a ≥ 0.95 expert does with probability < 0.001.
 * - `randomCeiling` 0.5: uniform random scored 0/100 on every built-in task (same README).
 *   Wilson-low(4/4) = 0.51 > 0.5 ≥ Wilson-low(3/4) = 0.30: only all-successes trips four episodes, which a
 *   ≤ 0.1 policy does with probability 10⁻⁴.
 * - `maxErrorRate` 0: our own policies never crash, time out or hit env errors on a healthy validator.
 * - `history` 64 reports: a day of hourly cycles for a few competitions, a few KB each.
 */
export const CANARY_DEFAULTS = {
  maxEpisodesPerTask: 4,
  expertFloor: 0.8,
  randomCeiling: 0.5,
  maxErrorRate: 0,
  history: 64,
} as const

/**
 * The default reference policies: the scripted vision expert (deterministic; built-in MuJoCo tasks only,
 * since it knows their scenes) and uniform random (its generator is seeded per process, so it is judged
 * by band only; it runs on every task, remote ones included).
 */
export function defaultReferencePolicies(): ReferencePolicy[] {
  return [
    {
      name: 'expert',
      dir: samplePolicyDir('expert'),
      band: { floor: CANARY_DEFAULTS.expertFloor },
      deterministic: true,
      envIds: [...MUJOCO_ENV_IDS],
    },
    {
      name: 'random',
      dir: samplePolicyDir('random'),
      band: { ceiling: CANARY_DEFAULTS.randomCeiling },
      deterministic: false,
    },
  ]
}

const NAME = /^[a-z0-9][a-z0-9-]{0,31}$/

/** @throws CanaryError `NODE_CANARY_BAD_INPUT` on duplicate or malformed names and bands outside [0, 1]. */
export function checkPolicies(policies: readonly ReferencePolicy[]): void {
  const seen = new Set<string>()
  for (const p of policies) {
    if (!NAME.test(p.name)) throw badInput('policies.name', `"${p.name}" must match ${NAME}`)
    if (seen.has(p.name)) throw badInput('policies.name', `"${p.name}" twice`)
    seen.add(p.name)
    if (p.dir === '') throw badInput('policies.dir', `${p.name}: empty`)
    for (const [k, v] of Object.entries(p.band)) {
      if (v !== undefined && !(v >= 0 && v <= 1)) throw badInput(`policies.band.${k}`, `${p.name}: ${v} not in [0, 1]`)
    }
  }
}
