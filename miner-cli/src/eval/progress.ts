import type { EpisodeOutcome } from '#evaluator'
import type { MinerIo } from '../cli/io.js'

/** Receives the evaluation's progress; all output goes to `io.err` so `--json` on `io.out` stays parseable. */
export interface Progress {
  /** A step of episode `index` (0-based, across tasks) finished. */
  step(index: number, envId: string, t: number, maxSteps: number): void
  /** Episode `index` ended; `firstSuccess` is the step it first succeeded at, if it did. */
  episode(index: number, outcome: EpisodeOutcome, firstSuccess: number | null): void
  done(): void
}

const BAR_WIDTH = 24
// `io.err` ends every write with a newline, so a redraw moves up to the previous line and clears it.
const UP_AND_CLEAR = '\x1b[1A\x1b[2K'
// Redraws are throttled: a fast policy finishes a step every few milliseconds.
const REDRAW_MS = 100

function outcomeText(o: EpisodeOutcome, firstSuccess: number | null): string {
  if (o.error !== undefined) return `${o.error}${o.errorDetail ? ` (${o.errorDetail})` : ''}`
  return o.success ? `success at step ${firstSuccess ?? '?'}` : `no success in ${o.steps} steps`
}

/**
 * On a terminal: one bar redrawn in place (episodes done, the current episode's step, successes so far).
 * Elsewhere (CI logs, pipes): one line per finished episode, nothing redrawn.
 */
export function createProgress(io: MinerIo, total: number, now: () => number = Date.now): Progress {
  let finished = 0
  let successes = 0
  let drawn = false
  let lastDraw = 0

  const draw = (current: string) => {
    const filled = Math.round((finished / Math.max(1, total)) * BAR_WIDTH)
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`
    io.err(`${drawn ? UP_AND_CLEAR : ''}${bar} ${finished}/${total} episodes, ${successes} successes  ${current}`)
    drawn = true
    lastDraw = now()
  }

  return {
    step(index, envId, t, maxSteps) {
      if (!io.isTTY || now() - lastDraw < REDRAW_MS) return
      draw(`${envId} #${index + 1} step ${t + 1}/${maxSteps}`)
    },
    episode(index, outcome, firstSuccess) {
      finished++
      if (outcome.success) successes++
      if (io.isTTY) draw(`${outcome.envId} #${index + 1}: ${outcomeText(outcome, firstSuccess)}`)
      else
        io.err(
          `episode ${finished}/${total} ${outcome.envId} seed ${outcome.seed}: ${outcomeText(outcome, firstSuccess)}`,
        )
    },
    done() {
      if (io.isTTY && drawn) io.err('')
    },
  }
}
