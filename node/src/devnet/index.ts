export type { PreparedValidator } from './identity.js'
export { freePort, prepareValidator } from './identity.js'
export type { BootstrapSubnetInit, DevAccountKey, DevMiner, DevSubnet, PublishMiner } from './subnet.js'
export { bootstrapSubnet, DEVNET_COMPETITION_ID, devRevision } from './subnet.js'
