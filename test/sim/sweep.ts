import type { BenchRow } from '../bench/harness.js'
import { defaultSimConfig, type SimConfig } from './config.js'
import type { MessageCosts } from './costs.js'
import { type CycleFigures, MESH_RESOURCES, type MeshResource, simulateCycle } from './mesh-scale.js'

// The brief's grid and the first-limit search over it. Costs are measured per task count (the result's
// size and validation time grow with tasks × episodes); everything else comes from the config.

export const SWEEP_VALIDATORS = [16, 64, 128, 256, 512] as const
export const SWEEP_MINERS = [64, 256, 1024] as const
export const SWEEP_TASKS = [1, 3, 10] as const

const round = (n: number, digits: number): number => Number(n.toFixed(digits))
const MB = 1e6

/** One table row: the grid point, per-node figures and each budget's share. */
export function sweepRow(f: CycleFigures): BenchRow {
  const n = f.node
  const u = f.utilization
  return {
    V: f.config.validators,
    M: f.config.miners,
    T: f.config.tasks,
    'msgs/cycle': Math.round(f.totalMessages),
    'statuses %': round((100 * f.messages['job-status']) / f.totalMessages, 1),
    'copies in/node': Math.round(n.copiesIn),
    'dup small/large': `${round(n.duplicates.small, 1)}/${round(n.duplicates.large, 1)}`,
    'MB in/node': round(n.bytesIn.total / MB, 1),
    'MB out/node': round(n.bytesOut.total / MB, 1),
    'IHAVE MB in': round(n.bytesIn.control / MB, 1),
    'catch-up MB in': round(n.bytesIn.catchUp / MB, 1),
    'verify s/node': round(n.cpuSeconds.validate, 1),
    'cpu s/node': round(n.cpuSeconds.total, 1),
    'store writes/node': Math.round(n.storeWrites),
    'link in %': round(100 * u.linkIn, 2),
    'link out %': round(100 * u.linkOut, 2),
    'cpu %': round(100 * u.cpu, 1),
    'conns %': round(100 * u.connections, 0),
    'jobs burst %': round(100 * u.jobsBurst, 0),
    'eval %': round(100 * u.evaluation, 0),
    limit: f.limit,
  }
}

/** Every grid point; `costsFor(tasks)` gives the costs measured at that task count. */
export function runSweep(costsFor: (tasks: number) => MessageCosts, base: Partial<SimConfig> = {}): CycleFigures[] {
  const out: CycleFigures[] = []
  for (const tasks of SWEEP_TASKS) {
    for (const miners of SWEEP_MINERS) {
      for (const validators of SWEEP_VALIDATORS) {
        out.push(simulateCycle(defaultSimConfig({ ...base, validators, miners, tasks }), costsFor(tasks)))
      }
    }
  }
  return out
}

/** Where a budget is first reached when one dimension grows with the others fixed. */
export interface FirstLimit {
  tasks: number
  /** The dimension grown and the fixed value of the other. */
  grow: 'validators' | 'miners'
  fixed: number
  /** Smallest value at which some mesh resource reaches its budget, or null below `max`. */
  at: number | null
  resource: MeshResource | null
  /** The same without the connection cap (what limits once MAX_CONNECTIONS is raised). */
  uncappedAt: number | null
  uncappedResource: MeshResource | null
}

const worst = (f: CycleFigures, skip: readonly MeshResource[]): { r: MeshResource; u: number } => {
  let best: { r: MeshResource; u: number } = { r: 'cpu', u: -1 }
  for (const r of MESH_RESOURCES) if (!skip.includes(r) && f.utilization[r] > best.u) best = { r, u: f.utilization[r] }
  return best
}

/**
 * Smallest integer x in [lo, max] with some resource ≥ 1, by bisection (every figure grows with V and M:
 * more peers, more jobs). Null when none is reached by `max`.
 */
function firstOver(
  figures: (x: number) => CycleFigures,
  lo: number,
  max: number,
  skip: readonly MeshResource[],
): { at: number; resource: MeshResource } | null {
  const over = (x: number) => worst(figures(x), skip).u >= 1
  if (!over(max)) return null
  let a = lo
  let b = max
  if (over(a)) return { at: a, resource: worst(figures(a), skip).r }
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2)
    if (over(mid)) b = mid
    else a = mid
  }
  return { at: b, resource: worst(figures(b), skip).r }
}

/** First limits for each task count: V grows at M = 256, and M grows at V = 256 (the brief's scale). */
export function firstLimits(costsFor: (tasks: number) => MessageCosts, base: Partial<SimConfig> = {}): FirstLimit[] {
  const out: FirstLimit[] = []
  for (const tasks of SWEEP_TASKS) {
    const costs = costsFor(tasks)
    const cases = [
      { grow: 'validators' as const, fixed: 256, lo: 4, max: 4096 },
      { grow: 'miners' as const, fixed: 256, lo: 1, max: 65_536 },
    ]
    for (const k of cases) {
      const at = (x: number, uncapped: boolean): CycleFigures => {
        const dims = k.grow === 'validators' ? { validators: x, miners: k.fixed } : { validators: k.fixed, miners: x }
        const cap = uncapped ? { maxConnections: 1e9 } : {}
        return simulateCycle(defaultSimConfig({ ...base, ...cap, ...dims, tasks }), costs)
      }
      const capped = firstOver((x) => at(x, false), k.lo, k.max, [])
      const uncapped = firstOver((x) => at(x, true), k.lo, k.max, ['connections'])
      out.push({
        tasks,
        grow: k.grow,
        fixed: k.fixed,
        at: capped?.at ?? null,
        resource: capped?.resource ?? null,
        uncappedAt: uncapped?.at ?? null,
        uncappedResource: uncapped?.resource ?? null,
      })
    }
  }
  return out
}
