import type { ChildProcess } from 'node:child_process'
import { promises as fs } from 'node:fs'
import type { Logger } from '#protocol'
import type { PolicyEndpoint } from '../policy/types.js'
import { classifyExit, classifyExitWhileStopping } from './limits.js'
import type { LogRing } from './log-ring.js'
import type { PolicyExit, PolicyHandle, ResourceLimits } from './types.js'

/** How long `exited` waits for the output pipes to drain after the process exited. */
const STREAM_DRAIN_MS = 500

/** How a local policy runs. */
export type ProcessIsolation = 'bubblewrap' | 'process'

/** What {@link ProcessPolicyHandle} needs from the runtime. */
export interface ProcessHandleInit {
  child: ChildProcess
  ring: LogRing
  endpoint: PolicyEndpoint
  isolation: ProcessIsolation
  runDir: string
  limits: ResourceLimits
  stopGraceMs: number
  log: Logger
  /** Host uid the policy runs as; undefined when it is the evaluator's own. */
  uid?: number
  /** Called once stop() has freed everything, before `stopped` settles (hands the uid back). */
  onStopped?: () => void
}

/** One local policy: a detached process group (bwrap or prlimit at its head) plus its run directory. */
export class ProcessPolicyHandle implements PolicyHandle {
  readonly endpoint: PolicyEndpoint
  readonly isolation: ProcessIsolation
  readonly exited: Promise<PolicyExit>
  /** Settles once stop() has freed everything. */
  readonly stopped: Promise<void>
  readonly pid: number | undefined
  /** Host uid the policy runs as; undefined when it is the evaluator's own. */
  readonly uid: number | undefined
  #init: ProcessHandleInit
  #exit: PolicyExit | undefined
  #stopping = false
  #deadlineHit = false
  #wallTimer: NodeJS.Timeout | undefined
  #stopPromise: Promise<void> | undefined
  #resolveStopped!: () => void

  constructor(init: ProcessHandleInit) {
    this.#init = init
    this.endpoint = init.endpoint
    this.isolation = init.isolation
    this.pid = init.child.pid
    this.uid = init.uid
    this.stopped = new Promise((resolve) => {
      this.#resolveStopped = resolve
    })
    init.child.stdout?.on('data', (chunk: Buffer) => init.ring.push(chunk))
    init.child.stderr?.on('data', (chunk: Buffer) => init.ring.push(chunk))
    this.exited = new Promise<PolicyExit>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.#exit) return
        clearTimeout(this.#wallTimer)
        const exit: PolicyExit = { code, signal }
        const viaWrapper = init.isolation === 'bubblewrap'
        const reason = this.#deadlineHit
          ? 'policy_episode_deadline'
          : this.#stopping
            ? classifyExitWhileStopping(code, signal, init.ring.text(), viaWrapper)
            : classifyExit(code, signal, init.ring.text(), viaWrapper)
        if (reason !== undefined) exit.reason = reason
        this.#exit = exit
        // The head is gone, but a plain process may have left children in its group.
        this.#killGroup('SIGKILL')
        init.log.debug('policy exited', { pid: this.pid, code, signal, reason: exit.reason })
        resolve(exit)
      }
      // 'exit' can precede the last output still in the pipes, and classification reads that output
      // (out-of-memory messages); wait for 'close' briefly. Orphans holding the pipes are killed first.
      let streamsClosed = false
      init.child.on('close', () => {
        streamsClosed = true
      })
      init.child.on('exit', (code, signal) => {
        this.#killGroup('SIGKILL')
        if (streamsClosed) return finish(code, signal)
        const timer = setTimeout(() => finish(code, signal), STREAM_DRAIN_MS)
        init.child.once('close', () => {
          clearTimeout(timer)
          finish(code, signal)
        })
      })
      init.child.on('error', (err) => {
        init.ring.push(`spawn failed: ${err.message}\n`)
        finish(null, null)
      })
    })
    this.#wallTimer = setTimeout(() => {
      this.#deadlineHit = true
      init.log.warn('policy wall clock exceeded', { pid: this.pid, wallClockMs: init.limits.wallClockMs })
      this.#killGroup('SIGKILL')
    }, init.limits.wallClockMs)
  }

  /** Why the process already exited (for the start-up health poll), or undefined while it runs. */
  exitReason(): string | undefined {
    const exit = this.#exit
    return exit ? `policy exited during start (code ${exit.code}, signal ${exit.signal})` : undefined
  }

  logs(): Promise<string> {
    return Promise.resolve(this.#init.ring.text())
  }

  stop(): Promise<void> {
    this.#stopPromise ??= this.#stop()
    return this.#stopPromise
  }

  async #stop(): Promise<void> {
    this.#stopping = true
    clearTimeout(this.#wallTimer)
    if (!this.#exit) {
      this.#killGroup('SIGTERM')
      let timer: NodeJS.Timeout | undefined
      const graceful = await Promise.race([
        this.exited.then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), this.#init.stopGraceMs)
        }),
      ])
      clearTimeout(timer)
      if (!graceful) {
        this.#killGroup('SIGKILL')
        await this.exited
      }
    }
    await this.#awaitGroupGone()
    await fs.rm(this.#init.runDir, { recursive: true, force: true }).catch((err: unknown) => {
      this.#init.log.warn('scratch dir not removed', { runDir: this.#init.runDir }, err)
    })
    this.#init.onStopped?.()
    this.#resolveStopped()
  }

  /** Orphans of a plain process (and their zombies) outlive the head briefly; stop() returns after them. */
  async #awaitGroupGone(): Promise<void> {
    const until = Date.now() + this.#init.stopGraceMs
    while (this.pid !== undefined && Date.now() < until) {
      try {
        process.kill(-this.pid, 'SIGKILL')
      } catch {
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    this.#init.log.warn('policy process group outlived stop', { pid: this.pid })
  }

  #killGroup(signal: NodeJS.Signals): void {
    if (this.pid === undefined) return
    try {
      process.kill(-this.pid, signal)
    } catch {
      // ESRCH: the group is already gone
    }
  }
}
