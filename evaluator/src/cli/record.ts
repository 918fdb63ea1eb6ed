import { resolve } from 'node:path'
import { Command } from 'commander'
import { typedAction } from '#protocol'
import { writeEpisodeArtifacts } from '../artifacts/episode-log.js'
import { createFolderArtifactStore } from '../artifacts/folder-store.js'
import type { ImageTensor } from '../env/types.js'
import { runEpisode } from '../episode/run-episode.js'
import { createBuiltinEnvironmentFactory } from '../evaluation/builtin.js'
import { DEFAULT_POLICY_LIMITS } from '../policy/types.js'
import { addPolicyFlags, camerasFrom, openPolicy, type PolicyFlags, parseUint } from './env.js'

interface RecordOpts extends PolicyFlags {
  seed: number
  out: string
  camera?: string
  videoSize: string
  fps: number
  maxSteps?: number
  cameras: string
  json?: boolean
}

/** `kinitro env record`: one episode → episode.json, steps.jsonl.gz, snapshots and an MP4, in a folder. */
export function recordCommand(out: (text: string) => void): Command {
  return addPolicyFlags(
    new Command('record')
      .description('run one episode and record its trace, state snapshots and an MP4 video into a folder')
      .argument('<env-id>', 'task id from `kinitro env list`'),
  )
    .option('--seed <n>', 'episode seed', parseUint, 1)
    .option('--out <dir>', 'output folder', 'recordings')
    .option('--camera <name>', 'camera to film (default: the task’s first camera)')
    .option('--video-size <WxH>', 'video frame size', '256x256')
    .option('--fps <n>', 'video frame rate', parseUint, 20)
    .option('--max-steps <n>', 'step limit', parseUint)
    .option('--cameras <spec>', 'cameras the policy sees: none, default or WxH', 'default')
    .option('--json', 'print JSON')
    .action(
      typedAction(async (envId: string, opts: RecordOpts) => {
        const factory = createBuiltinEnvironmentFactory()
        const spec = factory.list().find((s) => s.envId === envId)
        const policyCams = camerasFrom(opts.cameras, spec?.cameras ?? [])
        const camera = opts.camera ?? spec?.cameras[0]?.name
        // The film camera renders at video size, separately from what the policy sees.
        const filmCams =
          camera === undefined ? [] : camerasFrom(opts.videoSize, spec?.cameras ?? []).filter((c) => c.name === camera)
        const env = await factory.create(envId, { cameras: policyCams })
        const film = filmCams.length > 0 ? await factory.create(envId, { cameras: filmCams }) : undefined
        const limits = { ...DEFAULT_POLICY_LIMITS, maxSteps: opts.maxSteps ?? DEFAULT_POLICY_LIMITS.maxSteps }
        const lanes = await openPolicy(opts, limits)
        const frames: ImageTensor[] = []
        const task = { envId, taskId: `${envId}#0`, seed: opts.seed, params: {} }
        try {
          const client = lanes.clients[0]
          if (client === undefined) throw new Error('no policy lane')
          if (film !== undefined && camera !== undefined) {
            await film.reset(task)
            const first = film.render?.(camera)
            if (first !== undefined) frames.push(first)
          }
          // Replaying each action on a twin keeps the film camera out of the policy's observation; the chain
          // keeps twin steps and renders in order.
          let filming: Promise<void> = Promise.resolve()
          const trace = await runEpisode({
            env,
            policy: client,
            task,
            episodeIndex: 0,
            limits,
            snapshotEvery: 50,
            onStep: (ev) => {
              if (film === undefined || camera === undefined) return
              filming = filming.then(async () => {
                await film.step(ev.action)
                const frame = film.render?.(camera)
                if (frame !== undefined) frames.push(frame)
              })
            },
          })
          await filming
          const store = createFolderArtifactStore({ root: resolve(opts.out) })
          const prefix = `${envId.replace(/[^a-zA-Z0-9._-]/g, '_')}/${opts.seed}`
          const written = await writeEpisodeArtifacts(store, prefix, trace, {
            ...(frames.length > 0 && camera !== undefined ? { video: { frames, fps: opts.fps, camera } } : {}),
          })
          const summary = {
            envId,
            seed: opts.seed,
            success: trace.outcome.success,
            steps: trace.outcome.steps,
            error: trace.outcome.error,
            finalStateHash: trace.outcome.finalStateHash,
            files: [written.episode, written.steps, written.snapshots, written.video]
              .filter((f) => f !== undefined)
              .map((f) => f.uri),
          }
          if (opts.json) out(JSON.stringify(summary, null, 2))
          else {
            out(
              `${envId} seed ${opts.seed}: ${summary.success ? 'success' : (summary.error ?? 'fail')} after ${summary.steps} steps`,
            )
            for (const f of summary.files) out(`  ${f}`)
          }
        } finally {
          await lanes.stop()
          await env.close()
          await film?.close()
        }
      }),
    )
}
