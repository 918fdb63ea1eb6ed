import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Chain, devChainClient } from '#protocol'
import { spawnTs } from '../../utils/spawn.js'
import { makeTempDir, type TempDir } from '../../utils/temp-dir.js'
import { DevnetBenchError } from './errors.js'
import { ProcSampler, type ProcUsage } from './proc.js'
import { type BlockSample, firstUpdateAfter, type MinerTrace } from './stats.js'

/** One (validators, miners) case and how it runs. */
export interface CaseSpec {
  validators: number
  miners: number
  /** `--miners` value, e.g. `random*50`. */
  minerList: string
  blockMs: number
  cycleBlocks: number
  weightsInterval: number
  episodes: number
  maxSteps: number
  /** Hard bound: the devnet gets this many seconds, then it is stopped and then killed. */
  timeoutSec: number
  /** Also collect episode durations from the indexer, for the stage breakdown. */
  stages?: boolean
  /** Validators' canary cadence (`--canary-interval`); undefined: the node's default. */
  canaryInterval?: number
}

/** Everything measured in one devnet run; the bench folds it into rows. */
export interface CaseRun {
  spec: CaseSpec
  /** 'complete': first cycle evaluated and weights set by every validator; otherwise how it ended. */
  outcome: 'complete' | 'timeout' | 'exited'
  exitCode: number | null
  traces: MinerTrace[]
  clock: BlockSample[]
  usage: ProcUsage[]
  /** Wall time (ms) of the devnet's start, its banner (nodes started), and its first complete cycle. */
  startedAt: number
  bannerAt?: number
  cycleAt?: number
  /** Results the indexer held at the end, and jobs done per validator (node /status). */
  results: number
  jobsDone: number[]
  /** Validator logs (by validator index) and their hotkeys, and the results seen, for the stage breakdown. */
  logs: string[]
  validatorHotkeys: string[]
  resultRows: ResultRow[]
  /** Result message id → sum of its episodes' durations (ms); only with `spec.stages`. */
  episodesMs: Map<string, number>
  /** Blocks at which validators set weights. */
  updateBlocks: number[]
  stderrTail: string
}

/** The fields of an indexer `/v1/results` row the bench uses. */
export interface ResultRow {
  messageId: string
  jobId: string
  validator: string
  minerHotkey: string
  block: number
  startedAtBlock: number
  finishedAtBlock: number
  /** When the bench first saw it at the indexer, ms. */
  seenAt: number
}

type Event =
  | { event: 'miner-published'; at: number; hotkey: string }
  | { event: 'process-started'; at: number; name: string; pid: number }
  | { event: 'banner-printed'; at: number }
  | { event: 'cycle-complete'; at: number; block: number }

const POLL_MS = 1000
/** After SIGTERM the devnet stops its nodes (their own grace is 20 s); past this, everything left is killed. */
const KILL_AFTER_MS = 30_000

function readEvents(file: string): Event[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Event)
}

function urlAfter(lines: readonly string[], prefix: string): string | undefined {
  const line = lines.find((l) => l.startsWith(prefix))
  return line === undefined ? undefined : /(https?:\/\/[^\s]+)/u.exec(line)?.[1]?.replace(/\/$/u, '')
}

async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
    return res.ok ? ((await res.json()) as T) : undefined
  } catch {
    return undefined // starting or busy: the next poll asks again
  }
}

