import type { BlockRef } from '../chain.js'
import { postJson } from './http.js'
import type { DevHyperparameters } from './types.js'

/** The dev chain's admin API: what a devnet or a test does that only sudo or a coldkey could on Subtensor. */
export interface DevChainAdmin {
  /** Add `rao` to an account's free balance; returns the new balance. */
  fund(account: string, rao: bigint): Promise<bigint>
  /**
   * Create a subnet (no-op when it exists; then `ownerHotkey`, if given, becomes its owner). It is the owner's
   * hotkey (Subtensor's `SubnetOwnerHotkey`), not a coldkey: `Chain.subnetOwner()` returns it.
   */
  createSubnet(netuid: number, ownerHotkey?: string): Promise<void>
  /** Register `hotkey` (coldkey defaults to the hotkey itself); returns its uid. */
  register(netuid: number, hotkey: string, coldkey?: string): Promise<number>
  /** Stake from the neuron's coldkey balance; returns the hotkey's stake. */
  addStake(netuid: number, hotkey: string, rao: bigint): Promise<bigint>
  setHyperparameters(netuid: number, patch: Partial<DevHyperparameters>): Promise<DevHyperparameters>
  /** Produce `blocks` blocks now; returns the new head. */
  advance(blocks?: number): Promise<BlockRef>
}

/** An admin client for the dev chain at `url`. */
export function devChainAdmin(url: string): DevChainAdmin {
  const base = url.replace(/\/+$/, '')
  const op = <T>(body: Record<string, unknown>): Promise<T> => postJson<T>(base, '/admin', body)
  return {
    fund: (account, rao) => op({ op: 'fund', account, rao }),
    createSubnet: async (netuid, owner) => {
      await op({ op: 'createSubnet', netuid, ...(owner === undefined ? {} : { owner }) })
    },
    register: async (netuid, hotkey, coldkey) =>
      (await op<{ uid: number }>({ op: 'register', netuid, hotkey, ...(coldkey === undefined ? {} : { coldkey }) }))
        .uid,
    addStake: (netuid, hotkey, rao) => op({ op: 'addStake', netuid, hotkey, rao }),
    setHyperparameters: (netuid, patch) => op({ op: 'setHyperparameters', netuid, patch }),
    advance: (blocks = 1) => op({ op: 'advance', blocks }),
  }
}
