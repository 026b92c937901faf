// Quotation attributed to someone else: "the bakery ad called its brownies 'sinful'", "mijn tante zegt
// altijd 'ik mag dit eigenlijk niet'". A post that reports diet talk in order to reject it quotes the
// phrase and names who said it; a post that means it uses scare quotes for its own eating ("went to a
// birthday and 'behaved'") and names no one. The classifier reads a post again without the attributed
// quotations (index.ts) and drops a label of QUOTED_LABELS that only the quoted words carried.

import type { LabelValue } from './rules.ts'

/** The labels a quotation attributed to someone else does not carry (rules README, "Twelfth pass":
 *  measured for diet-culture; reported self-harm speech is handled by its rules). */
export const QUOTED_LABELS: readonly LabelValue[] = ['diet-culture']

// an opening quote after a space, bracket or punctuation (or at the start), the quoted words (at most 80
// characters, no line break, no other quote mark), a closing quote before a space, punctuation or the
// end. Dutch clitics ('s avonds, 't, 'k, 'n) and English contractions are not openings.
const QUOTE = /(^|[\s([{:;,.!?¿¡—–-])(['"‘’“”«„‚])(?!(?:s|t|k|n|m|r|ns|ie)\s)([^'"‘’“”«»„\n]{1,80}?)(['"‘’“”»])(?=$|[\s)\]}.,!?:;…—–-])/gu
/** how far before a quotation its source may be named, in words */
const SOURCE_WINDOW = 6

/** The character ranges [start, end) of the quotations in `text` whose source, a word in `sources`
 *  within SOURCE_WINDOW words before the opening quote, is someone else: not a `firstPerson` word
 *  right before it ("i said 'no more carbs'" is the writer's own). A quotation within SOURCE_WINDOW
 *  words after an attributed one is attributed too. */
export function attributedQuotes(text: string, sources: ReadonlySet<string>, firstPerson: ReadonlySet<string>): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = []
  const words = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '')
  for (const m of text.matchAll(QUOTE)) {
    const start = (m.index as number) + (m[1] as string).length
    const end = start + (m[0].length - (m[1] as string).length)
    // a quotation soon after an attributed one has the same source ("called the salad 'clean' and the
    // fries 'naughty'")
    const last = out.at(-1)
    if (last !== undefined && words(text.slice(last.end, start)).length <= SOURCE_WINDOW) {
      out.push({ start, end })
      continue
    }
    const before = words(text.slice(0, start)).slice(-SOURCE_WINDOW)
    const i = before.findLastIndex((w) => sources.has(w))
    if (i === -1) continue
    if (i > 0 && firstPerson.has(before[i - 1] as string)) continue
    out.push({ start, end })
  }
  return out
}

/** `text` with the attributed quotations replaced by a space. */
export function withoutQuotes(text: string, quotes: readonly { start: number; end: number }[]): string {
  let out = ''
  let at = 0
  for (const q of quotes) {
    out += `${text.slice(at, q.start)} `
    at = q.end
  }
  return out + text.slice(at)
}
