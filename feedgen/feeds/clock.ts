// Local-time arithmetic for quiet hours and release moments, in the feed's IANA time zone, with
// daylight-saving changes handled by asking Intl for the zone's offset at each instant.

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(tz, f)
  }
  return f
}

export interface LocalTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

export function localTime(ms: number, tz: string): LocalTime {
  const parts: Record<string, number> = {}
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value)
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! }
}

/** The zone's offset from UTC at an instant, in ms (e.g. +3_600_000 for CET). */
export function offsetAt(ms: number, tz: string): number {
  const t = localTime(ms, tz)
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second)
  return asUtc - Math.floor(ms / 1000) * 1000
}

/**
 * The instant at which the wall clock in `tz` shows the given local date and time. A time that does
 * not exist (skipped by a spring-forward change) moves forward by the length of the gap (02:30 →
 * 03:30), as Temporal's "compatible" disambiguation does; a time that happens twice (autumn)
 * resolves to the first.
 */
export function instantOf(year: number, month: number, day: number, hour: number, minute: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute)
  // two candidates, from the offsets a few hours either side
  const candidates = [wall - offsetAt(wall - 12 * 3_600_000, tz), wall - offsetAt(wall + 12 * 3_600_000, tz)]
  const exact = candidates.filter((c) => {
    const t = localTime(c, tz)
    return t.hour === hour && t.minute === minute && t.day === day
  })
  if (exact.length > 0) return Math.min(...exact)
  // skipped local time: read it with the offset from before the jump, which lands after the jump
  return Math.max(...candidates)
}

/** "HH:MM" → minutes after midnight */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number]
  return h * 60 + m
}

/** Is `now` inside quiet hours from–to (which may span midnight), on the local clock of `tz`? */
export function inQuietHours(now: number, tz: string, q: { from: string; to: string }): boolean {
  const t = localTime(now, tz)
  const m = t.hour * 60 + t.minute
  const from = minutesOf(q.from)
  const to = minutesOf(q.to)
  return from < to ? m >= from && m < to : m >= from || m < to
}

/** The end of the current quiet period (the next local `to`), for a "the feed is resting until …" message. */
export function quietUntil(now: number, tz: string, q: { from: string; to: string }): number {
  return nextLocal(now, tz, [q.to])
}

/** The most recent release moment at or before `now` (local times in `tz`). */
export function lastRelease(now: number, tz: string, releases: string[]): number {
  const today = localTime(now, tz)
  let best = -Infinity
  for (let back = 0; back <= 2; back++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day - back))
    for (const r of releases) {
      const [h, m] = r.split(':').map(Number) as [number, number]
      const at = instantOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), h, m, tz)
      if (at <= now && at > best) best = at
    }
  }
  return best
}

/** The first of the local times strictly after `now`. */
export function nextLocal(now: number, tz: string, times: string[]): number {
  const today = localTime(now, tz)
  let best = Infinity
  for (let ahead = 0; ahead <= 2; ahead++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + ahead))
    for (const r of times) {
      const [h, m] = r.split(':').map(Number) as [number, number]
      const at = instantOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), h, m, tz)
      if (at > now && at < best) best = at
    }
  }
  return best
}
