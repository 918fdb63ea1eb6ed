import { readFileSync } from 'node:fs'

/**
 * Set to `1` by a supervisor (the devnet) that gives a long-running command a stdin pipe: when the pipe
 * closes — the supervisor died, even by SIGKILL — the command stops itself instead of lingering.
 */
export const EXIT_WITH_PARENT_ENV = 'KINITRO_EXIT_WITH_PARENT'

/**
 * After a graceful stop, how long leftover handles (a socket closing, a library's timer) may keep the
 * process up before it exits anyway: a stopped service that lingers looks hung to its supervisor, which then
 * kills it (the devnet did, 20 s later, for every node).
 */
export const EXIT_GRACE_MS = 3_000

/**
 * Keep a long-running command (`node run`, `indexer run`) up until SIGINT/SIGTERM (or its supervisor's
 * pipe closing), then stop it gracefully and let the process exit. A second signal exits at once with 130:
 * the operator wants out now, and every store is crash-safe. A failed stop exits with 1.
 */
export function runUntilStopped(
  stop: () => Promise<void>,
  opts: { exit?: (code: number) => void } = {},
): Promise<void> {
  const exit = opts.exit ?? ((code: number) => process.exit(code))
  const watchParent = process.env[EXIT_WITH_PARENT_ENV] === '1'
  return new Promise<void>((resolve) => {
    let stopping = false
    const done = (code: number) => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      if (watchParent) {
        // The pipe kept the event loop alive on purpose while running; held after the stop, it would keep
        // the process up for as long as the supervisor lives.
        process.stdin.off('close', onGone)
        process.stdin.destroy()
      }
      if (code !== 0) process.exitCode = code
      setTimeout(() => exit(code), EXIT_GRACE_MS).unref()
      resolve()
    }
    const onSignal = (sig: string) => {
      if (stopping) return exit(130)
      stopping = true
      process.stderr.write(`\n${sig}: stopping (again to force)\n`)
      stop().then(
        () => done(0),
        (err) => {
          process.stderr.write(`stop failed: ${String(err)}\n`)
          done(1)
        },
      )
    }
    const onInt = () => onSignal('SIGINT')
    const onTerm = () => onSignal('SIGTERM')
    const onGone = () => onSignal('supervisor gone')
    process.on('SIGINT', onInt)
    process.on('SIGTERM', onTerm)
    if (watchParent) {
      process.stdin.on('close', onGone)
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
