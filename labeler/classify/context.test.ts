// The context modifiers: negation, recovery, news, critique, help, idioms, jokes, first person.
import { describe, expect, test } from 'vitest'
import { Classifier, type Classification, type LabelValue } from './index.ts'

const classifier = Classifier.load()
const classify = (text: string, langs?: string[]) => classifier.classify({ text, ...(langs ? { langs } : {}) })
const labels = (r: Classification) => r.labels.map((l) => l.val)
/** the reasons for a label, whether it was given or suppressed */
const reasonsFor = (r: Classification, val: LabelValue) =>
  [...r.labels, ...r.suppressed].find((d) => d.val === val)?.reasons ?? []

describe('negation', () => {
  test('a negator right before a match cancels it', () => {
    const neg = classify("I'm not suicidal, just really tired after this week", ['en'])
    expect(labels(neg)).not.toContain('self-harm')
    expect(reasonsFor(neg, 'self-harm')).toContain('negation:sh.en.suicidal')
    expect(labels(classify('suicidal again and idk who to talk to', ['en']))).toContain('self-harm')
  })

  test('Dutch negators', () => {
    const r = classify('je hoeft je eten niet te verdienen, en je hoeft geen summer body te hebben', ['nl'])
    expect(labels(r)).not.toContain('diet-culture')
    expect(reasonsFor(r, 'diet-culture').some((x) => x.startsWith('negation:'))).toBe(true)
  })

  test('rules that carry their own negation are not cancelled ("geen cheat days" is still diet culture)', () => {
    expect(labels(classify('glow up 🥹 -15 kilo, geen cheat days, no excuses', ['nl']))).toContain('diet-culture')
  })

  test('a negator in another sentence does not count', () => {
    expect(labels(classify('Nee. Suicidal again tonight and I can not sleep', ['en']))).toContain('self-harm')
  })
})

describe('negation scope for pro-ed (issue 3, eighth pass)', () => {
  test('a negator that is what is (not) eaten does not negate the restriction', () => {
    expect(labels(classify('ik eet al drie dagen niks meer, voel me licht', ['nl']))).toContain('pro-ed')
    expect(labels(classify('i ate nothing today and i feel so light', ['en']))).toContain('pro-ed')
  })

  test('"youll never be thin" said to the reader is a threat, not a denial', () => {
    const r = classify('youll never be thin if you keep giving in to hunger', ['en'])
    expect(labels(r)).toContain('pro-ed')
    expect(reasonsFor(r, 'pro-ed')).toContain('proed.en.thin-goal')
    expect(reasonsFor(r, 'pro-ed')).not.toContain('negation:proed.en.thin-goal')
  })

  test('a negator before giving in forbids giving in ("niet aan je honger toegeven")', () => {
    expect(labels(classify('niet aan je honger toegeven, zo word je dun', ['nl']))).toContain('pro-ed')
  })

  test('real negations still veto', () => {
    expect(labels(classify('ik wil niet meer mager zijn', ['nl']))).not.toContain('pro-ed')
    expect(labels(classify('ik wil nooit meer dun zijn', ['nl']))).not.toContain('pro-ed')
    const en = classify('i dont want to be thin anymore', ['en'])
    expect(labels(en)).not.toContain('pro-ed')
    expect(reasonsFor(en, 'pro-ed')).toContain('negation:proed.en.thin-goal')
    const first = classify('i will never be thin again and im fine with that', ['en'])
    expect(labels(first)).not.toContain('pro-ed')
    expect(reasonsFor(first, 'pro-ed')).toContain('negation:proed.en.thin-goal')
  })

  test('other labels keep the plain negation window', () => {
    expect(labels(classify("I'm not suicidal, just really tired after this week", ['en']))).not.toContain('self-harm')
  })
})

describe('recovery and support', () => {
  test('recovery talk vetoes pro-ed and diet-culture words', () => {
    const r = classify('2 jaar in herstel van anorexia 💚 vroeger was het niet eten tot het avond was, nu eet ik gewoon #edrecovery', ['nl'])
    expect(labels(r)).toEqual([])
  })

  test('recovery lowers the score and says so', () => {
    const r = classify('my ED voice said skip lunch and stop eating today. ignored it, small wins 🌱', ['en'])
    expect(labels(r)).toEqual([])
    expect(reasonsFor(r, 'pro-ed')).toContain('recovery')
  })

  test('"no recovery" is not recovery', () => {
    const r = classify('no recovery for me, thinspo only #proana', ['en'])
    expect(labels(r)).toContain('pro-ed')
    expect(reasonsFor(r, 'pro-ed')).not.toContain('recovery')
  })
})

