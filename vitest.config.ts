import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // integration test files each start their own PDS; two cores, so two files at a time
    maxWorkers: 2,
    pool: 'forks',
  },
})
