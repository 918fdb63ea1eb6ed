import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign, verify } from 'node:crypto'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { cryptoWaitReady, sr25519Sign as utilSign, sr25519Verify as utilVerify } from '@polkadot/util-crypto'
import { sr25519KeypairFromSeed, sr25519Sign as wasmSign, sr25519Verify as wasmVerify } from '@polkadot/wasm-crypto'
import { ed25519Signer, initCrypto, sr25519Signer, verifySignature, verifySignatureAsync } from '#protocol'
import { type Bench, type BenchRow, fmt, measure } from './harness.js'

// Shapes from reference/chain.md §7 and perf.md §3: ~230-byte messages signed by 256 distinct keys.
const KEYS = 256
const MESSAGE_BYTES = 230
// Operation counts at scale 1, sized so each repeat runs ~0.5-2 s at the speeds perf.md reports.
const FAST_OPS = 5000
const SLOW_OPS = 600
// In-flight verifies for the threadpool row; enough to keep libuv's 4 default threads busy.
const ASYNC_BATCH = 64

interface Case {
  op: 'verify' | 'sign'
  impl: string
  ops: number
  opsPerCall?: number
  body: (i: number) => unknown
}

const ops = (n: number, scale: number) => Math.max(20, Math.round(n * scale))

function assertAll(name: string, n: number, check: (i: number) => boolean): void {
  for (let i = 0; i < n; i++) if (!check(i)) throw new Error(`${name}: fixture ${i} does not verify`)
}

async function ed25519Cases(messages: Uint8Array[], scale: number): Promise<Case[]> {
  const pairs = Array.from({ length: KEYS }, () => generateKeyPairSync('ed25519'))
  const spki = pairs.map((p) => p.publicKey.export({ format: 'der', type: 'spki' }))
  // An Ed25519 SPKI is a fixed 12-byte header followed by the raw key (RFC 8410).
  const raw = spki.map((der) => new Uint8Array(der.subarray(12)))
  const header = spki[0]!.subarray(0, 12)
  const keyObject = (r: Uint8Array) => createPublicKey({ key: Buffer.concat([header, r]), format: 'der', type: 'spki' })
  const sigs = pairs.map((p, i) => new Uint8Array(sign(null, messages[i]!, p.privateKey)))
  const cached: KeyObject[] = raw.map(keyObject)
  const seeds = pairs.map((p) => new Uint8Array(p.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(16)))
  const libp2p = await Promise.all(seeds.map((s) => generateKeyPairFromSeed('Ed25519', s)))
  const ours = seeds.map((s) => ed25519Signer(s))
  assertAll('ed25519', KEYS, (i) => verify(null, messages[i]!, cached[i]!, sigs[i]!))
  assertAll('ed25519 verifySignature', KEYS, (i) => verifySignature('ed25519', raw[i]!, messages[i]!, sigs[i]!))
  assertAll('ed25519 libp2p key', KEYS, (i) => Buffer.from(libp2p[i]!.publicKey.raw).equals(raw[i]!))
  const k = (i: number) => i % KEYS
  const fast = ops(FAST_OPS, scale)
  return [
    {
      op: 'verify',
      impl: 'ed25519 node:crypto, KeyObject cached',
      ops: fast,
      body: (i) => verify(null, messages[k(i)]!, cached[k(i)]!, sigs[k(i)]!),
    },
    {
      op: 'verify',
      impl: 'ed25519 verifySignature (LRU KeyObject)',
      ops: fast,
      body: (i) => verifySignature('ed25519', raw[k(i)]!, messages[k(i)]!, sigs[k(i)]!),
    },
    {
      op: 'verify',
      impl: 'ed25519 node:crypto, KeyObject per call',
      ops: fast,
      body: (i) => verify(null, messages[k(i)]!, keyObject(raw[k(i)]!), sigs[k(i)]!),
    },
    {
      op: 'verify',
      impl: 'ed25519 @libp2p/crypto publicKey.verify',
      ops: fast,
      body: (i) => libp2p[k(i)]!.publicKey.verify(messages[k(i)]!, sigs[k(i)]!),
    },
    {
      op: 'verify',
      impl: `ed25519 node:crypto async (threadpool, ${ASYNC_BATCH} in flight)`,
      ops: fast,
      opsPerCall: ASYNC_BATCH,
      body: (call) =>
        Promise.all(
          Array.from({ length: ASYNC_BATCH }, (_, j) => verifyAsync(messages, cached, sigs, k(call * ASYNC_BATCH + j))),
        ),
    },
    {
      op: 'verify',
      impl: `ed25519 verifySignatureAsync (${ASYNC_BATCH} in flight)`,
      ops: fast,
      opsPerCall: ASYNC_BATCH,
      body: (call) =>
        Promise.all(
          Array.from({ length: ASYNC_BATCH }, (_, j) => {
            const i = k(call * ASYNC_BATCH + j)
            return verifySignatureAsync('ed25519', raw[i]!, messages[i]!, sigs[i]!)
          }),
        ),
    },
    {
      op: 'sign',
      impl: 'ed25519 node:crypto (ed25519Signer)',
      ops: fast,
      body: (i) => ours[k(i)]!.sign(messages[k(i)]!),
    },
    {
      op: 'sign',
      impl: 'ed25519 @libp2p/crypto privateKey.sign',
      ops: fast,
      body: (i) => libp2p[k(i)]!.sign(messages[k(i)]!),
    },
  ]
}

