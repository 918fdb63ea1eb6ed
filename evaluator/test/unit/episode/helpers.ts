import { toyExpertAction } from '../../../src/env/toy/index.js'
import type { Action, Observation } from '../../../src/env/types.js'
import { type ServedPolicyHandle, servePolicy } from '../../../src/policy/server.js'
import type { PolicyClient, PolicyLimits } from '../../../src/policy/types.js'
import { DEFAULT_POLICY_LIMITS } from '../../../src/policy/types.js'
import type { WireAction } from '../../../src/policy/wire.js'
import { decodeObservation } from '../../../src/policy/wire.js'

/** Limits for tests: the reference's act deadline, a short episode so failures show quickly. */
export const TEST_LIMITS: PolicyLimits = { ...DEFAULT_POLICY_LIMITS, maxSteps: 100, episodeTimeoutMs: 20_000 }

export const JOB_ID = new Uint8Array(32).fill(7)
export const BLOCK_HASH = new Uint8Array(32).fill(9)

function toWire(a: Action): WireAction {
  return { continuous: a.continuous, discrete: a.discrete, extra: a.extra }
}

/** A real HTTP policy server running the toy expert, optionally misbehaving at a given step. */
export async function serveToyPolicy(
  opts: { failAtAct?: number; sleepAtAct?: { n: number; ms: number }; sleepEvery?: number; zero?: boolean } = {},
): Promise<ServedPolicyHandle & { acts: () => number }> {
  let acts = 0
  const handle = await servePolicy({
    reset() {
      acts = 0
    },
    async act(wire) {
      const n = acts++
      if (opts.failAtAct === n) throw new Error('policy blew up')
      if (opts.sleepAtAct && opts.sleepAtAct.n === n) await new Promise((r) => setTimeout(r, opts.sleepAtAct?.ms))
      if (opts.sleepEvery) await new Promise((r) => setTimeout(r, opts.sleepEvery))
      if (opts.zero) return [0, 0, 0, 0, 0, 0, 0]
      return toWire(toyExpertAction(decodeObservation(wire)))
    },
  })
  return Object.assign(handle, { acts: () => acts })
}

/** An in-process PolicyClient (no HTTP): the bench baseline and determinism reference. */
export function inProcessPolicy(act: (obs: Observation) => Action = toyExpertAction): PolicyClient {
  return {
    endpoint: { url: 'inproc://toy' },
    async health() {
      return { status: 'ok' }
    },
    async reset() {},
    async act(obs) {
      return act(obs)
    },
    close() {},
  }
}
