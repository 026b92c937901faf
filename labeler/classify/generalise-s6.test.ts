// Issue 3, sixth pass: rule families for the three labels still short of recall (self-harm, outrage-bait,
// pro-ed). Each new rule gets a post it should label, with the id that must be among the reasons, and a
// near miss that it must leave alone. All posts here are written for this test, not taken from any data
// set (and not from fixtures/s6-dev.jsonl or the held-out fixtures/heldout-s6-blind.jsonl).
import { describe, expect, test } from 'vitest'
import { has, positivesAndNearMisses, type Case } from './generalise-cases.ts'

const cases: Case[] = [
  // --- self-harm: burden, method cues, plans hidden or announced, Dutch 'er niet meer zijn' ----------
  ['sh.en.world-lighter', 'self-harm', 'en', 'the world would be quieter if i wasnt in it', 'my family would be happier if i just cooked more often'],
  ['sh.en.height-check', 'self-harm', 'en', 'googled how high the bridge over the river is again', 'googled how high the bridge is for the truck route'],
  ['sh.en.carved-skin', 'self-harm', 'en', 'carved into my forearm last night and i feel nothing', 'carved into the wood my initials, summer camp vibes'],
  ['sh.en.hid-plan', 'self-harm', 'en', 'lied to my counselor about being safe again', 'lied to my counselor about doing my homework lol'],
  ['sh.en.method-question', 'self-harm', 'en', 'how long does it take to die from an overdose', 'how long does it take to die from boredom in this meeting'],
  ['sh.en.tonight-goodbye', 'self-harm', 'en', 'today is the day. goodbye everyone', 'today is the day! moving house, goodbye old flat'],
  ['sh.en.note-written', 'self-harm', 'en', 'finished my letter. now to pick the date', 'finished my letter to santa, the kids are thrilled'],
  ['sh.en.means-thoughts', 'self-harm', 'en', 'cant stop thinking about the razors in my drawer', 'cant stop thinking about the pasta from last night'],
  ['sh.en.told-kys', 'self-harm', 'en', 'they said kys and honestly maybe i should', 'they said kys as a joke and i reported them'],
  ['sh.nl.pillen-sparen', 'self-harm', 'nl', 'ik verzamel mijn oxazepam al weken', 'ik heb al mn centjes opgespaard voor een reis'],
  ['sh.nl.spoor-stap', 'self-harm', 'nl', 'sta vaak op het perron en denk hoe makkelijk het zou zijn', 'sta vaak op het perron en denk: waar blijft die trein'],
  ['sh.nl.hoeft-allemaal-niet', 'self-harm', 'nl', 'het leven hoeft van mij niet meer', 'nog een toetje? hoeft van mij niet, ik zit vol'],
  ['sh.nl.hier-niet-meer-zijn', 'self-harm', 'nl', 'ik wou hier gewoon niet meer zijn', 'ik wil er echt even niet zijn, vakantie'],
  ['sh.nl.vanavond-afscheid', 'self-harm', 'nl', 'vannacht is het zover. vaarwel lieve mensen', 'vannacht is het zover: de nieuwe iphone komt uit'],
  ['sh.nl.methode-vraag', 'self-harm', 'nl', 'hoe lang duurt het voordat je verdrinkt', 'hoe lang duurt het voordat de pasta gaar is'],
  // --- outrage-bait: replacement, traitors remembered, demanded anger, desecration, threats -----------
  ['outrage.en.replace-us', 'outrage-bait', 'en', 'the elites are trying to replace us and nobody says a word', 'they are trying to replace us with ai at the office, sigh'],
  ['outrage.en.remember-faces', 'outrage-bait', 'en', 'never forget their names. they sold you out', 'never forget their names: the nurses who worked through covid'],
  ['outrage.en.not-angry-problem', 'outrage-bait', 'en', 'if that doesnt make you sick idk what will', 'if that doesnt make you smile idk what will'],
  ['outrage.en.desecration', 'outrage-bait', 'en', 'these people burned our flag and the cops watched', 'we burned our toast this morning lol'],
  ['outrage.en.hates-you', 'outrage-bait', 'en', 'the media hates you and your family', 'my toddler hates you, said the cat'],
  ['outrage.en.angry-demand', 'outrage-bait', 'en', 'they raised your rent again. r u mad yet', 'r u ready yet? the taxi is here'],
  ['outrage.nl.onthoud-gezichten', 'outrage-bait', 'nl', 'vergeet nooit hun namen, ze hebben ons verraden', 'vergeet nooit hun namen: de helden van de watersnood'],
  ['outrage.nl.niet-boos', 'outrage-bait', 'nl', 'wie hier niet kwaad om wordt, snapt het niet', 'als je hierover niet lacht, heb je geen humor'],
  ['outrage.nl.vervangen', 'outrage-bait', 'nl', 'globalisten zijn ons aan het vervangen', 'de gemeente wil de lantaarnpalen vervangen'],
  ['outrage.nl.boos-al', 'outrage-bait', 'nl', 'ze verhogen de huur weer. ben je nu al kwaad?', 'ben je al klaar? we gaan zo'],
  ['outrage.nl.komen-voor-kinderen', 'outrage-bait', 'nl', 'die lui komen straks voor onze dochters', 'opa en oma komen straks voor de kinderen'],
  // --- pro-ed: hunger as success, hiding from parents, ceilings, skipped meals with pride --------------
  ['proed.en.hunger-good', 'pro-ed', 'en', 'an empty stomach is my body getting thinner', 'growling stomach means lunch time lol'],
  ['proed.en.parents-think-ate', 'pro-ed', 'en', 'my mom thinks i had lunch at school hehe', 'my mom thinks i have a crush on my teacher'],
  ['proed.en.stay-under', 'pro-ed', 'en', 'trying to stay under 400 this week', 'trying to stay under 400 euros this week'],
  ['proed.en.eat-when-thin', 'pro-ed', 'en', 'ill eat again once im skinny enough', 'ill eat again once im home from work'],
  ['proed.en.bite-fatter', 'pro-ed', 'en', 'each mouthful makes me feel bigger', 'each mouthful of this soup is delicious'],
  ['proed.nl.kauwen-spugen', 'pro-ed', 'nl', 'chips gekauwd en uitgespuugd, geen kcal', 'mijn baby heeft de wortel gekauwd en weer gegeten'],
  ['proed.nl.honger-goed', 'pro-ed', 'nl', 'honger voelt als kracht, ik ga door', 'honger maakt me chagrijnig, tijd voor een broodje'],
  ['proed.nl.ouders-denken-eet', 'pro-ed', 'nl', 'mama denkt dat ik op mijn werk eet', 'mama denkt dat ik op mijn werk ben'],
  ['proed.nl.onder-blijven', 'pro-ed', 'nl', 'hoe lukt het jullie om onder de 600 te blijven', 'hoe lukt het jullie om onder de 600 euro te blijven'],
  ['proed.nl.maaltijden-trots', 'pro-ed', 'nl', 'lunch en diner overgeslagen, best fier', 'lunch en diner overgeslagen door de verhuizing, doodmoe'],
  ['proed.nl.vasten-verlengen', 'pro-ed', 'nl', '48 uur gevast, op naar 72', '48 uur gewerkt, op naar het weekend'],
  ['proed.nl.bijna-niks-eten', 'pro-ed', 'nl', 'afvallen tot ik niks meer eet', 'afwassen tot ik niks meer zie'],
  // --- third dev round: the one reason left, robbed and laughed at, hating that the body needs food ---
  ['sh.en.only-thing-stopping', 'self-harm', 'en', 'the only one keeping me here is my little brother', 'the only one keeping me here is the free coffee lol'],
  ['sh.en.how-much-longer', 'self-harm', 'en', 'not sure how much longer i can keep fighting', 'not sure how much longer i can keep my eyes open, night shift'],
  ['sh.nl.enige-tegenhoudt', 'self-harm', 'nl', 'het enige dat mij nog tegenhoudt is mijn zusje', 'het enige dat mij nog tegenhoudt is de prijs'],
  ['outrage.en.robbing-laughing', 'outrage-bait', 'en', 'they rob you blind while they laugh at you', 'my little brother robbed me at monopoly and kept laughing'],
  ['outrage.nl.beroven-lachen', 'outrage-bait', 'nl', 'die zakkenvullers bestelen ons terwijl ze lachen', 'de meeuwen bestelen ons op het strand, haha'],
  ['proed.nl.haat-eten-nodig', 'pro-ed', 'nl', 'ik haat het dat mijn lichaam eten nodig heeft', 'ik haat het dat mijn lichaam slaap nodig heeft'],
]

positivesAndNearMisses('issue 3 sixth pass: a positive and a near miss each', cases)

describe('issue 3 sixth pass: narrowed rules', () => {
  test('"ze willen ... vervangen" needs us or our people as the object', () => {
    expect(has('ze willen ons gewoon vervangen', 'nl', 'outrage-bait')).toBe(true)
    expect(has('ze willen de oude brug vervangen door een tunnel', 'nl', 'outrage-bait')).toBe(false)
  })
  test('a burden to the neighbours during a renovation is not self-harm', () => {
    expect(has('ik ben een last voor iedereen', 'nl', 'self-harm')).toBe(true)
    expect(has('ik ben een last voor mijn buren met die verbouwing', 'nl', 'self-harm')).toBe(false)
  })
})
