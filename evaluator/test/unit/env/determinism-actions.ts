import type { Action } from '../../../src/env/types.js'

/** A fixed, contact-rich action list (xorshift32 from a constant) shared by the determinism tests. */
export function scriptedActions(n: number): Action[] {
  let x = 0x9e3779b9
  const next = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
  return Array.from({ length: n }, (_, i) => ({
    // Drift down and toward the table so the fingers touch things, with noise on every axis.
    continuous: {
      ee_twist: [next() * 2 - 1, next() * 1.6 - 0.3, -0.6 + next() * 0.8, 0, 0, 0],
      gripper: [i % 40 < 20 ? 0 : 1],
    },
    discrete: {},
    extra: {},
  }))
}
