// Issue 3, Dutch self-harm pass: broader Dutch cue vocabularies (death and finality, self-injury, wanting,
// hopelessness, plans, goodbyes, voices) and a method family that only counts with another family. Each new
// cue family or combo gets a post it should label, with the id that must be among the reasons, and a near
// miss that it must leave alone. All posts here are written for this test, not taken from any data set (and
// not from fixtures/nlsh-dev.jsonl or the held-out fixtures/heldout-nlsh-blind.jsonl).
import { labelledAndNot, positivesAndNearMisses, type Case } from './generalise-cases.ts'

const cases: Case[] = [
  // --- combos with the new method family ------------------------------------------------------------
  ['sh.cooc.burden+method', 'self-harm', 'nl', 'sta weer op het perron. ik ben een last voor mn ouders', 'sta weer op het perron, trein heeft 20 min vertraging'],
  ['sh.cooc.method+plan', 'self-harm', 'nl', 'de tabletten zijn opgespaard, hou me niet tegen', 'de tabletten tegen hooikoorts liggen in de la'],
  ['sh.cooc.method+farewell', 'self-harm', 'nl', 'paracetamol ligt naast me. sorry mama', 'paracetamol ligt naast me tegen de koorts'],
  ['sh.cooc.method+voices', 'self-harm', 'nl', 'mn hoofd zegt dat ik van het dak moet', 'mn vader zegt dat de kat van het dak moet'],
  // --- broader Dutch vocabularies in the old combos -------------------------------------------------
  ['sh.cue.nl.why-alive', 'self-harm', 'nl', 'ik snap echt niet waarom ik nog adem, niemand zou me missen', 'ik snap echt niet waarom ik nog adem na die sprint'],
  ['sh.cue.nl.death', 'self-harm', 'nl', 'ik hoop echt dat ik stop met ademen in mn slaap', 'ik hoop echt dat mn broertje stopt met snurken in zn slaap'],
  ['sh.cue.nl.hopeless', 'self-harm', 'nl', 'alles is uitzichtloos, ik denk aan de dood', 'de woningmarkt is uitzichtloos, we huren gewoon verder'],
  ['sh.cue.nl.injury', 'self-harm', 'nl', 'vannacht weer gekerfd, 2 maanden clean weg', 'vroeger hebben we onze namen in de boom gekerfd'],
  ['sh.cue.nl.desire', 'self-harm', 'nl', 'lig ik te bedenken hoe ik het ga doen', 'lig ik te bedenken hoe ik de kamer ga inrichten'],
  ['sh.cue.nl.funeral', 'self-harm', 'nl', 'wie zou er huilen op mn uitvaart eigenlijk', 'wie zou er spreken op opa zn uitvaart eigenlijk'],
  ['sh.cue.nl.voices', 'self-harm', 'nl', 'die stem in mn hoofd wil dat ik dood ga', 'die stem in mn hoofd zingt de hele dag dat liedje'],
]

positivesAndNearMisses('issue 3 Dutch self-harm pass: a positive and a near miss each', cases)

// The pass's idiom: a climbing or skipping rope is not a method.
labelledAndNot('issue 3 Dutch self-harm pass: idioms', [
  ['self-harm', 'nl', 'ik wil me ophangen, het touw ligt klaar', 'ik moet me ophangen aan het klimtouw in de gym, ik kan het echt niet'],
])
