import { createHash } from 'node:crypto'
import { writeCarStream } from '@atcute/car'
import { encode, toBytes } from '@atcute/cbor'
import { fromDigest, fromString, toCidLink, type CidLinkWrapper } from '@atcute/cid'
import { mulberry32 } from '../../shared/prng.ts'

// A generated com.atproto.sync.subscribeRepos stream for benchmarks: real DAG-CBOR frames (header +
// body) with real CAR diffs (MST-like nodes, the record block, a commit block), in roughly the mix
// of the live network. replay-server.ts serves them over a local WebSocket.

export interface GenOptions {
  events: number
  /** @default 1 */
  seed?: number
  /** size of the DID pool; @default 10_000 */
  dids?: number
}

export interface GenStats {
  events: number
  bytes: number
  commits: number
  ops: number
  posts: number
  postDeletes: number
  likes: number
  likeDeletes: number
  follows: number
  reposts: number
  otherDeletes: number
  blocks: number
  profiles: number
  listitems: number
  gates: number
  identity: number
  account: number
  /** posts written to match a bench feed (before deletes) */
  intended: { utrecht: number; fiets: number; authors: number }
  /** of those, later deleted in the stream */
  intendedDeleted: number
}

export interface Generated {
  frames: Uint8Array[]
  stats: GenStats
  /** per frame: bit 1 = creates an app.bsky.feed.post, bit 2 = that post's text contains "utrecht" (any case) */
  flags: Uint8Array
  /** per frame: how many events @atproto/sync hands to handleEvent (ops for commits, 1 otherwise) */
  opsPerFrame: Uint8Array
  /** DIDs the bench "authors" feed includes */
  benchAuthors: string[]
  publisher: string
}

export const FLAG_POST_CREATE = 1
export const FLAG_UTRECHT_TEXT = 2

// ---------------------------------------------------------------------------------------------
// identifiers

const B32 = 'abcdefghijklmnopqrstuvwxyz234567'
const S32 = '234567abcdefghijklmnopqrstuvwxyz'

/** A TID (record key / rev): 53-bit microsecond timestamp + 10-bit clock id, base32-sortable. */
export function tid(micros: number, clock: number): string {
  let v = (BigInt(Math.floor(micros)) << 10n) | BigInt(clock & 1023)
  let s = ''
  for (let i = 0; i < 13; i++) {
    s = S32[Number(v & 31n)] + s
    v >>= 5n
  }
  return s
}

type CidLink = CidLinkWrapper

/** CID (dag-cbor, sha-256) of a block, as the link object the encoder writes as tag 42 */
function cidFor(bytes: Uint8Array): CidLink {
  // toCidLink returns a CidLinkWrapper (typed as the plain CidLink interface)
  return toCidLink(fromDigest(0x71, createHash('sha256').update(bytes).digest())) as CidLink
}

/**
 * Frames are copied into large slabs: 200k separate small ArrayBuffers cost far more memory and GC
 * time than the bytes themselves (and encode() hands out views of bigger buffers).
 */
class Arena {
  static readonly SLAB = 16 * 1024 * 1024
  #buf = new Uint8Array(Arena.SLAB)
  #off = 0

  add(parts: Uint8Array[]): Uint8Array {
    let len = 0
    for (const p of parts) len += p.length
    if (this.#off + len > this.#buf.length) {
      this.#buf = new Uint8Array(Math.max(Arena.SLAB, len))
      this.#off = 0
    }
    const start = this.#off
    for (const p of parts) {
      this.#buf.set(p, this.#off)
      this.#off += p.length
    }
    return this.#buf.subarray(start, this.#off)
  }
}

