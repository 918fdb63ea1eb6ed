import type { CaseSpec } from './run-case.js'

/** The matrix (issue 10 item 3): validators × miners, run lightest first so partial results come early. */
export const VALIDATOR_COUNTS = [3, 5, 8] as const
export const MINER_COUNTS = [10, 50, 200] as const

/** The case whose stages are broken down (issue 10 item 3 asks for one mid-size case). */
export const STAGE_CASE = { validators: 5, miners: 50 } as const

/**
 * Flags of every case. 250 ms blocks and one task × one episode × 20 steps keep a job to seconds, so the
 * figures show the mesh's path (plan, queue, fetch, policy start, gossip, weights) rather than simulation.
 * Weights every 4 blocks (1 s) so "to weights" measures the path, not the interval.
 */
const BASE = { blockMs: 250, weightsInterval: 4, episodes: 1, maxSteps: 20 } as const

/**
 * Cycles are short but not shorter than a first cycle can plausibly take: each cycle plans every miner again,
 * and cycles that end faster than they are evaluated only pile jobs (and canary runs) behind the first one.
 * 4 blocks (1 s) per miner, at least 10 s.
 */
export function cycleBlocksFor(miners: number): number {
  return Math.max(40, 4 * miners)
}

/**
 * Hard bound per case in seconds: bootstrap (about 1 s per published miner), plus a generous estimate of
 * the first cycle on 2 cores, capped so the whole matrix fits a working session. Past it, the row says how far
 * the case got.
 */
export function timeoutFor(validators: number, miners: number, capMin: number): number {
  const estimate = 120 + 2 * miners + 6 * miners * Math.min(3, validators)
  return Math.min(capMin * 60, estimate)
}

/** `"3x10,5x50"` → pairs; empty or absent: the whole matrix. */
export function parseCases(v: string | undefined): Array<{ validators: number; miners: number }> {
  if (v === undefined || v.trim() === '') {
    return VALIDATOR_COUNTS.flatMap((validators) => MINER_COUNTS.map((miners) => ({ validators, miners })))
  }
  return v.split(',').map((p) => {
    const m = /^(\d+)x(\d+)$/u.exec(p.trim())
    if (m === null) throw new Error(`DEVNET_SCALE_CASES: "${p}" is not <validators>x<miners>`)
    return { validators: Number(m[1]), miners: Number(m[2]) }
  })
}

/** Lightest first (validators × miners), so a matrix cut short keeps the cases that finished. */
export function byLoad<T extends { validators: number; miners: number }>(cases: T[]): T[] {
  return [...cases].sort((a, b) => a.validators * a.miners - b.validators * b.miners || a.miners - b.miners)
}

export function specFor(validators: number, miners: number, capMin: number, stages: boolean): CaseSpec {
  return {
    ...BASE,
    validators,
    miners,
    minerList: `random*${miners}`,
    cycleBlocks: cycleBlocksFor(miners),
    timeoutSec: timeoutFor(validators, miners, capMin),
    stages,
  }
}
