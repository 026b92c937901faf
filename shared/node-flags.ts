/**
 * V8 flags the services run with (`npm start`, `npm run start:feedgen`, `npm run start:labeler`).
 * V8 sizes the young generation from the host's memory: on a 24 GiB machine it grew to 64–128 MB and
 * took the feed generator to ~300 MB RSS while replaying 1M firehose events, although its live data
 * stays ~32 MB. Capping each semi-space at 8 MB measured 184–237 MB RSS with no loss of ingest speed
 * (1M events in 22.8–24.1 s against 24.5 s; `npm run bench:rss`, which uses these flags by default).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=35']
// @NOTE --heap-growing-percent=35 since session 6: the firehose socket no longer allocates a buffer per
// read (shared/firehose/socket.ts), and those buffers' external memory had been what made V8 run full
// collections often. Without them the old space filled with promoted garbage to 128–219 MB before a full
// collection (RSS 333–383 MB over 1M replayed events, live data ~47 MB in a heap snapshot); growing the
// old generation by 35% after each full collection: 243 MB, flat (25%: 242 MB; 50%: 258 MB).

/**
 * The labeler's flags: the services' flags and a slower-growing old generation. Its live data is ~50 MB
 * (V8 old space after a full GC), but by V8's default growth the old space reached 80–90 MB before the
 * next full GC early in a replay, and the RSS stayed at that high-water mark: 299–308 MB over 1M replayed
 * events. Growing the old generation by 25% after each full GC (instead of V8's own factor, up to 4×)
 * measured 246–249 MB, flat, with the same posts/s (`npm run bench:rss`, which uses these flags for the
 * labeler; `node --max-semi-space-size=8 --heap-growing-percent=25 scripts/bench/labeler-ingest.ts`).
 * A 4 MB semi-space on top saved a few MB more but cost ~20% CPU per event while the classifier ran on
 * this thread. Since the classifier runs in a worker thread (labeler/labels/classify-pool.ts, its young
 * generation set by resourceLimits) this thread allocates far less: a 4 MB semi-space measured the same
 * firehose-thread CPU per post (85–94 µs against 87–108) and ~8 MB less RSS, so the labeler uses it.
 */
export const LABELER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=25']
