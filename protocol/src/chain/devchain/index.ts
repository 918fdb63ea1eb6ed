export type { DevChainAdmin } from './admin.js'
export { devChainAdmin } from './admin.js'
export type { DevChainClientInit } from './client.js'
export { devChainClient } from './client.js'
export {
  DEFAULT_DEV_BLOCK_TIME_MS,
  DEFAULT_DEV_CHAIN_HOST,
  DEFAULT_DEV_CHAIN_PORT,
  DEFAULT_DEV_NETUIDS,
  DEV_CHAIN_SIGNING_DOMAIN,
} from './constants.js'
export type { DevChain, DevChainInit } from './create.js'
export { createDevChain } from './create.js'
export { devCallSigningMessage } from './signing.js'
export type { DevHyperparameters, DevSubnetHyperparameters } from './types.js'
