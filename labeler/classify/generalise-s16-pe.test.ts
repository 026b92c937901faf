// Issue 3, session 16 (pro-ed): concept rules and cues written for a fifth author's posts in many voices
// (looking sick as a compliment, hunger or dizziness as the best feeling, excuses that work, staged meals,
// contests over eating least, not eating the day after eating, the wrist test, goal weights reached, loose
// clothes and lightness next to not eating). Each rule, cue and combo added or changed gets a post it must
// label, with its id among the reasons, and a near miss that it must leave alone. All posts here are written
// for this test, not taken from any data set.
import { positivesAndNearMisses, type Case } from './generalise-cases.ts'

const cases: Case[] = [
  ['proed.en.sick-compliment', 'pro-ed', 'en', "my coworker said i look ill lately. honestly the best compliment i've had in months", "my coworker said i look ill and sent me home, i had the flu all week"],
  ['proed.en.hunger-best', 'pro-ed', 'en', "that hollow hunger at bedtime is my favourite feeling tbh", "the hunger games is my favourite film series, rewatching tonight"],
  ['proed.en.not-hungry-weak', 'pro-ed', 'en', "put the crisps back. you're not hungry, you're just weak.", "you're not hungry, you're bored. go for a walk and drink some water"],
  ['proed.en.say-no-to-food', 'pro-ed', 'en', "said no to food all weekend and i feel stronger than ever", "said no to the office cake because i'm allergic to nuts, feel a bit left out"],
  ['proed.en.stronger-than-hunger', 'pro-ed', 'en', "be stronger than your hunger tonight girls", "our defence was stronger than the hunger for revenge in their attack"],
  ['proed.en.eat-least-contest', 'pro-ed', 'en', "weekend challenge: whoever eats the least gets to pick the next one", "lowest score wins in golf, so i'm basically a champion"],
  ['proed.en.back-to-nothing', 'pro-ed', 'en', "had two slices of pizza at the party so tomorrow is zero", "ate so much at the party, tomorrow nothing planned thank god"],
  ['proed.en.body-check-list', 'pro-ed', 'en', "morning routine: hip check ✔ rib check ✔ thigh check almost", "wrist check: new seiko on the strap, loving it"],
  ['proed.en.wrist-test', 'pro-ed', 'en', "wrist check again and my thumb and finger finally overlap", "my thumb and index finger touch when i hold a pencil, my teacher says that's the right grip"],
  ['proed.en.fake-eating', 'pro-ed', 'en', "lunch trick: push the pasta around the plate till it looks eaten. nobody ever notices", "my toddler pushes his peas around the plate every night, any tips?"],
  ['proed.en.kids-size', 'pro-ed', 'en', "cant wait until i fit into kids jeans again", "my daughter can't fit into her kids jeans anymore, growth spurt"],
  ['proed.en.excuse-script', 'pro-ed', 'en', "what to say when your mum asks why you're not eating: 'big lunch at school'", "what to say when your kid asks why the sky is blue"],
  ['proed.en.excuse-works', 'pro-ed', 'en', "told my aunt i had cramps so i could skip the roast. works every time", "told my teacher i had cramps and she let me sit out swimming, she believed me"],
  ['proed.en.parents-think-ate', 'pro-ed', 'en', "my dad thinks i had a big breakfast before school", "my dad thinks i had a big night out, i was at the library"],
  ['proed.nl.ziek-compliment', 'pro-ed', 'nl', "mijn oma zei dat ik er ziek uitzie. grootste compliment van de week", "de huisarts zei dat ik er ziek uitzag, dus griepremmers halen. geen compliment"],
  ['proed.nl.honger-mooiste', 'pro-ed', 'nl', "die lege maag voor het slapen is echt het mooiste gevoel", "honger is de beste saus, zei mijn opa altijd"],
  ['proed.nl.honger-zwak', 'pro-ed', 'nl', "je hebt geen honger, je bent gewoon zwak. doe die koelkast dicht", "je hebt geen honger, je hebt dorst. drink eerst een glas water"],
  ['proed.nl.sterker-dan-honger', 'pro-ed', 'nl', "blijf sterker dan je honger vanavond", "mijn honger naar succes is sterker dan ooit"],
  ['proed.nl.minst-eten-wedstrijd', 'pro-ed', 'nl', "deze week een challenge: wie het minst eet wint", "wie het minst punten heeft moet de afwas doen"],
  ['proed.nl.morgen-niks', 'pro-ed', 'nl', "gisteren een heel pak koekjes gegeten dus morgen niks", "gisteren pannenkoeken gegeten, morgen niks aan de hand, gewoon werken"],
  ['proed.nl.polstest', 'pro-ed', 'nl', "duim en wijsvinger raken elkaar eindelijk om mijn pols", "bij deze yogahouding leg je duim en wijsvinger tegen elkaar"],
  ['proed.nl.botten-steken-uit', 'pro-ed', 'nl', "mijn heupbotten steken uit boven mijn broek", "bij die oude koe in de wei steken de ribben uit, ik bel de dierenbescherming"],
  ['proed.nl.kinderkleding', 'pro-ed', 'nl', "pas weer in een kinderjurk, eindelijk", "mijn dochter past de kinderjurk van haar nichtje, zo schattig"],
  ['proed.nl.smoezen-script', 'pro-ed', 'nl', "als je moeder vraagt waarom je niet mee eet: gewoon zeggen dat je bij een vriendin hebt gegeten", "als je kind vraagt waarom de lucht blauw is, zeg dan gewoon dat je het niet weet"],
  ['proed.nl.smoes-werkt', 'pro-ed', 'nl', "tegen mijn vader gezegd dat ik misselijk ben, geen bord pasta voor mij. werkt elke keer", "tegen de gymleraar gezegd dat ik buikpijn heb, mocht op de bank zitten. werkt elke keer"],
  ['proed.nl.ouders-denken-eet', 'pro-ed', 'nl', "mn ma denkt dat ik op stage luncht", "mn ma denkt dat ik op stage te hard werk"],
  ['proed.any.gw-reached', 'pro-ed', 'en', "gw reached. new gw set 🦋 never done", "new gw set for the cup game, gw reached in my fantasy league"],
  ['pe.cue.en.excuse', 'pro-ed', 'en', "told them id already eaten and skipped dinner again", "told my teacher i had cramps and she let me skip swimming"],
  ['pe.cue.en.thin-light', 'pro-ed', 'en', "ate nothing since sunday, lighter than ever", "light as a feather now that my thesis is handed in, pizza tonight"],
  ['pe.cue.en.loose-clothes', 'pro-ed', 'en', "3 days on just water and my jeans are already loose", "black coffee and the lightest laptop i've ever owned, my jeans are loose after the wash"],
  ['pe.cue.en.fast-s16', 'pro-ed', 'en', "nothing till dinner again and i feel so light", "nothing till dinner because the kitchen is being renovated"],
  ['pe.cue.en.weight-s16', 'pro-ed', 'en', "breakfast: coffee. down 3 lbs this week", "unpacked the suitcase and it's down 3 lbs, airline scale says fine"],
  ['pe.cue.en.pride-empty', 'pro-ed', 'en', "hungry in the best possible way after skipping lunch and dinner", "hungry in the best possible way after a long hike, pasta time"],
  ['pe.cue.en.mirror-trick', 'pro-ed', 'en', "stare at your thighs in the mirror, chew gum, and the hunger pangs pass", "stare at your thighs in the mirror during squats to check your form"],
  ['pe.cue.nl.smoes', 'pro-ed', 'nl', "mn moeder kookte stamppot en ik heb gezegd dat ik buikpijn heb. vandaag weer niks gegeten", "tegen de juf gezegd dat ik buikpijn heb, gym overgeslagen"],
  ['pe.cue.nl.licht-veertje', 'pro-ed', 'nl', "3 dagen op thee en ik voel me licht als een veertje", "licht als een veertje na de sauna, daarna lunch overgeslagen door de drukte"],
  ['pe.cue.nl.fast-s16', 'pro-ed', 'nl', "vandaag eet ik gewoon niet. ik voel me zo licht", "vandaag eet ik gewoon niet thuis, we gaan naar de chinees"],
  ['pe.cue.nl.broek-zakt', 'pro-ed', 'nl', "2 dagen op thee en mijn broek zakt nu al af", "zwarte koffie op het terras en mijn broek zakt af, riem vergeten"],
  ['pe.cue.nl.maag-stil', 'pro-ed', 'nl', "kauwgom en thee, dan houdt je maag vanzelf zn mond", "na die erwtensoep houdt mijn maag eindelijk zn mond"],
  ['pe.cue.nl.pride-s16', 'pro-ed', 'nl', "weer niks gegeten vandaag. nul keer gezwicht", "de hond bleef netjes zitten bij de taart, nul keer gezwicht. goed zo"],
  ['pe.cue.nl.together-s16', 'pro-ed', 'nl', "vandaag 1 rijstwafel. wie doet het beter?", "vandaag 1 taart gebakken voor de wedstrijd. wie doet het beter?"],
  ['pe.cooc.together+rule', 'pro-ed', 'nl', "gisteren een halve appel. wie doet het beter?", "gisteren een halve marathon gelopen. wie doet het beter?"],
  ['pe.cue.nl.spiegel-truc', 'pro-ed', 'nl', "een groot glas ijswater en vroeg naar bed voordat de honger komt", "kijk naar je buik tijdens de plank, span hem goed aan"],
]

positivesAndNearMisses('session 16: pro-ed concept rules and cues (positive, near miss)', cases)