function verifyAsync(messages: Uint8Array[], keys: KeyObject[], sigs: Uint8Array[], i: number): Promise<boolean> {
  return new Promise((resolve, reject) =>
    verify(null, messages[i]!, keys[i]!, sigs[i]!, (err, ok) => (err ? reject(err) : resolve(ok))),
  )
}

async function sr25519Cases(messages: Uint8Array[], scale: number): Promise<Case[]> {
  await initCrypto()
  await cryptoWaitReady()
  const pairs = Array.from({ length: KEYS }, () => {
    const kp = sr25519KeypairFromSeed(randomBytes(32))
    return { secretKey: kp.slice(0, 64), publicKey: kp.slice(64) }
  })
  const sigs = pairs.map((p, i) => wasmSign(p.publicKey, p.secretKey, messages[i]!))
  const signers = pairs.map((p) => sr25519Signer(p.publicKey, p.secretKey))
  assertAll('sr25519 wasm', KEYS, (i) => wasmVerify(sigs[i]!, messages[i]!, pairs[i]!.publicKey))
  assertAll('sr25519 util-crypto', KEYS, (i) => utilVerify(messages[i]!, sigs[i]!, pairs[i]!.publicKey))
  const k = (i: number) => i % KEYS
  const fast = ops(FAST_OPS, scale)
  const slow = ops(SLOW_OPS, scale)
  return [
    {
      op: 'verify',
      impl: 'sr25519 @polkadot/wasm-crypto sr25519Verify',
      ops: fast,
      body: (i) => wasmVerify(sigs[k(i)]!, messages[k(i)]!, pairs[k(i)]!.publicKey),
    },
    {
      op: 'verify',
      impl: 'sr25519 verifySignature (wasm-crypto)',
      ops: fast,
      body: (i) => verifySignature('sr25519', pairs[k(i)]!.publicKey, messages[k(i)]!, sigs[k(i)]!),
    },
    {
      op: 'verify',
      impl: 'sr25519 @polkadot/util-crypto sr25519Verify',
      ops: slow,
      body: (i) => utilVerify(messages[k(i)]!, sigs[k(i)]!, pairs[k(i)]!.publicKey),
    },
    {
      op: 'sign',
      impl: 'sr25519 wasm-crypto (sr25519Signer)',
      ops: fast,
      body: (i) => signers[k(i)]!.sign(messages[k(i)]!),
    },
    {
      op: 'sign',
      impl: 'sr25519 @polkadot/util-crypto sr25519Sign',
      ops: slow,
      body: (i) => utilSign(messages[k(i)]!, pairs[k(i)]!),
    },
  ]
}

/** Signature throughput of every implementation we could use, with ratios to node:crypto ed25519. */
export const bench: Bench = {
  name: 'signatures',
  description: `sign/verify ops/s, ${MESSAGE_BYTES}-byte messages, ${KEYS} keys; ratio vs node:crypto ed25519 (cached KeyObject for verify, ed25519Signer for sign)`,
  about:
    'Sign and verify throughput of every implementation the mesh could use, on ~230-byte messages from 256 keys (reference chain.md §7, perf.md §3). Baseline in the same run: node:crypto ed25519 (KeyObject cached for verify, ed25519Signer for sign).',
  columns: {
    ratio: 'ops/s ÷ node:crypto ed25519 ops/s for the same op (higher is better)',
  },
  async run(opts) {
    const messages = Array.from({ length: KEYS }, () => new Uint8Array(randomBytes(MESSAGE_BYTES)))
    const cases = [...(await ed25519Cases(messages, opts.scale)), ...(await sr25519Cases(messages, opts.scale))]
    const measured: Array<Case & { opsPerSec: number; runs: number[]; p50Us?: number; p99Us?: number }> = []
    for (const c of cases) {
      process.stderr.write(`signatures: ${c.op} ${c.impl}\n`)
      const m = await measure({ ops: c.ops, repeats: opts.repeats, opsPerCall: c.opsPerCall, setup: () => c.body })
      measured.push({ ...c, ...m })
    }
    const baseline = (op: Case['op']) => measured.find((m) => m.op === op)!.opsPerSec
    return measured.map(
      (m): BenchRow => ({
        op: m.op,
        impl: m.impl,
        opsPerSec: fmt(m.opsPerSec),
        ratio: fmt(m.opsPerSec / baseline(m.op), 2),
        usPerOp: fmt(1e6 / m.opsPerSec, 1),
        runs: m.runs.map((r) => fmt(r)).join(' / '),
      }),
    )
  },
}