function concatBytes(chunks: Uint8Array[]): Uint8Array {
  let len = 0
  for (const c of chunks) len += c.length
  const out = new Uint8Array(len)
  let off = 0
  for (const c of chunks) {
    out.set(c, off)
    off += c.length
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// text

const EN = (
  'the a and to of in is it that for on with this was just my so but be have at not are you like today ' +
  'really time new people think good day one get can more what about all some when know going love ' +
  'out much feel night still work week back make first great see last year thanks morning coffee dog ' +
  'cat weather rain train music album book reading watching game team bluesky thread art photo'
).split(' ')
const NL = (
  'de het een en van in is dat op te met voor niet zijn maar ook als er bij nog wat zo aan dan om ' +
  'vandaag echt leuk mooi weer lekker even morgen gisteren fiets trein koffie werk huis stad regen ' +
  'zon avond weekend gezellig nieuwe boek muziek kinderen markt gracht buurt terras'
).split(' ')
const DE = 'der die das und ist nicht ich ein mit auf für heute wirklich schön Wetter Arbeit Zug Kaffee'.split(' ')
const PT = 'o a de que e do da em um para com não uma os no se na por mais hoje muito bom dia obrigado'.split(' ')
const ES = 'el la de que y en un ser se no haber por con su para como estar hoy muy bien gracias'.split(' ')
const JA = ['今日は', 'とても', '楽しかった', 'です', 'ね', '明日も', '頑張ります', '猫', 'かわいい', 'ありがとう', '雨', '電車', '仕事', '終わった']
const EMOJI = ['😂', '❤️', '🙏', '✨', '🚲', '☕', '🌧️', '😊', '🔥', '👀']
const TAGS_OTHER = ['art', 'photography', 'bookstodon', 'caturday', 'music', 'nature', 'gaming', 'news', 'science', 'politics']

function words(rnd: () => number, bank: string[], target: number, joiner = ' '): string {
  let s = ''
  while (s.length < target) {
    const w = bank[Math.floor(rnd() * bank.length)] as string
    s = s ? s + joiner + w : w.charAt(0).toUpperCase() + w.slice(1)
    if (rnd() < 0.08) s += rnd() < 0.5 ? '.' : ','
    if (rnd() < 0.03) s += ' ' + (EMOJI[Math.floor(rnd() * EMOJI.length)] as string)
  }
  return s
}

function utf8Len(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

// ---------------------------------------------------------------------------------------------
// generator

type Kind = 'like' | 'follow' | 'post' | 'repost' | 'delete' | 'block' | 'profile' | 'listitem' | 'gate' | 'identity' | 'account'

// roughly the live network mix (weights; normalised below)
const MIX: [Kind, number][] = [
  ['like', 45],
  ['follow', 20],
  ['post', 15],
  ['repost', 5],
  ['delete', 5],
  ['block', 1.5],
  ['profile', 1],
  ['listitem', 1],
  ['gate', 0.5],
  ['identity', 1.5],
  ['account', 1.5],
]

interface Ref {
  uri: string
  cid: string
  did: string
  path: string
  intended: boolean
  deleted: boolean
}

/**
 * Builds `events` frames with seq 1..events, ~18 ms of "network time" apart and ending about now.
 * The content is deterministic for a given seed (the timestamps follow the clock).
 */
export async function generateFirehose(opts: GenOptions): Promise<Generated> {
  const rnd = mulberry32(opts.seed ?? 1)
  const pick = <T>(arr: readonly T[]): T => arr[Math.floor(rnd() * arr.length)] as T
  /** one of the last `n` items */
  const pickRecent = <T>(arr: readonly T[], n: number): T => arr[arr.length - 1 - Math.floor(rnd() * Math.min(n, arr.length))] as T
  const nDids = opts.dids ?? 10_000
  const dids: string[] = []
  for (let i = 0; i < nDids; i++) {
    let s = 'did:plc:'
    for (let j = 0; j < 24; j++) s += B32[Math.floor(rnd() * 32)]
    dids.push(s)
  }
  // activity is skewed: a few accounts write much of the stream
  const actor = () => dids[Math.floor(nDids * rnd() * rnd())] as string
  const benchAuthors = dids.slice(100, 125)
  const benchAuthorSet = new Set(benchAuthors)
  const publisher = 'did:plc:' + 'benchpublisher'.padEnd(24, 'a')

  const total = MIX.reduce((s, [, w]) => s + w, 0)
  const cumulative: [Kind, number][] = []
  let acc = 0
  for (const [k, w] of MIX) cumulative.push([k, (acc += w / total)])
  const nextKind = (): Kind => {
    const r = rnd()
    for (const [k, c] of cumulative) if (r < c) return k
    return 'like'
  }

  // MST-like interior/leaf nodes: shared across commits (their content does not matter, only their
  // size and that their CIDs are right)
  const mstPool: { cid: CidLink; bytes: Uint8Array }[] = []
  for (let i = 0; i < 2000; i++) {
    const entries = []
    const n = 3 + Math.floor(rnd() * 3)
    for (let j = 0; j < n; j++) {
      const key = `${pick(['app.bsky.feed.like', 'app.bsky.feed.post', 'app.bsky.graph.follow', 'app.bsky.feed.repost'])}/${tid(1.7e15 + rnd() * 1e13, j)}`
      const prefix = j === 0 ? 0 : 10 + Math.floor(rnd() * 12)
      entries.push({
        p: prefix,
        k: toBytes(new TextEncoder().encode(key.slice(prefix))),
        v: cidFor(new TextEncoder().encode(`leaf ${i} ${j}`)),
        t: rnd() < 0.5 ? null : cidFor(new TextEncoder().encode(`sub ${i} ${j}`)),
      })
    }
    const bytes = encode({ l: rnd() < 0.5 ? null : cidFor(new TextEncoder().encode(`left ${i}`)), e: entries })
    mstPool.push({ cid: cidFor(bytes), bytes })
  }
  const sig = toBytes(new Uint8Array(64).map(() => Math.floor(rnd() * 256)))

  const headers = {
    commit: encode({ op: 1, t: '#commit' }),
    identity: encode({ op: 1, t: '#identity' }),
    account: encode({ op: 1, t: '#account' }),
  }

  const stats: GenStats = {
    events: opts.events,
    bytes: 0,
    commits: 0,
    ops: 0,
    posts: 0,
    postDeletes: 0,
    likes: 0,
    likeDeletes: 0,
    follows: 0,
    reposts: 0,
    otherDeletes: 0,
    blocks: 0,
    profiles: 0,
    listitems: 0,
    gates: 0,
    identity: 0,
    account: 0,
    intended: { utrecht: 0, fiets: 0, authors: 0 },
    intendedDeleted: 0,
  }
  const frames: Uint8Array[] = new Array(opts.events)
  const arena = new Arena()
  const flags = new Uint8Array(opts.events)
  const opsPerFrame = new Uint8Array(opts.events)
  const posts: Ref[] = []
  const likes: Ref[] = []
  const follows: Ref[] = []
  const revs = new Map<string, string>()

  const STEP_MICROS = 18_000 // ~55 events/s
  const startMicros = (Date.now() - opts.events * (STEP_MICROS / 1000) - 1000) * 1000
  let clock = 0

  const makePost = (did: string, nowIso: string): { record: Record<string, unknown>; intended: 'utrecht' | 'fiets' | 'authors' | null; utrechtText: boolean } => {
    const r = rnd()
    let lang: string | null
    if (r < 0.45) lang = 'en'
    else if (r < 0.6) lang = 'ja'
    else if (r < 0.7) lang = 'pt'
    else if (r < 0.76) lang = 'nl'
    else if (r < 0.81) lang = 'de'
    else if (r < 0.86) lang = 'es'
    else lang = null // no langs field
    const target = 50 + Math.floor(rnd() * rnd() * 250)
    let text: string
    switch (lang) {
      case 'nl':
        text = words(rnd, NL, target)
        break
      case 'ja':
        text = words(rnd, JA, Math.min(target, 120), '')
        break
      case 'pt':
        text = words(rnd, PT, target)
        break
      case 'de':
        text = words(rnd, DE, target)
        break
      case 'es':
        text = words(rnd, ES, target)
        break
      default:
        text = words(rnd, EN, target)
    }
    const tags: string[] = []
    let intended: 'utrecht' | 'fiets' | 'authors' | null = null
    if (lang === 'nl') {
      const m = rnd()
      if (m < 0.15) {
        text = `${text} #utrecht`
        tags.push('utrecht')
        intended = 'utrecht'
      } else if (m < 0.3) {
        text = `Vanochtend in Utrecht: ${text}`
        intended = 'utrecht'
      } else if (m < 0.4) {
        text = `${text} #fiets`
        tags.push('fiets')
        intended = 'fiets'
      } else if (m < 0.43) {
        // excluded by the fiets feed's exclude.keywords
        text = `${text} met de auto #fiets`
        tags.push('fiets')
      }
    } else if (lang === 'en' && rnd() < 0.01) {
      // mentions Utrecht but not in Dutch: the utrecht feed requires nl
      text = `Visiting Utrecht this week, ${text}`
    }
    if (!intended && tags.length === 0 && rnd() < 0.08) {
      const t = pick(TAGS_OTHER)
      text = `${text} #${t}`
      tags.push(t)
    }
    if (!intended && benchAuthorSet.has(did)) intended = 'authors'
    const record: Record<string, unknown> = { $type: 'app.bsky.feed.post', text, createdAt: nowIso }
    if (lang) record.langs = [lang]
    const facets: unknown[] = []
    const bytes = Buffer.from(text, 'utf8')
    for (const tag of tags) {
      const needle = Buffer.from(`#${tag}`, 'utf8')
      const start = bytes.lastIndexOf(needle)
      facets.push({ index: { byteStart: start, byteEnd: start + needle.length }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag }] })
    }
    if (rnd() < 0.05) {
      const mention = actor()
      const handle = `@user${Math.floor(rnd() * 1e5)}.bsky.social`
      const start = utf8Len(text) + 1
      text = `${text} ${handle}`
      record.text = text
      facets.push({ index: { byteStart: start, byteEnd: start + utf8Len(handle) }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: mention }] })
    }
    if (facets.length > 0) record.facets = facets
    if (posts.length > 0 && rnd() < 0.3) {
      const parent = pickRecent(posts, 5000)
      record.reply = { root: { uri: parent.uri, cid: parent.cid }, parent: { uri: parent.uri, cid: parent.cid } }
    }
    if (rnd() < 0.12) {
      record.embed = {
        $type: 'app.bsky.embed.images',
        images: [
          {
            alt: rnd() < 0.5 ? '' : words(rnd, EN, 40),
            image: { $type: 'blob', ref: cidFor(bytes), mimeType: 'image/jpeg', size: 100_000 + Math.floor(rnd() * 800_000) },
            aspectRatio: { width: 1000, height: 750 },
          },
        ],
      }
    } else if (rnd() < 0.05) {
      record.embed = { $type: 'app.bsky.embed.external', external: { uri: 'https://example.com/article', title: words(rnd, EN, 30), description: words(rnd, EN, 80) } }
    }
    return { record, intended, utrechtText: text.toLowerCase().includes('utrecht') }
  }

  for (let i = 0; i < opts.events; i++) {
    const seq = i + 1
    const micros = startMicros + i * STEP_MICROS + Math.floor(rnd() * 1000)
    const nowIso = new Date(micros / 1000).toISOString()
    let kind = nextKind()
    if (kind === 'delete' && posts.length + likes.length + follows.length < 10) kind = 'like'
    const did = actor()

    if (kind === 'identity') {
      const body = { seq, did, time: nowIso, handle: `user${Math.floor(rnd() * 1e6)}.bsky.social` }
      frames[i] = arena.add([headers.identity, encode(body)])
      opsPerFrame[i] = 1
      stats.identity++
      stats.bytes += (frames[i] as Uint8Array).length
      continue
    }
    if (kind === 'account') {
      const r = rnd()
      const status = r < 0.7 ? undefined : r < 0.88 ? 'deactivated' : r < 0.97 ? 'takendown' : 'deleted'
      const body: Record<string, unknown> = { seq, did, time: nowIso, active: status === undefined }
      if (status) body.status = status
      frames[i] = arena.add([headers.account, encode(body)])
      opsPerFrame[i] = 1
      stats.account++
      stats.bytes += (frames[i] as Uint8Array).length
      continue
    }

    // a commit with one op (the vast majority on the live network)
    let repo = did
    const rkey = tid(micros, clock++)
    let action: 'create' | 'update' | 'delete' = 'create'
    let path: string
    let record: Record<string, unknown> | null = null
    let flag = 0
    const subjectPost = () => (posts.length > 0 ? pickRecent(posts, 5000) : null)
    const strongRef = () => {
      const p = subjectPost()
      return p ? { uri: p.uri, cid: p.cid } : { uri: `at://${actor()}/app.bsky.feed.post/${tid(micros - 1e9, 1)}`, cid: cidToStr(cidFor(new Uint8Array([i & 255]))) }
    }
    let newRef: { list: Ref[]; intended: boolean } | null = null
    /** the record's previous CID, sent with updates and deletes (sync 1.1 `prev`) */
    let prev: CidLink | undefined
    switch (kind) {
      case 'like':
        path = `app.bsky.feed.like/${rkey}`
        record = { $type: 'app.bsky.feed.like', subject: strongRef(), createdAt: nowIso }
        newRef = { list: likes, intended: false }
        stats.likes++
        break
      case 'follow':
        path = `app.bsky.graph.follow/${rkey}`
        record = { $type: 'app.bsky.graph.follow', subject: actor(), createdAt: nowIso }
        newRef = { list: follows, intended: false }
        stats.follows++
        break
      case 'repost':
        path = `app.bsky.feed.repost/${rkey}`
        record = { $type: 'app.bsky.feed.repost', subject: strongRef(), createdAt: nowIso }
        stats.reposts++
        break
      case 'block':
        path = `app.bsky.graph.block/${rkey}`
        record = { $type: 'app.bsky.graph.block', subject: actor(), createdAt: nowIso }
        stats.blocks++
        break
      case 'profile':
        path = 'app.bsky.actor.profile/self'
        action = 'update'
        prev = cidFor(new TextEncoder().encode(`profile ${did}`))
        record = {
          $type: 'app.bsky.actor.profile',
          displayName: words(rnd, EN, 12),
          description: words(rnd, EN, 20 + Math.floor(rnd() * 150)),
          avatar: { $type: 'blob', ref: cidFor(new Uint8Array([i & 255, 1])), mimeType: 'image/jpeg', size: 50_000 },
        }
        stats.profiles++
        break
      case 'listitem':
        path = `app.bsky.graph.listitem/${rkey}`
        record = { $type: 'app.bsky.graph.listitem', subject: actor(), list: `at://${did}/app.bsky.graph.list/${tid(micros - 5e10, 7)}`, createdAt: nowIso }
        stats.listitems++
        break
      case 'gate': {
        const p = subjectPost()
        if (p) repo = p.did
        path = `app.bsky.feed.threadgate/${p ? p.path.split('/')[1] : rkey}`
        record = { $type: 'app.bsky.feed.threadgate', post: p?.uri ?? `at://${repo}/app.bsky.feed.post/${rkey}`, allow: [{ $type: 'app.bsky.feed.threadgate#followingRule' }], createdAt: nowIso }
        stats.gates++
        break
      }
      case 'delete': {
        action = 'delete'
        const r = rnd()
        // ~30% of deletes are posts, ~50% likes, the rest follows
        const list = r < 0.3 && posts.length > 0 ? posts : r < 0.8 && likes.length > 0 ? likes : follows.length > 0 ? follows : posts.length > 0 ? posts : likes
        let victim: Ref | undefined
        for (let tries = 0; tries < 5 && (!victim || victim.deleted); tries++) {
          victim = list === posts ? pickRecent(list, 20_000) : pick(list)
        }
        victim = victim as Ref
        victim.deleted = true
        repo = victim.did
        path = victim.path
        prev = toCidLink(fromString(victim.cid)) as CidLink
        if (list === posts) {
          stats.postDeletes++
          if (victim.intended) stats.intendedDeleted++
        } else if (list === likes) stats.likeDeletes++
        else stats.otherDeletes++
        break
      }
      default: {
        // post
        const p = makePost(did, nowIso)
        path = `app.bsky.feed.post/${rkey}`
        record = p.record
        flag = FLAG_POST_CREATE | (p.utrechtText ? FLAG_UTRECHT_TEXT : 0)
        if (p.intended) stats.intended[p.intended]++
        newRef = { list: posts, intended: p.intended !== null }
        stats.posts++
      }
    }

    const recordBytes = record ? encode(record) : null
    const recordCid = recordBytes ? cidFor(recordBytes) : null
    if (newRef && recordCid) {
      newRef.list.push({ uri: `at://${repo}/${path}`, cid: cidToStr(recordCid), did: repo, path, intended: newRef.intended, deleted: false })
    }
    const rev = tid(micros, clock++)
    const since = revs.get(repo) ?? null
    revs.set(repo, rev)
    const depth = 3 + Math.floor(rnd() * 3)
    const mst = Array.from({ length: depth }, () => mstPool[Math.floor(rnd() * mstPool.length)] as { cid: CidLink; bytes: Uint8Array })
    const commitBytes = encode({ did: repo, version: 3, data: (mst[0] as { cid: CidLink }).cid, rev, prev: null, sig })
    const commitCid = cidFor(commitBytes)
    // block order as a PDS writes them: MST nodes, new record, commit
    const blocks = mst.map((m) => ({ cid: cidBytes(m.cid), data: m.bytes }))
    if (recordBytes && recordCid) blocks.push({ cid: cidBytes(recordCid), data: recordBytes })
    blocks.push({ cid: cidBytes(commitCid), data: commitBytes })
    const carChunks: Uint8Array[] = []
    for await (const chunk of writeCarStream([commitCid], blocks)) carChunks.push(chunk)
    const body = {
      seq,
      rebase: false,
      tooBig: false,
      repo,
      commit: commitCid,
      rev,
      since,
      blocks: toBytes(concatBytes(carChunks)),
      ops: [prev ? { action, path, cid: recordCid, prev } : { action, path, cid: recordCid }],
      blobs: [],
      prevData: (mst[1] as { cid: CidLink }).cid,
      time: nowIso,
    }
    frames[i] = arena.add([headers.commit, encode(body)])
    flags[i] = flag
    opsPerFrame[i] = 1
    stats.commits++
    stats.ops++
    stats.bytes += (frames[i] as Uint8Array).length
  }
  return { frames, stats, flags, opsPerFrame, benchAuthors, publisher }
}

