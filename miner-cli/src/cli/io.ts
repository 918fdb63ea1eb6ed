/**
 * Where a miner command reads and writes. Tests pass their own; the real CLI uses the process's. Human text
 * goes to `out`; progress and warnings go to `err` so `--json` output on `out` stays parseable.
 */
export interface MinerIo {
  out(text: string): void
  err(text: string): void
  /** True when `err` is a terminal: progress bars redraw in place only then. */
  isTTY: boolean
  env: Readonly<Record<string, string | undefined>>
  cwd: string
}

/** The process's streams, environment and folder. */
export function processIo(): MinerIo {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    isTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  }
}
