import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** A Hugging Face token and where it was found (shown to the miner; the token itself never is). */
export interface HfToken {
  token: string
  /** `HF_TOKEN`, `HUGGING_FACE_HUB_TOKEN`, or the token file's path. */
  source: string
}

/**
 * The token `huggingface_hub` would use, in its order: `HF_TOKEN`, the legacy `HUGGING_FACE_HUB_TOKEN`, then
 * the one token file: `HF_TOKEN_PATH`, else `$HF_HOME/token`, else `$XDG_CACHE_HOME/huggingface/token`, else
 * `~/.cache/huggingface/token` (where `huggingface-cli login` writes). Only that one file is read, as
 * huggingface_hub does: falling through to another file could upload with an account the miner did not pick.
 * Undefined when none is set; blank values count as unset.
 */
export function resolveHfToken(env: Readonly<Record<string, string | undefined>>): HfToken | undefined {
  for (const name of ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN']) {
    const value = env[name]?.trim()
    if (value) return { token: value, source: name }
  }
  const file = hfTokenPath(env)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  const token = text.trim()
  return token ? { token, source: file } : undefined
}

/** Where `huggingface-cli login` keeps the token for this environment. */
export function hfTokenPath(env: Readonly<Record<string, string | undefined>>): string {
  if (env.HF_TOKEN_PATH) return env.HF_TOKEN_PATH
  if (env.HF_HOME) return join(env.HF_HOME, 'token')
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache')
  return join(cache, 'huggingface', 'token')
}
