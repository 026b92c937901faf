import { readFileSync } from 'node:fs'
import { AtUri, isValidDid, isValidLanguage, isValidRecordKey } from '@atproto/syntax'
import { parse as parseYaml } from 'yaml'
import { parseDuration } from '../../shared/config/index.ts'

// The feeds file (CONTRACT.md "Feeds file"): parsed and validated at start. Every error names the
// field, e.g. `feeds[1].include.hashtags[0]: must be a non-empty string`.

export interface LabelExclusion {
  labeler: string
  values: string[]
}

export interface FeedDefinition {
  id: string
  /** at://<publisher>/app.bsky.feed.generator/<id> */
  uri: string
  name: string
  description: string
  include: {
    lists: string[]
    authors: string[]
    /** lowercase, without '#' */
    hashtags: string[]
    keywords: string[]
  }
  require: { langs: string[] }
  exclude: { keywords: string[]; labels: LabelExclusion[] }
  replies: boolean
  reposts: boolean
  wellbeing: {
    timezone: string
    /** posts older than this are not served; undefined = no limit */
    windowMs?: number
    maxItems?: number
    quietHours?: { from: string; to: string }
    releases?: string[]
    perAuthor?: number
    pinned?: string
  }
}

export interface FeedsFile {
  publisher: string
  feeds: FeedDefinition[]
}

export class FeedsFileError extends Error {
  override name = 'FeedsFileError'
}

/** How far back to fetch a new member's posts when a feed has no window (issue: "default 48 h"). */
export const DEFAULT_BACKFILL_WINDOW_MS = 48 * 3_600_000

export function loadFeedsFile(file: string): FeedsFile {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new FeedsFileError(
      `cannot read the feeds file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ` +
        'set FEEDS_FILE to your feeds file, or copy feeds.example.yaml to feeds.yaml',
    )
  }
  return parseFeedsFile(text, file)
}

export function parseFeedsFile(text: string, source = 'feeds file'): FeedsFile {
  let doc: unknown
  try {
    // @NOTE the failsafe schema reads every scalar as a string, so `030` stays "030" and `no` stays
    // "no"; the validator converts booleans and numbers itself, strictly
    doc = parseYaml(text, { prettyErrors: true, uniqueKeys: true, schema: 'failsafe' })
  } catch (err) {
    throw new FeedsFileError(`${source}: not valid YAML: ${(err as Error).message}`)
  }
  const v = new Validator(source)
  return v.file(doc)
}

const KNOWN = {
  root: ['publisher', 'feeds'],
  feed: ['id', 'name', 'description', 'include', 'require', 'exclude', 'replies', 'reposts', 'wellbeing'],
  include: ['lists', 'authors', 'hashtags', 'keywords'],
  require: ['langs'],
  exclude: ['keywords', 'labels'],
  label: ['labeler', 'values'],
  wellbeing: ['timezone', 'window', 'maxItems', 'quietHours', 'releases', 'perAuthor', 'pinned'],
  quietHours: ['from', 'to'],
}

type Obj = Record<string, unknown>

class Validator {
  readonly #source: string
  constructor(source: string) {
    this.#source = source
  }

  fail(path: string, msg: string): never {
    throw new FeedsFileError(`${this.#source}: ${path}: ${msg}`)
  }

