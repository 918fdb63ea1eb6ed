import Database from 'better-sqlite3'
import { makeTempDir, type TempDir } from '../../../../test/utils/temp-dir.js'
import { createSqliteStore, type IndexerStore } from '../../../src/store/index.js'
import { storeSuite } from '../../compliance/store.suite.js'

// A real WAL file per case (not :memory:), so the schema-version cases can open it a second time.
const dirs = new WeakMap<IndexerStore, TempDir>()
storeSuite(
  'sqlite',
  async () => {
    const tmp = makeTempDir('kinitro-indexer-store-')
    const store = await createSqliteStore({ path: tmp.file('indexer.sqlite') })
    dirs.set(store, tmp)
    return store
  },
  async (store) => {
    await store.close()
    dirs.get(store)?.cleanup()
  },
  {
    async exec(store, sql) {
      const db = new Database(dirs.get(store)!.file('indexer.sqlite'))
      db.exec(sql)
      db.close()
    },
  },
)
