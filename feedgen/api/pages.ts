import { AtUri } from '@atproto/syntax'
import { html, page, pickLang, timeAgo, type Html, type Lang } from '../../shared/http/html.ts'
import type { HttpServer } from '../../shared/http/index.ts'
import type { AppContext } from '../context.ts'
import { localTime, quietUntil } from '../feeds/clock.ts'
import type { FeedDefinition } from '../feeds/definitions.ts'
import { feedState, readSkeleton } from '../feeds/skeleton.ts'

// Public pages of the feed generator: which feeds it serves, each feed's rules in plain language
// (Dutch and English), and what a feed shows right now, with the reason each post is there.

const T = {
  site: { nl: 'Plein feeds', en: 'Plein feeds' },
  feeds: { nl: 'Feeds', en: 'Feeds' },
  intro: {
    nl: 'Deze feeds zijn chronologisch, lokaal en eindig: geen algoritme dat om je aandacht strijdt, geen eindeloze stroom. Hieronder staat per feed precies wat erin komt en waarom.',
    en: "These feeds are chronological, local and finite: no algorithm competing for your attention, no endless stream. Below, each feed says exactly what goes in and why.",
  },
  who: { nl: 'Wie en wat erin komt', en: 'Who and what is included' },
  excluded: { nl: 'Wat eruit blijft', en: 'What is left out' },
  rhythm: { nl: 'Ritme en grenzen', en: 'Rhythm and limits' },
  open: { nl: 'Bekijk wat de feed nu laat zien', en: 'See what the feed shows now' },
  end: { nl: 'Je bent bij. Meer is er op dit moment niet.', en: "You're all caught up. That's everything for now." },
  noPosts: { nl: 'Er zijn nu geen berichten in deze feed.', en: 'There are no posts in this feed right now.' },
  shared: { nl: 'gedeeld bericht', en: 'shared post' },
  onBluesky: { nl: 'Bekijk op Bluesky', en: 'View on Bluesky' },
  why: { nl: 'Waarom hier', en: 'Why here' },
  rules: { nl: 'De regels van deze feed', en: "This feed's rules" },
} as const

const tr = (key: keyof typeof T, lang: Lang) => T[key][lang]

function list(items: string[], lang: Lang): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} ${lang === 'nl' ? 'en' : 'and'} ${items.at(-1)}`
}

/** The feed's rules as plain-language sentences, grouped. */
export function describeFeed(feed: FeedDefinition, lang: Lang): { who: string[]; excluded: string[]; rhythm: string[] } {
  const nl = lang === 'nl'
  const inc = feed.include
  const who: string[] = []
  if (inc.lists.length > 0) who.push(nl ? `Berichten van de mensen op ${inc.lists.length === 1 ? 'de lijst' : 'de lijsten'} die de beheerder bijhoudt.` : `Posts by the people on the ${inc.lists.length === 1 ? 'list' : 'lists'} the organisation keeps.`)
  if (inc.authors.length > 0) who.push(nl ? `Berichten van ${inc.authors.length} vaste ${inc.authors.length === 1 ? 'account' : 'accounts'}.` : `Posts by ${inc.authors.length} chosen ${inc.authors.length === 1 ? 'account' : 'accounts'}.`)
  if (inc.hashtags.length > 0) who.push(nl ? `Berichten met ${list(inc.hashtags.map((t) => `#${t}`), lang)}.` : `Posts with ${list(inc.hashtags.map((t) => `#${t}`), lang)}.`)
  if (inc.keywords.length > 0) who.push(nl ? `Berichten die ${list(inc.keywords.map((k) => `"${k}"`), lang)} noemen (hele woorden, hoofdletters en accenten maken niet uit).` : `Posts that mention ${list(inc.keywords.map((k) => `"${k}"`), lang)} (whole words; capitals and accents don't matter).`)
  if (feed.require.langs.length > 0) who.push(nl ? `Alleen berichten in het ${list(feed.require.langs.map((l) => langName(l, lang)), lang)}.` : `Only posts in ${list(feed.require.langs.map((l) => langName(l, lang)), lang)}.`)
  who.push(feed.replies ? (nl ? 'Reacties tellen mee.' : 'Replies are included.') : nl ? 'Alleen nieuwe berichten, geen reacties.' : 'Only new posts, no replies.')
  if (feed.reposts) who.push(nl ? 'Berichten die deze mensen delen, komen er ook in.' : 'Posts these people repost are included too.')
  const excluded: string[] = []
  if (feed.exclude.keywords.length > 0) excluded.push(nl ? `Berichten die ${list(feed.exclude.keywords.map((k) => `"${k}"`), lang)} noemen.` : `Posts that mention ${list(feed.exclude.keywords.map((k) => `"${k}"`), lang)}.`)
  for (const l of feed.exclude.labels) {
    excluded.push(
      nl
        ? `Berichten en accounts met ${l.values.length === 1 ? 'het label' : 'de labels'} ${list(l.values.map((v) => `"${v}"`), lang)} van labeler ${l.labeler}, om je te beschermen tegen schadelijke of vergelijkende inhoud.`
        : `Posts and accounts labelled ${list(l.values.map((v) => `"${v}"`), lang)} by labeler ${l.labeler}, to protect you from harmful or comparison-heavy content.`,
    )
  }
  excluded.push(nl ? 'Accounts die gedeactiveerd of geschorst zijn.' : 'Accounts that are deactivated or suspended.')
  excluded.push(nl ? 'Geen likes, volgers of andere tellers: de volgorde is alleen de tijd.' : 'No likes, followers or other counts: the order is time alone.')
  const wb = feed.wellbeing
  const rhythm: string[] = []
  if (wb.windowMs !== undefined) {
    const h = Math.round(wb.windowMs / 3_600_000)
    rhythm.push(nl ? `Alleen berichten van de laatste ${h} uur. Daarna houdt de feed op: je bent bij.` : `Only posts from the last ${h} hours. Then the feed ends: you're all caught up.`)
  }
  if (wb.maxItems !== undefined) rhythm.push(nl ? `Hoogstens ${wb.maxItems} berichten per keer lezen.` : `At most ${wb.maxItems} posts per reading session.`)
  if (wb.perAuthor !== undefined) rhythm.push(nl ? `Hoogstens ${wb.perAuthor} berichten per persoon, zodat een paar drukke accounts de feed niet vullen.` : `At most ${wb.perAuthor} posts per person, so a few busy accounts can't fill the feed.`)
  if (wb.releases) rhythm.push(nl ? `Nieuwe berichten verschijnen op vaste momenten: ${list(wb.releases, lang)}. Zo verandert de feed een paar keer per dag, niet elke seconde.` : `New posts appear at set times: ${list(wb.releases, lang)}. The feed changes a few times a day, not every second.`)
  if (wb.quietHours) rhythm.push(nl ? `De feed rust van ${wb.quietHours.from} tot ${wb.quietHours.to}, voor je nachtrust.` : `The feed rests from ${wb.quietHours.from} to ${wb.quietHours.to}, for your sleep.`)
  if (wb.pinned) rhythm.push(nl ? 'Eén bericht van de beheerder staat vast bovenaan.' : 'One post by the organisation is pinned at the top.')
  if (rhythm.length === 0) rhythm.push(nl ? 'Op volgorde van tijd, nieuwste eerst.' : 'In order of time, newest first.')
  if (wb.quietHours || wb.releases) rhythm.push(nl ? `Tijden zijn in de tijdzone ${wb.timezone}.` : `Times are in the ${wb.timezone} time zone.`)
  return { who, excluded, rhythm }
}

