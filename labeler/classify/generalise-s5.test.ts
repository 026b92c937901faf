// Issue 3, fifth pass: classes of interchangeable words for the three labels still short of recall
// (self-harm, outrage-bait, pro-ed). Each new cue family, combo or rule gets a post it should label,
// with the id that must be among the reasons, and a near miss that it must leave alone; the new context
// markers get a post they must keep unlabelled next to one that is still labelled. All posts here are
// written for this test, not taken from any data set (and not from fixtures/s5-dev.jsonl or the
// held-out fixtures/heldout-s5-blind.jsonl).
import { describe, expect, test } from 'vitest'
import { has, positivesAndNearMisses, type Case } from './generalise-cases.ts'

const cases: Case[] = [
  // --- self-harm: vanishing for good, unnoticed absence, goodbyes, one's own funeral, body compounds --
  ['sh.cue.en.vanish-for-good', 'self-harm', 'en', 'i just wish i could vanish for good', 'wish i could vanish for a week to a cabin'],
  ['sh.cue.en.unnoticed', 'self-harm', 'en', 'nobody would even care if i was gone', 'nobody would even notice my new haircut lol'],
  ['sh.cooc.farewell+hopeless', 'self-harm', 'en', 'thanks for everything. i cant do this anymore', 'last post of the year! thanks for everything guys'],
  ['sh.cooc.farewell+death', 'self-harm', 'nl', 'bedankt voor alles, binnenkort ben ik er niet meer', 'bedankt voor alles, vanaf morgen ben ik er niet, vakantie!'],
  ['sh.cooc.burden+funeral', 'self-harm', 'en', 'keep imagining my own funeral, it would be easier for everyone', 'at my funeral i want them to play mr brightside lol'],
  ['sh.cooc.funeral+hopeless', 'self-harm', 'nl', 'ik denk aan mijn eigen begrafenis, zou makkelijker zijn', 'op mijn begrafenis wil ik dat ze house draaien haha'],
  ['sh.nl.van-kant-maken', 'self-harm', 'nl', 'ik wil mezelf gewoon van kant maken', 'in die film wilde de maffia hem van kant maken'],
  ['sh.cooc.injury+body', 'self-harm', 'nl', 'mijn bovenarmen zitten weer vol krasjes', 'mijn bovenarmen doen pijn van het roeien'],
  ['sh.cooc.injury+body', 'self-harm', 'nl', 'weer met de aansteker over mn arm gegaan', 'mijn aansteker is leeg, iemand vuur?'],
  ['sh.cooc.death+desire', 'self-harm', 'en', 'honestly ready for the eternal sleep', 'ready for sleep, long day'],
  ['sh.cooc.death+hopeless', 'self-harm', 'nl', 'ik trek het niet meer, ik zet er een punt achter', 'ik zet er een punt achter met die studie, op naar iets nieuws'],
  ['sh.en.hope-accident', 'self-harm', 'en', 'kinda hoping i get run over on the way home', 'hoping i get the bus on time for once'],
  ['sh.nl.hoop-ongeluk', 'self-harm', 'nl', 'ik hoop eigenlijk dat ik onder een bus kom', 'ik hoop dat ik de bus nog haal'],
  ['sh.en.guts-to-do-it', 'self-harm', 'en', 'i dont have the guts to go through with it', 'i dont have the guts to ask for a raise'],
  ['sh.nl.moed-om-het-te-doen', 'self-harm', 'nl', 'ik heb gewoon de moed niet om het door te zetten', 'ik heb de moed niet om het uit te maken met hem'],
  ['sh.en.method-seeking', 'self-harm', 'en', 'searching for the quickest way to die', 'the quickest way to die in this game is the lava level'],
  ['sh.nl.methode-zoeken', 'self-harm', 'nl', 'wat is de snelste manier om dood te gaan', 'wat is de snelste manier om in gent te komen'],
  ['sh.en.no-future-age', 'self-harm', 'en', 'i cant picture myself making it to 18', 'i cant picture myself making it to 18 without braces lol'],
  ['sh.en.pain-relief', 'self-harm', 'en', 'the one thing that calms me is my razor', 'the one thing that calms me is my dog'],
  ['sh.nl.pijn-helpt', 'self-harm', 'nl', 'het enige wat nog helpt is krassen', 'het enige wat nog helpt is slapen met de airco aan'],
  ['sh.nl.ik-snij', 'self-harm', 'nl', 'ik kras nog steeds, elke avond', 'ik kras weer de oude lak van de fiets'],
  ['sh.nl.dodelijke-dosis', 'self-harm', 'nl', 'hoeveel slaappillen zijn dodelijk', 'hoeveel slaappillen mag je per nacht nemen'],
  ['sh.en.lethal-dose', 'self-harm', 'en', 'how many sleeping pills would kill me', 'how many sleeping pills can i take on a long flight'],
  ['sh.nl.geen-toekomst-leeftijd', 'self-harm', 'nl', 'ik zie mezelf volgend jaar niet halen', 'ik zie mezelf die 10 km niet halen'],
  // --- outrage-bait: suppression claims, the herd, share dares, "we pay" grievance, violent calls ------
  ['ob.cue.en.suppressed', 'outrage-bait', 'en', 'spread this before they delete it', 'share this before friday: tickets are almost gone'],
  ['ob.cue.nl.suppressed', 'outrage-bait', 'nl', 'delen voordat ze het weghalen!!', 'delen is lief: onze kat is weg, grijs met witte pootjes'],
  ['ob.cue.en.herd', 'outrage-bait', 'en', 'most of you are brainwashed. spread the word', 'you are all invited to the bbq, retweet pls'],
  ['ob.cue.en.share-dare', 'outrage-bait', 'en', 'bet you wont share this. theyre hiding the truth from you', 'bet you wont share this recipe, its too good'],
  ['ob.cooc.grievance+dehuman', 'outrage-bait', 'nl', 'die klaplopers leven van ons belastinggeld', 'ons belastinggeld gaat naar een nieuwe brug, slecht plan'],
  ['ob.cooc.grievance+conspiracy', 'outrage-bait', 'en', 'they lie to us while we foot the bill', 'we foot the bill for the office party, fair enough'],
  ['ob.cooc.violence+dehuman', 'outrage-bait', 'en', 'that scum should hang', 'the painting should hang in the hallway'],
  ['ob.cooc.violence+share', 'outrage-bait', 'en', 'like if you agree they should all be deported', 'like if you agree dogs are better than cats'],
  ['ob.cue.en.grievance', 'outrage-bait', 'en', 'we built this country and they are handing it away', 'my grandpa built this country house himself, proud'],
  ['ob.cue.nl.grievance', 'outrage-bait', 'nl', 'onze opas vochten voor dit land en zij geven ons land weg', 'mijn opa vocht voor dit land, vandaag dodenherdenking'],
  ['ob.cooc.enemy+conspiracy', 'outrage-bait', 'en', 'politicians are the enemy and want you poor', 'my cats hate you and want you gone lol'],
  ['ob.cooc.conspiracy+rage', 'outrage-bait', 'nl', 'zo houden ze je klein. open je ogen', 'mijn ouders houden me klein, ik mag nooit iets'],
  ['ob.cooc.complicit+conspiracy', 'outrage-bait', 'en', 'they keep lying to us and you do nothing', 'you do nothing all day lol, lazy sunday'],
  ['ob.cue.nl.complicit', 'outrage-bait', 'nl', 'ze lachen ons uit en jij kijkt toe', 'jij kijkt toe terwijl ik kook, lekker makkelijk'],
  ['ob.cue.en.bolder', 'outrage-bait', 'en', 'these people get bolder every week and you let them', 'the squirrels get bolder every week'],
  ['ob.cue.nl.brutaler', 'outrage-bait', 'nl', 'die lui worden steeds brutaler en wij doen niks', 'mijn kat wordt steeds brutaler'],
  ['outrage.en.share-guilt', 'outrage-bait', 'en', 'if you dont share this youre complicit', 'if you dont share your fries youre a monster lol'],
  ['outrage.nl.deel-schuld', 'outrage-bait', 'nl', 'wie dit niet deelt is medeplichtig', 'wie dit niet deelt krijgt geen taart haha'],
  ['ob.cooc.conspiracy+rage', 'outrage-bait', 'nl', 'ons land is gekaapt, het is oorlog', 'het is oorlog in de supermarkt, iedereen hamstert'],
  // --- pro-ed: calorie ceilings, holding out, Dutch word orders of not eating, thigh gaps, "being fat" --
  ['pe.cue.en.kept-under', 'pro-ed', 'en', 'need someone strict to keep me under 500', 'keep me under 500 euros for the birthday gift pls'],
  ['pe.cue.en.hold-out', 'pro-ed', 'en', 'no food till i make it to friday', 'i need coffee to make it to friday'],
  ['pe.cue.nl.eet-niet', 'pro-ed', 'nl', 'ik eet mijn lunch gewoon niet, ik geef het aan de hond', 'ik eet mijn ontbijt op het werk, scheelt tijd'],
  ['pe.cue.nl.dijen-raken', 'pro-ed', 'nl', 'niks eten tot mijn dijen elkaar niet meer raken', 'mijn dijen raken elkaar, boeiend, ik loop gewoon lekker'],
  ['pe.cooc.hate+fast', 'pro-ed', 'en', 'being fat hurts more than hunger', 'being fat in school was rough, now i just eat normally'],
  ['pe.cooc.weight+fast', 'pro-ed', 'en', 'only water and tea, the scale better move', 'only water and tea on the flight, lovely crew'],
  ['pe.cooc.safe+fast', 'pro-ed', 'en', 'my safe foods are cucumber and ice', 'my kids safe foods are nuggets and pasta'],
  ['pe.cooc.safe+fast', 'pro-ed', 'nl', 'mijn veilige eten is alleen nog komkommer', 'veilig eten bewaren: zet het snel in de koelkast'],
  ['pe.cooc.challenge+fast', 'pro-ed', 'en', 'who wants to do a no food challenge with me', 'ice bucket challenge done, no regrets'],
  ['pe.cue.nl.sla-over', 'pro-ed', 'nl', 'ik sla al dagen elke maaltijd over, niemand merkt het', 'ik sla de lunch over want we gaan uit eten'],
  ['pe.cue.en.be-small', 'pro-ed', 'en', 'i want to be so tiny', 'i want to be small enough to fit in the cat bed lol'],
  ['pe.cue.en.fingers-around', 'pro-ed', 'en', 'fingers around my upper arm again 🦋', 'fingers around my coffee mug, cold morning'],
  ['proed.en.meanspo-request', 'pro-ed', 'en', 'tell me im so fat, keep me motivated', 'tell me im fat lol the cat cant move off me'],
  ['proed.nl.meanspo-request', 'pro-ed', 'nl', 'zeg aub dat ik walgelijk ben, dan eet ik niks', 'zeg aub dat ik dik ben geworden van de kerst haha'],
  ['proed.nl.hide-broad', 'pro-ed', 'nl', 'ik heb gewoon verteld dat ik al had gegeten', 'mama heeft verteld dat ik al had gegeten bij oma'],
  ['pe.cue.nl.tot-gelegenheid', 'pro-ed', 'nl', 'ik eet niks meer tot de bruiloft', 'geen alcohol tot de bruiloft, wel veel water'],
  ['pe.cue.en.hold-out', 'pro-ed', 'en', 'im not eating until prom, i mean it', 'no phones until prom photos are done'],
  ['pe.cue.nl.vingers-om', 'pro-ed', 'nl', 'ik krijg mijn vingers weer om mijn bovenarm heen 🦋', 'ik krijg mijn vingers niet om de pot pindakaas'],
]

