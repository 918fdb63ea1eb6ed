import type { MessageCosts } from './costs.js'

/** Costs of the right order (envelope.bench, perf.md §3) for unit tests of the model's arithmetic. */
export const FAKE_COSTS: MessageCosts = {
  shape: { tasks: 3, episodesPerTask: 50, uids: 256 },
  knownUs: 20,
  serveUsPerItem: 3,
  types: {
    'peer-record': { bytes: 335, validateUs: 600, storeUs: 150 },
    'competition-manifest': { bytes: 488, validateUs: 450, storeUs: 150 },
    'job-announcement': { bytes: 334, validateUs: 180, storeUs: 150 },
    'job-status': { bytes: 157, validateUs: 170, storeUs: 150 },
    result: { bytes: 14_182, validateUs: 900, storeUs: 200 },
    'weights-announcement': { bytes: 1198, validateUs: 200, storeUs: 150 },
  },
}
