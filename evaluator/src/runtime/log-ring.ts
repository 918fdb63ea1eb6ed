/** Keeps the last `maxBytes` of a process's interleaved output; older text is dropped line-wise. */
export class LogRing {
  readonly maxBytes: number
  #chunks: string[] = []
  #size = 0
  #dropped = 0

  constructor(maxBytes = 64 * 1024) {
    this.maxBytes = maxBytes
  }

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8')
    if (text.length === 0) return
    this.#chunks.push(text)
    this.#size += text.length
    while (this.#size > this.maxBytes && this.#chunks.length > 0) {
      const head = this.#chunks[0] as string
      const excess = this.#size - this.maxBytes
      if (head.length <= excess) {
        this.#chunks.shift()
        this.#size -= head.length
        this.#dropped += head.length
      } else {
        this.#chunks[0] = head.slice(excess)
        this.#size -= excess
        this.#dropped += excess
      }
    }
  }

  /** The kept text; starts with a marker when older output was dropped. */
  text(): string {
    const body = this.#chunks.join('')
    return this.#dropped > 0 ? `[... ${this.#dropped} bytes dropped]\n${body}` : body
  }
}
