import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { type Logger, silentLogger } from '#protocol'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { denyListFile, parseDenyList } from '../../../src/cli/deny-file.js'

describe('the ban list file (mesh.denyFile)', () => {
  let tmp: TempDir | undefined
  afterEach(() => tmp?.cleanup())

  it('reads peer ids one per line, skipping blanks and comments', () => {
    expect(parseDenyList('# flooding since block 9\n12D3KooWA\n\n  12D3KooWB  # equivocated\n')).toEqual([
      '12D3KooWA',
      '12D3KooWB',
    ])
  })

  it('follows the file as it is created, changed and removed; an unreadable file keeps the last list', () => {
    tmp = makeTempDir('kinitro-deny-')
    const path = tmp.file('denied-peers')
    const warnings: string[] = []
    const log: Logger = { ...silentLogger, warn: (msg) => void warnings.push(msg) }
    const read = denyListFile(path, log)
    expect(read()).toEqual([])
    writeFileSync(path, '12D3KooWA\n')
    expect(read()).toEqual(['12D3KooWA'])
    writeFileSync(path, '12D3KooWA\n12D3KooWB\n')
    expect(read()).toEqual(['12D3KooWA', '12D3KooWB'])
    // A directory where the file was: unreadable, so the list stays.
    rmSync(path)
    mkdirSync(path)
    expect(read()).toEqual(['12D3KooWA', '12D3KooWB'])
    expect(warnings).toEqual(['deny file unreadable; keeping the previous list'])
    rmSync(path, { recursive: true })
    expect(read()).toEqual([])
  })
})
