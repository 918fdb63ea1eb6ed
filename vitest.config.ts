import { defineConfig } from 'vitest/config'

// Multi-process mesh tests (many node processes, a devnet) each load the 2-core machines fully; run in
// parallel with each other or with the rest they time out on catch-up windows. They form a second group that
// starts after everything else and runs one file at a time.
const MESH_FILES = ['test/e2e/**/*.test.ts', 'test/faults/mesh-*.test.ts']

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    // The compat shim must run before libp2p is imported; setupFiles run first in every worker.
    setupFiles: ['./compat/promise-with-resolvers.mjs'],
    exclude: ['**/node_modules/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'dist/**', ...MESH_FILES],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'mesh', include: MESH_FILES, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
})
