import {
  type Chain,
  type ChainView,
  computeWeights,
  type ManifestRegistry,
  OwnerActionKind,
  type OwnerActionRecord,
  openEnvelope,
  type ownerDecisions,
  type Result,
  scoringInputFromMesh,
} from '#protocol'
import type { CandidateInfo, CandidatesSnapshot } from '../health/index.js'
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
  /** The subnet owner's accepted actions (approvals, rejections, re-runs). @default none */
  ownerActions?: () => readonly OwnerActionRecord[]
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
    ownerActions: init.ownerActions?.() ?? [],
  })
  return { input, complete: missing.length === 0, missing }
}

/** What `kinitro-wta-v0` reports per competition (its `details`). */
interface WtaDetails {
  leader?: string | null
  candidates?: CandidateInfo[]
}

/**
 * A competition's leader candidates as this node scores its signed log now (the weight setter's own
 * input), for `GET /v1/competitions/:id/candidates`; undefined when no manifest names `id`.
 */
export async function competitionCandidates(
  id: string,
  inputs: () => Promise<WeightInputs>,
  head: number,
  ownerActions: readonly OwnerActionRecord[] = [],
): Promise<CandidatesSnapshot | undefined> {
  const { input } = await inputs()
  const spec = input.competitions.find((c) => c.id === id)
  if (spec === undefined) return undefined
  const strategy = spec.strategy ?? ''
  const wta = strategy === 'kinitro-wta-v0'
  const report = computeWeights(input).competitions.find((c) => c.id === id)
  const details = (wta ? (report?.details ?? {}) : {}) as WtaDetails
  const state = (input.state?.['kinitro-wta-v0'] ?? {}) as Partial<ReturnType<typeof ownerDecisions>>
  const approval = state.approvals?.find((a) => a.competitionId === id)
  return {
    head,
    competitionId: id,
    strategy,
    reviewed: wta,
    leader: details.leader ?? null,
    candidates: (details.candidates ?? []).map((c) => ({
      candidateId: c.candidateId,
      hotkey: c.hotkey,
      successRate: c.successRate,
      avgReward: c.avgReward,
    })),
    approved:
      approval === undefined
        ? null
        : { candidateId: approval.candidateId, successRate: approval.successRate, avgReward: approval.avgReward },
    rejected: [...(state.rejected ?? [])],
    lastDecisionBlock: lastDecisionBlock(id, ownerActions),
  }
}

function lastDecisionBlock(id: string, actions: readonly OwnerActionRecord[]): number | null {
  let last: number | null = null
  for (const { action: a } of actions) {
    if (a.competitionId !== id || a.action === OwnerActionKind.RERUN) continue
    if (last === null || a.block > last) last = a.block
  }
  return last
}
