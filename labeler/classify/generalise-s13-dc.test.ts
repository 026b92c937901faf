// Issue 3, eleventh pass (diet-culture): moralising and marketing wordings of another author. Each new rule
// and each new cue gets a post it should label, with its id among the reasons (a cue counts in a combo of two
// families; a weak rule with other evidence), and a near miss with the same words in their ordinary meaning
// that it must leave alone. The rules and cues narrowed in this pass (they used to fire on critique of diet
// culture or on ordinary posts) get the critique or ordinary post they now leave alone, and a post they still
// label. All posts here are written for this test, not taken from any data set (and not from the fixtures,
// s13-dcpe-dev.jsonl included, or the held-out ones).
import { has, positivesAndNearMisses, reasons, type Case } from './generalise-cases.ts'
import { describe, expect, test } from 'vitest'

const rules: Case[] = [
  // --- English (also applied to Dutch posts) -----------------------------------------------------------
  ['diet.en.food-as-character', 'diet-culture', 'en', 'if you keep feeding your kids fast food youre honestly just lazy',
    'feeding the kids fast food tonight because we are exhausted, not lazy, just tired'],
  ['diet.en.straight-to-hips', 'diet-culture', 'en', 'those cookies go straight to my hips lol',
    'my sciatica goes straight down to my hips after a long drive'],
  ['diet.en.calories-as-exercise', 'diet-culture', 'en', '250 calories is 30 minutes of running, remember that before the guilty donut',
    '40 minutes of cycling and 300 squats today, legs are dead'],
  ['diet.en.earn-with-exercise', 'diet-culture', 'en', '10k steps today so i can have pizza tonight',
    '10k steps today so i can sleep well tonight'],
  ['diet.en.bite-is-choice', 'diet-culture', 'en', 'every bite is a choice, choose the body you want',
    'every bite of this lasagna is a gift, thanks nonna'],
  ['diet.en.cleanse-day', 'diet-culture', 'en', 'day 2 of the sugar detox, send help',
    'day 3 of my spring cleaning, the garage is finally done'],
  ['diet.en.detox-teas', 'diet-culture', 'en', 'these skinny teas changed my life, flat tummy in a week',
    'green teas and chamomile teas on sale at the market'],
  ['diet.en.calories-left', 'diet-culture', 'en', 'still 400 kcal left for dinner, saving them for the pasta, been so good all day',
    'still 400 ml left for the sauce, enough for dinner'],
  ['diet.en.flush-out', 'diet-culture', 'en', 'flushing out the weekend with clean eating all week',
    'rain will flush out the junk in the gutters this weekend'],
  ['diet.en.purity', 'diet-culture', 'en', 'three days of no sugar and clean eating, i feel so pure inside',
    'the mountain air, i feel so pure inside, what a hike'],
  ['diet.en.abstinence-list', 'diet-culture', 'en', 'no sugar, no bread, no alcohol until summer, bikini body loading',
    'no sugar, no milk, no foam for my coffee please'],
  ['diet.en.count-every-crumb', 'diet-culture', 'en', 'counting every crumb and eating clean until the wedding',
    'counting every crumb on the kitchen floor after the toddler had breakfast'],
  ['diet.en.fasted-cardio', 'diet-culture', 'en', 'fasted cardio at 6am then clean eating all day',
    'fasted cardio is hard on my blood sugar, my doctor says eat first'],
  // --- Dutch -------------------------------------------------------------------------------------------
  ['diet.nl.eten-als-karakter', 'diet-culture', 'nl', 'als je je kind elke ochtend snoep meegeeft, dan ben je gewoon lui',
    'met een zak chips op de bank ben je helemaal niet lui, het is zondag'],
  ['diet.nl.naar-je-heupen', 'diet-culture', 'nl', 'die tompouce gaat meteen naar mijn heupen',
    'de fysio zegt dat mijn rugpijn uitstraalt naar mijn heupen'],
  ['diet.nl.elke-hap', 'diet-culture', 'nl', 'elke hap is een keuze, denk aan je zomerlijf',
    'bij ons thuis is elke maaltijd een feestje'],
  ['diet.nl.mag-pas-na-sporten', 'diet-culture', 'nl', 'een stuk taart mag ik pas als ik eerst ga hardlopen',
    'je mag pas naar buiten als je huiswerk af is'],
  ['diet.nl.calorieen-sparen-voor', 'diet-culture', 'nl', 'door de week spaar ik calorieen op voor de borrel op vrijdag',
    'ik spaar zegeltjes voor een pannenset bij de supermarkt'],
  ['diet.nl.nieuwe-tabak', 'diet-culture', 'nl', 'suiker is echt de nieuwe tabak, ik snap niet dat het nog in de schappen ligt',
    'brood bakken is de nieuwe hobby van mijn oom, elke dag zuurdesem'],
  ['diet.nl.vanaf-maandag-clean', 'diet-culture', 'nl', 'vanaf maandag echt strak, geen suiker en geen brood en elke ochtend op de weegschaal',
    'vanaf morgen alles strak geregeld voor de verhuizing'],
]

