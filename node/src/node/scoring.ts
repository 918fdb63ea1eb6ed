import {
  type Chain,
  type ChainView,
  type ManifestRegistry,
  openEnvelope,
  type Result,
  scoringInputFromMesh,
} from '#protocol'
import type { Store } from '../store/index.js'
import type { WeightInputs } from '../weights/index.js'

/** Every accepted result in the log, with the validator hotkey it was bound to when accepted. */
export function storedResults(
  store: Store,
  netuid: number,
): { validator: string; result: Result; messageId: string }[] {
  const out: { validator: string; result: Result; messageId: string }[] = []
  let cursor: { block: number; id: Uint8Array } | undefined
  for (;;) {
    const page = store.log.range({
      topic: 'results',
      fromBlock: 0,
      toBlock: Number.MAX_SAFE_INTEGER,
      cursor,
      limit: 1000,
    })
    for (const e of page.entries) {
      if (e.hotkey === null) continue
      try {
        const m = openEnvelope(e.envelope, { netuid, acceptStale: true, expectedType: 'result' })
        out.push({ validator: e.hotkey, result: m.body as Result, messageId: Buffer.from(e.id).toString('hex') })
      } catch {
        // Stored messages were verified when accepted; a row that no longer opens is skipped, not fatal.
      }
    }
    if (page.next === undefined) break
    cursor = page.next
  }
  return out
}

/**
 * The weight setter's input: the shared scoring function's input built from the signed log (the same
 * function the indexer uses), plus what this node knows is missing from its view.
 */
export async function weightInputs(init: {
  chain: Chain
  store: Store
  view: ChainView
  manifests: ManifestRegistry
  synced: () => boolean
  signal: AbortSignal
}): Promise<WeightInputs> {
  const graph = init.view.metagraph() ?? (await init.chain.metagraph({ signal: init.signal }))
  const commitments = await init.chain.commitments({ signal: init.signal })
  const manifests = init.manifests.all()
  const missing: string[] = []
  if (!init.synced()) missing.push('catch-up from peers has not completed')
  if (manifests.length === 0) missing.push('no competition manifest accepted yet')
  const input = scoringInputFromMesh({
    manifests,
    commitments: commitments.map((c) => ({ hotkey: c.hotkey, block: c.block })),
    metagraph: graph.neurons.map((n) => ({ uid: n.uid, hotkey: n.hotkey, stake: n.stake })),
    results: storedResults(init.store, init.chain.netuid),
  })
  return { input, complete: missing.length === 0, missing }
}
