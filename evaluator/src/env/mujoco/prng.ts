import { createHash } from 'node:crypto'

/** Domain separator of the task-parameter stream (README "Task parameters"). */
export const TASK_PRNG_DOMAIN = 'kinitro/mujoco-task-params/v1'

/** Manifest parameters in canonical form: `key=value` lines sorted by key (UTF-16 code unit order), joined by `\n`. */
export function canonicalParams(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('\n')
}

/**
 * The documented uniform stream every validator reproduces: draw i is
 * `SHA-256(domain ‖ 0x00 ‖ envId ‖ 0x00 ‖ canonicalParams ‖ 0x00 ‖ seed u32be ‖ i u32be)`, whose first 8 bytes
 * read as a big-endian u64, shifted right by 11, and divided by 2^53 give a double in [0, 1).
 */
export class TaskPrng {
  readonly #prefix: Buffer
  #counter = 0

  constructor(envId: string, seed: number, params: Readonly<Record<string, string>>) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new RangeError(`seed must be a u32, got ${seed}`)
    const seedBytes = Buffer.alloc(4)
    seedBytes.writeUInt32BE(seed)
    this.#prefix = Buffer.concat([
      Buffer.from(TASK_PRNG_DOMAIN, 'utf8'),
      Buffer.of(0),
      Buffer.from(envId, 'utf8'),
      Buffer.of(0),
      Buffer.from(canonicalParams(params), 'utf8'),
      Buffer.of(0),
      seedBytes,
    ])
  }

  /** How many draws have been taken. */
  get draws(): number {
    return this.#counter
  }

  /** A double in [0, 1). */
  next(): number {
    const counter = Buffer.alloc(4)
    counter.writeUInt32BE(this.#counter++)
    const digest = createHash('sha256').update(this.#prefix).update(counter).digest()
    return Number(digest.readBigUInt64BE(0) >> 11n) / 2 ** 53
  }

  /** A double in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next()
  }
}
