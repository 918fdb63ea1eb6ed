import type { KeyValueStore } from '../store/kv.js'
import type { CommitPersistence, PersistedCommit } from './types.js'

/** The key the node's store keeps the pending weights commit under. */
export const PENDING_COMMIT_KEY = 'weights:pending-commit'

/** {@link CommitPersistence} over the node store's `kv` table. */
export function kvCommitPersistence(kv: KeyValueStore, key = PENDING_COMMIT_KEY): CommitPersistence {
  return {
    load: () => kv.getJson<PersistedCommit>(key),
    save: (commit) => (commit === undefined ? kv.delete(key) : kv.putJson(key, commit)),
  }
}