const cues: Case[] = [
  ['dc.cue.any.daily-target', 'diet-culture', 'nl', 'ik zit nu op 1300 per dag en de weegschaal zegt eindelijk iets',
    'het museum zit op 1500 per dag bezoekers deze zomer'],
  ['dc.cue.en.earn', 'diet-culture', 'en', 'i earned every bite of this burrito, leg day was brutal',
    'she earned her degree today so we got burritos to celebrate'],
  ['dc.cue.en.slice', 'diet-culture', 'en', 'had a second slice of cake, so bad of me',
    'put a thin slice of lemon in the water, so refreshing'],
  ['dc.cue.en.purity', 'diet-culture', 'en', 'three days of no sugar and clean eating, i feel so pure inside',
    'the mountain air, i feel so pure inside, what a hike'],
  ['dc.cue.en.allowed-cancel', 'diet-culture', 'en', 'sushi for dinner, gonna cancel it out with a run tomorrow',
    'the new headphones cancel it out, finally quiet on the train'],
  ['dc.cue.en.burn-off', 'diet-culture', 'en', 'had nachos, time to work them off',
    'the fog should burn off by ten, then coffee on the terrace'],
  ['dc.cue.en.scale', 'diet-culture', 'en', 'my scale says 2 down, no bread since monday',
    'the kitchen scale says 250 grams of flour, baking time'],
  ['dc.cue.en.diary-genre', 'diet-culture', 'en', 'full day of eating while cutting: no counting calories but zero carbs and the scale says down 2',
    'full day of eating content is everywhere on my feed, im muting it after dinner'],
  ['dc.cue.nl.food-compound', 'diet-culture', 'nl', 'die chocoladetaart van gisteren, ik schaam me',
    'paprikachips in de aanbieding bij de supermarkt'],
  ['dc.cue.nl.telt-niet', 'diet-culture', 'nl', 'die bitterballen op de borrel tellen niet he',
    'dat doelpunt telt niet hoor, buitenspel'],
  ['dc.cue.nl.compenseren', 'diet-culture', 'nl', 'gisteren een hele zak drop op, dat moet ik compenseren',
    'de verzekering compenseert de schade aan de auto'],
  ['dc.cue.nl.mag-niet', 'diet-culture', 'nl', 'een tosti voor de lunch? mag ik echt niet',
    'je mag niet fietsen op de stoep, zegt de wijkagent'],
  ['dc.cue.nl.afval-compound', 'diet-culture', 'nl', 'mijn afslankkuur begint maandag, geen brood meer',
    'de afvalbakken worden dinsdag geleegd, plastic apart'],
  ['dc.cue.nl.season-after', 'diet-culture', 'nl', 'na zo\'n weekend vol bier moet ik echt boete doen',
    'na een lang weekend in parijs weer aan het werk'],
  ['dc.cue.nl.schuldig', 'diet-culture', 'nl', 'voel me zo schuldig over die zak chips',
    'de verdachte werd schuldig bevonden aan diefstal'],
  ['dc.cue.nl.suikervrij-maand', 'diet-culture', 'nl', 'suikervrijefebruari dag 3, de weegschaal zegt al min 1',
    'suikervrije kauwgom is beter voor je tanden'],
]

