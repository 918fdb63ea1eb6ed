import {
  type Chain,
  type CompetitionManifest,
  computeWeights,
  decodeBody,
  decodeEnvelope,
  type OwnerAction,
  type ReplicaResult,
  type Result,
  scoringInputFromMesh,
  type TopicName,
  unpackU16,
} from '#protocol'
import type { IndexerStore, StoredMessageRow, WeightsRow } from '../store/types.js'

/** One validator's line in an audit. */
export interface ValidatorAudit {
  validator: string
  uid: number | null
  /**
   * - `supported`: the log, cut at the announcement's block, gives exactly the weights it announced;
   * - `unsupported`: it announced weights the log does not give (or a digest of inputs we cannot rebuild);
   * - `chain-mismatch`: what is on chain for it now differs from its newest announcement;
   * - `no-announcement`: no weights announcement at or before the block.
   */
  verdict: 'supported' | 'unsupported' | 'chain-mismatch' | 'no-announcement'
  announcement: Pick<WeightsRow, 'block' | 'messageId' | 'inputsDigest'> | null
  announced: { uids: number[]; weights: number[] } | null
  recomputed: { uids: number[]; weights: number[]; inputsDigest: string } | null
  /** The validator's row on chain now (uid → u16), null when it has none. */
  onChain: { uids: number[]; weights: number[] } | null
  /** Largest absolute u16 difference between announced and recomputed (0 when equal). */
  maxDiff: number
  /** Results in the log at or before its block (what the recomputation used). */
  results: number
}