describe('news and research framing', () => {
  test('headlines and studies about a harm are not labelled', () => {
    const nl = classify('Onderzoek: #skinnytok schaadt meisjes', ['nl'])
    expect(labels(nl)).toEqual([])
    expect(reasonsFor(nl, 'pro-ed')).toContain('news')
    expect(labels(classify('New study links thinspiration to ED risk', ['en']))).toEqual([])
    expect(labels(classify('Volgens het RIVM hebben steeds meer jongeren zelfmoordgedachten', ['nl']))).toEqual([])
  })

  test('"volgens mij" is an opinion, not a source', () => {
    expect(labels(classify('volgens mij wil ik gewoon dood', ['nl']))).toContain('self-harm')
  })
})

describe('critique of harmful content', () => {
  test('asking to report thinspo is not pro-ed', () => {
    const r = classify('why is #thinspo still searchable in 2025? report it when you see it', ['en'])
    expect(labels(r)).toEqual([])
    expect(reasonsFor(r, 'pro-ed')).toContain('critique')
  })
})

describe('help resources', () => {
  test('a help line post is not labelled', () => {
    const r = classify('Loop je rond met gedachten aan zelfdoding? Praat erover. Bel 113 of gratis 0800-0113', ['nl'])
    expect(labels(r)).toEqual([])
    expect(reasonsFor(r, 'self-harm')).toContain('help')
  })

  test('…unless it also describes self-harm in the first person', () => {
    const r = classify('I have been suicidal for weeks and finally called 113 today', ['en'])
    expect(labels(r)).toContain('self-harm')
    expect(reasonsFor(r, 'self-harm')).not.toContain('help')
  })
})

describe('figurative idioms', () => {
  test.each([
    ['ik ga dood van het lachen 😂', 'nl', 'self-harm', 'idiom:ik ga dood van het lachen'],
    ['hahaha ik kan niet meer, ik lig dubbel', 'nl', 'self-harm', 'idiom:ik ga dood van het lachen'],
    ['this meeting is killing me', 'en', 'self-harm', 'idiom:killing me'],
    ["i'm dying of laughter at this video", 'en', 'self-harm', 'idiom:dying of laughter'],
    ['I could die of embarrassment', 'en', 'self-harm', 'idiom:I could die of embarrassment'],
    ['starving lol, pizza time', 'en', 'pro-ed', 'idiom:starving, pizza time'],
    ["Stalin's purge of the generals in 1937", 'en', 'pro-ed', 'idiom:purge (history, tidying, games)'],
    ['hij is een dikke vriend van me', 'nl', 'diet-culture', 'idiom:dikke vriend'],
    ['Vakantie! Dik verdiend', 'nl', 'diet-culture', 'idiom:dik verdiend'],
    ['ik sterf van de honger, wie gaat er mee frietjes halen', 'nl', 'self-harm', 'idiom:ik sterf van de honger'],
  ])('%s', (text, lang, val, reason) => {
    const r = classify(text, [lang])
    expect(labels(r)).toEqual([])
    expect(reasonsFor(r, val as LabelValue)).toContain(reason)
  })

  test('"de lijn 12 rijdt niet" is a bus', () => {
    const r = classify('de lijn 12 rijdt niet, dus ik moet aan de lijn van de fiets', ['nl'])
    expect(labels(r)).toEqual([])
  })

  test('literal pests are not dehumanising', () => {
    const r = classify('mijn hond heeft parasieten, iemand tips?', ['nl'])
    expect(labels(r)).toEqual([])
    expect(reasonsFor(r, 'outrage-bait')).toContain('idiom:letterlijk ongedierte')
  })
})

describe('jokes', () => {
  test('/j lowers the score below the threshold', () => {
    const r = classify('kms /j this exam is evil', ['en'])
    expect(labels(r)).toEqual([])
    expect(reasonsFor(r, 'self-harm')).toContain('joke')
    expect(labels(classify('kms. this exam is evil', ['en']))).toContain('self-harm')
  })

  test('"not joking" is not a joke', () => {
    expect(labels(classify('kms fr, not kidding this time', ['en']))).toContain('self-harm')
  })
})

describe('first person', () => {
  test('first-person speech raises self-harm and is listed as a reason', () => {
    const me = classify('als ik er niet meer ben mag iedereen mijn platen hebben', ['nl'])
    expect(labels(me)).toContain('self-harm')
    expect(me.labels.find((l) => l.val === 'self-harm')?.reasons).toContain('first-person')
    const other = classify('als hij er niet meer is, wie zorgt dan voor de kat?', ['nl'])
    expect(labels(other)).toEqual([])
  })
})
