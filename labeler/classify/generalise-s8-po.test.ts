// Issue 3, eighth pass (pro-ed, outrage-bait): concept families instead of phrases. Each new cue family gets
// a post it should label, with the cue id that must be among the reasons (the family counted in a combo), and
// a near miss that it must leave alone; the new context markers get a post they keep clean. All posts here
// are written for this test, not taken from any data set (and not from fixtures/s8-po-dev.jsonl or the
// held-out fixtures).
import { has, positivesAndNearMisses, reasons, type Case } from './generalise-cases.ts'
import { describe, expect, test } from 'vitest'

const cases: Case[] = [
  // --- pro-ed -----------------------------------------------------------------------------------------
  ['pe.cue.en.limit', 'pro-ed', 'en', 'kept it to 200 max today, skipped lunch again', 'max 2 beers today, its a school night'],
  ['pe.cue.nl.limit', 'pro-ed', 'nl', 'maar 250 vandaag en ontbijt overgeslagen', 'maar 250 meter gefietst vandaag, band lek'],
  ['pe.cue.en.guilt', 'pro-ed', 'en', 'am i allowed to eat after that? way too much yesterday', 'way too much homework yesterday, am i allowed to sleep in'],
  ['pe.cue.nl.guilt', 'pro-ed', 'nl', 'mag ik vanavond nog iets? gisteren was al veel te veel', 'veel te veel regen gisteren, de tuin staat blank'],
  ['pe.cue.en.earn', 'pro-ed', 'en', 'you only deserve to eat when its 200 max today', 'the dog only deserves a treat after the walk'],
  ['pe.cue.nl.compensate', 'pro-ed', 'nl', 'vanavond niks eten en morgen dubbel afsporten', 'morgen dubbel sporten want vandaag geen tijd'],
  ['pe.cue.en.compensate', 'pro-ed', 'en', 'ate a bagel so now no food till friday and i have to burn it off', 'ate a bagel and went for a long walk in the sun'],
  ['pe.cue.en.suppress', 'pro-ed', 'en', 'chew gum when you want to eat, it kills the hunger pangs', 'chew gum on the plane so your ears pop'],
  ['pe.cue.nl.suppress', 'pro-ed', 'nl', 'tanden poetsen als je trek krijgt, werkt altijd', 'tanden poetsen na het avondeten, zegt de tandarts'],
  ['pe.cue.en.purge', 'pro-ed', 'en', 'took my laxies after dinner, nobody knows', 'ran to the bathroom after the movie, too much soda'],
  ['pe.cue.nl.purge', 'pro-ed', 'nl', '3 laxeerpillen genomen, niemand heeft het door', 'laxeerthee stond in de aanbieding bij de drogist'],
  ['pe.cue.en.together', 'pro-ed', 'en', 'no food till monday, post ur number every night', 'post ur number of steps every night in the group'],
  ['pe.cue.nl.together', 'pro-ed', 'nl', 'drie dagen niks eten, doet er iemand mee? we houden elkaar scherp', 'drie dagen kamperen, doet er iemand mee?'],
  ['pe.cue.en.pride', 'pro-ed', 'en', 'skipped breakfast and lunch, feels so clean', 'deep cleaned the kitchen, feels so clean'],
  ['pe.cue.nl.pride', 'pro-ed', 'nl', 'vandaag alleen water en thee gehad, voelt als winnen', 'de hele dag gelopen in de bergen, voelt als vakantie'],
  ['pe.cue.nl.pride-count', 'pro-ed', 'nl', 'alleen thee vandaag, morgen weer', 'alleen thee vandaag, ik ben verkouden. morgen weer naar school'],
  ['pe.cue.en.show', 'pro-ed', 'en', 'thigh gap is back 🦋', 'the sun is back, picnic time'],
  ['pe.cue.en.hide-more', 'pro-ed', 'en', 'poured my soup back when mum wasnt looking lol, 2 days down', 'poured the wine when mum wasnt looking lol, happy birthday to her'],
  ['pe.cue.nl.hide-more', 'pro-ed', 'nl', 'mijn broodtrommel ging weer ongeopend mee terug, niemand die het merkt', 'de lekkage in de badkamer, niemand die het merkt'],
  ['pe.cue.en.fast-more', 'pro-ed', 'en', 'slid my dinner to the dog again, nobody noticed', 'slid my dinner plate across the table to my brother'],
  ['pe.cue.en.hunger', 'pro-ed', 'en', 'went to bed hungry again, i won', 'went to bed early again, big match tomorrow'],
  ['pe.cue.nl.hunger', 'pro-ed', 'nl', 'mijn maag knort en ik pak toch niks, voelt als winnen', 'mijn maag knort, tijd voor een boterham'],
  ['pe.cue.nl.fast-more', 'pro-ed', 'nl', 'ik eet al vier dagen niks meer en ik voel me licht', 'ik heb al vier dagen niks meer van hem gehoord'],
  ['pe.cue.nl.thin-more', 'pro-ed', 'nl', 'laxeerpillen genomen, morgen weer plat', 'morgen weer plat op de bank na de verhuizing'],
  ['pe.cue.en.rule-word', 'pro-ed', 'en', 'new rule: 200 max today', 'rule: no phones at the dinner table'],
  // --- outrage-bait -------------------------------------------------------------------------------------
  ['ob.cue.en.act', 'outrage-bait', 'en', 'theyre stealing your future. rise up before its too late', 'rise up early tomorrow for the sunrise hike'],
  ['ob.cue.nl.act', 'outrage-bait', 'nl', 'ze pakken je spaargeld af. sta op nederland', 'sta op tegen pesten, paarse vrijdag op school'],
  ['ob.cue.en.take', 'outrage-bait', 'en', 'they get free hotels and we pay for it', 'they get free snacks at the cinema on tuesdays'],
  ['ob.cue.nl.take', 'outrage-bait', 'nl', 'zij krijgen alles gratis en wij betalen', 'zij krijgen de prijs, wij de beker voor de tweede plaats'],
  ['ob.cue.en.moral', 'outrage-bait', 'en', 'every normal person should be furious about this', 'every normal person needs eight hours of sleep'],
  ['ob.cue.nl.moral', 'outrage-bait', 'nl', 'elke normale nederlander is hier woedend over', 'elke normale nederlander fietst naar zijn werk'],
  ['ob.cue.en.share-more', 'outrage-bait', 'en', 'the elites are robbing you. everyone needs to see this', 'everyone needs to see this sunset, wow'],
  ['ob.cue.nl.share-more', 'outrage-bait', 'nl', 'wij betalen, zij vangen. iedereen moet dit zien', 'de nieuwe film van pixar, iedereen moet dit zien'],
  ['ob.cue.en.suppressed-more', 'outrage-bait', 'en', 'media silence on this. share before its gone', 'media silence on the transfer, fans are nervous'],
  ['ob.cue.nl.suppressed-more', 'outrage-bait', 'nl', 'de waarheid mag je niet horen. zij krijgen alles', 'mijn zus verzwijgt altijd wat ze voor mijn verjaardag koopt'],
  ['ob.cue.en.grievance-more', 'outrage-bait', 'en', 'our pensioners freeze while they get hotels', 'our pensioners club meets on thursdays'],
  ['ob.cue.nl.grievance-more', 'outrage-bait', 'nl', 'de gewone man betaalt en de bobos vreten', 'de gewone man in de straat vindt de nieuwe bibliotheek mooi'],
  ['ob.cue.en.complicit-more', 'outrage-bait', 'en', 'if youre not angry about this, youre part of the problem', 'in group projects im usually part of the problem lol'],
  ['ob.cue.nl.complicit-more', 'outrage-bait', 'nl', 'de elite liegt. als je dit normaal vindt ben je deel van het probleem', 'de printer is deel van het probleem, zegt de ict'],
  ['ob.cue.en.dehuman-more', 'outrage-bait', 'en', 'theyre not even people anymore. share this', 'these cats are not even people shy, they love visitors'],
  ['ob.cue.nl.rage-more', 'outrage-bait', 'nl', 'ze nemen je pensioen af. zie je het nou', 'de zon komt door, zie je het nou'],
]

