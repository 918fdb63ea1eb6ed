import { DEFAULT_TOPIC_QUEUES } from '#protocol'

/**
 * Length of the `jobs` gossip queue: room for two cycles' announcements. At a cycle's start every
 * assignee of every (miner, competition) announces its job at once (design §5), so the burst is
 * neurons × competitions × replicas; a fixed 4096 was full at about 1,366 miners with 3 replicas (the
 * internet-scale sim, test/sim), and the oldest announcements would have been dropped. Never below the
 * default, which covers a node whose metagraph is not read yet.
 */
export function jobsQueueLength(neurons: number, competitions: number, replicas: number): number {
  const burst = neurons * Math.max(1, competitions) * replicas
  const floor = DEFAULT_TOPIC_QUEUES.jobs.maxLength
  return Math.max(typeof floor === 'number' ? floor : floor(), 2 * burst)
}
