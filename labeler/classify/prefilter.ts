// A cheap pre-check for regex rules. From a regular expression it derives what every match must
// contain, as a formula over literal strings ("honger is (?:zwakte|een gevoel)" needs "honger is zwakte"
// or "honger is een gevoel"; "(?:sw|hw) vs (?:cw|gw)" needs one of "sw vs cw" … "hw vs gw"). One
// Aho–Corasick pass over a post finds every literal of every rule at once; a regex runs only when one of
// its trigger literals was found and its whole formula holds, which skips nearly every regex for nearly
// every post. The analysis is conservative: when it cannot tell, the regex always runs.

/**
 * What every match of a regular expression must contain, as a formula over literal strings: a string,
 * all of several requirements, or any of several (`true`: cannot tell). It keeps every mandatory part of
 * a sequence and spells out small finite parts ("(?:at|by) 1[89]"
 * needs one of "at 18" … "by 19"; "imagine (?:\S+ ){0,2}(?:working|commuting)" needs "imagine " AND one
 * of "working", "commuting"), so far fewer expressions pass the pre-check.
 */
export type Requirement = true | string | { all: Requirement[] } | { any: Requirement[] }

/** the most strings a finite part is spelled out into before it is cut (more strings: a bigger
 *  automaton, which costs more than the few extra regex runs it saves) */
const MAX_STRINGS = 4
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']

/** A parsed part of an expression: `fin` when it matches exactly one of a few strings. */
interface Part {
  fin?: string[]
  req: Requirement
}

function anyOf(strings: readonly string[]): Requirement {
  // a string of spaces only (or empty) is found in nearly every text: no use as a pre-check
  if (strings.some((x) => x.trim() === '')) return true
  const uniq = [...new Set(strings)]
  return uniq.length === 1 ? (uniq[0] as string) : { any: uniq }
}

function cross(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = []
  for (const x of a) for (const y of b) out.push(x + y)
  return out
}

class RequirementParser {
  #s: string
  #i = 0
  constructor(s: string) {
    this.#s = s
  }

