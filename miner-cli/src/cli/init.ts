import { relative, resolve } from 'node:path'
import { type Command, Option } from 'commander'
import { typedAction } from '#protocol'
import { MINER_CONFIG_FILE } from '../config.js'
import { scaffoldPolicy } from '../scaffold/scaffold.js'
import { TEMPLATE_NAMES, TEMPLATE_SUMMARY, type TemplateName } from '../scaffold/templates.js'
import type { MinerIo } from './io.js'

interface InitOptions {
  template: TemplateName
  name?: string
  repo?: string
  competition?: string
  force?: boolean
  json?: boolean
}

function nextSteps(cdTo: string, template: TemplateName, hasRepo: boolean): string[] {
  return [
    ...(cdTo === '' || cdTo === '.' ? [] : [`cd ${/^[\w./-]+$/.test(cdTo) ? cdTo : `'${cdTo}'`}`]),
    ...(template === 'typescript' ? ['npm install && npm run build'] : []),
    'kinitro miner eval --tasks mujoco/reach-v1 --episodes 5',
    'kinitro miner package',
    `HF_TOKEN=hf_… kinitro miner upload${hasRepo ? '' : ' --hub-repo <namespace>/<name>'}`,
    'kinitro miner commit',
  ]
}

/** `kinitro miner init [dir]`: a new policy folder from a template, with its `kinitro-miner.toml`. */
export function addInitCommands(miner: Command, io: MinerIo): void {
  miner
    .command('init')
    .description(
      'create a policy project from a template: a policy server speaking the reference contract, a README, ' +
        `a model/ folder and ${MINER_CONFIG_FILE}`,
    )
    .argument('[dir]', 'the folder to create (or fill, if empty)', '.')
    .addOption(
      new Option('--template <name>', 'which template').choices([...TEMPLATE_NAMES]).default('python' as const),
    )
    .option('--name <name>', 'the policy name in kinitro.json (default: from the folder name)')
    .option('--repo <namespace/name>', `Hugging Face model repo to upload to (written to ${MINER_CONFIG_FILE})`)
    .option('--competition <id>', `competition the policy enters (written to ${MINER_CONFIG_FILE})`)
    .option('--force', 'write into a folder that is not empty, replacing files with the same names')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Templates:
${TEMPLATE_NAMES.map((t) => `  ${t.padEnd(11)} ${TEMPLATE_SUMMARY[t]}`).join('\n')}

Existing files are never replaced without --force. The template's policy solves mujoco/reach-v1 from the
camera images, so \`kinitro miner eval\` succeeds out of the box.

Examples:
  kinitro miner init my-policy --repo alice/reach-policy --competition reach-v1
  kinitro miner init ts-policy --template typescript --name reach-ts --json`,
    )
    .action(
      typedAction(function (this: Command, dirArg: string, opts: InitOptions) {
        const dir = resolve(io.cwd, dirArg)
        const result = scaffoldPolicy({
          dir,
          template: opts.template,
          ...(opts.name === undefined ? {} : { name: opts.name }),
          ...(opts.repo === undefined ? {} : { repo: opts.repo }),
          ...(opts.competition === undefined ? {} : { competition: opts.competition }),
          force: opts.force === true,
        })
        const next = nextSteps(relative(io.cwd, dir), opts.template, opts.repo !== undefined)
        if (opts.json) {
          io.out(JSON.stringify({ ...result, config: MINER_CONFIG_FILE, next }, null, 2))
          return
        }
        const replaced = result.files.filter((f) => f.action === 'replaced').length
        io.out(
          `created policy "${result.name}" in ${dir} from the ${opts.template} template (${result.files.length} files` +
            `${replaced > 0 ? `, ${replaced} replaced` : ''})`,
        )
        for (const f of result.files) io.out(`  ${f.action === 'replaced' ? 'replaced' : '+'} ${f.path}`)
        io.out('\nnext:')
        for (const step of next) io.out(`  ${step}`)
      }),
    )
}