positivesAndNearMisses('eighth pass: pro-ed and outrage-bait concept families (positive, near miss)', cases)

describe('eighth pass: context markers', () => {
  test('Ramadan and medical fasting are not restriction', () => {
    expect(has('ramadan day 12: fasting all day at work, iftar with family makes it worth it', 'en', 'pro-ed')).toBe(false)
    expect(has('nuchter blijven voor de operatie morgen, niks eten na middernacht, trots op mezelf', 'nl', 'pro-ed')).toBe(false)
    expect(has('3 dagen niks gegeten en ik voel me eindelijk licht', 'nl', 'pro-ed')).toBe(true)
  })
  test('looking back from recovery is recovery', () => {
    expect(has('vroeger telde ik elke kcal en at ik niks na 6 uur, nu durf ik weer uit eten', 'nl', 'pro-ed')).toBe(false)
  })
  test('quoting dehumanising words to condemn them is critique', () => {
    expect(has('people calling refugees vermin in the replies is disgusting. they are human beings', 'en', 'outrage-bait')).toBe(false)
    expect(reasons('vermin, all of them. share this everywhere', 'en', 'outrage-bait').length).toBeGreaterThan(0)
  })
  test('a fact check is not the claim it corrects', () => {
    expect(has('factcheck: nee, statushouders krijgen niet zomaar voorrang op een huis', 'nl', 'outrage-bait')).toBe(false)
  })
  test('a wake-up call is a warning', () => {
    expect(has('wake up call for the club, time to act before its too late in the league', 'en', 'outrage-bait')).toBe(false)
  })
})
