import type { CompetitionManifest } from '../proto/kinitro.js'

/** Accepted competition manifests: the newest (by block) per competition id wins. */
export interface ManifestRegistry {
  add(manifest: CompetitionManifest): boolean
  get(id: string): CompetitionManifest | undefined
  all(): CompetitionManifest[]
}

export function createManifestRegistry(): ManifestRegistry {
  const byId = new Map<string, CompetitionManifest>()
  let cached: CompetitionManifest[] | undefined
  return {
    add(m) {
      const prev = byId.get(m.id)
      if (prev !== undefined && prev.block >= m.block) return false
      byId.set(m.id, m)
      cached = undefined
      return true
    },
    get: (id) => byId.get(id),
    all() {
      cached ??= [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      return cached
    },
  }
}
