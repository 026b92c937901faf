import type { FeedDefinition } from './definitions.ts'
import { foldText, keywordMatcher } from './text.ts'

export type MatchReason = 'list' | 'author' | 'hashtag' | 'keyword'

export interface PostFacts {
  author: string
  text: string
  langs: string[]
  tags: string[]
  isReply: boolean
}

export interface FeedMatch {
  feed: string
  reason: MatchReason
}

/** Who is on the configured Bluesky lists; kept current by the list-item indexer and the list sync. */
export interface MembershipView {
  isMember(listUri: string, did: string): boolean
}

interface CompiledFeed {
  def: FeedDefinition
  authors: Set<string>
  hashtags: Set<string>
  keywords: RegExp | undefined
  excludeKeywords: RegExp | undefined
  langs: string[]
}

/**
 * Decides at index time which feeds a post belongs to. A post is a candidate when it matches ANY
 * include rule (list member, author, hashtag, keyword), and is kept when it also matches ALL of
 * `require` and NONE of `exclude.keywords`; replies are dropped for feeds with `replies: false`.
 */
export class FeedMatcher {
  readonly #feeds: CompiledFeed[]
  readonly #membership: MembershipView
  readonly #anyKeywords: boolean

  constructor(feeds: FeedDefinition[], membership: MembershipView) {
    this.#membership = membership
    this.#feeds = feeds.map((def) => ({
      def,
      authors: new Set(def.include.authors),
      hashtags: new Set(def.include.hashtags),
      keywords: keywordMatcher(def.include.keywords),
      excludeKeywords: keywordMatcher(def.exclude.keywords),
      langs: def.require.langs,
    }))
    this.#anyKeywords = this.#feeds.some((f) => f.keywords !== undefined || f.excludeKeywords !== undefined)
  }

  #authorReason(f: CompiledFeed, did: string): 'list' | 'author' | undefined {
    if (f.authors.has(did)) return 'author'
    for (const list of f.def.include.lists) if (this.#membership.isMember(list, did)) return 'list'
    return undefined
  }

  match(post: PostFacts): FeedMatch[] {
    let folded: string | undefined
    const fold = () => (folded ??= this.#anyKeywords ? foldText(post.text) : '')
    const out: FeedMatch[] = []
    for (const f of this.#feeds) {
      if (post.isReply && !f.def.replies) continue
      // cheap requirements first: folding the text for keywords is the expensive part
      if (f.langs.length > 0 && !langsMatch(f.langs, post.langs)) continue
      let reason: MatchReason | undefined = this.#authorReason(f, post.author)
      if (!reason && f.hashtags.size > 0) {
        for (const t of post.tags) {
          if (f.hashtags.has(t)) {
            reason = 'hashtag'
            break
          }
        }
      }
      if (!reason && f.keywords) {
        if (f.keywords.test(fold())) reason = 'keyword'
      }
      if (!reason) continue
      if (f.excludeKeywords?.test(fold())) continue
      out.push({ feed: f.def.id, reason })
    }
    return out
  }

  /** Which include rule lets this post into the feed, with the detail (list URI, DID, #tag, keyword). */
  explainInclude(feedId: string, post: PostFacts): { reason: MatchReason; detail: string } | undefined {
    const f = this.#feeds.find((x) => x.def.id === feedId)
    if (!f) return undefined
    if (f.authors.has(post.author)) return { reason: 'author', detail: post.author }
    for (const list of f.def.include.lists) if (this.#membership.isMember(list, post.author)) return { reason: 'list', detail: list }
    for (const t of post.tags) if (f.hashtags.has(t)) return { reason: 'hashtag', detail: `#${t}` }
    const m = f.keywords?.exec(foldText(post.text))
    if (m) return { reason: 'keyword', detail: m[0] }
    return undefined
  }

  /** Feeds that show reposts by this author (reposts: true and the author is included by list or name). */
  matchRepost(reposter: string): FeedMatch[] {
    const out: FeedMatch[] = []
    for (const f of this.#feeds) {
      if (!f.def.reposts) continue
      const reason = this.#authorReason(f, reposter)
      if (reason) out.push({ feed: f.def.id, reason })
    }
    return out
  }
}

/** `nl` in require.langs accepts posts tagged nl, nl-NL or nl-BE; `nl-BE` accepts only nl-BE. */
export function langsMatch(required: string[], postLangs: string[]): boolean {
  for (const raw of postLangs) {
    const lang = raw.toLowerCase()
    for (const req of required) {
      if (lang === req || (!req.includes('-') && lang.startsWith(`${req}-`))) return true
    }
  }
  return false
}
