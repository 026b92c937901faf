// A small offline language guesser: Dutch, English or something else. It scores function words
// (stopwords) and a few letter sequences that are typical of one language, adds a modest prior for
// the post's own `langs`, and picks the best. Posts' `langs` are often missing or wrong (an app
// default), so the text wins when it has a clear signal; with almost no text the stated language
// (or, lacking it, 'other') decides.

export type Lang = 'nl' | 'en' | 'other'

const words = (s: string): Set<string> => new Set(s.split(/\s+/).filter(Boolean))

// Words shared by Dutch and English (in, is, we, me, was, over, hand…) are in neither list.
const STOP: Record<string, Set<string>> = {
  nl: words(`
    de het een en van ik je jij jou u uw niet dat die wat er op te zijn met voor maar ook als dan nog wel naar
    bij om zo mijn mn m'n mij mezelf zich ze zij hij haar hun ons onze deze dit geen nu al meer weer echt gewoon
    vandaag morgen gisteren hoe waarom wie waar uit tot door tegen toch eens iets niets niks alles iedereen
    veel heel zou moet moeten wil wilt gaat ga gaan wordt worden word werd hebben heb heeft kan kun kunnen
    zal zullen jaar dag keer nooit altijd hier daar omdat terwijl zonder tussen na naast onder boven
    jullie wij mensen goed goeie leuk lekker beetje eindelijk weet denk vind zie zit sta ben bent kijk laat maak
    ni nie ge gij da ne amai allez seffens hé hè ff nee ja hoor zeg nou jongens meiden iemand niemand alleen
    nieuwe nieuw gezien gedaan gemaakt gekocht wordt waren werden kunnen mag mogen zelf zn z'n hem zo'n elke
    elk toen straks samen welke welk zoals alsof misschien eigenlijk gewoon sowieso trouwens tijdens sinds
  `),
  en: words(`
    the and to a an i you it that this for on with my your are be have has not but just so what if they them
    their all at from by about who do dont doesnt didnt im ive id ill its can will would should could get got
    like really because when how why there here more no yes one out up some been were he she our us than
    then only too very today tonight new every still after want make made know think time people going gonna
    wanna lol tbh idk fr which while where any anyone everyone nobody someone something nothing everything
    myself yourself again never always these those did does doing being cant wont isnt arent wasnt youre
    theyre thats whats theres lets said says much many other another first last back down off well
    way need feel find take give go look come see said his her him hers mine yours ours ready enough though
  `),
  de: words(`
    der die das und ist nicht ich du er sie wir ihr mit mich mir dich dir ein eine einen auf für wieder heute
    mal nur bitte dieses diese dieser hat haben den dem zu sich auch aber noch schon sehr wer wie was wo
    warum endlich neue neuen gelaufen essen tag ohne oder bei nach von vom zum zur im am ganz immer
  `),
  fr: words(`
    le la les de des du un une et est je tu il elle nous vous ils pas pour dans avec sur ce cette ces qui que
    au aux mon ma mes ton ta tes son sa ses tous tout toute bon demain encore aujourdhui hui ne plus mais
    ou suis es sont ai as avons fait très bien moi toi lui leur rien
  `),
  es: words(`
    el la los las que y de en un una es por con para mi mis su sus hoy me se no del al mas más pero este esta
    como sin gracias muy ya yo tu él ella nosotros son estoy estás está fue año todo todos nuevo nueva
    entre según sobre cuando porque también
  `),
}

// Short words that German, French or Spanish share with Dutch or English ("me", "no", "die", "de", "en",
// "je", "was", "hat"): they are no evidence for German, French or Spanish, so those lists drop them.
const SHARED = words('me no al was hat am im tag so son mal hand over is we in man')
for (const lang of ['de', 'fr', 'es'] as const) {
  for (const w of [...(STOP[lang] as Set<string>)]) {
    if (SHARED.has(w) || (STOP.nl as Set<string>).has(w) || (STOP.en as Set<string>).has(w)) (STOP[lang] as Set<string>).delete(w)
  }
}

