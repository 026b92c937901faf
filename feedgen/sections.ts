import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks'

/**
 * How long the event loop's synchronous sections take, in this thread's CPU time (not wall time: on a
 * shared machine a section that is descheduled looks long on the clock but costs nothing). The page
 * cache and the ingest wiring report their sections here; `bench:feed-read` prints the counts over
 * 5 ms per section next to the latency figures. A loop monitor (off unless started) also counts the
 * event-loop turns that used more than 5 ms of CPU, whatever ran in them.
 */
export interface SectionStat {
  count: number
  /** sections that used more than LONG_US of CPU */
  long: number
  totalUs: number
  maxUs: number
  /**
   * sections that took more than LONG_US on the clock: waits the CPU time does not show (an fsync
   * inside a commit) but also any descheduling on a busy machine
   */
  longWall: number
}

/** What counts as a long section: one that alone would push a request at 2,000 req/s past the p99 target's half. */
export const LONG_US = 5_000

const stats = new Map<string, SectionStat>()

function threadCpuUs(): number {
  const u = process.threadCpuUsage()
  return u.user + u.system
}

/** Adds one section's CPU time (and its wall time, when known). */
export function recordSection(name: string, cpuUs: number, wallUs?: number): void {
  let s = stats.get(name)
  if (!s) stats.set(name, (s = { count: 0, long: 0, totalUs: 0, maxUs: 0, longWall: 0 }))
  s.count++
  if (wallUs !== undefined && wallUs > LONG_US) s.longWall++
  s.totalUs += cpuUs
  if (cpuUs > s.maxUs) s.maxUs = cpuUs
  if (cpuUs > LONG_US) s.long++
}

/**
 * Runs `fn` and records the CPU time this thread spent until it settled.
 * @NOTE meant for work that does not wait for I/O (better-sqlite3 answers in the same turn): anything
 * else the thread runs while `fn` waits is counted too.
 */
export async function timeSection<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const w0 = performance.now()
  const t0 = threadCpuUs()
  try {
    return await fn()
  } finally {
    recordSection(name, threadCpuUs() - t0, (performance.now() - w0) * 1000)
  }
}

/** The same for a synchronous function. */
export function timeSectionSync<T>(name: string, fn: () => T): T {
  const w0 = performance.now()
  const t0 = threadCpuUs()
  try {
    return fn()
  } finally {
    recordSection(name, threadCpuUs() - t0, (performance.now() - w0) * 1000)
  }
}

const events = new Map<string, number>()

/** Counts an event that is not a section (e.g. why a page was read again). */
export function countEvent(name: string): void {
  events.set(name, (events.get(name) ?? 0) + 1)
}

/** The counted events so far. */
export function eventCounts(): Record<string, number> {
  return Object.fromEntries(events)
}

/** A copy of the figures so far, by section name. */
export function sectionStats(): Record<string, SectionStat> {
  return Object.fromEntries([...stats].map(([k, v]) => [k, { ...v }]))
}

let monitor: NodeJS.Timeout | undefined
let gcObserver: PerformanceObserver | undefined
const GC_KINDS: Record<number, string> = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental marking', 8: 'weak callbacks' }

/**
 * Counts event-loop turns by their CPU time (as the section "event loop turn"): a timer every
 * millisecond compares this thread's CPU time with the previous tick's. A gap of more than LONG_US
 * means one turn (or the few between two ticks) ran that long without yielding.
 */
export function startLoopMonitor(): void {
  if (monitor) return
  let last = threadCpuUs()
  monitor = setInterval(() => {
    const t = threadCpuUs()
    const d = t - last
    last = t
    // only gaps that matter are recorded: the ticks themselves are not sections
    if (d > 1_000) recordSection('event loop turn (> 1 ms)', d)
  }, 1)
  monitor.unref()
  // garbage collection pauses (wall time of the pause, as V8 reports it)
  gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0
      const us = e.duration * 1000
      recordSection(`gc ${GC_KINDS[kind] ?? kind}`, us, us)
    }
  })
  gcObserver.observe({ entryTypes: ['gc'] })
}

export function stopLoopMonitor(): void {
  clearInterval(monitor)
  monitor = undefined
  gcObserver?.disconnect()
  gcObserver = undefined
}
