/**
 * Which feeds' stored contents changed, as counters that only grow. Writers report after their
 * transaction commits (`touch`), so a reader that sees an unchanged version knows that nothing it read
 * before has changed since. The page cache (`page-cache.ts`) keys its pages on these versions.
 * @NOTE only writes made in this process are seen: a process that serves without ingesting
 * (`--role api`) must not cache pages.
 */
export class FeedChanges {
  #clock = 0
  #allAt = 0
  #labels = 0
  readonly #at = new Map<string, number>()

  /** The feed's version: it grows after every committed write that may change what the feed shows. */
  version(feed: string): number {
    const at = this.#at.get(feed) ?? 0
    return at > this.#allAt ? at : this.#allAt
  }

  /** After a commit that changed these feeds' items. */
  touch(feeds: Iterable<string>): void {
    const set = new Set(feeds)
    if (set.size === 0) return
    const v = ++this.#clock
    for (const f of set) this.#at.set(f, v)
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

  /** After a commit that may have changed any feed (account status, list membership, …). */
  touchAll(): void {
    this.#allAt = ++this.#clock
  }

  /** Reports what a writer's batch changed (see `BatchEffects`). */
  apply(effects: { feeds: ReadonlySet<string>; allFeeds: boolean }): void {
    if (effects.allFeeds) this.touchAll()
    else this.touch(effects.feeds)
  }
}
