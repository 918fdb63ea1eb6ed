import { hrtime } from 'node:process'

/** CLOCK_MONOTONIC in µs: shared by every process on the machine, so the swarm can subtract it. */
export const nowUs = (): number => Number(hrtime.bigint() / 1000n)

/**
 * Call `emit(i, dueUs)` for `rate × durationMs / 1000` events, each at its due time. Timers aim at the next
 * due time (no busy loop); a late tick emits every event already due, so a slow consumer of the loop shows
 * up as latency against the due time, never as a lower rate.
 */
export function pace(
  rate: number,
  durationMs: number,
  emit: (i: number, dueUs: number) => void,
): Promise<{ events: number; startUs: number; endUs: number }> {
  const total = Math.max(1, Math.round((rate * durationMs) / 1000))
  const periodUs = 1e6 / rate
  const startUs = nowUs()
  let i = 0
  return new Promise((resolve) => {
    const tick = (): void => {
      const now = nowUs()
      while (i < total && startUs + i * periodUs <= now) {
        emit(i, Math.round(startUs + i * periodUs))
        i++
      }
      if (i >= total) {
        resolve({ events: total, startUs, endUs: nowUs() })
        return
      }
      setTimeout(tick, Math.max(0, (startUs + i * periodUs - nowUs()) / 1000))
    }
    tick()
  })
}
