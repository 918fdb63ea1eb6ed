export type { Envelope, OpenAsyncOptions, OpenedMessage, OpenOptions } from './envelope.js'
export { decodeEnvelope, encodeEnvelope, openEnvelope, openEnvelopeAsync, sealEnvelope } from './envelope.js'
export type { PeerBindingInput } from './signing.js'
export { peerBindingPayload, signingDomain, signingPayload } from './signing.js'
