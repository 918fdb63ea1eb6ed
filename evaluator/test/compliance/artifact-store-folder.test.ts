import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFolderArtifactStore } from '../../src/artifacts/folder-store.js'
import { artifactStoreSuite } from './artifact-store.suite.js'

artifactStoreSuite('folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'kinitro-folder-store-'))
  return {
    store: createFolderArtifactStore({ root }),
    teardown: () => rm(root, { recursive: true, force: true }),
  }
})
