// The V8 flags live in shared/node-flags.ts (npm start, the benchmarks) and, for the npm scripts that start
// one service or benchmark it in-process, in package.json: they must not drift apart.
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { LABELER_NODE_FLAGS, SERVICE_NODE_FLAGS } from './node-flags.ts'

const scripts = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts

test.each([
  ['start:feedgen', SERVICE_NODE_FLAGS, 'dist/feedgen/bin.js'],
  ['bench:ingest', SERVICE_NODE_FLAGS, 'scripts/bench/ingest.ts'],
  ['start:labeler', LABELER_NODE_FLAGS, 'dist/labeler/bin.js'],
  ['bench:labeler', LABELER_NODE_FLAGS, 'scripts/bench/labeler-ingest.ts'],
])('npm run %s runs node with the flags of shared/node-flags.ts', (name, flags, entry) => {
  expect(scripts[name]).toBe(`node ${flags.join(' ')} ${entry}`)
})

test.each(['start', 'start:feedgen', 'start:labeler'])('npm run %s builds dist/ first (its pre script)', (name) => {
  expect(scripts[`pre${name}`]).toBe('node scripts/build.ts')
})
