import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hfTokenPath, resolveHfToken } from '../../src/upload/token.js'

let home: string
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kinitro-hftoken-'))
})
afterAll(async () => {
  await rm(home, { recursive: true, force: true })
})

async function tokenFile(path: string, text: string): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, text)
  return path
}

describe('resolveHfToken', () => {
  it('prefers HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, over any file; blank values count as unset', async () => {
    const file = await tokenFile(join(home, '.cache', 'huggingface', 'token'), 'hf_from_file\n')
    const env = { HOME: home }
    expect(resolveHfToken({ ...env, HF_TOKEN: 'hf_a', HUGGING_FACE_HUB_TOKEN: 'hf_b' })).toEqual({
      token: 'hf_a',
      source: 'HF_TOKEN',
    })
    expect(resolveHfToken({ ...env, HF_TOKEN: '  ', HUGGING_FACE_HUB_TOKEN: 'hf_b' })).toEqual({
      token: 'hf_b',
      source: 'HUGGING_FACE_HUB_TOKEN',
    })
    expect(resolveHfToken(env)).toEqual({ token: 'hf_from_file', source: file })
  })

  it('reads the one file huggingface_hub would: HF_TOKEN_PATH, else $HF_HOME/token, else the XDG/HOME cache', async () => {
    const explicit = await tokenFile(join(home, 'explicit-token'), 'hf_explicit')
    const hfHome = join(home, 'hf-home')
    await tokenFile(join(hfHome, 'token'), 'hf_hfhome\n')
    expect(resolveHfToken({ HOME: home, HF_HOME: hfHome, HF_TOKEN_PATH: explicit })?.token).toBe('hf_explicit')
    expect(resolveHfToken({ HOME: home, HF_HOME: hfHome })?.token).toBe('hf_hfhome')
    expect(hfTokenPath({ HOME: home, XDG_CACHE_HOME: join(home, 'xdg') })).toBe(
      join(home, 'xdg', 'huggingface', 'token'),
    )
    // A named file that is missing does not fall back to another account's token.
    expect(resolveHfToken({ HOME: home, HF_TOKEN_PATH: join(home, 'missing') })).toBeUndefined()
    expect(resolveHfToken({ HOME: join(home, 'empty-home') })).toBeUndefined()
  })
})
