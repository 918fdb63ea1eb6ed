import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { machineInfo } from '../bench/harness.js'
import { ASSUMPTIONS } from './assumptions.js'
import {
  compareWithRun,
  gossipBenchCpu,
  modelGossipBenchCpuUsPerMsg,
  transportFromGossipBench,
  transportUsPerRpc,
} from './compare.js'
import { defaultSimConfig } from './config.js'
import { FALLBACK_TRANSPORT_US_PER_COPY } from './constants.js'
import { type MessageCosts, measureCipherNsPerByte, measureCosts } from './costs.js'
import { fixtureKeys } from './fixtures.js'
import { markdownTable } from './markdown.js'
import { simulateCycle } from './mesh-scale.js'
import { type MeasuredTraffic, measureRealMesh } from './real-mesh.js'
import { firstLimits, runSweep, SWEEP_TASKS, sweepRow } from './sweep.js'

// `node --import ./compat/promise-with-resolvers.mjs --import tsx --conditions=source test/sim/run.ts
// [--quick] [--skip-mesh] [--repeats n]`: measure per-message costs, check the model against a real
// in-process mesh, sweep the grid, print markdown, write bench/results/sim.json (quick: bench/results/quick/).

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'skip-mesh': { type: 'boolean', default: false },
    repeats: { type: 'string' },
  },
})
const quick = values.quick === true
const opts = { repeats: Number(values.repeats ?? (quick ? 1 : 3)), scale: quick ? 0.05 : 1 }
const log = (msg: string): void => {
  process.stderr.write(`sim: ${msg}\n`)
}

// Other work on the box inflates every timing: record the load at start and end, as the gossip bench does.
const load1AtStart = Number(loadavg()[0]?.toFixed(1))
const keys = await fixtureKeys()
const costs = new Map<number, MessageCosts>()
// Every type at 3 tasks; then only what changes with the task count (result, manifest) at 1 and 10.
log('measuring per-message costs, 3 tasks × 50 episodes')
const base3 = await measureCosts(keys, { tasks: 3, episodesPerTask: 50, uids: 256 }, opts)
costs.set(3, base3)
for (const tasks of SWEEP_TASKS.filter((t) => t !== 3)) {
  log(`measuring result costs, ${tasks} task(s) × 50 episodes`)
  costs.set(tasks, await measureCosts(keys, { tasks, episodesPerTask: 50, uids: 256 }, opts, base3))
}
const costsFor = (tasks: number): MessageCosts => costs.get(tasks) as MessageCosts
const cipherNsPerByte = await measureCipherNsPerByte(opts)

let mesh: MeasuredTraffic | undefined
let transportUsPerCopy = FALLBACK_TRANSPORT_US_PER_COPY
let transportSource = 'reference/p2p.md §8.2 (fallback)'
if (values['skip-mesh'] !== true) {
  log('running the in-process mesh (8 nodes)')
  mesh = await measureRealMesh({ perNode: quick ? 20 : 100, intervalMs: 100, log })
  transportUsPerCopy = Number(transportUsPerRpc(mesh, costsFor(1)).toFixed(1))
  transportSource = 'in-process mesh of this run'
}
const base = { transportUsPerCopy, cipherNsPerByte }
const figures = runSweep(costsFor, base)
const rows = figures.map(sweepRow)
const limits = firstLimits(costsFor, base)
const comparison = mesh === undefined ? [] : compareWithRun(mesh, costsFor(1))
// A second check on CPU: the gossip bench's measured CPU per message per node (8 processes, ~1 KiB results).
const GOSSIP_JSON = 'bench/results/gossip.json'
const gossipCpu = existsSync(GOSSIP_JSON) ? gossipBenchCpu(JSON.parse(readFileSync(GOSSIP_JSON, 'utf8'))) : []
const modelCpu = modelGossipBenchCpuUsPerMsg(costsFor(1), transportUsPerCopy)
const cpuCheck = gossipCpu.map((g) => ({
  'gossip.json rate': g.rate,
  'measured µs/msg/node': g.cpuUsPerMsg,
  'model µs/msg/node': Number(modelCpu.toFixed(0)),
  'error %': Number((((modelCpu - g.cpuUsPerMsg) / g.cpuUsPerMsg) * 100).toFixed(1)),
}))