// letter sequences that are frequent in one language and rare in the other
const NGRAMS: Record<string, string[]> = {
  nl: ['ij', 'oe', 'aa', 'uu', 'sch', 'cht', 'uw', 'eu', 'ui', 'gg', 'kk', 'oo', 'ee', 'ijk', 'tje', 'tjes', 'lijk'],
  en: ['th', 'wh', 'ing', 'ght', 'ly', 'ea', 'ou', 'tion', 'sh', 'ay', 'ey', 'ow'],
}
// letters that Dutch and English do not use: Polish, Turkish, Czech, Scandinavian, German ß…
const FOREIGN_LETTERS = /[ąćęłńśźżığşçñßøåæœčřšžůőű¿¡]/gu
const NON_LATIN = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Devanagari}]/gu
const WORD = /[\p{L}']+/gu

const STOP_LANGS = ['nl', 'en', 'de', 'fr', 'es'] as const

/** What one word (as the WORD pattern found it) adds to the scores; undefined: no word. */
interface WordScore {
  /** bit j: a stopword of STOP_LANGS[j] */
  stop: number
  /** a Flemish/Dutch clitic form ('k, kheb, kzit…) */
  clitic: boolean
  /** how many of the letter sequences of each language the word holds (each adds 0.15) */
  nlGrams: number
  enGrams: number
}

const wordScores = new Map<string, WordScore | null>()
const WORD_CACHE_MAX = 50_000
/** a word without a Latin letter: every stopword, clitic and letter sequence above has one */
const NO_SCORE: WordScore = { stop: 0, clitic: false, nlGrams: 0, enGrams: 0 }
const LATIN_LETTER = /[a-zA-Z]/
const NOT_APOSTROPHE = /[^']/

function wordScore(match: string): WordScore | undefined {
  // a word without a Latin letter (Japanese text is one long "word" per run of kana and kanji) adds
  // nothing: answered without the cache, which such words, nearly all different, would only fill
  if (!LATIN_LETTER.test(match)) return NOT_APOSTROPHE.test(match) ? NO_SCORE : undefined
  const hit = wordScores.get(match)
  if (hit !== undefined) return hit ?? undefined
  let out: WordScore | undefined
  const raw = match.replace(/^'+|'+$/g, '')
  if (raw) {
    const w = raw.replace(/'/g, '')
    let stop = 0
    STOP_LANGS.forEach((lang, j) => {
      if ((STOP[lang] as Set<string>).has(w) || (STOP[lang] as Set<string>).has(raw)) stop |= 1 << j
    })
    const clitic = /^k(heb|ben|zit|wil|ga|kan|weet|zie|denk|vind|voel|moet)$/.test(w) || raw === "'k" || raw === "'t"
    let nlGrams = 0
    let enGrams = 0
    if (w.length >= 3) {
      for (const g of NGRAMS.nl as string[]) if (w.includes(g)) nlGrams++
      for (const g of NGRAMS.en as string[]) if (w.includes(g)) enGrams++
    }
    out = { stop, clitic, nlGrams, enGrams }
  }
  if (wordScores.size >= WORD_CACHE_MAX) wordScores.clear()
  wordScores.set(match, out ?? null)
  return out
}

/** the keys of a LangGuess's scores, in order (a tie goes to the first) */
const SCORE_KEYS = ['nl', 'en', 'de', 'fr', 'es', 'xx'] as const

export interface LangGuess {
  lang: Lang
  /** 'text' when the text decided, 'stated' when the post's langs decided (too little text), 'guess'
   *  when there were words but no clear signal and no langs (letter sequences pick Dutch or English),
   *  'default' when there were no words at all */
  source: 'text' | 'stated' | 'guess' | 'default'
  scores: Record<string, number>
}

/** Maps a BCP-47 tag to what the classifier distinguishes: nl-BE → nl, en-GB → en, fr → other. */
export function mapLangTag(tag: string): Lang {
  const primary = tag.toLowerCase().split(/[-_]/)[0]
  if (primary === 'nl' || primary === 'vls' || primary === 'li') return 'nl'
  if (primary === 'en') return 'en'
  return 'other'
}

/**
 * Guesses the language of `text` (post text plus alt texts), using `stated` (the post's `langs`)
 * as a prior only.
 */
export function detectLang(text: string, stated: readonly string[] = []): LangGuess {
  const lower = text.toLowerCase().replace(/[’‘`´]/g, "'")
  // the sums in local variables (a record keyed by language name costs a property lookup per addition)
  let nl = 0
  let en = 0
  let de = 0
  let fr = 0
  let es = 0
  let wordCount = 0
  // an exec loop rather than matchAll, which builds a copy of the regex and an iterator on every call
  // (WORD never matches the empty string, so lastIndex always moves on)
  WORD.lastIndex = 0
  for (let m = WORD.exec(lower); m !== null; m = WORD.exec(lower)) {
    const ws = wordScore(m[0])
    if (ws === undefined) continue
    wordCount++
    // the same additions in the same order as scoring the word afresh (the sums are compared exactly)
    const stop = ws.stop
    if (stop !== 0) {
      // bit j: STOP_LANGS[j]
      if (stop & 1) nl += 1
      if (stop & 2) en += 1
      if (stop & 4) de += 1
      if (stop & 8) fr += 1
      if (stop & 16) es += 1
    }
    if (ws.clitic) nl += 1
    for (let k = 0; k < ws.nlGrams; k++) nl += 0.15
    for (let k = 0; k < ws.enGrams; k++) en += 0.15
  }
  // letters Dutch and English do not use are all outside ASCII
  const foreign = /[^\x00-\x7f]/.test(lower) ? (lower.match(FOREIGN_LETTERS)?.length ?? 0) + (lower.match(NON_LATIN)?.length ?? 0) / 2 : 0
  const scores: Record<string, number> = { nl, en, de, fr, es, xx: Math.min(foreign * 0.7, 6) }

  // the stated language is a prior worth about one function word
  const prior = stated[0]
  const key = prior === undefined ? undefined : priorKey(prior)
  if (key !== undefined) scores[key] = (scores[key] as number) + 1

  let best = 'xx'
  let bestScore = -1
  // the keys in the record's order, without building its entries
  for (const k of SCORE_KEYS) {
    const v = scores[k] as number
    if (v > bestScore) {
      best = k
      bestScore = v
    }
  }
  const textEvidence = bestScore - (key !== undefined && best === key ? 1 : 0)
  if (textEvidence < 1 || wordCount === 0) {
    // too little text to tell: trust the stated language, else 'other'
    if (prior !== undefined) return { lang: mapLangTag(prior), source: 'stated', scores }
    if (bestScore < 1) {
      // no words, or letters Dutch and English do not use: nothing to go on
      if (wordCount === 0 || (scores.xx as number) > 0) return { lang: 'other', source: 'default', scores }
      // a few words without function words ("cheat day 🍔", "ongedierte, allemaal", "kms"): not evidence of
      // another language; the letter sequences pick Dutch or English (a tie reads as English; Dutch and
      // English posts get both rule sets anyway)
      return { lang: (scores.nl as number) > (scores.en as number) ? 'nl' : 'en', source: 'guess', scores }
    }
  }
  const lang: Lang = best === 'nl' || best === 'en' ? best : 'other'
  return { lang, source: 'text', scores }
}

function priorKey(tag: string): string {
  const primary = tag.toLowerCase().split(/[-_]/)[0] ?? ''
  if (['nl', 'en', 'de', 'fr', 'es'].includes(primary)) return primary
  const m = mapLangTag(tag)
  return m === 'other' ? 'xx' : m
}
