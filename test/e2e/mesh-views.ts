import { assign, type Chain, type ValidatorInfo } from '#protocol'
import type { MeshNetwork } from '../utils/mesh-network.js'
import { type NodeDb, readNode } from '../utils/node-db.js'
import type { NodeProcess } from '../utils/node-process.js'

// Cross-node reads for the multi-process mesh tests: everything comes from the nodes' own SQLite files
// (what they durably hold), the chain, or their HTTP endpoints — never from in-process state.

/** Job ids (hex) of one cycle in a node's log, from the job announcements it stored. */
export function jobsOfCycle(db: NodeDb, cycle: number): Set<string> {
  return new Set(
    db
      .jobs()
      .filter((j) => j.cycle === cycle)
      .map((j) => j.jobId),
  )
}

/** job id → the hotkeys whose results for it the node stored (one entry per stored result). */
export function resultSigners(db: NodeDb, jobIds: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>([...jobIds].map((id) => [id, []]))
  for (const r of db.results()) if (jobIds.has(r.jobId)) out.get(r.jobId)?.push(r.hotkey ?? '?')
  for (const v of out.values()) v.sort()
  return out
}

/** Result ids held by any of `nodes`. */
export function resultIdsOf(nodes: readonly NodeProcess[]): Set<string> {
  const out = new Set<string>()
  for (const n of nodes) for (const id of readNode(n, (db) => db.messageIds('result'))) out.add(id)
  return out
}

/**
 * The assignees of each job, computed here from the chain (design §5: rendezvous over permitted
 * validators weighted by stake; every node advertises capacity 1 and every family).
 */
export async function expectedAssignees(
  chain: Chain,
  jobIds: Iterable<string>,
  replicas: number,
): Promise<Map<string, string[]>> {
  const graph = await chain.metagraph()
  const validators: ValidatorInfo[] = graph.neurons
    .filter((n) => n.validatorPermit)
    .map((n) => ({ hotkey: n.hotkey, stake: n.stake, capacity: 1 }))
  const out = new Map<string, string[]>()
  for (const id of jobIds) out.set(id, assign(new Uint8Array(Buffer.from(id, 'hex')), validators, [], replicas).sort())
  return out
}

/** The weight rows on chain of the network's node validators, with the block each last set weights. */
export async function nodeWeights(
  net: MeshNetwork,
): Promise<{ hotkey: string; lastUpdate: number; row: string | undefined }[]> {
  const [graph, rows] = await Promise.all([net.chain.metagraph(), net.chain.weights()])
  return net.subnet.validators.slice(0, net.nodes.length).map((v) => {
    const neuron = graph.neurons.find((n) => n.hotkey === v.hotkey.ss58)
    const row = neuron === undefined ? undefined : rows.get(neuron.uid)
    return {
      hotkey: v.hotkey.ss58,
      lastUpdate: neuron?.lastUpdate ?? 0,
      row: row === undefined ? undefined : JSON.stringify([...row].sort((a, b) => a[0] - b[0])),
    }
  })
}

/** Set difference a \ b. */
export function minus<T>(a: Iterable<T>, b: ReadonlySet<T>): T[] {
  return [...a].filter((x) => !b.has(x))
}
