import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { samplePolicyDir } from '#evaluator'
import { buildMinerCommitment, packagePolicy, submitCommitment, uploadToHub } from '#miner'
import type { Chain, Hotkey } from '#protocol'

/** Inputs of {@link publishSampleMiner}. */
export interface PublishSampleMinerInit {
  policy: string
  hotkey: Hotkey
  competitionId: string
  chain: Chain
  hubUrl: string
  token: string
  /** Each sample becomes a project folder `<workDir>/<policy>`, as `kinitro miner init` would leave it. */
  workDir: string
}

/**
 * Publish a sample miner exactly as a miner does with `kinitro miner package | upload | commit`: the same
 * functions, the same archive format, hub protocol and commitment. The dev hub's commits are deterministic,
 * so a resumed devnet re-uploads to the same revision and finds its commitment already on chain.
 */
export async function publishSampleMiner(
  init: PublishSampleMinerInit,
): Promise<{ commitment: string; sha256: string }> {
  const dir = join(init.workDir, init.policy)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(init.workDir, { recursive: true })
  cpSync(samplePolicyDir(init.policy), dir, { recursive: true })
  const packaged = await packagePolicy({ dir })
  const receipt = await uploadToHub({
    archive: packaged.archivePath,
    repo: `devnet/${init.policy}`,
    hubUrl: init.hubUrl,
    token: init.token,
  })
  const commitment = buildMinerCommitment(receipt, { competition: init.competitionId })
  await submitCommitment({ chain: init.chain, hotkey: init.hotkey, text: commitment, readbackDelayMs: 100 })
  return { commitment, sha256: receipt.sha256 }
}
