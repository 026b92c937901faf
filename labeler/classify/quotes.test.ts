// Quotations attributed to someone else (quotes.ts): a post that reports diet talk in order to reject it
// ("my mum says 'earn your dinner'") does not get diet-culture for the quoted words; scare quotes for
// one's own eating, the writer's own words ("i said …") and the same phrase unquoted still do.
import { describe, expect, test } from 'vitest'
import { Classifier } from './index.ts'
import { attributedQuotes, withoutQuotes } from './quotes.ts'

const SOURCES = new Set(['say', 'says', 'called', 'menu', 'zeg', 'zegt', 'noemt', 'mum', 'tante'])
const FIRST = new Set(['i', 'ik'])
const quoted = (text: string) => attributedQuotes(text, SOURCES, FIRST).map((q) => text.slice(q.start, q.end))

describe('attributedQuotes', () => {
  test('a quotation after a source word, in straight, curly and Dutch low quotes', () => {
    expect(quoted("the bakery menu called them 'sinful' brownies")).toEqual(["'sinful'"])
    expect(quoted('my mum says “earn your dinner” every time')).toEqual(['“earn your dinner”'])
    expect(quoted('mijn tante zegt altijd ‘een moment op de lippen’. zucht')).toEqual(['‘een moment op de lippen’'])
    expect(quoted('mijn tante zegt „eerst verdienen” en lacht')).toEqual(['„eerst verdienen”'])
    expect(quoted("the menu called the salad 'clean' and the fries 'naughty'")).toEqual(["'clean'", "'naughty'"])
  })

  test('not: scare quotes with no source, the writer\'s own words, a source too far before', () => {
    expect(quoted("went to the party and 'behaved', one slice")).toEqual([])
    expect(quoted("i say 'no carbs after six' to myself")).toEqual([])
    expect(quoted("ik zeg het al jaren: 'eerst verdienen'")).toEqual([])
    expect(quoted("my mum was at the shop all morning and then came home and 'behaved' at dinner")).toEqual([])
  })

  test('not: apostrophes in words and Dutch clitics', () => {
    expect(quoted("my mum says i don't need dessert, 's avonds at ze niks")).toEqual([])
    expect(quoted("tante zegt 't is zo, en 'k geloof haar")).toEqual([])
  })

  test('withoutQuotes blanks exactly the quotations', () => {
    const text = "mum says 'earn it' and 'be good' daily"
    expect(withoutQuotes(text, attributedQuotes(text, SOURCES, FIRST))).toBe('mum says   and   daily')
    expect(withoutQuotes('no quotes here', [])).toBe('no quotes here')
  })
})

describe('the classifier: diet-culture carried only by quoted words is not given', () => {
  const c = Classifier.load()
  const dc = (text: string) => c.classify({ text, langs: [] })
  const has = (text: string) => dc(text).labels.some((d) => d.val === 'diet-culture')

  test.each([
    ['en', 'every time i run my mum says “earn your dinner” and i laugh', '“earn your dinner” — ran 10k this morning so pizza tonight is deserved'],
    ['en', "the brownies were called 'sinful' on the menu lol", 'sinful brownies tonight, back on track tomorrow'],
    ['nl', "mijn oma zegt bij elk koekje 'eerst verdienen, meisje' en ik word er zo moe van", 'eerst verdienen, dan pas een koekje'],
  ])('%s: reported, not labelled ("quoted" among the reasons); meant, labelled', (_lang, reported, meant) => {
    const r = dc(reported)
    expect(r.labels.some((d) => d.val === 'diet-culture'), reported).toBe(false)
    expect(r.suppressed.find((d) => d.val === 'diet-culture')?.reasons, reported).toContain('quoted')
    expect(has(meant), meant).toBe(true)
  })

  test("the writer's own quoted words and scare quotes for one's own eating keep the label", () => {
    expect(has('i said “earn your dinner” to myself and ran 10k before pizza')).toBe(true)
    expect(has("went to the party and 'behaved', one tiny slice and no chips")).toBe(true)
  })
})
