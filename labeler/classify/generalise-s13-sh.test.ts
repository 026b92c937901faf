// Issue 3, eleventh pass (self-harm): of the rules a helper fitted to a fourth author's posts
// (fixtures/s13-sh-dev.jsonl), only those that also labelled posts of another author's dev file were
// kept (rules README, "Eleventh pass"). All are weak (0.7): with first-person speech a label. Each gets a
// post it must label, with its id among the reasons, and a near miss that it must leave alone. All posts
// here are written for this test, not taken from any data set.
import { positivesAndNearMisses, type Case } from './generalise-cases.ts'

const cases: Case[] = [
  ['sh.en.wont-see', 'self-harm', 'en', 'honestly i dont think ill see my next birthday and i am at peace with that', 'i wont make it to christmas dinner this year, working a double shift at the hospital'],
  ['sh.en.wont-be-around', 'self-harm', 'en', 'i wont be around much longer, i just want you all to know i tried', 'i wont be around much longer tonight, gotta sleep before my early shift'],
  ['sh.en.last-post-love', 'self-harm', 'en', 'ok this is my last post. love u all x', 'last post of the year, thanks for reading my silly bread blog, love you all'],
  ['sh.nl.teleurgesteld-wakker', 'self-harm', 'nl', 'weer teleurgesteld dat ik wakker ben geworden, elke ochtend hetzelfde', 'teleurgesteld dat ik wakker werd van de buren om zes uur, zaterdag nota bene'],
]

positivesAndNearMisses('eleventh pass: self-harm rules that carried over between authors (positive, near miss)', cases)
