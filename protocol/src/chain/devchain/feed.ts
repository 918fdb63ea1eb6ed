import type { BlockRef } from '../chain.js'
import { FEED_PAGE_BLOCKS } from './constants.js'
import type { DevChainCore } from './core.js'

/**
 * Send every block after `from` to `send`: first the stored history, then each new block as it is
 * produced. History replay and subscription happen in one synchronous run, so no block produced in between
 * can be missed or sent twice. Returns the unsubscribe function.
 */
export function followBlocks(core: DevChainCore, from: number, send: (block: BlockRef) => void): () => void {
  let last = from
  for (;;) {
    const page = core.blocksAfter(last, FEED_PAGE_BLOCKS)
    for (const block of page) send(block)
    if (page.length < FEED_PAGE_BLOCKS) break
    last = page.at(-1)!.number
  }
  return core.onBlock((block) => {
    if (block.number > from) send(block)
  })
}
