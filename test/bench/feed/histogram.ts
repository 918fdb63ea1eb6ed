// Fixed-resolution latency histogram: recording is one array increment, so the swarm can sample ~100k
// latencies per second without allocating. Latencies past the range land in the last bucket (max kept).

const BUCKET_US = 20
const RANGE_US = 20_000_000

export class LatencyHistogram {
  readonly #buckets = new Uint32Array(Math.ceil(RANGE_US / BUCKET_US) + 1)
  #count = 0
  #maxUs = 0

  get count(): number {
    return this.#count
  }

  record(us: number): void {
    const v = Math.max(0, us)
    this.#buckets[Math.min(this.#buckets.length - 1, Math.floor(v / BUCKET_US))]!++
    this.#count++
    if (v > this.#maxUs) this.#maxUs = v
  }

  /** The q-quantile in ms (upper edge of its bucket); NaN when empty. */
  quantileMs(q: number): number {
    if (this.#count === 0) return Number.NaN
    const rank = Math.max(1, Math.ceil(q * this.#count))
    let seen = 0
    for (let i = 0; i < this.#buckets.length; i++) {
      seen += this.#buckets[i] as number
      if (seen >= rank) return Math.min((i + 1) * BUCKET_US, this.#maxUs) / 1000
    }
    return this.#maxUs / 1000
  }

  maxMs(): number {
    return this.#count === 0 ? Number.NaN : this.#maxUs / 1000
  }
}
