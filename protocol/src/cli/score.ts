import { readFile } from 'node:fs/promises'
import { Command, InvalidArgumentError } from 'commander'
import {
  computeWeights,
  parseScenario,
  randomScenario,
  SCORING_STRATEGIES,
  type Scenario,
  ScoringError,
  type ScoringOutput,
  scenarioEnvs,
  scenarioToInput,
} from '../scoring/index.js'
import { typedAction } from './action.js'

/** Where `kinitro score` writes and reads; tests capture these, the CLI leaves the defaults. */
export interface ScoreCommandInit {
  /** Command output. @default process.stdout */
  stdout?: (text: string) => void
  /** Scenario text for `-`. @default all of process.stdin */
  readStdin?: () => Promise<string>
}

interface SimulateOpts {
  json?: boolean
  random?: boolean
  miners: number
  envs: number
  episodes: number
  seed: number
  strategy?: string
}

const HELP_AFTER = `
Scenario file (JSON):
  {
    "strategy": "kinitro-subset-v1",          // or kinitro-subset-v2, kinitro-wta-v0
    "params": { "temperature": 1 },            // strategy params; defaults fill the rest
    "envs": ["reach", "push"],                 // optional; order of columns and subsets
    "episodesPerEnv": 50,                      // for scores given as bare rates
    "miners": [
      { "uid": 0, "block": 1000, "scores": { "reach": 0.8, "push": 0.6 } },
      { "uid": 1, "hotkey": "5F…", "block": 1100,
        "scores": { "reach": { "successRate": 0.9, "episodes": 40, "avgReward": 1.5 } } }
    ]
  }
Random scenarios follow the reference's test-scoring: rates uniform in [0.3, 0.9), blocks 1000 + 100·uid.`

function positiveInt(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`)
    return n
  }
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks).toString('utf8')
}

async function loadScenario(source: string | undefined, opts: SimulateOpts, init: ScoreCommandInit): Promise<Scenario> {
  if (opts.random) {
    return randomScenario({
      miners: opts.miners,
      envs: opts.envs,
      episodes: opts.episodes,
      seed: opts.seed,
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
    })
  }
  if (source === undefined) {
    throw new ScoringError(
      {
        code: 'SCORING_SCENARIO_INVALID',
        issues: [{ path: '$', message: 'no scenario: give a file, - for stdin, or --random' }],
      },
      'no scenario: give a file, - for stdin, or --random',
    )
  }
  const text = source === '-' ? await (init.readStdin ?? readAllStdin)() : await readFile(source, 'utf8')
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new ScoringError(
      { code: 'SCORING_SCENARIO_INVALID', issues: [{ path: '$', message: `not JSON: ${reason}` }] },
      `invalid scenario: not JSON (${reason})`,
    )
  }
  const isObject = typeof doc === 'object' && doc !== null && !Array.isArray(doc)
  return parseScenario(
    opts.strategy && isObject ? { ...(doc as Record<string, unknown>), strategy: opts.strategy } : doc,
  )
}

function fmt(n: number, digits: number): string {
  return n.toFixed(digits)
}

/** The text report: one row per miner, then the frontier and the reference u16 when there is one. */
export function formatReport(scenario: Scenario, out: ScoringOutput): string {
  const envs = scenarioEnvs(scenario)
  const comp = out.competitions[0]
  const header = ['uid', 'hotkey', 'block', ...envs, 'points', 'weight', 'u16']
  const rows = [...scenario.miners]
    .sort((a, b) => a.uid - b.uid)
    .map((m) => {
      const hotkey = m.hotkey ?? `miner-${m.uid}`
      const line = out.miners.find((x) => x.hotkey === hotkey)
      const rates = envs.map((e) => {
        const v = m.scores[e]
        return v === undefined ? '-' : fmt(typeof v === 'number' ? v : v.successRate, 2)
      })
      return [
        String(m.uid),
        hotkey,
        m.block === undefined ? '-' : String(m.block),
        ...rates,
        fmt(line?.points ?? 0, 1),
        fmt(line?.weight ?? 0, 6),
        String(line?.u16 ?? 0),
      ]
    })
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)))
  const render = (cells: string[]) =>
    cells.map((c, i) => (i === 1 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')
  const lines = [
    `strategy ${comp?.strategy ?? scenario.strategy}, ${envs.length} envs, ${scenario.miners.length} miners`,
    `inputs digest ${out.inputsDigest}`,
    '',
    render(header),
    ...rows.map(render),
  ]
  const details = comp?.details as { frontier?: number[] } | null | undefined
  if (details?.frontier) lines.push('', `ε-Pareto frontier (report only): ${details.frontier.join(', ') || '-'}`)
  const extra = out.weights.uids.filter(
    (u) => !scenario.miners.some((m) => m.uid === u) && (out.weights.values[out.weights.uids.indexOf(u)] ?? 0) > 0,
  )
  for (const u of extra)
    lines.push(
      `uid ${u} (not a scenario miner): weight ${fmt(out.weights.values[out.weights.uids.indexOf(u)] ?? 0, 6)}`,
    )
  if (out.u16Reference) {
    const ref = out.u16Reference
    const sum = ref.values.reduce((a, b) => a + b, 0)
    lines.push(`reference u16: ${ref.uids.map((u, i) => `${u}=${ref.values[i]}`).join(' ')} (sum ${sum})`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * `kinitro score`: scoring tools. `kinitro score simulate <scenario.json|->` runs `computeWeights` on a
 * scenario and prints per-miner points and weights (float and u16), as a table or `--json`.
 */
export function scoreCommand(init: ScoreCommandInit = {}): Command {
  const write = init.stdout ?? ((text: string) => void process.stdout.write(text))
  const score = new Command('score').description('scoring tools: simulate the weights a scenario would get')
  score
    .command('simulate')
    .description('score a scenario file (or - for stdin, or --random) and print points and weights')
    .argument('[scenario]', 'scenario JSON file, or - to read stdin')
    .option('--json', 'print the scenario and the full scoring output as JSON')
    .option('--random', "generate a scenario like the reference's test-scoring")
    .option('--miners <n>', 'random: number of miners', positiveInt('--miners', 1), 5)
    .option('--envs <k>', 'random: number of environments', positiveInt('--envs', 1), 3)
    .option('--episodes <e>', 'random: episodes per environment', positiveInt('--episodes', 0), 50)
    .option('--seed <s>', 'random: PRNG seed', positiveInt('--seed', 0), 1)
    .option('--strategy <id>', `override the strategy (${[...SCORING_STRATEGIES.keys()].join(', ')})`)
    .addHelpText('after', HELP_AFTER)
    .action(
      typedAction(async function (this: Command, source: string | undefined) {
        const opts = this.opts<SimulateOpts>()
        const scenario = await loadScenario(source, opts, init)
        const out = computeWeights(scenarioToInput(scenario))
        write(opts.json ? `${JSON.stringify({ scenario, result: out }, null, 2)}\n` : formatReport(scenario, out))
      }),
    )
  return score
}