positivesAndNearMisses('issue 3 fifth pass: a positive and a near miss each', cases)

describe('issue 3 fifth pass: context markers', () => {
  test('having stopped self-harming is recovery, a relapse after it is not', () => {
    expect(has('3 years since i stopped self harming, grateful', 'en', 'self-harm')).toBe(false)
    expect(has('al 2 jaar clean van krassen, trots op mezelf', 'nl', 'self-harm')).toBe(false)
    expect(has('stopped self harming for a year but i relapsed last night', 'en', 'self-harm')).toBe(true)
    expect(has('een jaar clean van krassen en vandaag toch weer teruggevallen', 'nl', 'self-harm')).toBe(true)
  })
  test('a review of a film about someone is news; the same words in one\'s own voice are not', () => {
    expect(has('a film about a boy who cant stop thinking about suicide, devastating', 'en', 'self-harm')).toBe(false)
    expect(has('een serie over een meisje dat aan zelfmoord denkt, heel goed gemaakt', 'nl', 'self-harm')).toBe(false)
    expect(has('i cant stop thinking about suicide lately', 'en', 'self-harm')).toBe(true)
  })
  test('"parliament" alone does not make a rage post news', () => {
    expect(has('those vermin in parliament should hang', 'en', 'outrage-bait')).toBe(true)
    expect(has('parliament voted on the housing bill today', 'en', 'outrage-bait')).toBe(false)
  })
})
