/**
 * Which feeds' stored contents changed, as counters that only grow. Writers report after their
 * transaction commits, so a reader that sees an unchanged version knows that nothing it read before
 * has changed since. The page cache (`page-cache.ts`) keys its pages on these versions; for changes of
 * single items (a post or repost written or deleted) and of accounts turning inactive or active again
 * it reads just those items again instead of the whole page.
 * @NOTE only writes made in this process are seen: a process that serves without ingesting
 * (`--role api`) must not cache pages.
 */
export class FeedChanges {
  #clock = 0
  #allAt = 0
  #labels = 0
  readonly #feeds = new Map<string, FeedLog>()

  /** The feed's version: it grows after every committed write that may change what the feed shows. */
  version(feed: string): number {
    const at = this.#feeds.get(feed)?.at ?? 0
    return at > this.#allAt ? at : this.#allAt
  }

  /**
   * What changed in the feed after version `since` (up to its current version): the item URIs written
   * or deleted, and the accounts whose items turned (in)visible; undefined when something else changed
   * too (labels, list membership) or the log no longer reaches back.
   */
  changesSince(feed: string, since: number): { uris: Set<string>; accounts: Set<string> } | undefined {
    if (this.#allAt > since) return undefined
    const log = this.#feeds.get(feed)
    const uris = new Set<string>()
    const accounts = new Set<string>()
    if (!log || log.at <= since) return { uris, accounts }
    if (log.opaqueAt > since || log.droppedAt > since) return undefined
    for (let i = log.changes.length - 1; i >= 0; i--) {
      const c = log.changes[i] as ItemChange
      if (c.v <= since) break
      for (const uri of c.uris) uris.add(uri)
      if (c.accounts) for (const did of c.accounts) accounts.add(did)
    }
    return { uris, accounts }
  }

  /** The item URIs changed in the feed after version `since`, or undefined when anything else changed (see `changesSince`). */
  itemsSince(feed: string, since: number): Set<string> | undefined {
    const c = this.changesSince(feed, since)
    return c && c.accounts.size === 0 ? c.uris : undefined
  }

  /** Why `itemsSince(feed, since)` has no answer: 'all' (touchAll), 'feed' (touch, labelsChanged), 'dropped' (log too short), or undefined. */
  opaqueSince(feed: string, since: number): 'all' | 'feed' | 'dropped' | undefined {
    if (this.#allAt > since) return 'all'
    const log = this.#feeds.get(feed)
    if (!log || log.at <= since) return undefined
    if (log.opaqueAt > since) return 'feed'
    if (log.droppedAt > since) return 'dropped'
    return undefined
  }

  /** After a commit that wrote or deleted these items (feed → item URIs). */
  touchItems(items: ReadonlyMap<string, ReadonlySet<string>>): void {
    if (items.size === 0) return
    const v = ++this.#clock
    for (const [feed, uris] of items) {
      const log = this.#log(feed)
      log.at = v
      log.changes.push({ v, uris: [...uris] })
      if (log.changes.length > MAX_LOGGED_CHANGES) log.droppedAt = (log.changes.shift() as ItemChange).v
    }
  }

  /**
   * After a commit in which these accounts turned inactive or active again (feed → the accounts with
   * items in it): their items in the feed are shown or hidden.
   */
  touchAccounts(accounts: ReadonlyMap<string, ReadonlySet<string>>): void {
    if (accounts.size === 0) return
    const v = ++this.#clock
    for (const [feed, dids] of accounts) {
      const log = this.#log(feed)
      log.at = v
      log.changes.push({ v, uris: [], accounts: [...dids] })
      if (log.changes.length > MAX_LOGGED_CHANGES) log.droppedAt = (log.changes.shift() as ItemChange).v
    }
  }

  /** After a commit that changed these feeds in some other way. */
  touch(feeds: Iterable<string>): void {
    const v = ++this.#clock
    for (const f of feeds) {
      const log = this.#log(f)
      log.at = v
      log.opaqueAt = v
    }
  }

  /** After a commit that may have changed any feed (account status, list membership, …). */
  touchAll(): void {
    this.#allAt = ++this.#clock
  }

  /** Grows after every commit that changed the stored labels. */
  get labelsVersion(): number {
    return this.#labels
  }

  /** After a commit that changed stored labels, with the feeds that exclude labels of that labeler. */
  labelsChanged(feeds: Iterable<string>): void {
    this.#labels++
    this.touch(feeds)
  }

  /** Reports what a writer's transaction changed (see `BatchEffects`). */
  apply(effects: {
    items: ReadonlyMap<string, ReadonlySet<string>>
    accounts?: ReadonlyMap<string, ReadonlySet<string>>
    feeds: ReadonlySet<string>
    allFeeds: boolean
  }): void {
    if (effects.allFeeds) return this.touchAll()
    this.touchItems(effects.items)
    if (effects.accounts) this.touchAccounts(effects.accounts)
    if (effects.feeds.size > 0) this.touch(effects.feeds)
  }

  #log(feed: string): FeedLog {
    let log = this.#feeds.get(feed)
    if (!log) this.#feeds.set(feed, (log = { at: 0, opaqueAt: 0, droppedAt: 0, changes: [] }))
    return log
  }
}

const MAX_LOGGED_CHANGES = 256

interface ItemChange {
  v: number
  uris: string[]
  /** accounts whose items in the feed turned (in)visible */
  accounts?: string[]
}

interface FeedLog {
  at: number
  /** the last change that was not one of items */
  opaqueAt: number
  /** the newest change no longer in `changes` */
  droppedAt: number
  changes: ItemChange[]
}