positivesAndNearMisses('eleventh pass: new diet-culture rules (positive, near miss)', rules)
positivesAndNearMisses('eleventh pass: new diet-culture cues (positive, near miss)', cues)

/** A narrowed rule or cue; the post's language; a critique or ordinary post it now leaves alone; a post it still labels. */
type Narrowed = readonly [id: string, lang: string, leftAlone: string, stillLabelled: string]

const narrowed: readonly Narrowed[] = [
  ['diet.en.wieiad', 'en', 'what i eat in a day videos made me hate my body, unfollowing them all',
    'what i eat in a day: eggs, a salad, then nothing after 6 because im cutting'],
  ['dc.cue.en.diary-genre', 'en', 'full day of eating content is everywhere on my feed, im muting it after dinner',
    'full day of eating while cutting: no counting calories but zero carbs and the scale says down 2'],
  ['diet.en.guilt-free', 'en', 'guilt free claims on packaging drive me mad, its marketing',
    'guilt free brownies, only 90 kcal each'],
  ['diet.nl.zonder-schuldgevoel', 'nl', 'die guilt free stickers op koekjes, waar slaat dat op',
    'snoepen zonder schuldgevoel met deze eiwitrepen'],
  ['diet.en.food-moral-broad', 'en', 'there are no good foods or bad foods, just food',
    'cut out the bad carbs, only good foods from now on'],
  ['dc.cue.en.earn', 'en', 'earned? nah, a burrito is just lunch, you dont have to earn food',
    'i earned every bite of this burrito, leg day was brutal'],
  ['dc.cue.en.burn-off', 'en', 'i will never tell you to burn off a meal, food is fuel',
    'pancakes for breakfast and now im working it off'],
  ['dc.cue.nl.mag-niet', 'nl', 'na het eten voelt mijn maag niet lekker, misschien griep',
    'een tosti voor de lunch? mag ik echt niet'],
  ['dc.cue.nl.schuldig', 'nl', 'waarom zou je je schuldig voelen om een stuk taart op je verjaardag',
    'voel me zo schuldig over die zak chips'],
  ['dc.cue.nl.compenseren', 'nl', 'die pizza van gisteren? vandaag maar compenseren met niks',
    'te veel taart op het feest, morgen compenseren met een rondje hardlopen'],
]

describe('eleventh pass: narrowed rules and cues (left alone, still labelled)', () => {
  test.each(narrowed)('%s (%s)', (id, lang, leftAlone, stillLabelled) => {
    expect(has(leftAlone, lang, 'diet-culture'), leftAlone).toBe(false)
    expect(reasons(stillLabelled, lang, 'diet-culture'), stillLabelled).toContain(id)
  })
})