const costRows = SWEEP_TASKS.flatMap((tasks) =>
  Object.entries(costsFor(tasks).types).map(([type, c]) => ({ tasks, type, ...c })),
)
console.log('\n## sim: per-message costs measured in this process (µs, bytes)\n')
console.log(markdownTable(costRows))
console.log(`\n1-minute load average at start ${load1AtStart} (2 cores: above ~2, other work shares the CPU)`)
console.log(`\ntransport ${transportUsPerCopy} µs per RPC copy (${transportSource}); cipher ${cipherNsPerByte} ns/byte`)
if (mesh !== undefined) {
  console.log(
    `\n## sim: model vs ${mesh.nodes}-node in-process mesh (per node, mesh degree ${mesh.meshPeers.toFixed(2)})\n`,
  )
  console.log(markdownTable(comparison))
}
// Conservative variant: the per-RPC cost that reproduces the gossip bench's lowest-rate CPU figure (8
// separate processes sharing 2 cores), instead of this process's in-process figure.
const calibrateOn = gossipCpu.find((g) => g.rate === '100') ?? gossipCpu[0]
const conservative =
  calibrateOn === undefined
    ? undefined
    : {
        transportUsPerCopy: Number(transportFromGossipBench(costsFor(1), calibrateOn.cpuUsPerMsg).toFixed(1)),
        cipherNsPerByte,
      }
const conservativeLimits = conservative === undefined ? [] : firstLimits(costsFor, conservative)
const brief = (b: typeof base) =>
  sweepRow(simulateCycle(defaultSimConfig({ ...b, validators: 256, miners: 256, tasks: 3 }), costsFor(3)))
const sensitivity = [
  { transport: `${base.transportUsPerCopy} µs/RPC (${transportSource})`, ...brief(base) },
  ...(conservative === undefined
    ? []
    : [
        {
          transport: `${conservative.transportUsPerCopy} µs/RPC (calibrated on ${GOSSIP_JSON})`,
          ...brief(conservative),
        },
      ]),
]

if (cpuCheck.length > 0) {
  console.log(
    `\n## sim: model vs ${GOSSIP_JSON} (CPU per message per node; that run shared 2 cores among 9 processes)\n`,
  )
  console.log(markdownTable(cpuCheck))
}
console.log('\n## sim: one cycle per validator (100 Mbit/s link, 1 core)\n')
console.log(markdownTable(rows))
console.log('\n## sim: first limit\n')
console.log(markdownTable(limits))
if (conservative !== undefined) {
  console.log(
    `\n## sim: first limit, transport calibrated on ${GOSSIP_JSON} (${conservative.transportUsPerCopy} µs/RPC)\n`,
  )
  console.log(markdownTable(conservativeLimits))
}
console.log("\n## sim: the brief's scale (V = 256, M = 256, T = 3) under both transport costs\n")
console.log(markdownTable(sensitivity))
console.log('\nAssumptions:\n')
for (const a of ASSUMPTIONS) console.log(`- ${a}`)

const outDir = quick ? 'bench/results/quick' : 'bench/results'
mkdirSync(outDir, { recursive: true })
const file = join(outDir, 'sim.json')
const doc = {
  name: 'sim',
  description:
    'the mesh at internet scale from measured per-message costs: one cycle per validator (messages, bytes, CPU, store writes) vs a 100 Mbit/s link and one core',
  date: new Date().toISOString(),
  machine: machineInfo(),
  options: opts,
  load1: { start: load1AtStart, end: Number(loadavg()[0]?.toFixed(1)) },
  rows,
  assumptions: ASSUMPTIONS,
  config: { ...figures[0]?.config, validators: 'swept', miners: 'swept', tasks: 'swept' },
  transport: { usPerCopy: transportUsPerCopy, source: transportSource, cipherNsPerByte },
  costs: Object.fromEntries(SWEEP_TASKS.map((t) => [String(t), costsFor(t)])),
  validation: { mesh: mesh === undefined ? null : { measured: mesh, comparison }, gossipBenchCpu: cpuCheck },
  limits,
  conservative: conservative === undefined ? null : { ...conservative, limits: conservativeLimits },
  sensitivity,
}
writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`)
console.log(`wrote ${file}`)
