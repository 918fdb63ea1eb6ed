import { sr25519KeypairFromSeed } from '@polkadot/wasm-crypto'
import {
  createPeerRecord,
  createResult,
  decodeBody,
  type EpisodeRecord,
  ed25519Signer,
  encodeBody,
  initCrypto,
  type MessageBodies,
  type MessageType,
  messageId,
  openEnvelope,
  type ResultSummary,
  type Signer,
  sealEnvelope,
  signingPayload,
  sr25519Signer,
  verifySignature,
} from '#protocol'
import { type Bench, type BenchRow, fmt, measure } from './harness.js'

// Seal and open throughput for the two shapes that matter: a ~1 KiB result (the bulk of mesh traffic,
// node key, ed25519) and a peer record (hotkey, sr25519, plus the node key's countersignature). Baselines
// from the same run: protobuf encode alone, protobuf decode (with the canonical re-encode openEnvelope
// does), and the bare signature operations through signer.ts, so the envelope's own overhead is visible.

const NETUID = 7
const HEAD = 1_000_000
const RESULT_BODY_BYTES = 1024
// Operation counts at scale 1, sized so each repeat runs ~0.3-1 s at the rates perf.md §3 reports.
const CODEC_OPS = 50_000
const ED_OPS = 4000
const SR_OPS = 800

const ops = (n: number, scale: number) => Math.max(20, Math.round(n * scale))
const filled = (n: number) => new Uint8Array(32).fill(n)

function episodes(count: number): EpisodeRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    envId: i % 2 === 0 ? 'mujoco/reach-v1' : 'mujoco/push-v1',
    taskId: `task-${i % 3}`,
    episodeIndex: i,
    finalStateHash: filled(i & 0xff),
    seed: (BigInt(i + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn,
    success: i % 3 !== 0,
    totalReward: i * 0.37 - 1,
    steps: 200 + i,
    durationMs: 1800 + i,
  }))
}

function summary(records: EpisodeRecord[]): ResultSummary {
  const stats = (rs: EpisodeRecord[]) => {
    const successes = rs.filter((r) => r.success).length
    const rate = successes / rs.length
    let sum = 0
    for (const r of rs) sum += r.totalReward
    return {
      episodes: rs.length,
      successes,
      successRate: rate,
      wilsonLow: Math.max(0, rate - 0.1),
      wilsonHigh: Math.min(1, rate + 0.1),
      meanReward: sum / rs.length,
    }
  }
  const envs = [...new Set(records.map((r) => r.envId))]
  return {
    ...stats(records),
    perEnv: envs.map((envId) => ({ envId, ...stats(records.filter((r) => r.envId === envId)) })),
  }
}

/** The smallest sample result whose body is at least ~1 KiB. */
function sampleResult(): MessageBodies['result'] {
  for (let n = 1; ; n++) {
    const eps = episodes(n)
    const r = createResult({
      netuid: NETUID,
      block: HEAD,
      jobId: filled(1),
      competitionId: 'reach-2026',
      minerHotkey: filled(9),
      episodes: eps,
      summary: summary(eps),
      trajectoryDigest: filled(2),
      artifactUris: ['s3://kinitro-artifacts/jobs/0101/episodes.jsonl'],
      evaluatorVersion: '0.1.0',
      simulatorVersion: 'mujoco-3.3.2',
      startedAtBlock: HEAD - 20,
      finishedAtBlock: HEAD,
    })
    if (encodeBody('result', r).length >= RESULT_BODY_BYTES) return r
  }
}

interface Case {
  shape: string
  op: string
  ops: number
  body: (i: number) => unknown
  bytes?: number
}

