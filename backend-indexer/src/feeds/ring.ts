import type { FeedEventKind } from './types.js'

/** A published event as the hub keeps it: data serialized once, at publish time. */
export interface StoredEvent {
  seq: number
  kind: FeedEventKind
  channels: readonly string[]
  /** `JSON.stringify(data)`. */
  dataJson: string
  /** The signed envelope, base64. */
  envelope?: string
}

/**
 * The last `capacity` events by seq, for `resume`. Seqs are consecutive from 1, so slot = seq % capacity
 * and nothing is ever searched.
 */
export class HistoryRing {
  readonly capacity: number
  readonly #slots: (StoredEvent | undefined)[]
  #last = 0

  constructor(capacity: number) {
    this.capacity = capacity
    this.#slots = new Array<StoredEvent | undefined>(capacity)
  }

  /** Seq of the newest event; 0 before the first. */
  get last(): number {
    return this.#last
  }

  /** Seq of the oldest event held (`last + 1` when empty). */
  get oldest(): number {
    return this.#last === 0 ? 1 : Math.max(1, this.#last - this.capacity + 1)
  }

  /** Append the event with seq `last + 1`. */
  push(event: StoredEvent): void {
    if (event.seq !== this.#last + 1) throw new RangeError(`ring expects seq ${this.#last + 1}, got ${event.seq}`)
    this.#slots[event.seq % this.capacity] = event
    this.#last = event.seq
  }

  /** True when the ring holds every event after `seq` (and `seq` is not from the future). */
  covers(seq: number): boolean {
    return seq >= this.oldest - 1 && seq <= this.#last
  }

  /** Events with seq > `seq`, oldest first; only meaningful when {@link covers}(seq). */
  *after(seq: number): Generator<StoredEvent> {
    for (let s = Math.max(seq + 1, this.oldest); s <= this.#last; s++) {
      const e = this.#slots[s % this.capacity]
      if (e !== undefined) yield e
    }
  }
}
