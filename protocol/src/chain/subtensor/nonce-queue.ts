/**
 * Serialises transactions per signer and hands out nonces from a local counter. Chopsticks' instant mode
 * (and busy nodes) answer `system_accountNextIndex` with a stale value right after a submission
 * (reference/chain.md §8: `1010 invalid stale`), so we count ourselves and resync only when told to.
 */
export class NonceQueue {
  readonly #tails = new Map<string, Promise<unknown>>()
  readonly #next = new Map<string, number>()
  readonly #fetch: (address: string) => Promise<number>

  constructor(fetchNextIndex: (address: string) => Promise<number>) {
    this.#fetch = fetchNextIndex
  }

  /** Run `job` after every earlier job of `address` has settled; jobs of other addresses run in parallel. */
  run<T>(address: string, job: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(address) ?? Promise.resolve()
    const result = prev.then(job, job)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    this.#tails.set(address, tail)
    void tail.then(() => {
      if (this.#tails.get(address) === tail) this.#tails.delete(address)
    })
    return result
  }

  /** The nonce to use next (fetched on first use or after {@link resync}). Call only inside {@link run}. */
  async peek(address: string): Promise<number> {
    let next = this.#next.get(address)
    if (next === undefined) {
      next = await this.#fetch(address)
      this.#next.set(address, next)
    }
    return next
  }

  /** The pool accepted a transaction with `nonce`: the next one is `nonce + 1`. */
  accepted(address: string, nonce: number): void {
    this.#next.set(address, nonce + 1)
  }

  /** Forget the local counter (stale/future nonce, or a transaction that may not have reached the pool). */
  resync(address: string): void {
    this.#next.delete(address)
  }
}
