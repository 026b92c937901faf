// A cheap pre-check for regex rules. From a regular expression it derives a set of literal strings
// such that every match contains at least one of them ("honger is (?:zwakte|…)" needs "honger is";
// "(?:sw|hw) vs" needs "sw" or "hw"). Before running the expression, the classifier checks the text
// with String.includes, which skips most rules for most posts. The analysis is conservative: when
// it cannot tell, it returns undefined and the regex always runs.

/** A node's literal requirement: any one of these strings must occur (undefined: cannot tell). */
type Req = string[] | undefined

interface Piece {
  /** the piece as literal text when it is a single literal character */
  char?: string
  /** what a match of the piece must contain */
  req: Req
  /** false when the quantifier allows zero repetitions or it is a lookaround */
  mandatory: boolean
}

const MIN_LEN = 2

class Parser {
  #s: string
  #i = 0
  constructor(s: string) {
    this.#s = s
  }

  parse(): Req {
    const r = this.#alternation()
    return this.#i === this.#s.length ? r : undefined
  }

  #alternation(): Req {
    const branches: Req[] = [this.#sequence()]
    while (this.#s[this.#i] === '|') {
      this.#i++
      branches.push(this.#sequence())
    }
    if (branches.some((b) => b === undefined)) return undefined
    return [...new Set(branches.flat() as string[])]
  }

  #sequence(): Req {
    const pieces: Piece[] = []
    while (this.#i < this.#s.length && this.#s[this.#i] !== '|' && this.#s[this.#i] !== ')') pieces.push(this.#piece())
    // runs of mandatory literal characters form strings; the other mandatory pieces bring their own
    const candidates: string[][] = []
    let run = ''
    const flush = () => {
      if (run.trim().length >= MIN_LEN) candidates.push([run])
      run = ''
    }
    for (const p of pieces) {
      if (p.mandatory && p.char !== undefined) {
        run += p.char
        continue
      }
      flush()
      if (p.mandatory && p.req !== undefined) candidates.push(p.req)
    }
    flush()
    // the most selective requirement: the one whose shortest string is longest
    let best: string[] | undefined
    let bestLen = 0
    for (const c of candidates) {
      const shortest = Math.min(...c.map((x) => x.trim().length))
      if (shortest >= MIN_LEN && shortest > bestLen) {
        best = c
        bestLen = shortest
      }
    }
    return best
  }

  #piece(): Piece {
    const s = this.#s
    let atom: Piece
    const c = s[this.#i] as string
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
        }
      }
      const req = this.#alternation()
      this.#i++ // ')'
      atom = { req: lookaround ? undefined : req, mandatory: !lookaround }
    } else if (c === '[') {
      // a character class: skip to its end
      this.#i++
      if (s[this.#i] === '^') this.#i++
      if (s[this.#i] === ']') this.#i++
      while (this.#i < s.length && s[this.#i] !== ']') this.#i += s[this.#i] === '\\' ? 2 : 1
      this.#i++
      atom = { req: undefined, mandatory: true }
    } else if (c === '\\') {
      const e = s[this.#i + 1] as string
      this.#i += 2
      if (/[dDsSwWbBpPu]/.test(e)) {
        if (e === 'p' || e === 'P' || e === 'u') {
          if (s[this.#i] === '{') this.#i = s.indexOf('}', this.#i) + 1
        }
        atom = { req: undefined, mandatory: !/[bB]/.test(e) }
      } else {
        atom = { char: e, req: [e], mandatory: true }
      }
    } else if (c === '.' || c === '^' || c === '$') {
      this.#i++
      atom = { req: undefined, mandatory: c === '.' }
    } else {
      // a literal character (a whole code point)
      const cp = String.fromCodePoint(s.codePointAt(this.#i) as number)
      this.#i += cp.length
      atom = { char: cp, req: [cp], mandatory: true }
    }
    // quantifier
    const q = s[this.#i]
    if (q === '?' || q === '*' || q === '+' || q === '{') {
      let min = 1
      if (q === '?' || q === '*') min = 0
      if (q === '{') {
        const end = s.indexOf('}', this.#i)
        min = Number(s.slice(this.#i + 1, end).split(',')[0])
        this.#i = end
      }
      this.#i++
      if (s[this.#i] === '?') this.#i++ // lazy
      if (min === 0) return { req: undefined, mandatory: false }
      // repeated at least once: the requirement stands, but it is no longer one literal character
      return { req: atom.req, mandatory: atom.mandatory }
    }
    return atom
  }
}

/** Literal strings of which any match of `regex` contains at least one, or undefined. */
export function requiredLiterals(regex: string): string[] | undefined {
  try {
    const req = new Parser(regex).parse()
    if (req === undefined || req.length === 0 || req.some((r) => r.trim().length < MIN_LEN)) return undefined
    return req
  } catch {
    return undefined
  }
}

/**
 * Aho–Corasick over many literal strings: one pass over a text reports which strings occur.
 * Used to run the literal pre-check of every regex rule at once.
 */
export class LiteralSet {
  // transitions per state, keyed by UTF-16 code unit (literals and texts are compared unit by unit)
  readonly #goto: Map<number, number>[] = [new Map()]
  readonly #fail: number[] = [0]
  readonly #out: number[][] = [[]]
  /** the root's transitions for ASCII, as a dense table (-1: none); most characters of a post are ASCII */
  readonly #rootAscii = new Int32Array(128).fill(-1)
  readonly size: number

  constructor(literals: readonly string[]) {
    this.size = literals.length
    literals.forEach((lit, idx) => {
      let state = 0
      for (let k = 0; k < lit.length; k++) {
        const ch = lit.charCodeAt(k)
        let next = (this.#goto[state] as Map<number, number>).get(ch)
        if (next === undefined) {
          next = this.#goto.length
          this.#goto.push(new Map())
          this.#fail.push(0)
          this.#out.push([])
          ;(this.#goto[state] as Map<number, number>).set(ch, next)
        }
        state = next
      }
      ;(this.#out[state] as number[]).push(idx)
    })
    for (const [ch, t] of this.#goto[0] as Map<number, number>) if (ch < 128) this.#rootAscii[ch] = t
    // breadth-first failure links
    const queue: number[] = [...(this.#goto[0] as Map<number, number>).values()]
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi] as number
      for (const [ch, t] of this.#goto[s] as Map<number, number>) {
        queue.push(t)
        let f = this.#fail[s] as number
        while (f !== 0 && !(this.#goto[f] as Map<number, number>).has(ch)) f = this.#fail[f] as number
        const g = (this.#goto[f] as Map<number, number>).get(ch)
        this.#fail[t] = g !== undefined && g !== t ? g : 0
        ;(this.#out[t] as number[]).push(...(this.#out[this.#fail[t] as number] as number[]))
      }
    }
  }

  /** Marks found[i] = true for every literal i that occurs in `text`. */
  scan(text: string, found: Uint8Array): void {
    const go = this.#goto
    const fail = this.#fail
    const out = this.#out
    const root = this.#rootAscii
    let state = 0
    for (let k = 0; k < text.length; k++) {
      const ch = text.charCodeAt(k)
      let next: number | undefined
      for (;;) {
        if (state === 0) {
          next = ch < 128 ? root[ch] : (go[0] as Map<number, number>).get(ch)
          if (next === undefined || next < 0) next = 0
          break
        }
        next = (go[state] as Map<number, number>).get(ch)
        if (next !== undefined) break
        state = fail[state] as number
      }
      state = next
      const o = out[state] as number[]
      for (let j = 0; j < o.length; j++) found[o[j] as number] = 1
    }
  }
}

/**
 * One literal pre-check shared by several pattern matchers: each matcher registers the literals of
 * its regexes, and a document is scanned once for all of them (the result is kept per document).
 */
export class SharedLiterals {
  readonly #ids = new Map<string, number>()
  #set: LiteralSet | undefined
  #cache = new WeakMap<object, Uint8Array>()

  /** The index of `literal` in the shared set (registering it when new). */
  id(literal: string): number {
    let i = this.#ids.get(literal)
    if (i === undefined) {
      i = this.#ids.size
      this.#ids.set(literal, i)
      this.#set = undefined
      this.#cache = new WeakMap()
    }
    return i
  }

  get size(): number {
    return this.#ids.size
  }

  /** Which registered literals occur in `text`; computed once per `key` (the document). */
  found(key: object, text: string): Uint8Array {
    const hit = this.#cache.get(key)
    if (hit !== undefined) return hit
    this.#set ??= new LiteralSet([...this.#ids.keys()])
    const out = new Uint8Array(this.#ids.size)
    this.#set.scan(text, out)
    this.#cache.set(key, out)
    return out
  }
}