  parse(): Requirement {
    const r = this.#alternation()
    if (this.#i !== this.#s.length) throw new Error('unexpected )')
    return r.req
  }

  #alternation(): Part {
    const branches: Part[] = [this.#sequence()]
    while (this.#s[this.#i] === '|') {
      this.#i++
      branches.push(this.#sequence())
    }
    if (branches.length === 1) return branches[0] as Part
    let fin: string[] | undefined = []
    for (const b of branches) {
      if (b.fin === undefined || fin === undefined || fin.length + b.fin.length > MAX_STRINGS) fin = undefined
      else fin.push(...b.fin)
    }
    if (fin !== undefined) return { fin, req: anyOf(fin) }
    if (branches.some((b) => b.req === true)) return { req: true }
    const flat: Requirement[] = []
    for (const b of branches) {
      if (typeof b.req === 'object' && 'any' in b.req) flat.push(...b.req.any)
      else flat.push(b.req)
    }
    return { req: { any: flat } }
  }

  #sequence(): Part {
    const reqs: Requirement[] = []
    let prod: string[] = ['']
    let finite = true
    const push = (r: Requirement) => {
      if (r === true) return
      if (typeof r === 'object' && 'all' in r) reqs.push(...r.all)
      else reqs.push(r)
    }
    const flush = () => {
      push(anyOf(prod))
      prod = ['']
    }
    while (this.#i < this.#s.length && this.#s[this.#i] !== '|' && this.#s[this.#i] !== ')') {
      const p = this.#piece()
      if (p.fin !== undefined) {
        if (prod.length * p.fin.length <= MAX_STRINGS) prod = cross(prod, p.fin)
        else {
          finite = false
          flush()
          if (p.fin.length <= MAX_STRINGS) prod = p.fin
          else push(p.req)
        }
        continue
      }
      finite = false
      flush()
      push(p.req)
    }
    if (finite) return { fin: prod, req: anyOf(prod) }
    flush()
    return { req: reqs.length === 0 ? true : reqs.length === 1 ? (reqs[0] as Requirement) : { all: reqs } }
  }

  /** A character class: the characters it matches when they are few, else undefined. */
  #charClass(): string[] | undefined {
    const s = this.#s
    this.#i++ // '['
    let negated = false
    if (s[this.#i] === '^') {
      negated = true
      this.#i++
    }
    const chars: string[] = []
    let open = false
    let first = true
    while (this.#i < s.length && (s[this.#i] !== ']' || first)) {
      first = false
      let ch: string | undefined
      if (s[this.#i] === '\\') {
        const e = s[this.#i + 1] as string
        this.#i += 2
        if (e === 'd') chars.push(...DIGITS)
        else if (/[\p{L}\p{N}]/u.test(e)) {
          open = true
          if ((e === 'p' || e === 'P' || e === 'u') && s[this.#i] === '{') this.#i = s.indexOf('}', this.#i) + 1
        } else ch = e
      } else {
        ch = String.fromCodePoint(s.codePointAt(this.#i) as number)
        this.#i += ch.length
      }
      if (ch === undefined) continue
      if (s[this.#i] === '-' && s[this.#i + 1] !== ']' && s[this.#i + 1] !== undefined) {
        // a range: spelled out when short
        this.#i++
        let to: string
        if (s[this.#i] === '\\') {
          to = s[this.#i + 1] as string
          this.#i += 2
        } else {
          to = String.fromCodePoint(s.codePointAt(this.#i) as number)
          this.#i += to.length
        }
        const a = ch.codePointAt(0) as number
        const b = to.codePointAt(0) as number
        if (b < a || b - a > 25) open = true
        else for (let c = a; c <= b; c++) chars.push(String.fromCodePoint(c))
        continue
      }
      chars.push(ch)
    }
    if (s[this.#i] !== ']') throw new Error('unclosed class')
    this.#i++
    return negated || open || chars.length === 0 ? undefined : [...new Set(chars)]
  }

  /** one atom with its quantifier */
  #piece(): Part {
    const s = this.#s
    const c = s[this.#i] as string
    let atom: Part
    if (c === '(') {
      this.#i++
      let lookaround = false
      if (s[this.#i] === '?') {
        const ahead = s.slice(this.#i, this.#i + 4)
        if (ahead.startsWith('?:')) this.#i += 2
        else if (ahead.startsWith('?=') || ahead.startsWith('?!')) {
          this.#i += 2
          lookaround = true
        } else if (ahead.startsWith('?<=') || ahead.startsWith('?<!')) {
          this.#i += 3
          lookaround = true
        } else if (ahead.startsWith('?<')) {
          this.#i = s.indexOf('>', this.#i) + 1
        } else throw new Error('unknown group')
      }
      const inner = this.#alternation()
      if (s[this.#i] !== ')') throw new Error('unclosed group')
      this.#i++
      // a lookaround matches no characters: it adds nothing to what the match contains
      atom = lookaround ? { fin: [''], req: true } : inner
    } else if (c === '[') {
      const chars = this.#charClass()
      atom = chars === undefined ? { req: true } : { fin: chars, req: anyOf(chars) }
    } else if (c === '\\') {
      const e = s[this.#i + 1] as string
      this.#i += 2
      if (e === 'd') atom = { fin: DIGITS, req: true }
      else if (e === 'b' || e === 'B') atom = { fin: [''], req: true }
      else if (/[\p{L}\p{N}]/u.test(e)) {
        // a class (\S, \w, \p{…}), a character code (\x41, \u00e9, \n) or a back-reference
        if ((e === 'p' || e === 'P' || e === 'u' || e === 'k') && (s[this.#i] === '{' || s[this.#i] === '<')) {
          this.#i = s.indexOf(s[this.#i] === '{' ? '}' : '>', this.#i) + 1
        } else if (e === 'u') this.#i += 4
        else if (e === 'x') this.#i += 2
        else if (e === 'c') this.#i += 1
        atom = { req: true }
      } else atom = { fin: [e], req: anyOf([e]) }
    } else if (c === '^' || c === '$') {
      this.#i++
      atom = { fin: [''], req: true }
    } else if (c === '.') {
      this.#i++
      atom = { req: true }
    } else if (c === '*' || c === '+' || c === '?' || c === '{' || c === ')' || c === ']' || c === '|') {
      throw new Error(`unexpected ${c}`)
    } else {
      const cp = String.fromCodePoint(s.codePointAt(this.#i) as number)
      this.#i += cp.length
      atom = { fin: [cp], req: anyOf([cp]) }
    }
    const q = s[this.#i]
    if (q !== '?' && q !== '*' && q !== '+' && !(q === '{' && /^\{\d+(?:,\d*)?\}/.test(s.slice(this.#i)))) return atom
    let min: number
    if (q === '{') {
      const end = s.indexOf('}', this.#i)
      min = Number(s.slice(this.#i + 1, end).split(',')[0])
      this.#i = end + 1
    } else {
      min = q === '+' ? 1 : 0
      this.#i++
    }
    if (s[this.#i] === '?') this.#i++ // lazy
    if (q === '?' && atom.fin !== undefined) return { fin: ['', ...atom.fin], req: true }
    if (min === 0) return { req: true }
    // repeated at least once: what one repetition needs stands
    return { req: atom.fin !== undefined ? anyOf(atom.fin) : atom.req }
  }
}

/** The top-level alternatives of a regular expression's source ("a|(?:b|c)|d" → a, (?:b|c), d). */
export function topLevelBranches(regex: string): string[] {
  const out: string[] = []
  let depth = 0
  let from = 0
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i]
    if (c === '\\') i++
    else if (c === '[') {
      i++
      if (regex[i] === '^') i++
      if (regex[i] === ']') i++
      while (i < regex.length && regex[i] !== ']') i += regex[i] === '\\' ? 2 : 1
    } else if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === '|' && depth === 0) {
      out.push(regex.slice(from, i))
      from = i + 1
    }
  }
  out.push(regex.slice(from))
  return out
}

/**
 * What every match of `regex` must contain (`true`: cannot tell, the expression always runs).
 * @param padded the expression matches whole tokens of a text searched with a space added before and
 *   after it: every match of a top-level alternative then has a space on each side, which makes short
 *   words selective (" ad " instead of "ad")
 */
export function requirement(regex: string, padded = false): Requirement {
  try {
    if (!padded) return new RequirementParser(regex).parse()
    const branches = topLevelBranches(regex).map((b) => new RequirementParser(` (?:${b}) `).parse())
    if (branches.some((b) => b === true)) return true
    const flat: Requirement[] = []
    for (const b of branches) {
      if (typeof b === 'object' && 'any' in b) flat.push(...b.any)
      else flat.push(b)
    }
    return flat.length === 1 ? (flat[0] as Requirement) : { any: flat }
  } catch {
    return true
  }
}

// A requirement compiled for checking is written out in one flat array of numbers (shared by every
// regex of every matcher: SharedLiterals.slot): a literal is its id (≥ 0); all / any of several parts
// is ALL / ANY, then the length of the parts' code, then the parts, literals first (the order of the
// parts does not change the answer). A post's dozen triggered regexes have formulas of ~90 parts in
// all; as nested objects and arrays spread over the heap, checking them cost ~10 µs a post, nearly all
// of it waiting for memory.
const ALL = -1
const ANY = -2

/** Writes `req` (not `true` at the top) at the end of `code`. */
function emitRequirement(req: Requirement, literals: SharedLiterals, code: number[]): void {
  if (typeof req === 'string') {
    code.push(literals.id(req))
    return
  }
  // (all of nothing, for a `true` inside a formula: always holds)
  const parts = req === true ? [] : 'all' in req ? req.all : req.any
  code.push(req === true || 'all' in req ? ALL : ANY, 0)
  const at = code.length
  for (const p of parts) if (typeof p === 'string') emitRequirement(p, literals, code)
  for (const p of parts) if (typeof p !== 'string') emitRequirement(p, literals, code)
  code[at - 1] = code.length - at
}

/** Whether the requirement written at code[pos] holds for a document's found literals. */
function holdsAt(code: Int32Array, pos: number, found: Uint8Array): boolean {
  const head = code[pos] as number
  if (head >= 0) return found[head] === 1
  const all = head === ALL
  const end = pos + 2 + (code[pos + 1] as number)
  for (let p = pos + 2; p < end; ) {
    const h = code[p] as number
    const r = h >= 0 ? found[h] === 1 : holdsAt(code, p, found)
    // all: the first part that fails decides; any: the first that holds
    if (r !== all) return r
    p += h >= 0 ? 1 : 2 + (code[p + 1] as number)
  }
  return all
}

/** How rare a literal is likely to be in posts: its length without spaces; numbers count as short. */
function rarity(lit: string): number {
  const t = lit.trim()
  return /^[\d.,]*$/.test(t) ? t.length / 4 : t.length
}

/**
 * Literals of which every text that meets `req` contains at least one (undefined: `req` is `true`):
 * all of an "any", the rarest of an "all". A regex is looked at only when one of these was found.
 */
export function triggers(req: Requirement): string[] | undefined {
  if (req === true) return undefined
  if (typeof req === 'string') return [req]
  if ('any' in req) {
    const out: string[] = []
    for (const r of req.any) {
      const t = triggers(r)
      if (t === undefined) return undefined
      out.push(...t)
    }
    return [...new Set(out)]
  }
  let best: string[] | undefined
  let bestRarity = -1
  for (const r of req.all) {
    const t = triggers(r)
    if (t === undefined) continue
    const score = Math.min(...t.map(rarity))
    if (score > bestRarity) {
      best = t
      bestRarity = score
    }
  }
  return best
}

/**
 * Aho–Corasick over many literal strings: one pass over a text reports which strings occur.
 * Used to run the literal pre-check of every regex rule at once.
 *
 * The automaton is built with maps and then turned into a full transition table (a DFA: every state's
 * next state for every character class written out, failure links already followed), so the scan reads
 * one table row per character of the post. The shipped rules give ~39,000 states × ~72 classes (5.6 MB
 * as 16-bit entries). What makes the scan fast is memory locality, not fewer steps: states are numbered
 * breadth first, so the shallow states a scan spends nearly all its time in share a few cache lines, and
 * a row's column 0 says where the state's literals are, so a character costs one row. (The scan over
 * sorted child lists with failure links and separate output arrays it replaced cost ~95 ns a character,
 * mostly cache misses.)
 */
export class LiteralSet {
  /** row s (#delta[s * #classes ..]): column 0 is the first state on s's failure chain, s included,
   *  where literals end (0: none); column c > 0 is the next state on a character of class c */
  readonly #delta: Uint16Array | Int32Array
  readonly #classes: number
  /** the character class of each ASCII code unit (0: in no literal, which always leads to the root) */
  readonly #asciiClass = new Int32Array(128)
  /** the character class of other UTF-16 code units that occur in some literal */
  readonly #otherClass = new Map<number, number>()
  /** the literals that end at state s: #outIds[#outStart[s] .. #outStart[s + 1]) */
  readonly #outStart: Int32Array
  readonly #outIds: Int32Array
  /** the nearest state on s's failure chain (not s) where literals end, or 0 */
  readonly #dict: Int32Array
  /** per state: the scan that last reported its literals (#scans); a state's literals, and those of
   *  its failure chain, are reported once per scan however often the text reaches it */
  readonly #reported: Int32Array
  #scans = 0
  readonly size: number

  constructor(literals: readonly string[]) {
    this.size = literals.length
    // character classes: one per code unit that occurs in a literal, from 1
    let classes = 1
    for (const lit of literals) {
      for (let k = 0; k < lit.length; k++) {
        const ch = lit.charCodeAt(k)
        if (ch < 128) {
          if (this.#asciiClass[ch] === 0) this.#asciiClass[ch] = classes++
        } else if (!this.#otherClass.has(ch)) this.#otherClass.set(ch, classes++)
      }
    }
    this.#classes = classes
    // the trie, by class (states numbered as created)
    const go: Map<number, number>[] = [new Map()]
    const own: number[][] = [[]]
    literals.forEach((lit, idx) => {
      let state = 0
      for (let k = 0; k < lit.length; k++) {
        const c = this.#classOf(lit.charCodeAt(k))
        let next = (go[state] as Map<number, number>).get(c)
        if (next === undefined) {
          next = go.length
          go.push(new Map())
          own.push([])
          ;(go[state] as Map<number, number>).set(c, next)
        }
        state = next
      }
      ;(own[state] as number[]).push(idx)
    })
    const n = go.length
    // breadth-first numbering: order[i] is the trie state numbered i
    const order: number[] = [0]
    for (let qi = 0; qi < order.length; qi++) for (const t of (go[order[qi] as number] as Map<number, number>).values()) order.push(t)
    const num = new Int32Array(n)
    order.forEach((st, i) => (num[st] = i))
    this.#outStart = new Int32Array(n + 1)
    let outs = 0
    for (let i = 0; i < n; i++) {
      this.#outStart[i] = outs
      outs += (own[order[i] as number] as number[]).length
    }
    this.#outStart[n] = outs
    this.#outIds = new Int32Array(outs)
    for (let i = 0; i < n; i++) this.#outIds.set(own[order[i] as number] as number[], this.#outStart[i] as number)
    const hasOwn = (i: number) => (this.#outStart[i + 1] as number) > (this.#outStart[i] as number)
    // rows in breadth-first order: a state's row is its failure state's row (shallower, so done
    // already) with its own children written over it
    const delta = n <= 0x10000 ? new Uint16Array(n * classes) : new Int32Array(n * classes)
    const fail = new Int32Array(n)
    this.#dict = new Int32Array(n)
    this.#reported = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      const f = fail[i] as number
      if (i > 0) delta.copyWithin(i * classes, f * classes, (f + 1) * classes)
      for (const [c, t] of go[order[i] as number] as Map<number, number>) {
        const ti = num[t] as number
        // t's failure state: where the longest proper suffix of t's string leads (the root's
        // children fail to the root)
        const ft = i === 0 ? 0 : (delta[f * classes + c] as number)
        fail[ti] = ft
        this.#dict[ti] = hasOwn(ft) ? ft : (this.#dict[ft] as number)
        delta[i * classes + c] = ti
      }
      delta[i * classes] = i > 0 && hasOwn(i) ? i : (this.#dict[i] as number)
    }
    this.#delta = delta
  }

  #classOf(ch: number): number {
    return ch < 128 ? (this.#asciiClass[ch] as number) : (this.#otherClass.get(ch) ?? 0)
  }

  /**
   * Marks found[i] = 1 for every literal i that occurs in `text`.
   * @param hits when given, each literal newly marked is also pushed here (to clear `found` later)
   */
  scan(text: string, found: Uint8Array, hits?: number[]): void {
    const delta = this.#delta
    const classes = this.#classes
    const asciiClass = this.#asciiClass
    const otherClass = this.#otherClass
    const dict = this.#dict
    const reported = this.#reported
    // (the stamps start over before they leave the typed array's range)
    if (this.#scans === 0x7fffffff) {
      this.#reported.fill(0)
      this.#scans = 0
    }
    const scan = ++this.#scans
    const outStart = this.#outStart
    const outIds = this.#outIds
    let state = 0
    for (let k = 0; k < text.length; k++) {
      const ch = text.charCodeAt(k)
      const c = ch < 128 ? (asciiClass[ch] as number) : (otherClass.get(ch) ?? 0)
      // a character in no literal leads to the root, where no literal ends
      if (c === 0) {
        state = 0
        continue
      }
      state = delta[state * classes + c] as number
      for (let st = delta[state * classes] as number; st > 0 && reported[st] !== scan; st = dict[st] as number) {
        reported[st] = scan
        for (let j = outStart[st] as number, end = outStart[st + 1] as number; j < end; j++) {
          const id = outIds[j] as number
          if (found[id] === 0) {
            found[id] = 1
            hits?.push(id)
          }
        }
      }
    }
  }
}

/**
 * One literal pre-check shared by several pattern matchers: each matcher registers the literals of
 * its regexes, and a document is scanned once for all of them (the result is kept for the last
 * document, which is all one classification needs).
 */
export class SharedLiterals {
  readonly #ids = new Map<string, number>()
  #set: LiteralSet | undefined
  #found = new Uint8Array(0)
  readonly #hits: number[] = []
  #last: object | undefined
  /** regex slots: every matcher's regexes numbered in one sequence (a matcher's are consecutive), and
   *  per literal id the slots it triggers (build time: a map; from the first scan: an array) */
  #slots = 0
  /** every slot's requirement in one array (see emitRequirement), and where each starts (-1: always
   *  holds) */
  readonly #codeList: number[] = []
  #code = new Int32Array(0)
  readonly #codeAt: number[] = []
  readonly #triggers = new Map<number, number[]>()
  #triggersById: (number[] | undefined)[] = []
  /** the slots triggered by the last document's literals, ascending; #slotSeen dedupes them */
  readonly #triggered: number[] = []
  #slotSeen = new Int32Array(0)
  #stamp = 0

  /** The index of `literal` in the shared set (registering it when new). */
  id(literal: string): number {
    let i = this.#ids.get(literal)
    if (i === undefined) {
      i = this.#ids.size
      this.#ids.set(literal, i)
      this.#set = undefined
      this.#last = undefined
    }
    return i
  }

  get size(): number {
    return this.#ids.size
  }

  /** A new regex slot for a regex with requirement `req` (a matcher's regexes get consecutive slots). */
  slot(req: Requirement): number {
    this.#last = undefined
    this.#set = undefined
    if (req === true) this.#codeAt.push(-1)
    else {
      this.#codeAt.push(this.#codeList.length)
      emitRequirement(req, this, this.#codeList)
    }
    return this.#slots++
  }

  /** Whether the requirement of regex slot `slot` holds for the last document scanned by `found`. */
  holds(slot: number): boolean {
    const at = this.#codeAt[slot] as number
    return at < 0 || holdsAt(this.#code, at, this.#found)
  }

  /** Regex slot `slot` is looked at when literal `id` is found. */
  trigger(id: number, slot: number): void {
    const list = this.#triggers.get(id) ?? []
    list.push(slot)
    this.#triggers.set(id, list)
    this.#set = undefined
    this.#last = undefined
  }

  /** The regex slots that a literal found in the last document scanned by `found` triggers, each once,
   *  ascending. Worked out once per document for every matcher: a matcher then reads only its own
   *  (a few a post) instead of looking up every literal found (dozens a post) in its own table. */
  get triggered(): readonly number[] {
    return this.#triggered
  }

  /** The ids of the literals found in the last document scanned by `found` (each once). */
  get hits(): readonly number[] {
    return this.#hits
  }

  /** Which registered literals occur in `text` with one space added before and after it (a requirement
   *  of a regex matched on whole tokens may start and end with a space), for the document `key`. The
   *  array is reused: it holds the answer for `key` until the next document is scanned (also `hits`). */
  found(key: object, text: string): Uint8Array {
    if (key === this.#last) return this.#found
    if (this.#set === undefined) {
      this.#set = new LiteralSet([...this.#ids.keys()])
      this.#found = new Uint8Array(this.#ids.size)
      this.#hits.length = 0
      this.#triggersById = new Array<number[] | undefined>(this.#ids.size).fill(undefined)
      for (const [id, slots] of this.#triggers) this.#triggersById[id] = slots
      this.#slotSeen = new Int32Array(this.#slots)
      this.#code = Int32Array.from(this.#codeList)
    }
    for (const id of this.#hits) this.#found[id] = 0
    this.#hits.length = 0
    this.#set.scan(` ${text} `, this.#found, this.#hits)
    this.#last = key
    const triggered = this.#triggered
    triggered.length = 0
    // (the stamps start over before they leave the typed array's range)
    if (this.#stamp === 0x7fffffff) {
      this.#slotSeen.fill(0)
      this.#stamp = 0
    }
    const stamp = ++this.#stamp
    for (const id of this.#hits) {
      const slots = this.#triggersById[id]
      if (slots === undefined) continue
      for (const slot of slots) {
        if (this.#slotSeen[slot] === stamp) continue
        this.#slotSeen[slot] = stamp
        triggered.push(slot)
      }
    }
    // ascending, by insertion: a post triggers a few dozen slots at most, and Array.prototype.sort with a
    // comparator cost more than the rest of this loop
    for (let i = 1; i < triggered.length; i++) {
      const v = triggered[i] as number
      let j = i - 1
      for (; j >= 0 && (triggered[j] as number) > v; j--) triggered[j + 1] = triggered[j] as number
      triggered[j + 1] = v
    }
    return this.#found
  }
}
