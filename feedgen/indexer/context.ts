import type { FeedMatcher } from '../feeds/matcher.ts'
import type { Membership } from '../feeds/membership.ts'

/** What one batch changed that matters after it commits. */
export class BatchEffects {
  /** authors who joined a list: their recent posts are fetched from their PDS */
  readonly joined = new Set<string>()
  /** configured lists that changed: re-read from the owner's PDS */
  readonly changedLists = new Set<string>()
  /** feed → the items written or deleted in it (the page cache reads them again after the commit) */
  readonly items = new Map<string, Set<string>>()
  /** feed → the accounts with items in it that turned inactive or active again (the page cache reads their items again) */
  readonly accounts = new Map<string, Set<string>>()
  /** feeds changed in other ways */
  readonly feeds = new Set<string>()
  /** set when a change may touch any feed (list membership) */
  allFeeds = false

  item(feed: string, uri: string): void {
    let uris = this.items.get(feed)
    if (!uris) this.items.set(feed, (uris = new Set()))
    uris.add(uri)
  }

  account(feed: string, did: string): void {
    let dids = this.accounts.get(feed)
    if (!dids) this.accounts.set(feed, (dids = new Set()))
    dids.add(did)
  }
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
