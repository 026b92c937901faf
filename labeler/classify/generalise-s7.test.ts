// Issue 3, seventh pass: rule families for the three labels still short of recall (self-harm, outrage-bait,
// pro-ed): passive and indirect ideation, hidden injury, insinuation, sarcasm and rhetorical questions,
// numbers-only and coached restriction. Each new rule gets a post it should label, with the id that must be
// among the reasons, and a near miss that it must leave alone. All posts here are written for this test,
// not taken from any data set (and not from fixtures/s7-dev.jsonl or the held-out fixtures/heldout-s7-blind.jsonl).
import { has, positivesAndNearMisses, type Case } from './generalise-cases.ts'
import { describe, expect, test } from 'vitest'

const cases: Case[] = [
  // --- self-harm: passive ideation, hidden injury, means at hand, unnamed methods ---------------------
  ['sh.en.hoping-not-wake', 'self-harm', 'en', 'lowkey praying i wont wake up in the morning', 'praying i wont wake up late for the exam again'],
  ['sh.en.step-into-traffic', 'self-harm', 'en', 'i keep thinking about stepping in front of the bus lately', 'i keep thinking about the bus driver who waved at me'],
  ['sh.en.staring-at-means', 'self-harm', 'en', 'been staring at my razors for hours tonight', 'been staring at the pills organiser wondering which day it is'],
  ['sh.en.wont-need', 'self-harm', 'en', 'sold my bike, i wont need it after tonight', 'sold my bike, i wont need it now that i live downtown'],
  ['sh.en.sleeves-in-heat', 'self-harm', 'en', 'wore my long sleeves in the heat again and i just feel empty', 'wore my long sleeves in the heat again because the office aircon is brutal'],
  ['sh.en.sleeves-hide', 'self-harm', 'en', 'sweaters in july, if you know you know', 'sweaters in july for the mountain trip, freezing up there'],
  ['sh.en.tired-of-waking', 'self-harm', 'en', 'im just tired of waking up every day', 'tired of waking up at 5 for this commute'],
  ['sh.en.no-point-anymore', 'self-harm', 'en', 'im so tired of waking up. whats the point anymore', 'the match is lost 4-0, whats the point anymore'],
  ['sh.en.hope-illness', 'self-harm', 'en', 'i kinda hope i catch some terminal illness', 'we all hope they find a cure for this terminal illness'],
  ['sh.en.jump-thoughts', 'self-harm', 'en', 'been thinking about jumping off my balcony', 'been thinking about jumping ship to another team'],
  ['sh.en.how-i-would-do-it', 'self-harm', 'en', 'i lie awake thinking about how i would do it', 'i lie awake thinking about how i would do it if i won the lottery'],
  ['sh.en.blade-friend', 'self-harm', 'en', 'my razor is my only friend these days', 'my razor is my best purchase this year, so smooth'],
  ['sh.en.not-here-for', 'self-harm', 'en', 'i probably wont be around for my birthday', 'i probably wont be around for my birthday, working abroad'],
  ['sh.nl.er-volgend-jaar-niet', 'self-harm', 'nl', 'ik denk dat ik er deze zomer niet meer ben', 'ik ben er deze zomer niet meer, want ik ga verhuizen'],
  ['sh.nl.makkelijker-zonder-mij', 'self-harm', 'nl', 'mijn ouders hebben het vast rustiger zonder mij', 'mijn ouders hebben het vast rustiger zonder mij in huis deze week'],
  ['sh.nl.mesje-vriend', 'self-harm', 'nl', 'mn scheermesje is mijn enige troost', 'mn scheermesje is bot, nieuwe kopen'],
  ['sh.nl.hoe-ik-het-doe', 'self-harm', 'nl', 'ik pieker elke nacht over hoe ik het ga doen', 'ik pieker elke nacht over hoe ik het ga doen met die verbouwing'],
  // --- outrage-bait: insinuation, rhetorical questions, sarcasm, resentment -----------------------------
  ['outrage.en.dont-want-you-to', 'outrage-bait', 'en', 'the media really dont want you to find out. wonder why 🤔', 'my sister really dont want you to find out the ending, no spoilers'],
  ['outrage.en.insinuation', 'outrage-bait', 'en', 'funny how they dont want you asking who paid for it', 'funny how my cat always knows when its dinner time'],
  ['outrage.en.quiet-when', 'outrage-bait', 'en', 'noticed how the press goes silent whenever its them? strange', 'the library goes silent when the exam starts'],
  ['outrage.en.how-many-more', 'outrage-bait', 'en', 'how many more kids must get stabbed before we all wake up', 'how many more kids must get vaccinated before the school trip?'],
  ['outrage.en.before-you-wake-up', 'outrage-bait', 'en', 'how many more women have to be attacked before you wake up', 'drink your coffee before you wake up the whole house'],
  ['outrage.en.laugh-while-you-pay', 'outrage-bait', 'en', 'the elites laugh at us while we struggle to pay rent', 'the kids laugh at us while we struggle with the tent'],
  ['outrage.en.lose-everything', 'outrage-bait', 'en', 'keep voting for them and you will lose everything you love', 'the fire was awful, they lost everything they love'],
  ['outrage.en.keep-voting', 'outrage-bait', 'en', 'go on, keep trusting them. enjoy losing everything we worked for', 'keep voting for your favourite act in the poll!'],
  ['outrage.en.so-they-can', 'outrage-bait', 'en', 'we pay more so the elites can buy another yacht. arent we lucky', 'we pay more so the kids can have a proper playground'],
  ['outrage.en.sarcasm', 'outrage-bait', 'en', 'oh great, another fuel tax so ministers can fly business class', 'oh great another rainy day, perfect for reading'],
  ['outrage.en.war-on', 'outrage-bait', 'en', 'this is a war on ordinary people. still think its fine?', 'this is a war on ants in my kitchen, send help'],
  ['outrage.nl.willen-niet-dat-je-weet', 'outrage-bait', 'nl', 'de overheid wil gewoon niet dat jij nadenkt. toevallig?', 'mijn broertje wil niet dat jij weet wat je krijgt'],
  ['outrage.nl.insinuatie', 'outrage-bait', 'nl', 'vraag je eens af wie hieraan verdient. ze willen niet dat je het ziet', 'vraag je eens af wie er jarig is, haha'],
  ['outrage.nl.journaal-zwijgt', 'outrage-bait', 'nl', 'de krant schrijft er niks over. geen wonder dat', 'de krant schrijft er niks over, jammer voor de club'],
  ['outrage.nl.onder-een-hoedje', 'outrage-bait', 'nl', 'media en politiek spelen onder een hoedje, waarom denk je dat het zo stil is', 'mijn zusjes spelen onder een hoedje als het om snoep gaat'],
  ['outrage.nl.eerst-dan', 'outrage-bait', 'nl', 'eerst je auto, dan je vlees, dan je vrijheid. zie je het patroon', 'eerst je jas, dan je schoenen, dan je tas, en dan gaan we'],
  ['outrage.nl.altijd-geld-voor', 'outrage-bait', 'nl', 'voor statushouders is er opeens geld, voor onze ouderen niks', 'voor de kerstmarkt is er opeens geld vrijgemaakt, leuk'],
  ['outrage.nl.voor-jou-nooit', 'outrage-bait', 'nl', 'voor hen is er altijd geld. voor jou nooit', 'voor jou nooit meer een glas wijn na tienen haha'],
  ['outrage.nl.sarcasme', 'outrage-bait', 'nl', 'ach ja natuurlijk, weer een miljard naar het buitenland', 'ach ja natuurlijk regent het op mijn vrije dag'],
  ['outrage.nl.oorlog-tegen', 'outrage-bait', 'nl', 'het is een hetze tegen de gewone man en niemand die het ziet', 'het is oorlog tegen de slakken in mijn moestuin'],
  ['outrage.nl.niemand-ziet', 'outrage-bait', 'nl', 'ze zitten er allemaal in en niemand heeft het door', 'het lekt al weken en niemand heeft het door'],
  // --- pro-ed: numbers only, coached restriction, never satisfied ---------------------------------------
  ['proed.en.hate-what-i-see', 'pro-ed', 'en', 'bmi 16.5 and i still hate my body', 'i still hate what i see in the news every morning'],
  ['proed.en.meal-log-total', 'pro-ed', 'en', 'breakfast: tea. lunch: 2 crackers. dinner: soup 90. total: 140', 'breakfast: oats. lunch: salad. dinner: pasta. total: 1900 kcal'],
  ['proed.en.lost-by-not-eating', 'pro-ed', 'en', 'dropped 2 kg just by skipping meals this week', 'dropped 2 kg by walking every day this month'],
  ['proed.en.dont-eat-today', 'pro-ed', 'en', 'dont eat tonight, stay strong girls', 'dont eat anything tonight before your blood test tomorrow'],
  ['proed.en.thin-disappear', 'pro-ed', 'en', 'i want to be thin enough that i could vanish', 'i want to be fast enough that i could win'],
  ['proed.en.ed-told-me', 'pro-ed', 'en', 'my ed says i can only have tea today', 'my ed teacher says i can only have tea in class'],
  ['proed.en.bite-failure', 'pro-ed', 'en', 'every single bite feels like failure', 'every single bite feels like a hug, grandmas soup'],
  ['proed.en.week-calories', 'pro-ed', 'en', 'under 500 calories for the entire week, wish me luck', 'burned 900 calories this week at the gym'],
  ['proed.nl.nog-niet-tevreden', 'pro-ed', 'nl', 'bmi 16 en nog steeds niet tevreden', 'cijfer 6,5 en nog altijd niet tevreden over mijn scriptie'],
  ['proed.nl.dijen-raken', 'pro-ed', 'nl', 'bodycheck: mijn dijen raken elkaar echt niet meer', 'mijn dijen komen elkaar niet meer tegen van de pijn haha spierpijn'],
  ['proed.nl.dag-log', 'pro-ed', 'nl', 'gisteren een halve banaan. morgen nog minder', 'gisteren een halve banaan gegeten bij het ontbijt, lekker'],
  ['proed.nl.hap-falen', 'pro-ed', 'nl', 'iedere hap is verraad aan mijn doel', 'iedere hap is genieten in dit restaurant'],
  ['proed.nl.zo-dun-dat', 'pro-ed', 'nl', 'ik wil zo mager worden dat ik verdwijn', 'ik wil zo snel worden dat ik win'],
]

positivesAndNearMisses('issue 3 seventh pass: a positive and a near miss each', cases)

// The seventh pass's idioms: the near miss stays unlabelled, a post of the same label without the idiom does not.
describe('issue 3 seventh pass: idioms', () => {
  test.each([
    ['outrage-bait', 'nl', 'HOE LANG PIKKEN WE DIT NOG?? SCHANDALIG', 'HOE LANG NOG TOT DE ZOMERVAKANTIE 😭'],
    ['diet-culture', 'nl', 'zo veel gegeten vandaag, morgen extra sporten om het eraf te branden', 'zo veel gegeten met oud en nieuw, geen spijt'],
    ['pro-ed', 'en', 'gw 45 kg, almost there, stay strong', 'gw hit: 100 kg squat, next goal 110'],
    ['outrage-bait', 'nl', 'die parasieten leven van ons belastinggeld', 'die bloedzuigers in onze sloot, hoe kom ik ervan af?'],
  ] as const)('%s (%s)', (label, lang, positive, nearMiss) => {
    expect(has(positive, lang, label), positive).toBe(true)
    expect(has(nearMiss, lang, label), nearMiss).toBe(false)
  })
})