export const bench: Bench = {
  name: 'envelope',
  description:
    'seal/open throughput: ~1 KiB result (ed25519) and peer record (sr25519), vs protobuf and bare signatures',
  about:
    "Seal and open throughput of the signed envelope for its two main shapes: a ~1 KiB result signed with the node key (ed25519), the bulk of mesh traffic, and a peer record signed with the hotkey (sr25519) plus the node key's countersignature. Baselines in the same run: protobuf encode alone, protobuf decode (with the canonical re-encode open does) and the bare signature operations, so the envelope's own cost is what is left over.",
  columns: {
    'x encode time':
      "time per op ÷ time per protobuf encode of the same shape (protobuf encode ops/s ÷ this op's ops/s; lower is better)",
  },
  async run({ repeats, scale }) {
    await initCrypto()
    const node: Signer = ed25519Signer(filled(1))
    const kp = sr25519KeypairFromSeed(filled(2))
    const hotkey: Signer = sr25519Signer(kp.slice(64), kp.slice(0, 64))

    const result = sampleResult()
    const record = createPeerRecord({
      netuid: NETUID,
      hotkey: hotkey.publicKey,
      nodeSigner: node,
      multiaddrs: [Uint8Array.of(4, 10, 0, 0, 1, 6, 0x0f, 0xa1)],
      issuedAtBlock: HEAD,
    })
    const shapes: { name: string; type: MessageType; body: MessageBodies[MessageType]; signer: Signer }[] = [
      { name: 'result ~1 KiB', type: 'result', body: result, signer: node },
      { name: 'peer record', type: 'peer-record', body: record, signer: hotkey },
    ]

    const cases: Case[] = []
    for (const s of shapes) {
      const bodyBytes = encodeBody(s.type, s.body)
      const sealed = sealEnvelope(s.type, s.body, NETUID, s.signer)
      const payload = signingPayload(s.type, NETUID, bodyBytes)
      const sig = s.signer.sign(payload)
      const slow = s.signer.scheme === 'sr25519'
      const n = ops(slow ? SR_OPS : ED_OPS, scale)
      cases.push(
        {
          shape: s.name,
          op: 'protobuf encode (baseline)',
          ops: ops(CODEC_OPS, scale),
          body: () => encodeBody(s.type, s.body),
          bytes: bodyBytes.length,
        },
        {
          shape: s.name,
          op: 'protobuf decode + canonical check',
          ops: ops(CODEC_OPS, scale),
          body: () => decodeBody(s.type, bodyBytes),
        },
        {
          shape: s.name,
          op: 'messageId (SHA-256 of envelope)',
          ops: ops(CODEC_OPS, scale),
          body: () => messageId(sealed),
          bytes: sealed.length,
        },
        { shape: s.name, op: `${s.signer.scheme} sign (signer.ts)`, ops: n, body: () => s.signer.sign(payload) },
        {
          shape: s.name,
          op: `${s.signer.scheme} verify (signer.ts)`,
          ops: n,
          body: () => verifySignature(s.signer.scheme, s.signer.publicKey, payload, sig),
        },
        { shape: s.name, op: 'sealEnvelope', ops: n, body: () => sealEnvelope(s.type, s.body, NETUID, s.signer) },
        {
          shape: s.name,
          op: 'openEnvelope',
          ops: n,
          body: () => openEnvelope(sealed, { netuid: NETUID, expectedType: s.type, headBlock: HEAD }),
        },
      )
    }

    const rows: BenchRow[] = []
    const baseline = new Map<string, number>()
    for (const c of cases) {
      const m = await measure({ ops: c.ops, repeats, setup: () => c.body })
      if (c.op === 'protobuf encode (baseline)') baseline.set(c.shape, m.opsPerSec)
      rows.push({
        shape: c.shape,
        op: c.op,
        'ops/s (median)': fmt(m.opsPerSec),
        'µs/op': fmt(1e6 / m.opsPerSec, 1),
        'p99 µs': fmt(m.p99Us ?? Number.NaN, 1),
        'x encode time': fmt((baseline.get(c.shape) ?? m.opsPerSec) / m.opsPerSec, 1),
        bytes: c.bytes ?? '',
      })
      console.error(`envelope: ${c.shape} / ${c.op}: ${fmt(m.opsPerSec)} ops/s`)
    }
    return rows
  },
}
