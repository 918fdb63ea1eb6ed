import type { PolicyExit, ResourceLimits } from './types.js'

/**
 * `prlimit` arguments for a policy's limits. RLIMIT_AS stands in for memory (no cgroups here); CPU gets a
 * soft limit (SIGXCPU) one second before the hard one (SIGKILL) so a policy that ignores SIGXCPU still dies.
 * RLIMIT_NPROC counts threads as well as processes, per host uid: it holds only for a non-root uid (the
 * kernel exempts uid 0), so the runtimes drop to an unprivileged uid when the validator runs as root.
 */
export function prlimitArgs(limits: ResourceLimits, maxOpenFiles: number): string[] {
  const bytes = Math.max(1, Math.floor(limits.memoryMiB)) * 1024 * 1024
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds))
  const fsize = Math.max(1, Math.floor(limits.scratchMiB)) * 1024 * 1024
  return [
    `--as=${bytes}`,
    `--cpu=${cpu}:${cpu + 1}`,
    `--nproc=${Math.max(1, Math.floor(limits.maxProcesses))}`,
    `--nofile=${maxOpenFiles}`,
    `--fsize=${fsize}`,
    `--core=0`,
  ]
}

/** Output that runtimes print when an allocation hit the address-space limit. */
const OUT_OF_MEMORY = [
  /out of memory/i,
  /allocation failed/i,
  /MemoryError/,
  /Cannot allocate memory/i,
  /std::bad_alloc/,
  /ENOMEM/,
]

/** bubblewrap reports a child killed by signal N as exit status 128 + N. */
const SIGNAL_BY_NUMBER: Readonly<Record<number, string>> = {
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  24: 'SIGXCPU',
  25: 'SIGXFSZ',
}

/** Why a policy stopped on its own: a limit (by signal or out-of-memory output) or else a crash. */
export function classifyExit(
  code: number | null,
  signal: string | null,
  logs: string,
  viaWrapper: boolean,
): PolicyExit['reason'] {
  const sig = signal ?? (viaWrapper && code !== null && code > 128 ? SIGNAL_BY_NUMBER[code - 128] : undefined)
  if (sig === 'SIGXCPU' || sig === 'SIGXFSZ' || sig === 'SIGKILL') return 'policy_resource_limit'
  if (OUT_OF_MEMORY.some((re) => re.test(logs))) return 'policy_resource_limit'
  return 'policy_crashed'
}

/**
 * Why a policy stopped while we were stopping it: only evidence of a limit counts. The exit event can come
 * after stop() began even when the policy died first (a memory hog killed mid-/act: the evaluator sees the
 * dropped connection, ends the episode and stops the lanes before the exit is reaped), so `stopping` alone
 * must not erase the reason. Our own SIGTERM/SIGKILL and a clean exit on our SIGTERM are not the policy's.
 */
export function classifyExitWhileStopping(
  code: number | null,
  signal: string | null,
  logs: string,
  viaWrapper: boolean,
): PolicyExit['reason'] {
  if (signal === 'SIGTERM' || signal === 'SIGKILL' || code === 0) return undefined
  const reason = classifyExit(code, signal, logs, viaWrapper)
  return reason === 'policy_resource_limit' ? reason : undefined
}