function langName(code: string, lang: Lang): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'language' }).of(code) ?? code
  } catch {
    return code
  }
}

function reasonText(reason: string, lang: Lang): string {
  const nl = lang === 'nl'
  switch (reason) {
    case 'list':
      return nl ? 'de schrijver staat op de lijst' : 'the author is on the list'
    case 'author':
      return nl ? 'de feed volgt deze schrijver' : 'the feed includes this author'
    case 'hashtag':
      return nl ? 'het bericht heeft een hashtag van de feed' : 'the post has one of the feed’s hashtags'
    case 'keyword':
      return nl ? 'het bericht noemt een trefwoord van de feed' : 'the post mentions one of the feed’s keywords'
    case 'repost':
      return nl ? 'gedeeld door iemand die de feed volgt' : 'shared by someone the feed includes'
    case 'pin':
      return nl ? 'vastgezet door de beheerder' : 'pinned by the organisation'
    default:
      return reason
  }
}

export default function register(server: HttpServer, ctx: AppContext): void {
  const handles = new Map<string, { handle: string; at: number }>()
  const handleOf = async (did: string): Promise<string> => {
    const cached = handles.get(did)
    if (cached && Date.now() - cached.at < 3_600_000) return cached.handle
    const data = await ctx.idResolver.did.resolveAtprotoData(did).catch(() => undefined)
    const handle = data?.handle ? `@${data.handle}` : did
    handles.set(did, { handle, at: Date.now() })
    return handle
  }
  // posts a feed shows but does not store (the pin, reposted posts): read from the author's PDS, cached
  const remote = new Map<string, { text: string; at: number; fetched: number } | null>()
  const remotePost = async (uri: string) => {
    const c = remote.get(uri)
    if (c !== undefined && (c === null || Date.now() - c.fetched < 600_000)) return c
    const rec = await ctx.repoClient.getRecord(uri).catch(() => undefined)
    const v = rec ? { text: typeof rec.value.text === 'string' ? rec.value.text : '', at: Date.parse(String(rec.value.createdAt)) || 0, fetched: Date.now() } : null
    remote.set(uri, v)
    return v
  }
  const nav = (lang: Lang) => html`<li><a href="/?lang=${lang}">${tr('feeds', lang)}</a></li>`

  server.get('/', ({ params, req }) => {
    const lang = pickLang(params, req.headers['accept-language'])
    const body = html`<h1>${tr('feeds', lang)}</h1>
<p>${tr('intro', lang)}</p>
${ctx.cfg.feeds.feeds.map((f) => feedSection(f, lang, 2, true))}`
    return { html: page({ lang, title: tr('feeds', lang), site: tr('site', lang), nav: nav(lang), body, switchHref: (l) => `/?lang=${l}` }) }
  })

  for (const feed of ctx.cfg.feeds.feeds) {
    server.get(`/feeds/${feed.id}`, async ({ params, req }) => {
      const lang = pickLang(params, req.headers['accept-language'])
      const now = ctx.now()
      const state = feedState(feed, now)
      const skeleton = await readSkeleton(ctx.readDb, feed, { limit: 50, now })
      const uris = skeleton.feed.map((i) => i.post)
      const rows = uris.length === 0 ? [] : await ctx.readDb.selectFrom('post').selectAll().where('uri', 'in', uris).execute()
      const byUri = new Map(rows.map((r) => [r.uri, r]))
      const items: Html[] = []
      for (const item of skeleton.feed) {
        const stored = byUri.get(item.post)
        const u = new AtUri(item.post)
        const fetched = stored ? undefined : await remotePost(item.post)
        const row = stored
          ? { text: stored.text, at: Number(stored.sort_at), lang: (JSON.parse(stored.langs) as string[])[0] ?? '' }
          : fetched
            ? { text: fetched.text, at: fetched.at, lang: '' }
            : undefined
        const author = await handleOf(stored?.author ?? u.host)
        const why = item.feedContext?.split('|')[1] ?? ''
        const link = `https://bsky.app/profile/${u.host}/post/${u.rkey}`
        items.push(html`<li><article class="card post" aria-label="${author}">
<div class="meta"><strong>${author}</strong>${row && row.at > 0 ? html` · <time datetime="${new Date(row.at).toISOString()}">${timeAgo(row.at, now, lang)}</time>` : ''}</div>
<p${row?.lang ? html` lang="${row.lang}"` : ''}>${row ? row.text : tr('shared', lang)}</p>
<div class="why"><strong>${tr('why', lang)}:</strong> ${reasonText(why, lang)}. <a href="/feeds/${feed.id}/explain?uri=${encodeURIComponent(item.post)}">${lang === 'nl' ? 'uitleg' : 'details'}</a> · <a href="${link}">${tr('onBluesky', lang)}</a></div>
</article></li>`)
      }
      const wb = feed.wellbeing
      const resting =
        state.quiet && wb.quietHours
          ? (() => {
              const until = localTime(quietUntil(now, wb.timezone, wb.quietHours), wb.timezone)
              const at = `${String(until.hour).padStart(2, '0')}:${String(until.minute).padStart(2, '0')}`
              return html`<p class="notice" role="status">${lang === 'nl' ? `De feed rust tot ${at}. Slaap lekker.` : `The feed is resting until ${at}. Sleep well.`}</p>`
            })()
          : ''
      const end = !skeleton.cursor ? html`<p class="notice" role="status">${items.length > 0 ? tr('end', lang) : tr('noPosts', lang)}</p>` : ''
      const body = html`<h1>${feed.name}</h1>
${feed.description ? html`<p>${feed.description}</p>` : ''}
${resting}
<section aria-labelledby="posts-h"><h2 id="posts-h">${lang === 'nl' ? 'Nu in de feed' : 'In the feed now'}</h2>
${items.length > 0 ? html`<ol class="plain" style="list-style:none;padding:0">${items}</ol>` : ''}
${end}
</section>
${feedSection(feed, lang, 2, false)}`
      return {
        html: page({ lang, title: feed.name, site: tr('site', lang), nav: nav(lang), body, switchHref: (l) => `/feeds/${feed.id}?lang=${l}` }),
      }
    })
  }
}

function feedSection(feed: FeedDefinition, lang: Lang, level: 2 | 3, withLink: boolean): Html {
  const d = describeFeed(feed, lang)
  const id = `feed-${feed.id}`
  const heading = level === 2 && withLink ? html`<h2 id="${id}">${feed.name}</h2>` : html`<h2 id="${id}">${tr('rules', lang)}</h2>`
  return html`<section class="card" aria-labelledby="${id}">
${heading}
${withLink && feed.description ? html`<p>${feed.description}</p>` : ''}
<h3>${tr('who', lang)}</h3><ul>${d.who.map((s) => html`<li>${s}</li>`)}</ul>
<h3>${tr('excluded', lang)}</h3><ul>${d.excluded.map((s) => html`<li>${s}</li>`)}</ul>
<h3>${tr('rhythm', lang)}</h3><ul>${d.rhythm.map((s) => html`<li>${s}</li>`)}</ul>
${withLink ? html`<p><a href="/feeds/${feed.id}?lang=${lang}">${tr('open', lang)}</a></p>` : ''}
</section>`
}
