// Issue 3, eleventh pass (pro-ed): of the rules a helper fitted to a third author's posts
// (fixtures/s13-dcpe-dev.jsonl), only those that also labelled posts of another author's dev file were
// kept (the rest matched the one post they were written from; rules README, "Eleventh pass"). Each gets a
// post it must label, with its id among the reasons, and a near miss that it must leave alone. All posts
// here are written for this test, not taken from any data set.
import { positivesAndNearMisses, type Case } from './generalise-cases.ts'

const cases: Case[] = [
  ['proed.any.bmi-goal', 'pro-ed', 'en', 'bmi 16.4 this morning and i wanna see 15 before prom', 'my bmi 17.5 at the gp, she wants me to gain a bit and see a dietitian'],
  ['proed.en.fasting-streak', 'pro-ed', 'en', '40 hours done. going for 60, nobody stop me', '16 hours done, going for a run before breakfast'],
  ['proed.en.get-rid-of-it', 'pro-ed', 'en', 'ate the whole pizza but i got rid of it after, nobody heard', 'ate the whole pizza, the box was huge so i got rid of it at the recycling'],
  ['proed.en.growl-applause', 'pro-ed', 'en', 'my stomach growling all day is just applause at this point', 'the crowd was growling and then the applause came, great gig'],
  ['proed.en.strict-coach', 'pro-ed', 'en', 'looking for a strict coach who checks what i eat and punishes me, dm', 'looking for a strict coach for my marathon block, sub 3:30 is the goal'],
  ['proed.nl.strenge-coach', 'pro-ed', 'nl', 'strenge coach gezocht die me elke ochtend laat wegen en uitscheldt als het omhoog gaat', 'strenge coach gezocht voor ons hockeyteam, training op dinsdag'],
  ['proed.nl.verbergen-aan-tafel', 'pro-ed', 'nl', 'hoe verstoppen jullie het tijdens het avondeten? mijn ouders beginnen het door te krijgen', 'hoe verstoppen jullie het cadeau tijdens het avondeten? het is een verrassing'],
]

positivesAndNearMisses('eleventh pass: pro-ed rules that carried over between authors (positive, near miss)', cases)
