/**
 * A least-recently-used map bounded by a total weight (a document's frame count), so a few very long
 * episodes cannot hold as much memory as many short ones.
 */
export class WeightedLru<V> {
  readonly #max: number
  readonly #weigh: (v: V) => number
  // A Map iterates in insertion order: re-inserting on access keeps the least recent first.
  readonly #items = new Map<string, { value: V; weight: number }>()
  #total = 0

  constructor(maxWeight: number, weigh: (v: V) => number) {
    this.#max = maxWeight
    this.#weigh = weigh
  }

  get size(): number {
    return this.#items.size
  }

  get weight(): number {
    return this.#total
  }

  get(key: string): V | undefined {
    const item = this.#items.get(key)
    if (item === undefined) return undefined
    this.#items.delete(key)
    this.#items.set(key, item)
    return item.value
  }

  /** Stores `value` unless it alone outweighs the cache; evicts the least recent entries to make room. */
  set(key: string, value: V): void {
    this.delete(key)
    const weight = this.#weigh(value)
    if (weight > this.#max) return
    this.#items.set(key, { value, weight })
    this.#total += weight
    for (const [k, item] of this.#items) {
      if (this.#total <= this.#max) break
      this.#items.delete(k)
      this.#total -= item.weight
    }
  }

  delete(key: string): void {
    const item = this.#items.get(key)
    if (item === undefined) return
    this.#items.delete(key)
    this.#total -= item.weight
  }
}
