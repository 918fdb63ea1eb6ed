/**
 * Scoring scenarios for `kinitro score simulate`: a hand-written JSON file, or a seeded random one like the
 * reference's `kinitro test-scoring` (scores uniform in [0.3, 0.9), blocks 1000 + 100·uid).
 */
import { z } from 'zod'
import { REF_EPISODES_PER_ENV, U16_MAX } from './constants.js'
import { ScoringError, type ScoringIssue } from './errors.js'
import { DEFAULT_STRATEGY_ID } from './strategies/registry.js'
import { toIssues } from './strategies/strategy.js'
import type { ScoringInput } from './types.js'

/** Competition id given to a scenario's single competition. */
export const SCENARIO_COMPETITION = 'simulated'
/** The one validator that "reports" a scenario's scores, with stake 1. */
export const SCENARIO_VALIDATOR = 'simulator'

const rate = z.number().min(0).max(1)
const episodes = z.number().int().min(0)
const envScore = z.union([
  rate,
  z.object({ successRate: rate, episodes: episodes.optional(), avgReward: z.number().nullable().optional() }).strict(),
])

/** Schema of a scenario file. */
export const scenarioSchema = z
  .object({
    /** @default 'kinitro-subset-v1' */
    strategy: z.string().min(1).default(DEFAULT_STRATEGY_ID),
    /** Strategy params; defaults fill the rest. */
    params: z.record(z.string(), z.unknown()).default({}),
    /** Env ids in order; defaults to the order they first appear in miners' scores. */
    envs: z.array(z.string().min(1)).optional(),
    /** Episodes for scores given as bare rates. @default 50 */
    episodesPerEnv: episodes.default(REF_EPISODES_PER_ENV),
    miners: z
      .array(
        z
          .object({
            uid: z.number().int().min(0).max(U16_MAX),
            /** @default `miner-<uid>` */
            hotkey: z.string().min(1).optional(),
            /** Commitment block; omitted means unknown (sorts last). */
            block: z.number().int().min(0).optional(),
            /** Success rate per env, or `{successRate, episodes, avgReward}`. */
            scores: z.record(z.string(), envScore),
          })
          .strict(),
      )
      .min(1),
    /** Strategy state keyed by strategy id (kinitro-wta-v0 leaders and approvals). */
    state: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()

/** A scenario as written (defaults not yet applied). */
export type ScenarioFile = z.input<typeof scenarioSchema>
/** A validated scenario. */
export type Scenario = z.output<typeof scenarioSchema>

/**
 * Validate a scenario. Every problem names its JSON path, the value found and what was expected.
 *
 * @throws {@link ScoringError} `SCORING_SCENARIO_INVALID`.
 */
export function parseScenario(doc: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(doc, { reportInput: true })
  if (!parsed.success) invalid(toIssues(parsed.error))
  const s = parsed.data
  const issues: ScoringIssue[] = []
  const seenUid = new Set<number>()
  const seenHotkey = new Set<string>()
  s.miners.forEach((m, i) => {
    if (seenUid.has(m.uid)) issues.push({ path: `miners[${i}].uid`, message: 'duplicate uid', value: m.uid })
    seenUid.add(m.uid)
    const hk = m.hotkey ?? `miner-${m.uid}`
    if (seenHotkey.has(hk)) issues.push({ path: `miners[${i}].hotkey`, message: 'duplicate hotkey', value: hk })
    seenHotkey.add(hk)
    if (s.envs) {
      for (const env of Object.keys(m.scores)) {
        if (!s.envs.includes(env)) {
          issues.push({
            path: `miners[${i}].scores.${env}`,
            message: `env not listed in envs (${s.envs.join(', ')})`,
            value: env,
          })
        }
      }
    }
  })
  if (issues.length > 0) invalid(issues)
  return s
}

/** The env ids of a scenario, in order. */
export function scenarioEnvs(s: Scenario): string[] {
  if (s.envs) return [...s.envs]
  const out: string[] = []
  for (const m of s.miners) for (const e of Object.keys(m.scores)) if (!out.includes(e)) out.push(e)
  return out
}

/** Turn a scenario into a {@link ScoringInput}: one competition, one validator with stake 1. */
export function scenarioToInput(s: Scenario): ScoringInput {
  const envIds = scenarioEnvs(s)
  const hotkey = (m: Scenario['miners'][number]) => m.hotkey ?? `miner-${m.uid}`
  const input: ScoringInput = {
    competitions: [{ id: SCENARIO_COMPETITION, strategy: s.strategy, params: s.params, envIds }],
    commitments: s.miners.flatMap((m) => (m.block === undefined ? [] : [{ hotkey: hotkey(m), block: m.block }])),
    results: s.miners.flatMap((m) =>
      Object.entries(m.scores).map(([envId, v]) => ({
        validator: SCENARIO_VALIDATOR,
        stake: 1,
        miner: hotkey(m),
        competitionId: SCENARIO_COMPETITION,
        envId,
        successRate: typeof v === 'number' ? v : v.successRate,
        episodes: typeof v === 'number' ? s.episodesPerEnv : (v.episodes ?? s.episodesPerEnv),
        avgReward: typeof v === 'number' ? null : (v.avgReward ?? null),
      })),
    ),
    metagraph: s.miners.map((m) => ({ uid: m.uid, hotkey: hotkey(m) })),
  }
  if (s.state) input.state = s.state
  return input
}

/** Options of {@link randomScenario}, mirroring `kinitro test-scoring`. */
export interface RandomScenarioOptions {
  /** @default 5 */
  miners?: number
  /** @default 3 */
  envs?: number
  /** @default 50 */
  episodes?: number
  /** @default 1 */
  seed?: number
  /** @default 'kinitro-subset-v1' */
  strategy?: string
}

/** Lowest and highest simulated success rate (reference `test_scoring`: `np.random.uniform(0.3, 0.9)`). */
export const RANDOM_SCORE_RANGE = [0.3, 0.9] as const
/** Simulated commit blocks: 1000 + 100·uid, so lower uids committed earlier. */
export const RANDOM_FIRST_BLOCK = 1000
export const RANDOM_BLOCK_STEP = 100

/** A reproducible random scenario: env ids `env_0…`, uids 0…n−1, blocks 1000 + 100·uid. */
export function randomScenario(options: RandomScenarioOptions = {}): Scenario {
  const n = options.miners ?? 5
  const k = options.envs ?? 3
  const next = mulberry32(options.seed ?? 1)
  const [lo, hi] = RANDOM_SCORE_RANGE
  const envs = Array.from({ length: k }, (_, j) => `env_${j}`)
  return parseScenario({
    strategy: options.strategy ?? DEFAULT_STRATEGY_ID,
    envs,
    episodesPerEnv: options.episodes ?? REF_EPISODES_PER_ENV,
    miners: Array.from({ length: n }, (_, uid) => ({
      uid,
      block: RANDOM_FIRST_BLOCK + RANDOM_BLOCK_STEP * uid,
      scores: Object.fromEntries(envs.map((e) => [e, lo + (hi - lo) * next()])),
    })),
  })
}

/** Mulberry32: a tiny 32-bit PRNG, uniform in [0, 1). Same seed, same sequence, on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function invalid(issues: ScoringIssue[]): never {
  const lines = issues.map((i) => `  ${i.path}: ${'value' in i ? `got ${JSON.stringify(i.value)}, ` : ''}${i.message}`)
  throw new ScoringError({ code: 'SCORING_SCENARIO_INVALID', issues }, `invalid scenario:\n${lines.join('\n')}`)
}