function cidBytes(link: CidLink): Uint8Array {
  return link.bytes
}

function cidToStr(link: CidLink): string {
  return link.$link
}

/**
 * The feeds file of the ingest benchmarks, matching what the generator writes on purpose: a hashtag +
 * keyword feed with a language requirement (optionally with wellbeing policies), a hashtag feed with an
 * exclusion, and an author feed with reposts.
 */
export function benchFeedsYaml(publisher: string, benchAuthors: readonly string[], wellbeing?: { window: string; perAuthor: number }): string {
  const policies = wellbeing ? `\n    wellbeing:\n      window: ${wellbeing.window}\n      perAuthor: ${wellbeing.perAuthor}` : ''
  return `
publisher: ${publisher}
feeds:
  - id: utrecht
    name: Utrecht
    description: Posts over Utrecht, in het Nederlands
    include:
      hashtags: [utrecht, domstad]
      keywords: [Utrecht, Domtoren]
    require:
      langs: [nl]${policies}
  - id: fiets
    name: Fietsen
    include:
      hashtags: [fiets, fietsen]
      keywords: [fietspad]
    exclude:
      keywords: [auto]
  - id: authors
    name: Bench authors
    include:
      authors:
${benchAuthors.map((d) => `        - ${d}`).join('\n')}
    reposts: true
`
}
