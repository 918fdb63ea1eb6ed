import { randomBytes, randomInt } from 'node:crypto'
import { once } from 'node:events'
import { promises as fs, readdirSync, readFileSync } from 'node:fs'
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type EpisodeOutcome,
  evaluatorConfigSchema,
  type PolicyExit,
  type PolicyHandle,
  type PolicySource,
  packPolicyDir,
  type ResourceLimits,
  type Runtime,
  samplePolicyDir,
} from '#evaluator'
import { createEvaluation, type Evaluation } from '#node'
import { buildCommitment, silentLogger } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { type EvaluationJob, runtimeFromConfig } from '../../../src/node/evaluation.js'
import { reachJob } from './fixtures.js'

// Issue 11 item 5: hostile policies run through a whole job the way a validator runs one (commitment →
// download → digest check → unpack → runtime from the evaluator config → episodes), each contained, its
// episode recorded as failed with the reason, and the same evaluation then scores a good policy.

const HOSTILE_SERVER = fileURLToPath(
  new URL('../../../../evaluator/test/fixtures/policies/hostile-server.mjs', import.meta.url),
)
const ENV = 'toy/point-reach-v1'
const MAX_PROCESSES = 64
const IS_ROOT = process.getuid?.() === 0

let jobs = 0
function job(commitment: string): EvaluationJob {
  jobs++
  return reachJob({ commitment, miner: jobs, minerUid: jobs }, { envId: ENV })
}

/** The config's own runtime, watched: every policy's `exited`, to see what the runtime made of its end. */
function watched(inner: Runtime): Runtime & { exits: Promise<PolicyExit>[] } {
  const exits: Promise<PolicyExit>[] = []
  return {
    name: inner.name,
    exits,
    async start(source: PolicySource, limits: ResourceLimits, signal?: AbortSignal): Promise<PolicyHandle> {
      const handle = await inner.start(source, limits, signal)
      exits.push(handle.exited)
      return handle
    },
    close: () => inner.close(),
  }
}

