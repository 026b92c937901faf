// Text normalisation for the classifier. Everything the rules see goes through here, so a rule is
// written once in plain lowercase words and still matches "TH1NSP0", "sooooo", "#BodyGoals",
// "ﬁtspo" or "thіnspo" with a Cyrillic і.
//
// Output is a token list (words, numbers, a few symbols, emoji, and "." for sentence ends) and the
// same tokens joined by single spaces, so a regex rule runs over "dag 3 zonder eten ." and a phrase
// rule compares tokens.

/** A post as the classifier reads it. */
export interface NormaliseInput {
  text: string
  alt?: readonly string[]
  tags?: readonly string[]
}

export interface NormalisedDoc {
  /** tokens joined by one space; regex rules run over this */
  text: string
  tokens: string[]
  /** for words that had a letter repeated 3+ times: the word with every double letter collapsed */
  squashed: (string | undefined)[]
  /** char offset of each token in `text` */
  starts: number[]
  /** tokens [0, postTokens) come from the post text, the rest from alt texts and tag facets */
  postTokens: number
  /** hashtags (inline and facets), lowercased, leetspeak undone, unsplit: "proana", "bodygoals" */
  tags: Set<string>
  /** the post text and alt texts after NFKC, URL removal and lowercasing, before tokenising */
  raw: string
}

/** The boundary token: sentence ends and the seam between post text and alt texts. */
export const BOUNDARY = '.'

