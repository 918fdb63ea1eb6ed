// Fixed facts of the API test world (dataset.ts), shared with its scoring side (dataset-scores.ts).

/** Receive time of the first message, ms since epoch. */
export const RECEIVED_AT = 1_760_000_000_000
/** The competitions a dataset can hold, in order. */
export const COMPETITIONS = [
  { id: 'reach', name: 'Reach', envIds: ['reach-v0', 'push-v0'], points: 2 },
  { id: 'pick', name: 'Pick', envIds: ['pick-v0'], points: 1 },
] as const
/** The scoring strategy of every dataset competition. */
export const STRATEGY = 'kinitro-subset-v1'
