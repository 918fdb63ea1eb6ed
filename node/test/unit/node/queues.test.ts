import { describe, expect, it } from 'vitest'
import { DEFAULT_TOPIC_QUEUES } from '#protocol'
import { jobsQueueLength } from '../../../src/node/queues.js'

describe('jobsQueueLength', () => {
  it('holds two cycles of announcements: neurons × competitions × replicas, twice', () => {
    expect(jobsQueueLength(2000, 1, 3)).toBe(12_000)
    expect(jobsQueueLength(1000, 4, 3)).toBe(24_000)
  })

  it('never goes below the default, also before the metagraph is read', () => {
    const floor = DEFAULT_TOPIC_QUEUES.jobs.maxLength
    expect(jobsQueueLength(10, 1, 3)).toBe(floor)
    expect(jobsQueueLength(0, 3, 3)).toBe(floor)
    // No competition known yet still counts one, so the first cycle's burst fits.
    expect(jobsQueueLength(1000, 0, 3)).toBe(6000)
  })
})
