import { expect, test } from 'vitest'
import { lastJsonLine, runBench } from './lib.ts'

// The benchmarks must not rot: `npm run bench -- --quick --parallel` runs every one of them at a tiny
// size (at the same time, to keep this short), each in its own processes as in a real run, and must end
// with the JSON line of figures. Nothing here asserts a
// timing; only what must hold at any speed: every benchmark succeeds (which includes its own checks: no
// policy violations seen by feed readers, no ingest errors) and no subscriber loses a label.

const KEYS = ['ingest_events_per_s', 'ingest_ratio', 'feed_p99_ms', 'feed_requests_per_s', 'labeler_posts_per_s', 'rss_mb', 'labels_lost']

test('npm run bench -- --quick --parallel: every benchmark runs and the last line is the JSON of figures', { timeout: 300_000 }, async () => {
  const run = await runBench('all.ts', ['--quick', '--parallel'], { env: { LOG_LEVEL: 'silent' }, timeoutMs: 280_000 })
  const last = run.stdout.trim().split('\n').at(-1) ?? ''
  expect(lastJsonLine(last), `last line: ${last}\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`).toBeDefined()
  const json = JSON.parse(last) as Record<string, unknown>
  expect(Object.keys(json).sort()).toEqual([...KEYS].sort())
  for (const k of KEYS) expect(typeof json[k], k).toBe('number')
  expect(run.code, run.stdout.slice(-3000)).toBe(0)
  for (const k of KEYS) expect(json[k] as number, k).toBeGreaterThanOrEqual(0)
  expect(json.labels_lost).toBe(0)
})
