/** One Containerfile instruction: its keyword, flags (`--from=build`) and arguments (exec form decoded). */
export interface Instruction {
  keyword: string
  flags: Record<string, string>
  /** Shell-form text, as written (continuations joined). */
  text: string
  /** JSON exec form, when the arguments are one. */
  exec?: string[]
  stage: string
}

/**
 * Parse Dockerfile syntax as far as our Containerfile uses it: comments, backslash continuations,
 * `--flag=value` options, JSON exec form, `FROM … AS name` stages. Enough to check the file against the
 * repository without an engine; a full parser (BuildKit's) is not available here.
 */
export function parseContainerfile(source: string): Instruction[] {
  const out: Instruction[] = []
  let stage = ''
  let pending = ''
  for (const raw of source.split('\n')) {
    const trimmed = raw.trim()
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) continue
    // Comment lines inside a continued instruction are dropped, as BuildKit does.
    if (pending !== '' && trimmed.startsWith('#')) continue
    if (trimmed.endsWith('\\')) {
      pending += `${trimmed.slice(0, -1)} `
      continue
    }
    const line = (pending + trimmed).trim()
    pending = ''
    if (line === '') continue
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(line)
    if (!m) throw new Error(`not an instruction: ${line}`)
    const keyword = (m[1] as string).toUpperCase()
    let rest = m[2] as string
    const flags: Record<string, string> = {}
    for (let f = /^--([a-z-]+)=(\S+)\s+/.exec(rest); f; f = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
      flags[f[1] as string] = f[2] as string
      rest = rest.slice(f[0].length)
    }
    if (keyword === 'FROM') stage = /\sAS\s+(\S+)$/i.exec(rest)?.[1] ?? rest
    let exec: string[] | undefined
    // HEALTHCHECK puts its options before CMD; the exec form follows CMD.
    const json =
      keyword === 'HEALTHCHECK' ? /\bCMD\s+(\[.*\])$/.exec(rest)?.[1] : /^\[.*\]$/.test(rest) ? rest : undefined
    if (json !== undefined) exec = JSON.parse(json) as string[]
    out.push({ keyword, flags, text: rest, ...(exec ? { exec } : {}), stage })
  }
  return out
}

/** Split `KEY=value KEY2=value2` (ENV's modern form; values here never contain spaces). */
export function parseEnvInstruction(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(/\s+/)
      .filter((w) => w.includes('='))
      .map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
  )
}
