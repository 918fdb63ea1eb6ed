import { readFileSync } from 'node:fs'

/**
 * Set to `1` by a supervisor (the devnet) that gives a long-running command a stdin pipe: when the pipe
 * closes — the supervisor died, even by SIGKILL — the command stops itself instead of lingering.
 */
export const EXIT_WITH_PARENT_ENV = 'KINITRO_EXIT_WITH_PARENT'

/**
 * Keep a long-running command (`node run`, `indexer run`) up until SIGINT/SIGTERM (or its supervisor's
 * pipe closing), then stop it gracefully. A second signal exits at once with 130: the operator wants out
 * now, and every store is crash-safe.
 */
export function runUntilStopped(stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false
    const onSignal = (sig: string) => {
      if (stopping) process.exit(130)
      stopping = true
      process.stderr.write(`\n${sig}: stopping (again to force)\n`)
      stop().then(resolve, (err) => {
        process.stderr.write(`stop failed: ${String(err)}\n`)
        resolve()
      })
    }
    process.on('SIGINT', () => onSignal('SIGINT'))
    process.on('SIGTERM', () => onSignal('SIGTERM'))
    if (process.env[EXIT_WITH_PARENT_ENV] === '1') {
      process.stdin.on('close', () => onSignal('supervisor gone'))
      process.stdin.resume()
    }
  })
}

/** Read a file of hex envelopes (peer records, manifests), one per line; `#` comments and blank lines are skipped. */
export function readEnvelopeFile(path: string): Uint8Array[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => new Uint8Array(Buffer.from(l, 'hex')))
}
