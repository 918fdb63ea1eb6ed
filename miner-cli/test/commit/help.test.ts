import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { addCommitCommands } from '../../src/cli/commit.js'

describe('commit, verify and show --help', () => {
  const miner = new Command('miner')
  addCommitCommands(miner, { out() {}, err() {}, isTTY: false, env: {}, cwd: '/' })

  it('adds commit, verify and show (alias show-commitment)', () => {
    expect(miner.commands.map((c) => c.name())).toEqual(['commit', 'verify', 'show'])
    expect(miner.commands.find((c) => c.name() === 'show')?.aliases()).toEqual(['show-commitment'])
  })

  for (const name of ['commit', 'verify', 'show']) {
    it(`${name}: described, every option described, --json, an example`, () => {
      const cmd = miner.commands.find((c) => c.name() === name) as Command
      expect(cmd.description().length).toBeGreaterThan(20)
      for (const o of cmd.options) expect(o.description, o.flags).not.toBe('')
      expect(cmd.options.map((o) => o.long)).toContain('--json')
      const chunks: string[] = []
      cmd.configureOutput({ writeOut: (s) => void chunks.push(s) })
      cmd.outputHelp()
      const help = chunks.join('')
      expect(help).toContain('Example')
      expect(help).toContain(`kinitro miner ${name}`)
    })
  }
})
