import { InvalidArgumentError } from 'commander'

/** The most miners one `--miners` list may expand to: the dev chain's subnet holds 256 uids, validators included. */
export const MAX_DEVNET_MINERS = 240

/**
 * Parse `--miners`: sample policy names, comma-separated, in commit order; `name*N` stands for N copies in a
 * row (`random*200`, `expert,random*9`), so scaling runs need no 200-name list. Each copy is its own miner
 * (own hotkey and commitment) serving the same archive.
 */
export function parseMinerList(v: string): string[] {
  const out: string[] = []
  for (const part of v.split(',')) {
    const m = /^([\w-]+)(?:\*(\d+))?$/u.exec(part.trim())
    if (m === null) throw new InvalidArgumentError(`"${part}" is not a policy name or name*count`)
    const count = m[2] === undefined ? 1 : Number(m[2])
    if (count < 1) throw new InvalidArgumentError(`"${part}": the count must be at least 1`)
    if (out.length + count > MAX_DEVNET_MINERS) {
      throw new InvalidArgumentError(`at most ${MAX_DEVNET_MINERS} miners (the subnet's uids)`)
    }
    for (let i = 0; i < count; i++) out.push(m[1] as string)
  }
  return out
}