const URL = /\b(?:https?:\/\/|www\.)\S+/giu
// a hashtag: not after a letter, digit, '&' or '/' (URL fragments are gone already)
const HASHTAG = /(^|[^\p{L}\p{N}_&/#])#([\p{L}\p{N}_]+)/gu
const MARKS = /\p{M}+/gu
const APOSTROPHES = /[’‘`´ʼ]/gu
// an apostrophe next to a letter is dropped: don't → dont, 'k → k, m'n → mn
const INNER_APOSTROPHE = /(?<=\p{L})'|'(?=\p{L})/gu
// Dutch (and Flemish) clitics standing alone: "zie 't niet" → "zie het niet", "'k wil" → "ik wil"
const CLITIC = /(^|[^\p{L}\p{N}'])'([tk])(?![\p{L}\p{N}'])/gu
const CENSOR_STAR = /(?<=\p{L})\*+(?=\p{L})/gu
const CENSOR_BANG = /(?<=\p{L})!(?=\p{L})/gu
const ELONGATED = /(\p{L})\1{2,}/gu
const DOUBLE = /(\p{L})\1+/gu
const TOKEN = /\/(?:jk|j|hj|lh|s|srs|gen|nm)(?![\p{L}\p{N}])|[\p{L}\p{N}]+(?:[.,]\p{N}+)*|[€$£%<>+=]|\p{Extended_Pictographic}|[.!?\n]+/gu
const WORDISH = /[\p{L}\p{N}@$]+/gu
const LEET_CHAR = /[\p{N}@$]/u
// numbers with a unit or ordinal are not leetspeak: 3rd, 5k, 45kg, 18u, 24e, 9pm
const NUMBER_UNIT = /^\p{N}+(?:st|nd|rd|th|e|de|ste|k|m|x|h|u|am|pm|kg|km|cm|g|lbs?|kcal|cal|min|hrs?|jr|s|ers)$/u
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' }

// Cyrillic and Greek letters that look like Latin ones; replaced only in words that also hold Latin
// letters, so real Russian or Greek text is left alone.
const LOOKALIKE: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ɡ: 'g', ԛ: 'q', ԝ: 'w',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  Α: 'A', Β: 'B', Ε: 'E', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X', Ζ: 'Z',
}
const LOOKALIKE_CHARS = new RegExp(`[${Object.keys(LOOKALIKE).join('')}]`, 'u')
const LATIN = /[a-zA-Z]/
const MIXED_WORD = /[\p{L}\p{M}]+/gu

function fixLookalikes(s: string): string {
  if (!LOOKALIKE_CHARS.test(s)) return s
  return s.replace(MIXED_WORD, (w) => {
    if (!LATIN.test(w)) return w
    let out = ''
    for (const ch of w) out += LOOKALIKE[ch] ?? ch
    return out
  })
}

/** th1nsp0 → thinspo, s3lf → self, su1c1dal → suicidal; leaves 2024, 45kg, 3rd, covid19, b4 alone. */
export function undoLeet(word: string): string {
  if (!/[\p{N}@$]/u.test(word)) return word
  let letters = 0
  for (const ch of word) if (/\p{L}/u.test(ch)) letters++
  if (letters < 2 || NUMBER_UNIT.test(word) || /\p{N}\p{N}/u.test(word)) return word
  const chars = [...word]
  let out = ''
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string
    // '@' and '$' only between letters (h@te, a$$ stays partly): "@handle" and "$14" are not leet
    if ((ch === '@' || ch === '$') && !(/\p{L}/u.test(chars[i - 1] ?? '') && /[\p{L}$]/u.test(chars[i + 1] ?? ''))) {
      out += ch
      continue
    }
    out += LEET[ch] ?? ch
  }
  return out
}

/** Lowercase, accents folded, Dutch clitics 't and 'k written out, apostrophes inside words dropped,
 *  leetspeak undone. */
function foldPart(s: string): string {
  let t = s.toLowerCase().replace(APOSTROPHES, "'")
  if (/[^\x00-\x7f]/.test(t)) t = t.normalize('NFD').replace(MARKS, '').normalize('NFC')
  if (t.includes("'")) t = t.replace(CLITIC, (_m, pre: string, c: string) => `${pre}${c === 't' ? 'het' : 'ik'}`)
  // self-censoring inside a word: "s*icide" → "sicide" (rules list such forms), "k!ll" → "kill"
  if (t.includes('*') || t.includes('!')) t = t.replace(CENSOR_STAR, '').replace(CENSOR_BANG, 'i')
  if (t.includes("'")) t = t.replace(INNER_APOSTROPHE, '')
  // undoLeet changes only words with a digit, '@' or '$'
  return LEET_CHAR.test(t) ? t.replace(WORDISH, undoLeet) : t
}

/**
 * Splits a hashtag body into words: camelCase and digit boundaries first ("BodyGoals" → body goals),
 * then for an all-lowercase tag the split into the fewest known words ("proana" → pro ana,
 * "edrecovery" → ed recovery). A tag that is itself a known word, or has no full split, stays whole.
 */
export function splitHashtag(tag: string, vocab: ReadonlySet<string>): string[] {
  const camel = tag
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/_+/g, ' ')
  const parts = foldPart(camel).split(/\s+/).filter(Boolean)
  const out: string[] = []
  for (const p of parts) out.push(...segment(p, vocab))
  return out
}

function segment(word: string, vocab: ReadonlySet<string>): string[] {
  if (word.length < 5 || vocab.has(word) || !/^\p{L}+$/u.test(word)) return [word]
  const n = word.length
  // best[i]: fewest words covering word[0, i); from[i]: where the last word starts
  const best = new Array<number>(n + 1).fill(Infinity)
  const from = new Array<number>(n + 1).fill(-1)
  best[0] = 0
  for (let i = 1; i <= n; i++) {
    for (let j = Math.max(0, i - 20); j < i; j++) {
      const b = best[j] as number
      if (b === Infinity || i - j < 2) continue
      if (vocab.has(word.slice(j, i)) && b + 1 < (best[i] as number)) {
        best[i] = b + 1
        from[i] = j
      }
    }
  }
  if (best[n] === Infinity) return [word]
  const words: string[] = []
  for (let i = n; i > 0; i = from[i] as number) words.unshift(word.slice(from[i] as number, i))
  return words
}

/** Collapses a letter repeated 3+ times to two: "sooooo" → "soo", "heeeelp" → "heelp". */
export function collapseRepeats(s: string): string {
  // most words are plain ASCII without a tripled letter: checked without a regex
  let ascii = true
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 128) {
      ascii = false
      break
    }
    if (i >= 2 && c === s.charCodeAt(i - 1) && c === s.charCodeAt(i - 2) && ((c >= 97 && c <= 122) || (c >= 65 && c <= 90))) return s.replace(ELONGATED, '$1$1')
  }
  return ascii ? s : s.replace(ELONGATED, '$1$1')
}

/** Every run of a repeated letter to one: "soo" → "so", "heelp" → "help" (for elongated words only). */
export function squash(s: string): string {
  return s.replace(DOUBLE, '$1')
}

interface Acc {
  tokens: string[]
  squashed: (string | undefined)[]
}

function pushBoundary(acc: Acc): void {
  if (acc.tokens.length > 0 && acc.tokens[acc.tokens.length - 1] !== BOUNDARY) {
    acc.tokens.push(BOUNDARY)
    acc.squashed.push(undefined)
  }
}

// Flemish and spoken-Dutch spellings of function words, written the standard way so one rule covers
// both: "als ge da ni wilt" → "als je dat niet wilt". Only whole tokens; none is an English word.
// Dutch chat and text-message abbreviations likewise ("k wil gwn dood", "wrm leef ik ng" → "gewoon",
// "waarom", "nog"): teenagers write them more often than the full words, and a rule's phrase then
// missed the post. Left out on purpose: 'k' (→ ik; "100 k" is an amount in the rules' regexes, and
// the first-person cues already know 'k'), 'u' and 'ur' (English chat for you/your, but Dutch 'u' and
// '8 u' = uur), 'mn'/'zn' (the rules spell both forms), 'bn' (billion), 'dr' (er/daar/doctor). Rule
// phrases go through the same tokeniser, so a rule written with either spelling matches both.
// (a Map: an object would also answer for "constructor")
const FLEMISH = new Map<string, string>(
  Object.entries({
    ni: 'niet', nie: 'niet', da: 'dat', wa: 'wat', ge: 'je', gij: 'jij', zijt: 'bent', nen: 'een', ne: 'een', ier: 'hier',
    // chat
    gwn: 'gewoon', gwoon: 'gewoon', egt: 'echt', wrm: 'waarom', ng: 'nog', wss: 'waarschijnlijk', wrs: 'waarschijnlijk',
    mss: 'misschien', nx: 'niks', tog: 'toch', idd: 'inderdaad', ff: 'even', hb: 'heb', zgn: 'zogenaamd', sws: 'sowieso',
    iem: 'iemand', nrml: 'normaal', dnk: 'denk', wnr: 'wanneer', vnv: 'vanavond',
  }),
)

function tokenise(folded: string, acc: Acc): void {
  // an exec loop rather than matchAll, which builds a copy of the regex and an iterator on every call
  // (TOKEN never matches the empty string, so lastIndex always moves on)
  TOKEN.lastIndex = 0
  for (let m = TOKEN.exec(folded); m !== null; m = TOKEN.exec(folded)) {
    const tok = FLEMISH.get(m[0]) ?? m[0]
    // only the sentence-end alternative of TOKEN starts with one of . ! ? newline
    const c0 = tok.charCodeAt(0)
    if (c0 === 46 || c0 === 33 || c0 === 63 || c0 === 10) {
      pushBoundary(acc)
      continue
    }
    const collapsed = collapseRepeats(tok)
    acc.tokens.push(collapsed)
    acc.squashed.push(collapsed !== tok ? squash(collapsed) : undefined)
  }
}

/** The pre-tokenising form of one piece of text: NFKC, lookalikes fixed, URLs removed. */
function clean(s: string): string {
  return fixLookalikes(s.normalize('NFKC')).replace(URL, ' ')
}

/**
 * Normalises a post (text, alt texts, tag facets) for rule matching.
 * @param vocab known words, used to split all-lowercase hashtags ("proana" → pro ana)
 */
export function normalise(input: NormaliseInput, vocab: ReadonlySet<string> = new Set()): NormalisedDoc {
  const acc: Acc = { tokens: [], squashed: [] }
  const tags = new Set<string>()
  const rawParts: string[] = []

  const addPart = (s: string) => {
    const cleaned = clean(s)
    const withTags = !cleaned.includes('#') ? cleaned : cleaned.replace(HASHTAG, (_m, pre: string, body: string) => {
      tags.add(foldPart(body).replace(/_/g, ''))
      return `${pre} ${splitHashtag(body, vocab).join(' ')} `
    })
    rawParts.push(cleaned.toLowerCase())
    tokenise(foldPart(withTags), acc)
  }

  addPart(input.text)
  const postTokens = acc.tokens.length
  for (const a of input.alt ?? []) {
    pushBoundary(acc)
    addPart(a)
  }
  for (const t of input.tags ?? []) {
    const body = clean(t).replace(/^#/, '')
    if (!body) continue
    const folded = foldPart(body).replace(/_/g, '')
    if (tags.has(folded)) continue
    tags.add(folded)
    pushBoundary(acc)
    tokenise(splitHashtag(body, vocab).join(' '), acc)
  }

  const starts: number[] = []
  let pos = 0
  for (const t of acc.tokens) {
    starts.push(pos)
    pos += t.length + 1
  }
  return {
    text: acc.tokens.join(' '),
    tokens: acc.tokens,
    squashed: acc.squashed,
    starts,
    postTokens,
    tags,
    raw: rawParts.join('\n'),
  }
}

/** A rule's phrase or a context word, folded the same way as post text (no hashtag splitting). */
export function normalisePhrase(phrase: string): string[] {
  const acc: Acc = { tokens: [], squashed: [] }
  tokenise(foldPart(clean(phrase)), acc)
  return acc.tokens.filter((t) => t !== BOUNDARY)
}
