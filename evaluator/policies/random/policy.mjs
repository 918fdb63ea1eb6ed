// Uniform random policy: a baseline that must fail the built-in tasks. It never learns the episode seed;
// its own generator is seeded from crypto.randomInt unless a caller (a test) passes a fixed seed.
// Plain JavaScript, no dependencies: this folder is packaged and run on its own.
import { randomInt } from 'node:crypto'

/** mulberry32: a small 32-bit generator, good enough for a baseline. */
function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * @param {{ seed?: number }} [options]
 * @returns {{ reset(taskConfig: object): void, act(obs: object): object }}
 */
export function createPolicy(options = {}) {
  const next = mulberry32(options.seed ?? randomInt(0, 2 ** 32))
  return {
    reset() {},
    act() {
      const twist = Array.from({ length: 6 }, () => 2 * next() - 1)
      return { continuous: { ee_twist: twist, gripper: [next()] }, discrete: {}, extra: {} }
    },
  }
}
