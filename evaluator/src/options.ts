import { z } from 'zod'
import { DEFAULT_UID_RANGE } from './runtime/uid-pool.js'

/**
 * The evaluator's configuration, a section of the node config (`[evaluator]` in TOML,
 * `KINITRO_EVALUATOR_*` in the environment, `--evaluator-*` flags). Defaults are the reference system's
 * limits (reference/evaluator.md §1.1). Secrets are never config values: S3/R2 credentials come from the
 * AWS SDK's standard sources (AWS_ACCESS_KEY_ID, …) and the Hugging Face token from HF_TOKEN.
 */
export const evaluatorConfigSchema = z.strictObject({
  workers: z.number().int().min(1).max(64).default(2).describe('episode worker threads (one MuJoCo module each)'),
  runtime: z
    .strictObject({
      kind: z
        .enum(['process', 'kubernetes'])
        .default('process')
        .describe('where miner policies run: a local (sandboxed) process or Kubernetes pods'),
      sandbox: z
        .enum(['auto', 'bubblewrap', 'none'])
        .default('auto')
        .describe('local sandbox: auto uses bubblewrap when it works and warns loudly when it does not'),
      startTimeoutMs: z.number().int().min(100).default(60_000).describe('deadline for a policy to answer /health'),
      memoryMb: z.number().int().min(64).default(4096).describe('memory limit per policy (MiB)'),
      cpuSeconds: z.number().int().min(1).default(3600).describe('CPU-time limit per policy (seconds)'),
      maxProcesses: z.number().int().min(1).default(256).describe('process/thread limit per policy'),
      scratchMb: z.number().int().min(1).default(512).describe('scratch space per policy (MiB)'),
      uidRange: z
        .strictObject({
          first: z
            .number()
            .int()
            .min(1000)
            .max(4_000_000_000)
            .default(DEFAULT_UID_RANGE.first)
            .describe('first host uid a policy may run as when the node is root'),
          count: z
            .number()
            .int()
            .min(1)
            .max(1_000_000)
            .default(DEFAULT_UID_RANGE.count)
            .describe('uids in the range: each running policy holds one, so its process limit is its own'),
        })
        .prefault({}),
    })
    .prefault({}),
  kubernetes: z
    .strictObject({
      namespace: z.string().min(1).default('kinitro-eval').describe('namespace for policy pods'),
      kubeconfig: z.string().optional().describe('kubeconfig path (default: in-cluster, then ~/.kube/config)'),
      runtimeClassName: z.string().optional().describe('RuntimeClass for policy pods, e.g. gvisor or kata'),
      allowInsecure: z.boolean().default(false).describe('allow pods without a sandboxing RuntimeClass'),
    })
    .prefault({}),
  limits: z
    .strictObject({
      actTimeoutMs: z.number().int().min(1).default(500).describe('deadline per /act call (ms)'),
      resetTimeoutMs: z.number().int().min(1).default(5_000).describe('deadline per /reset call (ms)'),
      episodeTimeoutMs: z.number().int().min(1).default(300_000).describe('wall-clock limit per episode (ms)'),
      maxSteps: z.number().int().min(1).max(100_000).default(500).describe('step limit per episode'),
      maxResponseBytes: z.number().int().min(1024).default(65_536).describe('largest accepted /act answer (bytes)'),
    })
    .prefault({}),
  artifacts: z
    .strictObject({
      kind: z.enum(['folder', 's3']).default('folder').describe('where traces and videos go'),
      dir: z.string().min(1).default('artifacts').describe('folder store root (relative to the data dir)'),
      bucket: z.string().optional().describe('S3/R2 bucket'),
      prefix: z.string().default('').describe('key prefix inside the bucket'),
      endpoint: z.string().url().optional().describe('S3 endpoint; R2: https://<account>.r2.cloudflarestorage.com'),
      region: z.string().default('auto').describe('S3 region (R2: auto)'),
      forcePathStyle: z.boolean().default(false).describe('path-style URLs (local S3 servers)'),
      checksum: z
        .enum(['WHEN_SUPPORTED', 'WHEN_REQUIRED'])
        .default('WHEN_REQUIRED')
        .describe('request checksums; WHEN_REQUIRED for R2 and other non-AWS servers'),
      traces: z.boolean().default(true).describe('store per-step traces'),
      videosPerTask: z.number().int().min(0).default(0).describe('MP4 videos to record per task and job'),
      snapshotEvery: z.number().int().min(1).default(50).describe('full state snapshot every k steps'),
    })
    .prefault({}),
  fetch: z
    .strictObject({
      cacheDir: z.string().min(1).default('policies').describe('unpacked policy cache (relative to the data dir)'),
      hubUrl: z.string().url().default('https://huggingface.co').describe('Hugging Face hub endpoint'),
      maxDownloadMb: z.number().int().min(1).default(1024).describe('largest policy download (MiB)'),
      maxUnpackedMb: z.number().int().min(1).default(4096).describe('largest unpacked policy (MiB)'),
      maxFiles: z.number().int().min(1).default(10_000).describe('most files in a policy archive'),
      allowInsecureHttp: z
        .boolean()
        .default(false)
        .describe('accept an http:// hub (a local development hub only; never in production)'),
    })
    .prefault({}),
})

/** The validated evaluator configuration. */
export type EvaluatorConfig = z.output<typeof evaluatorConfigSchema>
