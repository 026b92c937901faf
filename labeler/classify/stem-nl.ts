// The Snowball Dutch stemmer (Porter/Kraaij-Pohlmann style), written out from the published algorithm:
// https://snowballstem.org/algorithms/dutch/stemmer.html. Input is one lowercase word with accents
// already folded (normalize.ts does that). "sleutelbeenderen" → "sleutelbeender", "gedachten" →
// "gedacht", "afvallen" → "afval", "lichamelijk" → "licham".

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y', 'è'])
const isVowel = (c: string | undefined): boolean => c !== undefined && VOWELS.has(c)

// Y and I in upper case are consonants in this algorithm (initial y, y after a vowel, i between vowels)
function markConsonants(w: string): string {
  const c = [...w]
  if (c[0] === 'y') c[0] = 'Y'
  for (let i = 1; i < c.length; i++) {
    if (c[i] === 'y' && isVowel(c[i - 1])) c[i] = 'Y'
    else if (c[i] === 'i' && isVowel(c[i - 1]) && isVowel(c[i + 1])) c[i] = 'I'
  }
  return c.join('')
}

/** Start of the region after the first non-vowel that follows a vowel, from `from`. */
function regionAfter(w: string, from: number): number {
  for (let i = from + 1; i < w.length; i++) {
    if (!isVowel(w[i]) && isVowel(w[i - 1])) return i + 1
  }
  return w.length
}

const undoubleEnding = (w: string): string => (/(kk|dd|tt)$/.test(w) ? w.slice(0, -1) : w)
const validSEnding = (c: string | undefined): boolean => c !== undefined && !isVowel(c) && c !== 'j'

/** 'en'/'ene' deletion of step 1(b) and step 3a; returns the word unchanged when not allowed. */
function deleteEn(w: string, suffixLen: number, r1: number): string {
  const base = w.slice(0, -suffixLen)
  if (w.length - suffixLen < r1) return w
  const prev = base[base.length - 1]
  if (prev === undefined || isVowel(prev) || base.endsWith('gem')) return w
  return undoubleEnding(base)
}

const cache = new Map<string, string>()
const CACHE_MAX = 50_000

/** Stems one Dutch word. */
export function stemNl(word: string): string {
  const hit = cache.get(word)
  if (hit !== undefined) return hit
  const out = stem(word)
  if (cache.size >= CACHE_MAX) cache.clear()
  cache.set(word, out)
  return out
}

function stem(word: string): string {
  if (word.length < 3 || !/^\p{L}+$/u.test(word)) return word
  let w = markConsonants(word)
  const r1raw = regionAfter(w, 0)
  const r1 = Math.max(3, r1raw)
  const r2 = regionAfter(w, r1raw)
  const inR1 = (len: number) => w.length - len >= r1
  const inR2 = (len: number) => w.length - len >= r2

  // step 1
  if (w.endsWith('heden')) {
    if (inR1(5)) w = `${w.slice(0, -5)}heid`
  } else if (w.endsWith('ene')) {
    w = deleteEn(w, 3, r1)
  } else if (w.endsWith('en')) {
    w = deleteEn(w, 2, r1)
  } else if (w.endsWith('se')) {
    if (inR1(2) && validSEnding(w[w.length - 3])) w = w.slice(0, -2)
  } else if (w.endsWith('s')) {
    if (inR1(1) && validSEnding(w[w.length - 2])) w = w.slice(0, -1)
  }

  // step 2
  let eRemoved = false
  if (w.endsWith('e') && inR1(1) && !isVowel(w[w.length - 2])) {
    w = undoubleEnding(w.slice(0, -1))
    eRemoved = true
  }

  // step 3a
  if (w.endsWith('heid') && inR2(4) && w[w.length - 5] !== 'c') {
    w = w.slice(0, -4)
    if (w.endsWith('en')) w = deleteEn(w, 2, r1)
  }

  // step 3b
  if (w.endsWith('end') || w.endsWith('ing')) {
    if (inR2(3)) {
      w = w.slice(0, -3)
      if (w.endsWith('ig') && inR2(2) && w[w.length - 3] !== 'e') w = w.slice(0, -2)
      else w = undoubleEnding(w)
    }
  } else if (w.endsWith('ig')) {
    if (inR2(2) && w[w.length - 3] !== 'e') w = w.slice(0, -2)
  } else if (w.endsWith('lijk')) {
    if (inR2(4)) {
      w = w.slice(0, -4)
      if (w.endsWith('e') && inR1(1) && !isVowel(w[w.length - 2])) w = undoubleEnding(w.slice(0, -1))
    }
  } else if (w.endsWith('baar')) {
    if (inR2(4)) w = w.slice(0, -4)
  } else if (w.endsWith('bar')) {
    if (inR2(3) && eRemoved) w = w.slice(0, -3)
  }

  // step 4: undouble a vowel in a final CVVD (maan → man), D not I
  const n = w.length
  if (n >= 4) {
    const c = w[n - 4] as string
    const v1 = w[n - 3] as string
    const v2 = w[n - 2] as string
    const d = w[n - 1] as string
    if (!isVowel(c) && v1 === v2 && 'aeou'.includes(v1) && !isVowel(d) && d !== 'I') {
      w = w.slice(0, -2) + d
    }
  }
  return w.replace(/Y/g, 'y').replace(/I/g, 'i')
}
