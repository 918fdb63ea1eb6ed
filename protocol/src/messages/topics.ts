import { TOPIC_VERSION } from '../constants.js'
import type { MessageType } from './types.js'

/**
 * Gossip topics (design §4): short topic name → the one message type it carries. Typed with
 * `satisfies` so a topic cannot point at an unknown type.
 */
export const Topic = {
  peers: 'peer-record',
  competitions: 'competition-manifest',
  jobs: 'job-announcement',
  status: 'job-status',
  results: 'result',
  weights: 'weights-announcement',
  owner: 'owner-action',
} as const satisfies Record<string, MessageType>

/** One of the short topic names in {@link Topic}. */
export type TopicName = keyof typeof Topic

/** Every topic name. */
export const TOPIC_NAMES: readonly TopicName[] = Object.keys(Topic) as TopicName[]

/** True when `name` is a known topic name. */
export function isTopicName(name: string): name is TopicName {
  return Object.hasOwn(Topic, name)
}

/** The topic carrying a message type. */
export function topicOfType(type: MessageType): TopicName {
  const name = TOPIC_NAMES.find((n) => Topic[n] === type)
  // Unreachable while Topic covers every type; a test checks the table is a bijection.
  if (name === undefined) throw new TypeError(`no topic for message type ${type}`)
  return name
}

/**
 * The full gossipsub topic string: `/kinitro/<netuid>/<name>/1`. The netuid namespaces subnets and the
 * suffix the wire version, so incompatible peers never share a mesh (reference/p2p.md §2.2).
 */
export function topicString(netuid: number, name: TopicName): string {
  return `/kinitro/${netuid}/${name}/${TOPIC_VERSION}`
}

const TOPIC_RE = /^\/kinitro\/(0|[1-9]\d{0,4})\/([a-z]+)\/(\d+)$/

/** Parse a gossipsub topic string; undefined when it is not a Kinitro topic of this wire version. */
export function parseTopic(topic: string): { netuid: number; name: TopicName } | undefined {
  const m = TOPIC_RE.exec(topic)
  if (m === null) return undefined
  const [, netuidText, name, version] = m
  const netuid = Number(netuidText)
  if (netuid > 0xffff || Number(version) !== TOPIC_VERSION || name === undefined || !isTopicName(name)) {
    return undefined
  }
  return { netuid, name }
}
