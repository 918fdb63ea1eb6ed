import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, promises as fs } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Logger, silentLogger } from '#protocol'
import {
  probeBubblewrap,
  SANDBOX_FORWARDER,
  SANDBOX_PORT,
  SANDBOX_SCRATCH_DIR,
  SANDBOX_SOCKET_DIR,
  SANDBOX_UID,
  sandboxArgs,
} from './bubblewrap.js'
import { runtimeError } from './errors.js'
import { waitHealthy } from './health.js'
import { type ResolvedCommand, reachableByOthers, resolveCommand } from './interpreter.js'
import { prlimitArgs } from './limits.js'
import { LogRing } from './log-ring.js'
import { type ProcessIsolation, ProcessPolicyHandle } from './process-handle.js'
import { runDirPrefix, sweepStaleRunDirs } from './run-dirs.js'
import type { PolicyHandle, PolicySource, ResourceLimits, Runtime } from './types.js'
import {
  claimPolicyUser,
  type PolicyUser,
  policyIdentity,
  probeRunAs,
  rangeOverlaps,
  type UidRange,
} from './uid-pool.js'

/** Options of {@link createProcessRuntime}; plain data. */
export interface ProcessRuntimeInit {
  /**
   * `auto`: bubblewrap when its probe passes, else a plain process with a loud warning. `bubblewrap`:
   * fail with EVAL_RUNTIME_SANDBOX_UNAVAILABLE instead. `none`: plain process (development only).
   * @default 'auto'
   */
  sandbox?: 'auto' | 'bubblewrap' | 'none'
  /** @default silentLogger */
  logger?: Logger
  /**
   * Parent of the per-policy run directories (`kinitro-policy-<pid>-XXXXXX`). The first start removes those
   * of processes no longer alive there (a validator killed before its policies' stop()).
   * @default os.tmpdir()
   */
  scratchRoot?: string
  /** @default '/usr/bin/bwrap' */
  bwrapPath?: string
  /** @default '/usr/bin/prlimit' */
  prlimitPath?: string
  /** How long a policy may take to answer GET /health. @default 30_000 */
  startTimeoutMs?: number
  /** SIGTERM → SIGKILL grace on stop. @default 2_000 */
  stopGraceMs?: number
  /** Bytes of output kept per policy. @default 65_536 */
  logBytes?: number
  /** RLIMIT_NOFILE. @default 256 */
  maxOpenFiles?: number
  /**
   * One host uid/gid every policy runs as, instead of a uid of its own from `uidRange`; `null` keeps the
   * validator's uid. A shared uid means a shared process budget: RLIMIT_NPROC counts every process of the
   * uid on the host, so one fork-bombing policy starves the others (plain processes; bubblewrap on kernels
   * before 5.14). @default undefined: a pooled uid per policy when root, else the validator's uid
   */
  runAsUid?: number | null
  /** The policies' gid. @default the policy's uid */
  runAsGid?: number | null
  /**
   * Host uids policies run as when the validator is root (and `runAsUid` is not given): each running
   * policy holds one to itself, so its process limit, signals and files are its own. The kernel exempts
   * uid 0 from the process-count limit and root reads every file, hence never root.
   * @default DEFAULT_UID_RANGE (200000, 1000 uids)
   */
  uidRange?: UidRange
}

/** Defaults of {@link ProcessRuntimeInit}. */
export const defaultProcessRuntimeOptions = {
  sandbox: 'auto',
  bwrapPath: '/usr/bin/bwrap',
  prlimitPath: '/usr/bin/prlimit',
  startTimeoutMs: 30_000,
  stopGraceMs: 2_000,
  logBytes: 64 * 1024,
  maxOpenFiles: 256,
} as const

const FORWARDER_PATH = fileURLToPath(new URL('./forwarder.mjs', import.meta.url))
const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin'
/** The node that runs the forwarder inside the sandbox: ours when it lives in the mounted /usr tree. */
const SANDBOX_NODE = process.execPath.startsWith('/usr/') ? process.execPath : '/usr/bin/node'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/**
 * The local runtime: each policy is a child process group, inside a bubblewrap sandbox (own user, pid,
 * network, ipc, uts namespaces; only `lo`; read-only system and policy mounts) when available. The
 * evaluator reaches a sandboxed policy through a Unix socket; a plain process listens on 127.0.0.1.
 *
 * Trust model: both share the host kernel. This is the local and development default, not the production
 * sandbox for untrusted miners (gVisor/Kata pods through the Kubernetes runtime).
 */
