import { initCrypto } from '../../protocol/src/identity/signer.js'
import { createSyncClient } from '../../protocol/src/mesh/sync/client.js'
import { registerSyncProtocols } from '../../protocol/src/mesh/sync/server.js'
import {
  idOf,
  makeItems,
  makeNode,
  memorySource,
  NETUID,
  validateItem,
} from '../../protocol/test/unit/mesh-sync/helpers.js'
import { type Bench, type BenchRow, fmt, median } from './harness.js'

// Issue 10 item 4, before/after in one run: a catch-up round that re-fetches a window the node mostly holds
// already (rounds overlap by 50 blocks and run every 30; peers serve what gossip delivered). Before, every
// fetched item was validated (signature included) and stored again; now items whose message id the node
// holds are skipped (`known`). Real libp2p TCP between two nodes, real ed25519 job-status envelopes.

// makeItems numbers each status's episodes by its index, and a job has at most 256 episodes: 250 items per
// round, with more repeats than usual to steady the small per-round figures.
const ITEMS = 250
const MIN_REPEATS = 7

export const bench: Bench = {
  name: 'catchup',
  description: 'catch-up round over real TCP: every item validated and stored (before) vs held items skipped (after)',
  about:
    'Two libp2p nodes on 127.0.0.1; the server holds signed job-status envelopes, the client runs one catch-up round over the whole range. "before" validates (ed25519, as gossip does) and stores every fetched item, as catch-up did; "after" passes `known` (the node log) and skips what the client already holds, for a client holding 100 %, 90 % and 0 % of the items. CPU is this process\'s (both nodes run in it), so the ratio column compares CPU per round with "before" at the same holding.',
  columns: { 'cpu ×before': 'CPU per round ÷ the "before" CPU per round in the same run (below 1: cheaper)' },
  async run({ repeats, scale }) {
    await initCrypto()
    const n = ITEMS
    const items = makeItems(n)
    const server = await makeNode()
    const client = await makeNode()
    try {
      // The server's per-peer rate limit (a defence, p2p.md §7) would throttle back-to-back rounds from one client.
      await registerSyncProtocols(server, {
        source: memorySource(items),
        netuid: NETUID,
        limits: { rateLimitBurst: 10_000, rateLimitPerSecond: 10_000 },
      })
      await client.dial(server.getMultiaddrs())
      const sync = createSyncClient(client, { netuid: NETUID })
      const round = async (held: ReadonlySet<string> | undefined) => {
        const stored = new Set<string>()
        let validated = 0
        const t0 = performance.now()
        const c0 = process.cpuUsage()
        const summary = await sync.catchUp({
          peers: [server.peerId],
          topics: ['status'],
          fromBlock: 0,
          toBlock: 1e9,
          ...(held === undefined ? {} : { known: (id: Uint8Array) => held.has(Buffer.from(id).toString('hex')) }),
          validate: async (e) => {
            validated++
            return validateItem(e)
          },
          store: async (e) => void stored.add(idOf(e)),
        })
        const cpu = process.cpuUsage(c0)
        // A round that stopped early (a refused item penalises the peer) would void the comparison.
        if (!summary.complete || summary.rejected > 0 || summary.fetched !== n) {
          throw new Error(`catch-up round incomplete: ${JSON.stringify({ ...summary, byPeer: undefined })}`)
        }
        return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, validated, summary }
      }
      const rows: BenchRow[] = []
      for (const share of [1, 0.9, 0]) {
        const held = new Set(items.slice(0, Math.round(n * share)).map((i) => i.id))
        const figures: Record<'before' | 'after', { ms: number[]; cpu: number[]; validated: number }> = {
          before: { ms: [], cpu: [], validated: 0 },
          after: { ms: [], cpu: [], validated: 0 },
        }
        for (let r = 0; r < Math.max(repeats, scale < 1 ? 1 : MIN_REPEATS); r++) {
          // Interleaved, so load drift on the shared machine hits both alike.
          for (const variant of ['before', 'after'] as const) {
            const res = await round(variant === 'before' ? undefined : held)
            figures[variant].ms.push(res.ms)
            figures[variant].cpu.push(res.cpuMs)
            figures[variant].validated = res.validated
          }
        }
        const beforeCpu = median(figures.before.cpu)
        for (const variant of ['before', 'after'] as const) {
          const f = figures[variant]
          rows.push({
            held: `${share * 100} %`,
            variant: variant === 'before' ? 'before: validate + store every item' : 'after: skip held items',
            items: n,
            validated: f.validated,
            'round ms': fmt(median(f.ms), 1),
            'cpu ms': fmt(median(f.cpu), 1),
            'cpu ×before': fmt(median(f.cpu) / beforeCpu, 2),
          })
        }
      }
      return rows
    } finally {
      await client.stop()
      await server.stop()
    }
  },
}