/** New results at the indexer since the last poll: newest-first pages until one holds a known id. */
async function pollResults(indexer: string, known: Map<string, ResultRow>): Promise<void> {
  let cursor: string | undefined
  for (;;) {
    const page = await getJson<{ items: Omit<ResultRow, 'seenAt'>[]; nextCursor?: string }>(
      `${indexer}/v1/results?limit=1000${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    )
    if (page === undefined) return
    let fresh = false
    for (const r of page.items) {
      if (known.has(r.messageId)) continue
      fresh = true
      known.set(r.messageId, { ...r, seenAt: Date.now() })
    }
    if (!fresh || page.nextCursor === undefined) return
    cursor = page.nextCursor
  }
}

/** Episode durations per result, newest-first pages until one holds only known episodes. */
async function pollEpisodes(indexer: string, known: Set<string>, sums: Map<string, number>): Promise<void> {
  let cursor: string | undefined
  for (;;) {
    const page = await getJson<{
      items: { resultId: string; episodeIndex: number; envId: string; durationMs: number }[]
      nextCursor?: string
    }>(`${indexer}/v1/episodes?limit=1000${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`)
    if (page === undefined) return
    let fresh = false
    for (const e of page.items) {
      const key = `${e.resultId}/${e.envId}/${e.episodeIndex}`
      if (known.has(key)) continue
      fresh = true
      known.add(key)
      sums.set(e.resultId, (sums.get(e.resultId) ?? 0) + e.durationMs)
    }
    if (!fresh || page.nextCursor === undefined) return
    cursor = page.nextCursor
  }
}

function killTree(sampler: ProcSampler): void {
  for (const pid of sampler.alive()) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone already
    }
  }
}

/**
 * Run one devnet case: start `kinitro devnet` with the case's flags, poll the chain (heads, validators'
 * weights updates, weights rows), the indexer (results) and the nodes (/status) every second while sampling
 * the process tree, until the first cycle is complete or the hard timeout. Always stops the devnet and
 * kills anything of its tree still alive; the temp dir goes with it.
 */
export async function runCase(spec: CaseSpec, log: (line: string) => void): Promise<CaseRun> {
  const tmp = makeTempDir('kinitro-devnet-scale-')
  try {
    return await runIn(tmp, spec, log)
  } finally {
    tmp.cleanup()
  }
}

async function runIn(tmp: TempDir, spec: CaseSpec, log: (line: string) => void): Promise<CaseRun> {
  const eventsFile = join(tmp.dir, 'events.jsonl')
  const dataDir = join(tmp.dir, 'devnet')
  const startedAt = Date.now()
  const dn = spawnTs('cli/main.ts', [
    'devnet',
    '--fresh',
    '--data-dir',
    dataDir,
    '--events',
    eventsFile,
    '--validators',
    String(spec.validators),
    '--miners',
    spec.minerList,
    '--tasks',
    'mujoco/reach-v1',
    '--episodes',
    String(spec.episodes),
    '--max-steps',
    String(spec.maxSteps),
    '--block-ms',
    String(spec.blockMs),
    '--cycle-blocks',
    String(spec.cycleBlocks),
    '--weights-interval',
    String(spec.weightsInterval),
    ...(spec.canaryInterval === undefined ? [] : ['--canary-interval', String(spec.canaryInterval)]),
    '--exit-after-weights',
    '--timeout',
    String(spec.timeoutSec),
  ])
  const root = dn.child.pid
  if (root === undefined) throw new DevnetBenchError({ code: 'BENCH_DEVNET_SPAWN_FAILED' }, 'devnet did not start')
  const sampler = new ProcSampler(root)
  let exit: { code: number | null } | undefined
  void dn.exited.then((e) => {
    exit = e
  })
  const clock: BlockSample[] = []
  const results = new Map<string, ResultRow>()
  const commits = new Map<string, { block: number; at: number }>()
  const updates = new Set<number>()
  const lastUpdate = new Map<number, number>()
  const nonZeroAt = new Map<number, number>() // uid → head block when first seen weighted
  let uids = new Map<string, number>()
  let chain: Chain | undefined
  let jobsDone: number[] = []
  let events: Event[] = []
  const episodeKeys = new Set<string>()
  const episodesMs = new Map<string, number>()
  const hardDeadline = startedAt + (spec.timeoutSec + 15) * 1000
  try {
    while (exit === undefined && Date.now() < hardDeadline) {
      events = readEvents(eventsFile)
      for (const e of events) if (e.event === 'process-started') sampler.name(e.pid, e.name)
      sampler.sample()
      const banner = events.some((e) => e.event === 'banner-printed')
      const chainUrl = urlAfter(dn.lines, 'dev chain')
      if (banner && chain === undefined && chainUrl !== undefined) {
        chain = devChainClient({ url: chainUrl, netuid: 1 })
        uids = new Map((await chain.metagraph()).neurons.map((n) => [n.hotkey, n.uid]))
        const at = new Map(events.flatMap((e) => (e.event === 'miner-published' ? [[e.hotkey, e.at] as const] : [])))
        for (const c of await chain.commitments()) {
          const t = at.get(c.hotkey)
          if (t !== undefined) commits.set(c.hotkey, { block: c.block, at: t })
        }
        log(`  nodes started ${((Date.now() - startedAt) / 1000).toFixed(0)} s after launch; ${commits.size} miners`)
      }
      if (chain !== undefined) {
        const now = Date.now()
        const mg = await chain.metagraph().catch(() => undefined)
        if (mg !== undefined) {
          clock.push({ block: mg.block, at: now })
          for (const n of mg.neurons) {
            if (n.lastUpdate > 0 && n.lastUpdate !== lastUpdate.get(n.uid)) updates.add(n.lastUpdate)
            lastUpdate.set(n.uid, n.lastUpdate)
          }
        }
        const rows = await chain.weights().catch(() => new Map<number, Array<[number, number]>>())
        const head = clock[clock.length - 1]?.block ?? 0
        for (const row of rows.values()) {
          for (const [uid, w] of row) if (w > 0 && !nonZeroAt.has(uid)) nonZeroAt.set(uid, head)
        }
        const indexer = urlAfter(dn.lines, 'dashboard')
        if (indexer !== undefined) await pollResults(indexer, results)
        if (indexer !== undefined && spec.stages === true) await pollEpisodes(indexer, episodeKeys, episodesMs)
        const health = dn.lines.flatMap((l) => /^validator-\d+.*health (http:\/\/\S+)\/health/u.exec(l)?.[1] ?? [])
        const polled = await Promise.all(
          health.map(async (h) => (await getJson<{ queue?: { done?: number } }>(`${h}/status`))?.queue?.done ?? -1),
        )
        // A busy or stopping node does not answer: keep its last count rather than lose it.
        jobsDone = polled.map((d, i) => (d >= 0 ? d : (jobsDone[i] ?? -1)))
      }
      await sleep(POLL_MS)
    }
  } finally {
    if (exit === undefined) {
      log('  hard timeout: stopping the devnet')
      dn.child.kill('SIGTERM')
      await Promise.race([dn.exited, sleep(KILL_AFTER_MS)])
    }
    // Nodes exit when the devnet's stdin pipe closes; anything still alive (a hung stop) is killed here.
    await sleep(500)
    killTree(sampler)
    await dn.exited
    await chain?.close()
  }
  const firstResult = new Map<string, number>()
  for (const r of results.values()) {
    const b = firstResult.get(r.minerHotkey)
    if (b === undefined || r.block < b) firstResult.set(r.minerHotkey, r.block)
  }
  const updateBlocks = [...updates]
  const traces: MinerTrace[] = [...commits].map(([hotkey, c]) => {
    const fr = firstResult.get(hotkey)
    const wb = fr === undefined ? undefined : firstUpdateAfter(updateBlocks, fr)
    const nz = nonZeroAt.get(uids.get(hotkey) ?? -1)
    return {
      hotkey,
      commitBlock: c.block,
      commitAt: c.at,
      ...(fr === undefined ? {} : { firstResultBlock: fr }),
      ...(wb === undefined ? {} : { weightsBlock: wb }),
      ...(nz === undefined ? {} : { nonZeroBlock: nz }),
    }
  })
  const validatorHotkeys = dn.lines.flatMap((l) => /^validator-\d+\s+(\w+)\s+mesh/u.exec(l)?.[1] ?? [])
  const logs = validatorHotkeys.map((_, i) => {
    const f = join(dataDir, 'logs', `validator-${i}.log`)
    return existsSync(f) ? readFileSync(f, 'utf8') : ''
  })
  const bannerAt = events.find((e) => e.event === 'banner-printed')?.at
  const cycleAt = events.find((e) => e.event === 'cycle-complete')?.at
  const run: CaseRun = {
    spec,
    outcome:
      cycleAt !== undefined
        ? 'complete'
        : exit === undefined || dn.lines.some((l) => l.startsWith('timed out'))
          ? 'timeout'
          : 'exited',
    exitCode: exit?.code ?? null,
    traces,
    clock,
    usage: sampler.usage(),
    startedAt,
    ...(bannerAt === undefined ? {} : { bannerAt }),
    ...(cycleAt === undefined ? {} : { cycleAt }),
    results: results.size,
    jobsDone,
    logs,
    validatorHotkeys,
    episodesMs,
    updateBlocks,
    resultRows: [...results.values()],
    stderrTail: dn.stderr().slice(-2000),
  }
  return run
}
