// Issue 3, twelfth pass (diet-culture): a fifth author's dev file (fixtures/s16-dca-dev.jsonl, 160 posts,
// a third of them critique or satire that quotes diet culture's phrases to reject them). The pass taught
// the classifier ways people reject diet talk (idioms for diet-culture only and recovery markers, in
// context.en/nl.yaml). Each marker has a sincere post that keeps the label and a critique of the same
// phrase that the marker leaves unlabelled; all posts here are written for this test, not taken from
// any data set. (The pass's new diet-culture rules were withdrawn: ordinary posts written to test them
// got the label; rules README, "Twelfth pass".)
import { labelledAndNot, type Pair } from './generalise-cases.ts'

// Context markers: a sincere diet-culture post that still gets the label, and critique of the same
// phrase that the marker leaves unlabelled.
const markers: Pair[] = [
  // idiom.en.dc-others-label
  ['diet-culture', 'en', 'sinful brownies back in stock, treat yourself 😈', 'the bakery ad called its brownies sinful. they are brownies, relax'],
  // idiom.en.dc-food-on-trial
  ['diet-culture', 'en', 'guilt-free muffins, only 95 kcal each', 'guilt-free muffins? what were the normal muffins doing, crimes?'],
  // idiom.en.dc-debunk
  ['diet-culture', 'en', 'day 2 of my detox tea, flushing out the toxins', 'pharmacist here: a detox tea won\'t flush out toxins, your liver already does that'],
  // idiom.en.dc-summer-body-reframe
  ['diet-culture', 'en', 'summer body program starts monday, 8 weeks, spots left', 'every body is a beach body, see you at the lake'],
  // idiom.en.dc-kinder-to-kids
  ['diet-culture', 'en', 'a moment on the lips, forever on the hips, ladies! stay strong', 'my dad said "a moment on the lips, forever on the hips" at every dinner. decades of unlearning since'],
  // idiom.en.dc-used-to-believe
  ['diet-culture', 'en', 'eating clean changed me, no more junk, I feel purer already', 'used to believe eating clean made me purer. turns out it was just anxiety'],
  // idiom.en.dc-stop-calling
  ['diet-culture', 'en', 'had a sinful dessert, back on track tomorrow', 'stop calling your dessert sinful. it is a dessert'],
  // idiom.en.dc-who-are-you-cheating
  ['diet-culture', 'en', 'cheat meal tonight, I earned it', 'cheat meal? who exactly are you cheating on, your salad?'],
  // idiom.en.dc-no-need-to-explain
  ['diet-culture', 'en', 'cheat day sunday, been so good all week', 'my friend apologised to me for her cheat day. you don\'t need to justify what you eat'],
  // idiom.en.dc-named-diet-culture
  ['diet-culture', 'en', 'earn your carbs, no excuses', 'diet culture taught me to earn my carbs. I am done with that'],
  // idiom.nl.dc-anderen-noemen
  ['diet-culture', 'nl', 'zondig toetje vanavond, morgen een extra rondje rennen', 'de reclame noemt dit toetje zondig. het is vla, mensen'],
  // idiom.nl.dc-eten-als-verdachte
  ['diet-culture', 'nl', 'schuldvrije koekjes, maar 60 kcal per stuk', 'schuldvrije koekjes. alsof gewone koekjes een strafblad hebben'],
  // idiom.nl.dc-ontkrachten
  ['diet-culture', 'nl', 'dag 5 van mijn detoxkuur, alle gifstoffen eruit', 'huisarts hier: een detoxkuur haalt er niks uit, daarvoor heb je je nieren'],
  // idiom.nl.dc-zomerlijf-is-lijf
  ['diet-culture', 'nl', 'zomerlijf challenge start maandag, nog 3 plekken', 'mijn zomerlijf is gewoon mijn lijf met zonnebrand erop'],
  // idiom.nl.dc-tegen-kinderen
  ['diet-culture', 'nl', 'een moment op de lippen, een leven op de heupen, meiden!', 'mijn moeder zei altijd: een moment op de lippen, een leven op de heupen. let op wat je tegen je kinderen zegt'],
  // idiom.nl.dc-dacht-vroeger
  ['diet-culture', 'nl', 'eten moet je verdienen, dus eerst naar de sportschool', 'ik dacht vroeger echt dat je eten moest verdienen met sporten, nu weet ik hoe fout dat was'],
  // idiom.nl.dc-stop-met-noemen
  ['diet-culture', 'nl', 'dit weekend zo stout geweest met chips 🙈 maandag weer beginnen', 'stop met zeggen dat je stout was omdat je chips at'],
  // idiom.nl.dc-wie-bedrieg-je
  ['diet-culture', 'nl', 'cheatday zaterdag, de hele week braaf geweest', 'cheatday? wie bedrieg je dan, je komkommer?'],
  // idiom.nl.dc-niks-uit-te-leggen
  ['diet-culture', 'nl', 'gezondigd met een gebakje 🙈 morgen extra sporten', 'mijn buurvrouw zei dat ze gezondigd had met een gebakje. je hoeft niks uit te leggen, lieverd'],
  // idiom.nl.dc-dieetcultuur
  ['diet-culture', 'nl', 'zondige taart vandaag 🙈 morgen weer braaf', 'dieetcultuur leert meisjes dat taart zondig is en dat je braaf moet zijn. genoeg'],
  // recovery.nl.anti-diet-culture (1.9.0: "niks te verdienen")
  ['diet-culture', 'nl', 'pizza verdiend na de training vanavond', 'je hoeft niks te verdienen, ook je pizza niet'],
  // recovery.en.anti-diet-culture (1.9.0: "no bad foods" after a food log is restriction)
  ['diet-culture', 'en', 'full day of eating, 1500 kcal, no bad foods 💪', 'there are no bad foods. a cheat day is just a day'],
  // recovery.en.proud-not-refusal
  ['diet-culture', 'en', 'said no to the dessert trolley at lunch, saving my cals for the weekend, proud of myself', 'had cake at the party without guilt, proud of myself'],
  // recovery.nl.trots-niet-geweigerd
  ['diet-culture', 'nl', 'taart op kantoor laten staan, cheatday is pas zaterdag, trots op mezelf 💪', 'eerste cheatday sinds jaren zonder compenseren en het voelde gewoon als eten. trots op mezelf'],
]

labelledAndNot('s16 pass: diet-culture critique and recovery markers (sincere post labelled, critique not)', markers)
