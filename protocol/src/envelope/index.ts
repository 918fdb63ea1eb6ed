export type { Envelope, OpenedMessage, OpenOptions } from './envelope.js'
export { decodeEnvelope, encodeEnvelope, openEnvelope, sealEnvelope } from './envelope.js'
export type { PeerBindingInput } from './signing.js'
export { peerBindingPayload, signingDomain, signingPayload } from './signing.js'