export function createProcessRuntime(init: ProcessRuntimeInit = {}): Runtime {
  const opts = { ...defaultProcessRuntimeOptions, ...stripUndefined(init) }
  const log = (init.logger ?? silentLogger).child('evaluator:runtime:process')
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  const identity = policyIdentity(init, isRoot)
  const fixedUid = identity.kind === 'fixed' ? identity.runAs.uid : undefined
  // Another uid than ours: the policy reaches files only through their "others" bits.
  const dropsUid = identity.kind === 'pool' || (fixedUid !== undefined && fixedUid !== process.getuid?.())
  const handles = new Set<ProcessPolicyHandle>()
  const resolvedHeads = new Map<string, Promise<ResolvedCommand>>()
  let isolation: Promise<ProcessIsolation> | undefined
  let swept: Promise<unknown> | undefined
  const scratchRoot = opts.scratchRoot ?? tmpdir()
  let closed = false
  // close() aborts starts still waiting for /health, so none outlives the runtime.
  const closing = new AbortController()

  function chooseIsolation(): Promise<ProcessIsolation> {
    if (identity.kind === 'pool') {
      // A policy running as a real account's uid could read that account's files and signal its processes.
      const overlaps = rangeOverlaps(identity.range)
      if (overlaps.length > 0) {
        log.warn('policy uid range overlaps host accounts; set evaluator.runtime.uidRange elsewhere', {
          range: identity.range,
          overlaps: overlaps.slice(0, 5),
        })
      }
    }
    if (opts.sandbox === 'none') {
      log.warn('policies run as plain processes without a sandbox', { sandbox: 'none' })
      return Promise.resolve('process')
    }
    return probeBubblewrap(opts.bwrapPath, probeRunAs(identity)).then((reason) => {
      if (reason === undefined) {
        log.info('bubblewrap sandbox available', { bwrap: opts.bwrapPath })
        return 'bubblewrap'
      }
      if (opts.sandbox === 'bubblewrap') {
        log.error('bubblewrap sandbox unavailable', { reason })
        throw runtimeError({
          code: 'EVAL_RUNTIME_SANDBOX_UNAVAILABLE',
          failure: 'validator_sandbox_unavailable',
          runtime: 'process',
          reason,
        })
      }
      log.warn('SANDBOX UNAVAILABLE: policies run as plain processes, with network and host file access', {
        reason,
      })
      return 'process'
    })
  }

  async function start(source: PolicySource, limits: ResourceLimits, signal?: AbortSignal): Promise<PolicyHandle> {
    const base = { runtime: 'process', label: source.label }
    if (closed)
      throw runtimeError({
        ...base,
        code: 'EVAL_RUNTIME_CLOSED',
        failure: 'validator_cancelled',
        reason: 'runtime closed',
      })
    if (signal?.aborted)
      throw runtimeError({
        ...base,
        code: 'EVAL_RUNTIME_ABORTED',
        failure: 'validator_cancelled',
        reason: 'aborted before start',
      })
    // Once per runtime, at its first start rather than at creation: a runtime never started (CLI commands,
    // tests) leaves the scratch root alone. Never fails the start.
    swept ??= sweepStaleRunDirs(scratchRoot, log)
    isolation ??= chooseIsolation()
    // A failed bubblewrap probe stays failed: the brief's "probe once".
    const mode = await isolation
    await swept
    const meta = { ...base, runtime: mode }
    const dirStat = await fs.stat(source.dir).catch(() => undefined)
    if (!dirStat?.isDirectory() || source.command.length === 0) {
      throw runtimeError({
        ...meta,
        code: 'EVAL_RUNTIME_BAD_SOURCE',
        failure: 'validator_internal',
        reason: `policy dir ${source.dir} missing or command empty`,
      })
    }
    const user = await claimPolicyUser(identity)
    if (user === undefined) {
      const range = identity.kind === 'pool' ? identity.range : undefined
      throw runtimeError({
        ...meta,
        code: 'EVAL_RUNTIME_UIDS_EXHAUSTED',
        failure: 'validator_overloaded',
        reason: `every uid of ${range?.first}+${range?.count} runs a policy`,
      })
    }
    let handle: ProcessPolicyHandle
    try {
      handle = await launch(source, limits, mode, meta, user)
    } catch (err) {
      user.release()
      throw err
    }
    handles.add(handle)
    void handle.stopped.then(() => handles.delete(handle))
    return awaitHealthy(handle, meta, signal)
  }

  /** Everything from the command to a spawned process; throws before any process exists, else returns it. */
  async function launch(
    source: PolicySource,
    limits: ResourceLimits,
    mode: ProcessIsolation,
    meta: { runtime: string; label: string },
    user: PolicyUser,
  ): Promise<ProcessPolicyHandle> {
    const { runAs } = user
    // Resolving a pyenv shim runs the interpreter once (~1 s); cache per executable name.
    const head = source.command[0] as string
    const cacheKey = `${dropsUid ? 'sandbox' : 'self'}:${head}`
    let resolvedHead = resolvedHeads.get(cacheKey)
    if (!resolvedHead) {
      resolvedHead = resolveCommand([head], process.env.PATH ?? '', dropsUid ? reachableByOthers : undefined)
      resolvedHeads.set(cacheKey, resolvedHead)
      resolvedHead.catch(() => resolvedHeads.delete(cacheKey))
    }
    const found = await resolvedHead
    const resolved = { argv: [...found.argv, ...source.command.slice(1)], prefix: found.prefix }
    let policyReachable = true
    if (dropsUid) {
      // Checked here because bwrap would report an unreadable mount as the policy failing to start.
      policyReachable = await reachableByOthers(source.dir)
      const exe = resolved.argv[0] ?? ''
      if (exe.startsWith('/') && !(await reachableByOthers(exe))) {
        throw runtimeError({
          ...meta,
          code: 'EVAL_RUNTIME_INTERPRETER_UNREACHABLE',
          failure: 'validator_sandbox_unavailable',
          reason: `${exe} is not readable by the policy's uid ${runAs.uid}`,
        })
      }
    }

    const runDir = await fs.mkdtemp(join(scratchRoot, runDirPrefix()))
    const scratchDir = join(runDir, 'scratch')
    const socketDir = join(runDir, 'sock')
    await fs.mkdir(scratchDir)
    await fs.mkdir(socketDir)
    if (runAs.uid !== undefined && isRoot) {
      await fs.chmod(runDir, 0o711)
      // Private to this policy's uid: with a uid per policy, others no longer share (and read) its files.
      for (const dir of [scratchDir, socketDir]) {
        await fs.chown(dir, runAs.uid, runAs.gid ?? runAs.uid)
        await fs.chmod(dir, 0o700)
      }
    }
    // A policy folder the policy's uid cannot read (e.g. a checkout or data dir under /root) is staged into
    // the run directory instead: copying costs a little at start, refusing would make a root-owned data dir
    // unusable. The forwarder is staged always, for the same reason and because it is tiny.
    const policyDir = policyReachable ? source.dir : join(runDir, 'policy')
    if (!policyReachable) {
      log.warn('policy folder not readable by the policy uid; staging a copy', { dir: source.dir, uid: runAs.uid })
      await fs.cp(source.dir, policyDir, { recursive: true, dereference: false, verbatimSymlinks: true })
      await makeReadable(policyDir)
    }
    const forwarderPath = join(runDir, 'forwarder.mjs')
    await fs.copyFile(FORWARDER_PATH, forwarderPath)
    await fs.chmod(forwarderPath, 0o644)

    const port = mode === 'bubblewrap' ? SANDBOX_PORT : await freePort()
    const argv = resolved.argv.map((arg) => arg.replaceAll('{port}', String(port)))
    const pathVar = resolved.prefix ? `${join(resolved.prefix, 'bin')}:${SYSTEM_PATH}` : SYSTEM_PATH
    const env: Record<string, string> = {
      ...source.env,
      PATH: pathVar,
      HOME: mode === 'bubblewrap' ? SANDBOX_SCRATCH_DIR : scratchDir,
      PORT: String(port),
    }
    const limited = [opts.prlimitPath, ...prlimitArgs(limits, opts.maxOpenFiles), '--', ...argv]
    const socketPath = join(socketDir, 'policy.sock')
    let child: ChildProcess
    const ring = new LogRing(opts.logBytes)
    try {
      if (mode === 'bubblewrap') {
        const bwrap = sandboxArgs({
          policyDir,
          scratchDir,
          socketDir,
          forwarderPath,
          interpreterPrefix: resolved.prefix,
          tmpMiB: Math.max(1, Math.floor(limits.scratchMiB)),
          env,
          ...(identity.kind === 'pool' ? { insideId: SANDBOX_UID } : {}),
        })
        // The forwarder starts before prlimit applies, so the policy's address-space limit does not bind it;
        // it still counts towards the process limit (node holds ~7 threads).
        const script = `${SANDBOX_NODE} ${SANDBOX_FORWARDER} ${SANDBOX_SOCKET_DIR}/policy.sock ${port} & exec "$@"`
        const [cmd, ...args] = withParentDeath([
          opts.bwrapPath,
          ...bwrap,
          '--',
          '/bin/sh',
          '-c',
          script,
          'sh',
          ...limited,
        ])
        child = spawn(cmd as string, args, {
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {},
          ...runAs,
        })
      } else {
        const [cmd, ...args] = withParentDeath(limited)
        child = spawn(cmd as string, args, {
          cwd: policyDir,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          env,
          ...runAs,
        })
      }
    } catch (err) {
      await fs.rm(runDir, { recursive: true, force: true })
      throw runtimeError(
        { ...meta, code: 'EVAL_RUNTIME_POLICY_START_FAILED', failure: 'policy_start_failed', reason: String(err) },
        err,
      )
    }
    const endpoint = mode === 'bubblewrap' ? { url: 'http://policy', socketPath } : { url: `http://127.0.0.1:${port}` }
    const handle = new ProcessPolicyHandle({
      child,
      ring,
      endpoint,
      isolation: mode,
      runDir,
      limits,
      stopGraceMs: opts.stopGraceMs,
      log,
      ...(runAs.uid === undefined ? {} : { uid: runAs.uid }),
      // After stop() the group is gone (or logged as outliving it; the host scan then skips its uid).
      onStopped: user.release,
    })
    log.debug('policy spawned', { label: source.label, pid: child.pid, isolation: mode, uid: runAs.uid })
    return handle
  }

  /** Resolves with the handle once /health answers; else stops it and throws why. */
  async function awaitHealthy(
    handle: ProcessPolicyHandle,
    meta: { runtime: string; label: string },
    signal?: AbortSignal,
  ): Promise<PolicyHandle> {
    const endpoint = handle.endpoint
    const health = await waitHealthy(endpoint, {
      deadlineMs: opts.startTimeoutMs,
      signal: signal ? AbortSignal.any([signal, closing.signal]) : closing.signal,
      gaveUp: () => handle.exitReason(),
    })
    if (health.ok && !closed) return handle
    await handle.stop()
    const logs = await handle.logs()
    if (health.ok || health.aborted)
      throw runtimeError({
        ...meta,
        code: 'EVAL_RUNTIME_ABORTED',
        failure: 'validator_cancelled',
        reason: 'aborted while waiting for /health',
        logs,
      })
    if (health.gaveUp)
      throw runtimeError({
        ...meta,
        code: 'EVAL_RUNTIME_POLICY_START_FAILED',
        failure: 'policy_start_failed',
        reason: health.reason,
        logs,
      })
    throw runtimeError({
      ...meta,
      code: 'EVAL_RUNTIME_POLICY_UNHEALTHY',
      failure: 'policy_health_failed',
      reason: health.reason,
      logs,
    })
  }

  return {
    name: 'process',
    start,
    async close() {
      closed = true
      closing.abort()
      await Promise.all([...handles].map((h) => h.stop()))
    },
  }
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>
}

/** a+rX over a staged tree: files readable, directories traversable, nothing made writable. */
async function makeReadable(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755)
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    if (entry.isDirectory()) await makeReadable(p)
    else if (entry.isFile()) await fs.chmod(p, ((await fs.stat(p)).mode & 0o777) | 0o444)
  }
}

/** util-linux `setpriv`, present on every Debian-like system; absent elsewhere (then nothing is prefixed). */
const SETPRIV = '/usr/bin/setpriv'
const hasSetpriv = existsSync(SETPRIV)

/**
 * Tie the policy's outermost process to this one: `setpriv --pdeathsig KILL` makes the kernel kill it when
 * the evaluator process dies (SIGKILL, a crashed test worker), and bwrap's `--die-with-parent` takes the
 * sandbox with it. Without it a policy started in its own session outlives a killed evaluator and keeps
 * holding its uid's process budget.
 */
function withParentDeath(argv: readonly string[]): string[] {
  return hasSetpriv ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...argv] : [...argv]
}