  obj(v: unknown, path: string, known: string[]): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path || '(top level)', 'must be a mapping (key: value)')
    for (const k of Object.keys(v)) {
      if (!known.includes(k)) this.fail(path ? `${path}.${k}` : k, `unknown setting; expected one of ${known.join(', ')}`)
    }
    return v as Obj
  }

  str(v: unknown, path: string): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail(path, 'must be a non-empty string')
    return v.trim()
  }

  strList(v: unknown, path: string): string[] {
    if (v === undefined || v === null) return []
    if (!Array.isArray(v)) this.fail(path, 'must be a list')
    return v.map((item, i) => this.str(item, `${path}[${i}]`))
  }

  bool(v: unknown, path: string, dflt: boolean): boolean {
    if (v === undefined || v === null) return dflt
    if (v === true || v === 'true') return true
    if (v === false || v === 'false') return false
    this.fail(path, 'must be true or false')
  }

  posInt(v: unknown, path: string): number | undefined {
    if (v === undefined || v === null) return undefined
    const n = typeof v === 'string' && /^\d{1,9}$/.test(v.trim()) ? Number(v) : typeof v === 'number' ? v : NaN
    if (!Number.isInteger(n) || n < 1) this.fail(path, 'must be a whole number of at least 1')
    return n
  }

  did(v: unknown, path: string): string {
    const s = this.str(v, path)
    if (!isValidDid(s)) this.fail(path, `"${s}" is not a valid DID (expected did:plc:… or did:web:…)`)
    return s
  }

  atUri(v: unknown, path: string, collection: string): string {
    const s = this.str(v, path)
    let uri: AtUri
    try {
      uri = new AtUri(s)
    } catch {
      this.fail(path, `"${s}" is not a valid at:// URI`)
    }
    if (!isValidDid(uri.host)) this.fail(path, `"${s}" must name its repo by DID, not by handle`)
    if (uri.collection !== collection || !uri.rkey) this.fail(path, `"${s}" must be an ${collection} record URI`)
    return uri.toString()
  }

  time(v: unknown, path: string): string {
    const s = this.str(v, path)
    const m = /^(\d{1,2}):(\d{2})$/.exec(s)
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) this.fail(path, `"${s}" must be a time like "07:00" (24-hour clock)`)
    return `${m[1]!.padStart(2, '0')}:${m[2]}`
  }

  file(doc: unknown): FeedsFile {
    const root = this.obj(doc ?? undefined, '', KNOWN.root)
    const publisher = this.did(root.publisher, 'publisher')
    if (!Array.isArray(root.feeds) || root.feeds.length === 0) this.fail('feeds', 'must be a non-empty list of feeds')
    const feeds = root.feeds.map((f, i) => this.feed(f, `feeds[${i}]`, publisher))
    const seen = new Set<string>()
    feeds.forEach((f, i) => {
      if (seen.has(f.id)) this.fail(`feeds[${i}].id`, `"${f.id}" is used by more than one feed`)
      seen.add(f.id)
    })
    return { publisher, feeds }
  }

  feed(raw: unknown, p: string, publisher: string): FeedDefinition {
    const f = this.obj(raw, p, KNOWN.feed)
    const id = this.str(f.id, `${p}.id`)
    if (!isValidRecordKey(id) || id.length > 15) {
      this.fail(`${p}.id`, `"${id}" must be 1–15 characters of a-z, A-Z, 0-9, '-', '_', '.', ':' or '~' (it becomes the record key)`)
    }
    const name = this.str(f.name, `${p}.name`)
    if ([...new Intl.Segmenter().segment(name)].length > 24) this.fail(`${p}.name`, 'must be at most 24 characters')
    const description = f.description === undefined ? '' : this.str(f.description, `${p}.description`)
    if ([...new Intl.Segmenter().segment(description)].length > 300) this.fail(`${p}.description`, 'must be at most 300 characters')

    const inc = this.obj(f.include, `${p}.include`, KNOWN.include)
    const include = {
      lists: this.strList(inc.lists, `${p}.include.lists`).map((s, i) => this.atUri(s, `${p}.include.lists[${i}]`, 'app.bsky.graph.list')),
      authors: this.strList(inc.authors, `${p}.include.authors`).map((s, i) => this.did(s, `${p}.include.authors[${i}]`)),
      hashtags: this.strList(inc.hashtags, `${p}.include.hashtags`).map((s, i) => {
        const tag = s.replace(/^#/, '').normalize('NFC').toLowerCase()
        if (!/^[\p{L}\p{N}_]+$/u.test(tag)) this.fail(`${p}.include.hashtags[${i}]`, `"${s}" must be one word of letters, digits or _`)
        return tag
      }),
      keywords: this.strList(inc.keywords, `${p}.include.keywords`),
    }
    if (Object.values(include).every((l) => l.length === 0)) {
      this.fail(`${p}.include`, 'must list at least one of lists, authors, hashtags or keywords')
    }

    const req = f.require === undefined ? {} : this.obj(f.require, `${p}.require`, KNOWN.require)
    const langs = this.strList(req.langs, `${p}.require.langs`).map((l, i) => {
      // BCP 47 allows 5–8 letter primary tags ("dutch" would pass); posts use 2–3 letter codes
      if (!/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(l) || !isValidLanguage(l)) this.fail(`${p}.require.langs[${i}]`, `"${l}" is not a language code like nl or en`)
      return l.toLowerCase()
    })

    const exc = f.exclude === undefined ? {} : this.obj(f.exclude, `${p}.exclude`, KNOWN.exclude)
    const excludeLabels = (() => {
      if (exc.labels === undefined || exc.labels === null) return []
      if (!Array.isArray(exc.labels)) this.fail(`${p}.exclude.labels`, 'must be a list')
      return exc.labels.map((l, i) => {
        const lp = `${p}.exclude.labels[${i}]`
        const o = this.obj(l, lp, KNOWN.label)
        const values = this.strList(o.values, `${lp}.values`)
        if (values.length === 0) this.fail(`${lp}.values`, 'must list at least one label value')
        values.forEach((val, j) => {
          if (!/^[a-z!][a-z-]*$/.test(val)) this.fail(`${lp}.values[${j}]`, `"${val}" is not a label value (lowercase letters and '-')`)
        })
        return { labeler: this.did(o.labeler, `${lp}.labeler`), values }
      })
    })()

    const wb = f.wellbeing === undefined ? {} : this.obj(f.wellbeing, `${p}.wellbeing`, KNOWN.wellbeing)
    const timezone = wb.timezone === undefined ? 'Europe/Amsterdam' : this.str(wb.timezone, `${p}.wellbeing.timezone`)
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone })
    } catch {
      this.fail(`${p}.wellbeing.timezone`, `"${timezone}" is not an IANA time zone like Europe/Amsterdam`)
    }
    let windowMs: number | undefined
    if (wb.window !== undefined) {
      const s = this.str(wb.window, `${p}.wellbeing.window`)
      windowMs = parseDuration(s)
      if (windowMs === undefined || windowMs < 60_000) this.fail(`${p}.wellbeing.window`, `"${s}" must be a duration like 48h, 90m or 7d (at least 1m)`)
    }
    let quietHours: { from: string; to: string } | undefined
    if (wb.quietHours !== undefined) {
      const q = this.obj(wb.quietHours, `${p}.wellbeing.quietHours`, KNOWN.quietHours)
      quietHours = { from: this.time(q.from, `${p}.wellbeing.quietHours.from`), to: this.time(q.to, `${p}.wellbeing.quietHours.to`) }
      if (quietHours.from === quietHours.to) this.fail(`${p}.wellbeing.quietHours`, 'from and to must differ')
    }
    const releases =
      wb.releases === undefined ? undefined : this.strList(wb.releases, `${p}.wellbeing.releases`).map((t, i) => this.time(t, `${p}.wellbeing.releases[${i}]`))
    if (releases && releases.length === 0) this.fail(`${p}.wellbeing.releases`, 'must list at least one time, or be left out')

    return {
      id,
      uri: `at://${publisher}/app.bsky.feed.generator/${id}`,
      name,
      description,
      include,
      require: { langs },
      exclude: { keywords: this.strList(exc.keywords, `${p}.exclude.keywords`), labels: excludeLabels },
      replies: this.bool(f.replies, `${p}.replies`, true),
      reposts: this.bool(f.reposts, `${p}.reposts`, false),
      wellbeing: {
        timezone,
        windowMs,
        maxItems: this.posInt(wb.maxItems, `${p}.wellbeing.maxItems`),
        quietHours,
        releases: releases ? [...new Set(releases)].sort() : undefined,
        perAuthor: this.posInt(wb.perAuthor, `${p}.wellbeing.perAuthor`),
        pinned: wb.pinned === undefined ? undefined : this.atUri(wb.pinned, `${p}.wellbeing.pinned`, 'app.bsky.feed.post'),
      },
    }
  }
}
