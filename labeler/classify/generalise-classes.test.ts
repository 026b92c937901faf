// Issue 3, fourth pass: concept classes instead of phrases. Each new cue family or combo (a class of
// interchangeable words that counts only next to another class) gets a post it should label, with the
// combo that must be among the reasons, and a near miss that it must leave alone. All posts here are
// written for this test, not taken from any data set (and not from fixtures/s4-dev.jsonl or the
// held-out fixtures/heldout-s4-blind.jsonl).
import { describe, expect, test } from 'vitest'
import { has, positivesAndNearMisses, type Case } from './generalise-cases.ts'

const cases: Case[] = [
  // --- self-harm: body parts, plans and moments, intrusive voices ---------------------------------
  ['sh.cooc.injury+body', 'self-harm', 'en', 'fresh cuts all over my thighs again', 'my thighs hurt after leg day'],
  ['sh.cooc.injury+body', 'self-harm', 'nl', 'mijn dijen zitten vol sneetjes', 'mijn dijen doen pijn na het fietsen'],
  ['sh.cooc.death+plan', 'self-harm', 'en', 'i saved all my pills. tonight is the night', 'tonight is the night, first date in a year'],
  ['sh.cooc.death+plan', 'self-harm', 'nl', 'ik wil weg van deze wereld, voorgoed', 'we gaan verhuizen, voorgoed weg uit utrecht'],
  ['sh.cooc.death+voices', 'self-harm', 'en', 'the voices keep telling me to end it all', 'the voices on that podcast are so calming'],
  // --- pro-ed: purging, tiny counted intakes, hiding with separable verbs ---------------------------
  ['pe.cooc.hate+fast', 'pro-ed', 'en', 'got rid of it after dinner, i look like a whale', 'i feel so disgusting, caught the flu and made myself soup'],
  ['pe.cue.en.tiny-intake', 'pro-ed', 'en', 'ate half an apple and i still look huge', 'had two crackers with cheese, lovely lunch'],
  ['pe.cue.nl.gooi-weg', 'pro-ed', 'nl', 'ik gooi mijn lunch stiekem weg, liever honger', 'ik gooi de oude kranten weg, opruimdag'],
  ['pe.cue.nl.food-away', 'pro-ed', 'nl', 'ik geef mijn boterham aan de hond 🤫', 'oud brood gooi ik nooit weg, daar maak ik wentelteefjes van'],
  ['pe.cooc.fast+aspire', 'pro-ed', 'nl', 'maar twee rijstwafels vandaag, ik voel me sterk', 'twee rijstwafels met pindakaas als tussendoortje'],
  // --- diet-culture: macro logs, making up for an occasion, compound pitches ---------------------------
  ['dc.cooc.diary+calorie', 'diet-culture', 'en', 'lunch log: 420 kcal, 35g protein, 12g carbs', 'this bar has 10g protein, tastes like cardboard'],
  ['dc.cooc.season+moral', 'diet-culture', 'nl', 'na het weekend moet ik boete doen in de sportschool', 'na het weekend weer naar de sportschool, zin in'],
  ['dc.cooc.fat+pitch', 'diet-culture', 'nl', 'de grootste dikmakers op een rij, door je afslankcoach', 'onze voetbalcoach trakteerde op taart'],
  ['dc.cooc.food+moral', 'diet-culture', 'en', 'pizza is only okay if you ran it off first', 'pizza after the run, best feeling'],
  // --- outrage-bait: "them", calls to remove, rage questions, exploitation framing ----------------------
  ['ob.cooc.dehuman+them', 'outrage-bait', 'en', 'bloodsuckers, the lot of them', 'mosquitoes are bloodsuckers, summer is awful'],
  ['ob.cooc.violence+dehuman', 'outrage-bait', 'en', 'these rats need to be exterminated', 'the rats in the shed were wiped out by the exterminator'],
  ['ob.cooc.violence+them', 'outrage-bait', 'en', 'people like them? send them back', 'people like them make the world better, send them my love'],
  ['ob.cooc.conspiracy+rage', 'outrage-bait', 'en', 'why isnt anyone angry? they are stealing your future', 'why isnt anyone angry about the referee? stealing a win'],
  ['ob.cooc.enemy+rage', 'outrage-bait', 'nl', 'weer die zakkenvullers, ik kook van woede', 'ik snap de woede over de zakkenvullers-affaire, lees het rapport'],
]

positivesAndNearMisses('issue 3 concept classes: a positive and a near miss each', cases)

describe('fasting words without false friends', () => {
  test('"growing up so fast" is not fasting', () => {
    expect(has('my son weighs 35 kg now, growing up so fast', 'en', 'pro-ed')).toBe(false)
    expect(has('my son weighs 35 kg now, growing up so fast', 'en', 'diet-culture')).toBe(false)
  })
  test('a fast counted in hours still is', () => {
    expect(has('36 hour fast done, cw 49 kg, next goal 45', 'en', 'pro-ed')).toBe(true)
  })
})
