import type { Migration } from './types.js'

// Small named values that must survive a restart but belong to no message or job: today the salt of a
// weights commit waiting for its reveal (losing it forfeits that reveal). WITHOUT ROWID: keyed access only.
export const kvTable: Migration = {
  id: 2,
  name: 'kv',
  up: `
CREATE TABLE kv (
  key        TEXT PRIMARY KEY NOT NULL,
  value      BLOB NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
}
