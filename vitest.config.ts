import os from 'node:os'
import path from 'node:path'
import { defineConfig } from 'vitest/config'

// Node's on-disk compile cache for everything the tests start: the test workers load the atproto
// packages natively, and the integration tests start the services and scripts as child processes
// dozens of times (measured: `node scripts/publish-feeds.ts --help` 1.6–1.9 s instead of 1.9–2.5 s)
process.env.NODE_COMPILE_CACHE ??= path.join(os.tmpdir(), 'plein-node-compile-cache')

// The integration tests that run the services run twice: on SQLite (the `sqlite` project, with
// everything else) and on PostgreSQL (the `postgres` project: one private server for the run, a fresh
// database per service instance; see test/helpers/database.ts). `vitest --project sqlite` runs one.
const POSTGRES_TESTS = [
  'test/feedgen.test.ts',
  'test/feedgen-wellbeing.test.ts',
  'test/feedgen-labels.test.ts',
  'test/feedgen-durability.test.ts',
  'test/feedgen-scale.test.ts',
  'test/feedgen-page-cache.test.ts',
  'test/feedgen-cursor.test.ts',
  'test/labeler.test.ts',
  'test/labeler-postgres.test.ts',
  'test/moderation.test.ts',
  'test/faults*.test.ts',
]

// Unit tests (every test file outside test/: no PDS, no child services) share one module graph per
// worker instead of one per file. The classifier's 28 files each loaded and compiled every rule file and
// the model again; sharing the imports took the unit files from 100 s to 76 s on two workers (all pass
// the same). They are the `unit` project; the integration tests in test/ stay isolated (each starts its
// own PDS and services), as the `sqlite` and `postgres` projects.
const EXCLUDE = ['node_modules/**', 'data/**', 'dist/**']

export default defineConfig({
  test: {
    exclude: EXCLUDE,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // integration test files each start their own PDS; two cores, so two files at a time
    maxWorkers: 2,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'], globalSetup: ['test/helpers/build-setup.ts'] } },
      { extends: true, test: { name: 'unit', include: ['**/*.test.ts'], exclude: [...EXCLUDE, 'test/**'], isolate: false, globalSetup: ['test/helpers/build-setup.ts'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_TESTS,
          globalSetup: ['test/helpers/build-setup.ts', 'test/helpers/postgres-setup.ts'],
          env: { PLEIN_TEST_DATABASE: 'postgres' },
        },
      },
    ],
  },
})
