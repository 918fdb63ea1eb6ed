import { decodeSs58, MAX_ID_BYTES } from '#protocol'

/** Channels with a fixed name (api-spec.md, "WebSocket feed"). */
export const FIXED_CHANNELS = ['results', 'jobs', 'validators', 'scores'] as const

/** What a channel is about; a closed set, so it can be a metric label. */
export const CHANNEL_KINDS = [...FIXED_CHANNELS, 'competition', 'miner'] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

const COMPETITION_PREFIX = 'competition:'
const MINER_PREFIX = 'miner:'
// The identifier rule of protocol/src/validation/fields.ts `checkId`, which every competition id passed.
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:/@+=-]*$/
// SS58 hotkeys are 47–48 base58 characters; anything longer is rejected before decoding.
const MAX_SS58_CHARS = 64

/** The channel of one competition's results, jobs, statuses and weights. */
export function competitionChannel(competitionId: string): string {
  return `${COMPETITION_PREFIX}${competitionId}`
}

/** The channel of one miner's jobs, statuses and results. */
export function minerChannel(hotkey: string): string {
  return `${MINER_PREFIX}${hotkey}`
}

/**
 * The kind of a channel name, or undefined when it is not one clients may subscribe to. `miner:` needs a
 * valid SS58 address (checksum included), `competition:` a protocol identifier.
 */
export function channelKind(name: string): ChannelKind | undefined {
  if ((FIXED_CHANNELS as readonly string[]).includes(name)) return name as ChannelKind
  if (name.startsWith(COMPETITION_PREFIX)) {
    const id = name.slice(COMPETITION_PREFIX.length)
    return id.length > 0 && id.length <= MAX_ID_BYTES && ID_RE.test(id) ? 'competition' : undefined
  }
  if (name.startsWith(MINER_PREFIX)) {
    const address = name.slice(MINER_PREFIX.length)
    if (address.length === 0 || address.length > MAX_SS58_CHARS) return undefined
    try {
      decodeSs58(address)
      return 'miner'
    } catch {
      return undefined
    }
  }
  return undefined
}
