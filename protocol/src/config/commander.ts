import { type Command, Option } from 'commander'
import type { z } from 'zod'
import { describeConfig } from './keys.js'

/**
 * Register `--config <file>` and one flag per schema leaf on a commander command, so every setting can be
 * given as a flag without listing it twice. Flags carry no commander defaults: defaults belong to the
 * schema, and an absent flag must not override the file or the environment.
 */
export function addConfigOptions(command: Command, schema: z.ZodType, only?: readonly string[]): Command {
  command.addOption(new Option('--config <file>', 'TOML config file').env('KINITRO_CONFIG'))
  // `only` keeps a command's help to the settings it uses; the file may still hold the rest.
  const wanted = (path: string) => only === undefined || only.some((p) => path === p || path.startsWith(`${p}.`))
  for (const key of describeConfig(schema).filter((k) => wanted(k.path))) {
    const value = key.kind === 'boolean' ? '[bool]' : key.kind === 'array' ? '<list>' : '<value>'
    const origin = key.defaultValue === undefined ? '' : `, default ${JSON.stringify(key.defaultValue)}`
    const opt = new Option(`${key.flag} ${value}`, `${key.description ?? key.path} (env ${key.env}${origin})`)
    if (key.choices) opt.choices(key.choices)
    command.addOption(opt)
  }
  return command
}
