import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { z } from 'zod'
import { chainConfigSection, loadConfig, walletConfigSection } from '#protocol'

/** The project file `kinitro miner init` writes and every other miner command reads from the current folder. */
export const MINER_CONFIG_FILE = 'kinitro-miner.toml'

/**
 * What the miner commands share: where the chain, the hub and the indexer are, which hotkey signs and which
 * competition the policy enters. Layered like every config here: defaults < `kinitro-miner.toml` (or
 * `--config`) < `KINITRO_*` env < flags. Secrets are never config values: the Hugging Face token comes from
 * `HF_TOKEN` (or the hub CLI's token file), S3 credentials from `AWS_*`, the hotkey from its wallet file or
 * `KINITRO_HOTKEY_MNEMONIC`.
 */
export const minerConfigSchema = z.strictObject({
  netuid: z.number().int().min(0).max(65535).default(1).describe('subnet id'),
  chain: chainConfigSection,
  wallet: walletConfigSection,
  policy: z
    .strictObject({
      dir: z.string().min(1).default('.').describe('the policy folder (holds kinitro.json or server.py/server.mjs)'),
      competition: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/)
        .optional()
        .describe('competition id the policy enters (absent: every competition)'),
    })
    .prefault({}),
  hub: z
    .strictObject({
      url: z.string().url().default('https://huggingface.co').describe('Hugging Face hub endpoint'),
      repo: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/)
        .optional()
        .describe('model repository <namespace>/<name> the policy is uploaded to'),
    })
    .prefault({}),
  s3: z
    .strictObject({
      bucket: z.string().optional().describe('S3/R2 bucket for `upload --to s3`'),
      endpoint: z.string().url().optional().describe('S3 endpoint; R2: https://<account>.r2.cloudflarestorage.com'),
      region: z.string().default('auto').describe('S3 region (R2: auto)'),
      forcePathStyle: z.boolean().default(false).describe('path-style URLs (local S3 servers)'),
      prefix: z.string().default('kinitro/').describe('key prefix inside the bucket'),
      publicUrl: z
        .string()
        .url()
        .optional()
        .describe('public https base URL validators download the bucket from (R2: https://pub-<id>.r2.dev)'),
    })
    .prefault({}),
  indexer: z
    .strictObject({
      url: z.string().url().default('http://127.0.0.1:8080').describe('backend indexer REST API (status, explain)'),
    })
    .prefault({}),
})

/** The resolved miner configuration. */
export type MinerConfig = z.output<typeof minerConfigSchema>

/** `--config` when given, else `kinitro-miner.toml` in `cwd` when it exists. */
export function minerConfigFile(cwd: string, explicit?: string): string | undefined {
  if (explicit !== undefined) return explicit
  const local = join(cwd, MINER_CONFIG_FILE)
  return existsSync(local) ? local : undefined
}

/**
 * The effective configuration of a miner command: its `--config` (or the project's `kinitro-miner.toml`),
 * the `KINITRO_*` environment of `io`, then its flags (registered with `addConfigOptions`).
 */
export function minerConfigFrom(
  command: Command,
  io: { cwd: string; env: Readonly<Record<string, string | undefined>> },
): MinerConfig {
  const { config, ...flags } = command.opts<Record<string, unknown>>()
  const file = minerConfigFile(io.cwd, typeof config === 'string' ? config : undefined)
  return loadConfig(minerConfigSchema, { ...(file === undefined ? {} : { file }), env: { ...io.env }, flags }).config
}
