import { AtUri, isValidAtUri, isValidRecordKey } from '@atproto/syntax'
import { InvalidRequestError } from '@atproto/xrpc-server'
import type { HttpServer } from '../../shared/http/index.ts'
import type { AppContext } from '../context.ts'
import { localTime, nextLocal, quietUntil } from '../feeds/clock.ts'
import type { FeedgenDb } from '../db/schema.ts'
import type { FeedDefinition } from '../feeds/definitions.ts'
import type { FeedMatcher } from '../feeds/matcher.ts'
import { candidateConditions, capKey, feedState, walkCandidates, type FeedState } from '../feeds/skeleton.ts'

// Transparency: for any post, a feed can say in plain language (Dutch and English) why it is in the
// feed or not: which include rule matched, and which policies applied.
// GET /feeds/<id>/explain?uri=<post uri>

interface Text {
  nl: string
  en: string
}

interface PolicyNote extends Text {
  policy: string
  /** does this policy keep the post out of the feed right now? */
  blocks: boolean
}

const hhmm = (ms: number, tz: string) => {
  const t = localTime(ms, tz)
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`
}

function includeText(reason: string, detail: string): Text {
  switch (reason) {
    case 'list':
      return { nl: `De schrijver staat op de lijst ${detail}.`, en: `The author is on the list ${detail}.` }
    case 'author':
      return { nl: 'De feed volgt deze schrijver.', en: 'The feed includes this author.' }
    case 'hashtag':
      return { nl: `Het bericht heeft de hashtag ${detail}.`, en: `The post has the hashtag ${detail}.` }
    case 'keyword':
      return { nl: `Het bericht noemt "${detail}".`, en: `The post mentions "${detail}".` }
    default:
      return { nl: 'Een gedeeld bericht van iemand die de feed volgt.', en: 'A repost by someone the feed includes.' }
  }
}

export default function register(server: HttpServer, ctx: AppContext, matcher: FeedMatcher = ctx.matcher): void {
  for (const feed of ctx.cfg.feeds.feeds) {
    server.get(`/feeds/${feed.id}/explain`, async ({ params }) => {
      const raw = params.get('uri')
      if (!raw) throw new InvalidRequestError('uri is required (the at:// URI of a post)')
      let uri: string
      try {
        // @NOTE AtUri alone accepts any record key (`<script>`, `..`, NUL): check the syntax first
        if (!isValidAtUri(raw)) throw new Error()
        const u = new AtUri(raw)
        if (u.collection !== 'app.bsky.feed.post' || !isValidRecordKey(u.rkey)) throw new Error()
        uri = u.toString()
      } catch {
        throw new InvalidRequestError('uri must be the at:// URI of a post')
      }
      return { json: await explain(ctx, matcher, feed, uri) }
    })
  }
}

export async function explain(ctx: AppContext, matcher: FeedMatcher, feed: FeedDefinition, uri: string) {
  const now = ctx.now()
  const db = ctx.readDb
  const wb = feed.wellbeing
  const tz = wb.timezone
  const base = { feed: { id: feed.id, uri: feed.uri, name: feed.name }, post: uri }

  if (wb.pinned === uri) {
    return {
      ...base,
      inFeed: true,
      include: { rule: 'pin', nl: 'Dit bericht staat vast bovenaan de feed.', en: 'This post is pinned to the top of the feed.' },
      policies: [],
      summary: { nl: 'Vastgezet bericht: altijd als eerste getoond, ook tijdens de rusttijd.', en: 'Pinned post: always shown first, also during quiet hours.' },
    }
  }

  const items = await db.selectFrom('feed_item').selectAll().where('feed', '=', feed.id).where('post_uri', '=', uri).execute()
  const postRow = await db.selectFrom('post').selectAll().where('uri', '=', uri).executeTakeFirst()
  if (items.length === 0) {
    return {
      ...base,
      inFeed: false,
      include: null,
      policies: [],
      summary: postRow
        ? { nl: 'Dit bericht past niet bij de regels van deze feed.', en: "This post does not match this feed's rules." }
        : { nl: 'Dit bericht past niet bij de regels van deze feed, of is verwijderd.', en: "This post does not match this feed's rules, or it was deleted." },
    }
  }

  const item = items.find((i) => i.reposter === null) ?? (items[0] as (typeof items)[number])
  const facts = postRow
    ? { author: postRow.author, text: postRow.text, langs: JSON.parse(postRow.langs) as string[], tags: JSON.parse(postRow.tags) as string[], isReply: postRow.is_reply === 1 }
    : undefined
  const inc = item.reposter === null && facts ? matcher.explainInclude(feed.id, facts) : undefined
  const include = { rule: inc?.reason ?? item.reason, detail: inc?.detail, ...includeText(inc?.reason ?? item.reason, inc?.detail ?? '') }

  const state = feedState(feed, now)
  const policies: PolicyNote[] = []
  if (wb.quietHours) {
    const until = hhmm(quietUntil(now, tz, wb.quietHours), tz)
    policies.push(
      state.quiet
        ? { policy: 'quietHours', blocks: true, nl: `De feed rust van ${wb.quietHours.from} tot ${wb.quietHours.to}; berichten zijn er weer om ${until}.`, en: `The feed rests from ${wb.quietHours.from} to ${wb.quietHours.to}; posts are back at ${until}.` }
        : { policy: 'quietHours', blocks: false, nl: `De feed rust 's nachts van ${wb.quietHours.from} tot ${wb.quietHours.to}.`, en: `The feed rests from ${wb.quietHours.from} to ${wb.quietHours.to}.` },
    )
  }
  if (state.windowStart !== undefined) {
    const out = Number(item.sort_at) < state.windowStart
    const hours = Math.round((wb.windowMs as number) / 3_600_000)
    policies.push({
      policy: 'window',
      blocks: out,
      nl: out ? `Ouder dan ${hours} uur: de feed toont het niet meer.` : `De feed toont berichten van de laatste ${hours} uur; dit bericht valt daarbinnen.`,
      en: out ? `Older than ${hours} hours: the feed no longer shows it.` : `The feed shows posts from the last ${hours} hours; this post is within that.`,
    })
  }
  if (state.releasedBefore !== undefined && wb.releases) {
    const waiting = Number(item.indexed_at) >= state.releasedBefore
    const at = hhmm(nextLocal(Math.max(now, Number(item.indexed_at)), tz, wb.releases), tz)
    policies.push({
      policy: 'releases',
      blocks: waiting,
      nl: waiting ? `Nieuwe berichten verschijnen op vaste momenten (${wb.releases.join(', ')}); dit bericht verschijnt om ${at}.` : `Nieuwe berichten verschijnen op vaste momenten (${wb.releases.join(', ')}); dit bericht is al verschenen.`,
      en: waiting ? `New posts appear at set times (${wb.releases.join(', ')}); this one appears at ${at}.` : `New posts appear at set times (${wb.releases.join(', ')}); this one has appeared.`,
    })
  }
  const inactive = await db.selectFrom('account_status').select('status').where('did', '=', item.author).executeTakeFirst()
  if (inactive) {
    policies.push({ policy: 'account', blocks: true, nl: `Het account van de schrijver is niet actief (${inactive.status}).`, en: `The author's account is not active (${inactive.status}).` })
  }
  for (const ex of feed.exclude.labels) {
    const labels = await db
      .selectFrom('feed_label')
      .select(['uri', 'val'])
      .where('src', '=', ex.labeler)
      .where('val', 'in', ex.values)
      .where('uri', 'in', [uri, item.author])
      .where((eb) => eb.or([eb('exp_at', 'is', null), eb('exp_at', '>', now)]))
      .execute()
    for (const l of labels) {
      const onAccount = l.uri === item.author
      policies.push({
        policy: 'labels',
        blocks: true,
        nl: `${onAccount ? 'Het account' : 'Het bericht'} heeft het label "${l.val}" van ${ex.labeler}; deze feed laat dat weg.`,
        en: `${onAccount ? 'The account' : 'The post'} has the label "${l.val}" from ${ex.labeler}; this feed leaves that out.`,
      })
    }
  }
  if (wb.perAuthor !== undefined) {
    const over = await overCap(db, feed, state, now, item, wb.perAuthor)
    policies.push({
      policy: 'perAuthor',
      blocks: over,
      nl: over ? `Per schrijver toont de feed de nieuwste ${wb.perAuthor} berichten; deze schrijver heeft nieuwere.` : `Per schrijver toont de feed hoogstens ${wb.perAuthor} berichten.`,
      en: over ? `The feed shows each author's newest ${wb.perAuthor} posts; this author has newer ones.` : `The feed shows at most ${wb.perAuthor} posts per author.`,
    })
  }
  if (wb.maxItems !== undefined) {
    policies.push({ policy: 'maxItems', blocks: false, nl: `Na ${wb.maxItems} berichten is de feed af: je bent bij.`, en: `After ${wb.maxItems} posts the feed ends: you're all caught up.` })
  }
  const inFeed = !policies.some((p) => p.blocks)
  return {
    ...base,
    inFeed,
    include,
    feedContext: `${feed.id}|${item.reason}`,
    policies,
    summary: inFeed
      ? { nl: `In de feed. ${include.nl}`, en: `In the feed. ${include.en}` }
      : { nl: `Nu niet in de feed. ${policies.filter((p) => p.blocks).map((p) => p.nl).join(' ')}`, en: `Not in the feed right now. ${policies.filter((p) => p.blocks).map((p) => p.en).join(' ')}` },
  }
}

/**
 * Is the item beyond its author's cap right now? It is when it is a candidate (step 2, for an anonymous
 * reader) and its author (the reposter, for a repost) has at least `perAuthor` newer candidates: the
 * skeleton's walk, over this author's candidates only, from the newest down to the item.
 */
async function overCap(
  db: FeedgenDb,
  feed: FeedDefinition,
  state: FeedState,
  now: number,
  item: { uri: string; author: string; reposter: string | null; sort_at: number },
  perAuthor: number,
): Promise<boolean> {
  const candidate = await db
    .selectFrom('feed_item as fi')
    .select('fi.uri')
    .where((eb) => eb.and(candidateConditions(eb, feed, state, now, undefined)))
    .where('fi.uri', '=', item.uri)
    .executeTakeFirst()
  if (!candidate) return false
  let rank = 0
  await walkCandidates(db, feed, state, { now, key: capKey(item), until: { ms: Number(item.sort_at), uri: item.uri }, firstChunk: perAuthor + 1 }, (_row, r) => {
    rank = r
    return r <= perAuthor
  })
  return rank > perAuthor
}
