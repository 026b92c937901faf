import type { FeedMatcher } from '../feeds/matcher.ts'
import type { Membership } from '../feeds/membership.ts'

/** What one batch changed that matters after it commits. */
export class BatchEffects {
  /** authors who joined a list: their recent posts are fetched from their PDS */
  readonly joined = new Set<string>()
  /** configured lists that changed: re-read from the owner's PDS */
  readonly changedLists = new Set<string>()
  /** feeds whose items changed (the page cache drops their pages after the commit) */
  readonly feeds = new Set<string>()
  /** set when a change may touch any feed (account status, list membership) */
  allFeeds = false
}

export interface IndexContext {
  matcher: FeedMatcher
  membership: Membership
  now: () => number
  effects: BatchEffects
}

export const COLLECTIONS = {
  post: 'app.bsky.feed.post',
  repost: 'app.bsky.feed.repost',
  listitem: 'app.bsky.graph.listitem',
} as const

/** epoch ms of a record's createdAt, or undefined when missing or not a date */
export function parseCreatedAt(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.length > 64) return undefined
  const ms = Date.parse(v)
  return Number.isFinite(ms) && ms > 0 ? ms : undefined
}