/** What {@link auditWeights} reports. */
export interface AuditReport {
  block: number
  validators: ValidatorAudit[]
  /** Validators whose weights the log does not support, or whose chain row differs from what they announced. */
  flagged: string[]
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

async function allOf(store: IndexerStore, topic: TopicName, toBlock: number): Promise<StoredMessageRow[]> {
  const out: StoredMessageRow[] = []
  let after: { block: number; id: string } | undefined
  for (;;) {
    const page = await store.range({ topic, fromBlock: 0, toBlock, after, limit: 1000 })
    out.push(...page.items)
    if (page.next === undefined) return out
    after = page.next
  }
}

function body<T>(row: StoredMessageRow): T {
  const env = decodeEnvelope(row.envelope)
  return decodeBody(row.type as 'result', env.body) as T
}

/**
 * Recompute every validator's weights from the signed log and diff them against what it announced and
 * what the chain holds for it (design §6: weights must be reproducible by anyone from the log).
 *
 * For each validator, its newest weights announcement at or before `block` is the claim; the log cut at
 * that announcement's block (manifests, the miners' commitment history as the indexer saw it, results)
 * is the evidence, run through the same `scoringInputFromMesh` → `computeWeights` the nodes run. The
 * metagraph is today's: the chain seam serves no history, so stake or uid changes since then show as
 * differences, which the report makes visible rather than hides.
 */
export async function auditWeights(init: { store: IndexerStore; chain: Chain; block: number }): Promise<AuditReport> {
  const { store, chain, block } = init
  const [graph, onChain, manifestRows, ownerRows, resultRows, allWeightRows, commitmentRows] = await Promise.all([
    chain.metagraph(),
    chain.weights(),
    allOf(store, 'competitions', block),
    allOf(store, 'owner', block),
    allOf(store, 'results', block),
    allOf(store, 'weights', Number.MAX_SAFE_INTEGER),
    (async () => {
      const out: { minerHotkey: string; block: number }[] = []
      let cursor: string | undefined
      for (;;) {
        const page = await store.commitments({ limit: 1000, ...(cursor === undefined ? {} : { cursor }) })
        out.push(...page.items)
        if (page.nextCursor === undefined) return out
        cursor = page.nextCursor
      }
    })(),
  ])
  const manifests = manifestRows.map((r) => ({ block: r.block, m: body<CompetitionManifest>(r) }))
  const ownerActions = ownerRows.map((r) => ({ block: r.block, a: { id: r.id, action: body<OwnerAction>(r) } }))
  const results = resultRows
    .filter((r) => r.hotkey !== null)
    .map((r) => ({ block: r.block, r: { validator: r.hotkey as string, result: body<Result>(r), messageId: r.id } }))
  const newest = newestByValidator(allWeightRows.filter((w) => w.block <= block))
  // The chain seam serves only the current weights: compare them with a validator's newest announcement.
  const newestEver = newestByValidator(allWeightRows)

  const neurons = graph.neurons.map((n) => ({ uid: n.uid, hotkey: n.hotkey, stake: n.stake }))
  const validators = graph.neurons.filter((n) => n.validatorPermit || newest.has(n.hotkey))
  const report: ValidatorAudit[] = []
  for (const n of validators) {
    const row = onChain.get(n.uid)
    const chainVector =
      row === undefined || row.length === 0 ? null : { uids: row.map(([u]) => u), weights: row.map(([, w]) => w) }
    const w = newest.get(n.hotkey)
    if (w === undefined) {
      report.push({
        validator: n.hotkey,
        uid: n.uid,
        verdict: 'no-announcement',
        announcement: null,
        announced: null,
        recomputed: null,
        onChain: chainVector,
        maxDiff: 0,
        results: 0,
      })
      continue
    }
    const a = body<{ block: number; uids: Uint8Array; weights: Uint8Array; inputsDigest: Uint8Array }>(w)
    const announced = { uids: unpackU16(a.uids), weights: unpackU16(a.weights) }
    const cut = results.filter((x) => x.block <= a.block).map((x) => x.r as ReplicaResult)
    const commitments = latestCommitments(commitmentRows, a.block)
    const input = scoringInputFromMesh({
      manifests: manifests.filter((x) => x.block <= a.block).map((x) => x.m),
      commitments,
      metagraph: neurons,
      results: cut,
      ownerActions: ownerActions.filter((x) => x.block <= a.block).map((x) => x.a),
    })
    const out = computeWeights(input)
    const recomputed = { uids: out.u16.uids, weights: out.u16.values, inputsDigest: out.inputsDigest }
    const maxDiff = vectorDiff(announced, recomputed)
    const supported = maxDiff === 0 && hex(a.inputsDigest) === out.inputsDigest
    const isNewest = newestEver.get(n.hotkey)?.id === w.id
    const chainOk = !isNewest || chainVector === null || vectorDiff(announced, chainVector) === 0
    report.push({
      validator: n.hotkey,
      uid: n.uid,
      verdict: !supported ? 'unsupported' : chainOk ? 'supported' : 'chain-mismatch',
      announcement: { block: a.block, messageId: w.id, inputsDigest: hex(a.inputsDigest) },
      announced,
      recomputed,
      onChain: chainVector,
      maxDiff,
      results: cut.length,
    })
  }
  return {
    block,
    validators: report,
    flagged: report
      .filter((v) => v.verdict === 'unsupported' || v.verdict === 'chain-mismatch')
      .map((v) => v.validator),
  }
}

function newestByValidator(rows: readonly StoredMessageRow[]): Map<string, StoredMessageRow> {
  const newest = new Map<string, StoredMessageRow>()
  for (const w of rows) {
    if (w.hotkey === null) continue
    const prev = newest.get(w.hotkey)
    if (prev === undefined || prev.block < w.block || (prev.block === w.block && prev.id < w.id))
      newest.set(w.hotkey, w)
  }
  return newest
}

/** Each miner's newest commitment at or before `block`, from the history the indexer recorded. */
function latestCommitments(
  rows: readonly { minerHotkey: string; block: number }[],
  block: number,
): { hotkey: string; block: number }[] {
  const best = new Map<string, number>()
  for (const r of rows) {
    if (r.block > block) continue
    const prev = best.get(r.minerHotkey)
    if (prev === undefined || prev < r.block) best.set(r.minerHotkey, r.block)
  }
  return [...best].map(([hotkey, b]) => ({ hotkey, block: b }))
}

/** Largest per-uid difference; a uid missing on one side counts as 0 there. */
function vectorDiff(a: { uids: number[]; weights: number[] }, b: { uids: number[]; weights: number[] }): number {
  const m = new Map<number, number>()
  for (const [i, u] of a.uids.entries()) m.set(u, a.weights[i] ?? 0)
  let diff = 0
  const seen = new Set<number>()
  for (const [i, u] of b.uids.entries()) {
    seen.add(u)
    diff = Math.max(diff, Math.abs((m.get(u) ?? 0) - (b.weights[i] ?? 0)))
  }
  for (const [u, w] of m) if (!seen.has(u)) diff = Math.max(diff, w)
  return diff
}