/** Pids of host processes whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = []
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(marker)) found.push(Number(pid))
    } catch {
      // exited while we looked
    }
  }
  return found
}

const SANDBOXES = [
  { sandbox: 'bubblewrap' as const, isolation: 'bubblewrap' },
  { sandbox: 'none' as const, isolation: 'process' },
]

describe.each(SANDBOXES)('hostile policies through a validator job, sandbox=$sandbox', ({ sandbox, isolation }) => {
  let tmp: TempDir
  let archives: HttpServer
  let base = ''
  const served = new Map<string, Uint8Array>()
  let tcp: TcpServer
  let tcpTarget = ''
  let connections = 0
  let evaluation: Evaluation
  let runtime: ReturnType<typeof watched>
  /** Why this sandbox cannot run here (the cases skip), or undefined. */
  let unusable: string | undefined

  const run = (commitment: string) => evaluation.evaluate(job(commitment), { signal: new AbortController().signal })

  /** Packs a policy folder, serves it, and returns the k1u commitment a miner would make for it. */
  async function publish(dir: string): Promise<string> {
    const packed = await packPolicyDir(dir)
    // Short: the commitment (URL and digest) must fit the chain's 128 bytes.
    const path = `/${served.size}`
    served.set(path, packed.bytes)
    return buildCommitment(
      { format: 'kinitro-v1-url', sha256: packed.sha256, url: `${base}${path}`, competitionId: 'reach-1' },
      { allowHttpUrl: true },
    )
  }

  /** A miner artifact: the hostile server with a kinitro.json that starts it in `mode`. */
  async function hostile(mode: string, arg = ''): Promise<string> {
    const dir = tmp.file(`policy-${mode}-${randomInt(1e9)}`)
    await fs.mkdir(dir)
    await fs.copyFile(HOSTILE_SERVER, join(dir, 'server.mjs'))
    const entry = ['node', 'server.mjs', '--port', '{port}', '--mode', mode, ...(arg ? ['--arg', arg] : [])]
    await fs.writeFile(join(dir, 'kinitro.json'), JSON.stringify({ name: `hostile-${mode}`, entry }))
    return publish(dir)
  }

  /** The job's single episode, after checking the job ran in the sandbox under test. */
  function onlyEpisode(out: { episodes: EpisodeOutcome[]; isolation: string }): EpisodeOutcome {
    expect(out.isolation).toBe(isolation)
    expect(out.episodes).toHaveLength(1)
    const episode = out.episodes[0] as EpisodeOutcome
    expect(episode.success).toBe(false)
    return episode
  }

  beforeAll(async () => {
    tmp = makeTempDir('kinitro-hostile-jobs-')
    archives = createHttpServer((req, res) => {
      const body = served.get(req.url ?? '')
      if (body === undefined) return void res.writeHead(404).end()
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(body.length) }).end(body)
    })
    archives.listen(0, '127.0.0.1')
    await once(archives, 'listening')
    base = `http://127.0.0.1:${(archives.address() as AddressInfo).port}`
    tcp = createTcpServer((socket) => {
      connections++
      socket.destroy()
    })
    tcp.listen(0, '127.0.0.1')
    await once(tcp, 'listening')
    tcpTarget = `127.0.0.1:${(tcp.address() as AddressInfo).port}`

    const config = evaluatorConfigSchema.parse({
      runtime: { sandbox, memoryMb: 1024, maxProcesses: MAX_PROCESSES },
      limits: { actTimeoutMs: 3_000 },
      fetch: { allowInsecureHttp: true },
    })
    runtime = watched(runtimeFromConfig(config, silentLogger))
    evaluation = createEvaluation({ config, dataDir: tmp.file('data'), artifacts: false, runtime })
    // A good job first: it shows the sandbox works here (else every case skips, saying why).
    const first = await run(await publish(samplePolicyDir('expert')))
    const error = first.episodes[0]?.error
    if (error === 'validator_sandbox_unavailable') unusable = first.episodes[0]?.errorDetail
    else expect(error, first.episodes[0]?.errorDetail).toBeUndefined()
  }, 120_000)

  afterAll(async () => {
    await evaluation?.close()
    archives?.closeAllConnections()
    archives?.close()
    tcp?.close()
    tmp?.cleanup()
  })

  it('tries outbound network: the host server sees no connection, the episode fails with the attempt', async (ctx) => {
    if (unusable) ctx.skip(unusable)
    // A plain process shares the host's network namespace by design (the loud SANDBOX UNAVAILABLE mode).
    if (sandbox === 'none') ctx.skip('plain processes have the host network')
    const episode = onlyEpisode(await run(await hostile('network', tcpTarget)))
    expect(episode.error, episode.errorDetail).toBe('policy_http_error')
    expect(episode.errorDetail).toMatch(/network (ECONNREFUSED|ENETUNREACH|EACCES|EPERM|timeout)/)
    expect(connections).toBe(0)
  })

  it('reads a host file: the secret does not reach the policy, nor the episode record', async (ctx) => {
    if (unusable) ctx.skip(unusable)
    // Outside bubblewrap only another uid keeps the file from the policy, and only root can switch uids.
    if (sandbox === 'none' && !IS_ROOT) ctx.skip('a plain policy runs as our uid when we are not root')
    const secret = `SECRET-${randomBytes(8).toString('hex')}`
    const secretFile = tmp.file('hotkey-secret')
    await fs.writeFile(secretFile, secret, { mode: 0o600 })
    const out = await run(await hostile('read-host', secretFile))
    const episode = onlyEpisode(out)
    expect(episode.error, episode.errorDetail).toBe('policy_http_error')
    expect(episode.errorDetail).toMatch(/read-host (ENOENT|EACCES)/)
    expect(JSON.stringify(out)).not.toContain(secret)
  })

  it('forks without bound: held at its process limit, its children gone after the job', async (ctx) => {
    if (unusable) ctx.skip(unusable)
    // As another user the bomb's budget would include this test runner's own processes.
    if (!IS_ROOT) ctx.skip('the process limit binds the policy alone only when it runs as a uid of its own')
    // A sleep duration no other process uses marks the bomb's children on the host.
    const marker = `600.${randomInt(100_000, 999_999)}`
    const episode = onlyEpisode(await run(await hostile('fork', marker)))
    expect(episode.error, episode.errorDetail).toBe('policy_http_error')
    const m = /fork started=(\d+) failed=(\d+) err=(\w+)/.exec(episode.errorDetail ?? '')
    expect(m, episode.errorDetail).not.toBeNull()
    const [, started, failed, err] = m as RegExpExecArray
    expect(Number(started)).toBeLessThan(MAX_PROCESSES)
    expect(Number(failed)).toBeGreaterThan(0)
    expect(err).toBe('EAGAIN')
    expect(processesWith(marker)).toEqual([])
  })

  it('eats memory: ended at its address-space limit, and the episode says so', async (ctx) => {
    if (unusable) ctx.skip(unusable)
    const before = runtime.exits.length
    const episode = onlyEpisode(await run(await hostile('memory')))
    expect((await runtime.exits[before])?.reason).toBe('policy_resource_limit')
    // The client only saw the connection drop mid-/act; the lanes take the runtime's reason for it.
    expect(episode.error, episode.errorDetail).toBe('policy_resource_limit')
  })

  it('never answers: the episode fails with policy_timeout', async (ctx) => {
    if (unusable) ctx.skip(unusable)
    const episode = onlyEpisode(await run(await hostile('hang')))
    expect(episode.error, episode.errorDetail).toBe('policy_timeout')
  })

  it('answers a huge payload: the episode fails with policy_oversized_response', async (ctx) => {
    if (unusable) ctx.skip(unusable)
    const episode = onlyEpisode(await run(await hostile('huge')))
    expect(episode.error, episode.errorDetail).toBe('policy_oversized_response')
  })

  it('then evaluates a good policy with the same evaluation: the evaluator is unharmed', async (ctx) => {
    if (unusable) ctx.skip(unusable)
    const out = await run(await publish(samplePolicyDir('expert')))
    expect(out.isolation).toBe(isolation)
    const episode = out.episodes[0] as EpisodeOutcome
    expect(episode.error, episode.errorDetail).toBeUndefined()
    expect(episode.steps).toBeGreaterThan(0)
  })
})