// Ordinary posts that must stay free of diet-culture, and posts like them that keep it. Written for this
// test. Two kinds of near misses: (1) found while writing the cases above, which the first version of the
// new rules labelled, so those rules were narrowed (food words only before "straight to the hips" / "naar
// je heupen", an equivalence word between calories and exercise, no digital or screen detox, calories or
// syns left rather than any points, something to eat before "mag … na het sporten", a person saving
// calories); (2) like the ones rules of earlier passes labelled on 300 ordinary food, sport and health
// posts written for this pass (fixtures/s14ev-dev.jsonl, 10 of them): a "guilty pleasure" that is no food,
// supermarket points saved up, "you are allowed to eat" as an anti-diet reminder, a weight on a barbell
// next to calories on a watch, and "zonde om weg te gooien" (a waste, not a sin).
const ordinary: readonly [lang: string, text: string][] = [
  // (1)
  ['en', 'this yoga stretch goes straight to your hips, hold it for thirty seconds'],
  ['nl', 'de fysio zegt dat die pijn recht naar je heupen uitstraalt'],
  ['en', 'burned 300 calories in 40 minutes of cycling, new personal best on the hill'],
  ['en', 'day 4 of our detox from screens, the kids are reading again'],
  ['en', 'day 2 of my digital detox and i already miss the group chat'],
  ['en', '50 points left for the weekend raffle, get your tickets at the door'],
  ['nl', 'mag ik het raam openzetten als ik ga sporten?'],
  ['nl', 'in de winter bewaren beren calorieën om de winterslaap door te komen'],
  // (2)
  ['en', 'guilty pleasure: true crime podcasts at double speed'],
  ['en', 'saved up my supermarket points for a new frying pan'],
  ['en', 'a gentle reminder that you are allowed to eat whenever your body asks for it'],
  ['en', 'you are allowed to eat lunch away from your desk, tell your boss i said so'],
  ['en', 'deadlift day: 3x5 at 90 kg, then 300 kcal on the rower according to my watch'],
  ['nl', 'zonde om die bruine bananen weg te gooien, dus bananenbrood gebakken'],
  // (3) twelfth pass: diet.en.cleanse-day takes only a food or body word before the cleanse, not a
  // bare "reset" or "kuur" (posts like those of fixtures/s16-ordinary10-dev.jsonl, written anew)
  ['en', 'day 2 of my wardrobe cleanse, five bags for the charity shop already'],
  ['en', 'day 4 of the spreadsheet reset at work, colour codes everywhere'],
  ['nl', 'dag 3 van de kuur tegen mijn keelontsteking, het slikken gaat al beter'],
  ['nl', 'dag 2 van onze schuur detox, de fietsen staan eindelijk weer los'],
  // twelfth pass: diet.en.calories-left and diet.en.calories-as-exercise are weak (other evidence needed)
  ['en', 'my new watch says 300 kcal is 40 minutes of cycling, no idea how it works that out'],
  ['en', 'trail day 3: 1400 kcal left for tonight in the food bag, resupply tomorrow'],
  ['nl', 'trektocht dag 2: nog 1500 kcal over voor vanavond in de voedseltas, morgen de supermarkt'],
  // twelfth pass: diet.en.earn-with-exercise takes no plain dinner or brunch, and "allowed" needs food after it
  ['en', 'moved the kids swimming classes to friday so we can have dinner with grandma on thursday'],
  ['en', 'no gym until i am allowed by my physio, two more weeks in this boot'],
]
const stillLabelled: readonly [lang: string, text: string][] = [
  ['en', 'day 5 of my 14 day juice cleanse, skin glowing and down 2 kilo'],
  ['nl', 'dag 3 van de sapkuur, nog vier dagen alleen groene sapjes'],
  ['en', 'hour of cardio first, gym before im allowed pizza, those are the rules'],
  ['en', 'guilty pleasure: a whole bag of chips after the kids are asleep, back to clean eating tomorrow'],
  ['en', 'finally allowed to eat after my 10k, earned this pizza'],
  ['nl', 'min 4 kilo en nog maar 1200 kcal per dag, zomer ik kom eraan'],
]

describe('eleventh pass: ordinary posts stay free of diet-culture', () => {
  test.each(ordinary)('%s: %s', (lang, text) => {
    expect(has(text, lang, 'diet-culture'), text).toBe(false)
  })
  test.each(stillLabelled)('still labelled, %s: %s', (lang, text) => {
    expect(has(text, lang, 'diet-culture'), text).toBe(true)
  })
})
