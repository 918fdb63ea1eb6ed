import { createDevChain } from '../../../src/chain/index.js'
import { hotkeyFromUri } from '../../../src/identity/hotkey.js'
import { chainSuite } from '../../compliance/chain.suite.js'

const NETUID = 1
const DEV_URIS = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve']

chainSuite('dev chain', async () => {
  const dev = await createDevChain()
  const hotkeys = await Promise.all(DEV_URIS.map(hotkeyFromUri))
  for (const h of hotkeys) await dev.admin.fund(h.ss58, 10_000_000_000_000n)
  const chain = dev.client(NETUID)
  return {
    chain,
    hotkeys,
    chainOn: async (netuid) => dev.client(netuid),
    admin: {
      register: async (h) => void (await dev.admin.register(NETUID, h.ss58)),
      addStake: async (h, rao) => void (await dev.admin.addStake(NETUID, h.ss58, rao)),
      advanceBlocks: async (n) => void (await dev.admin.advance(n)),
      setHyperparameters: async (patch) => void (await dev.admin.setHyperparameters(NETUID, patch)),
      setSubnetOwner: (h) => dev.admin.createSubnet(NETUID, h.ss58),
    },
    teardown: async () => {
      await chain.close()
      await dev.close()
    },
  }
})
