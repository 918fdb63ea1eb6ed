export { EPISODE_SEED_DOMAIN, episodeSeed, episodeSeed32 } from './episode-seed.js'
export type { JobIdInput } from './job-id.js'
export { JOB_ID_DOMAIN, jobId } from './job-id.js'
export { messageId } from './message-id.js'
