// Issue 3, ninth pass (self-harm): severe single warning signs. 'Safe' denied to a clinician, and one's own
// crisis safety plan dropped, label alone (strong) or with first-person speech (weak); overdose within reach
// labels with first-person speech; a decision or a countdown labels only with what it is for (secrecy, relief
// at an end, death, self-injury); a method within reach labels only with doubt or a decision as well (three
// families). Each combo and rule gets a post it should label, with the id that must be among the reasons, and
// a near miss it must leave alone. All posts here are written for this test (not taken from
// fixtures/s9-sh-dev.jsonl, the dev set or the held-out fixtures).
import { has, positivesAndNearMisses, type Case } from './generalise-cases.ts'
import { describe, expect, test } from 'vitest'

const cases: Case[] = [
  // --- 'safe' denied, safety plan dropped (strong / first person) ---------------------------------------------
  ['sh.en.safe-denied', 'self-harm', 'en', 'the crisis team asked if i was safe. said yes. it was a lie', 'the guide asked if i was safe on the trail. said yes, it was fine'],
  ['sh.en.safe-denied', 'self-harm', 'en', 'honestly not safe from myself this week', 'honestly not safe from the wasps this week'],
  ['sh.en.safe-denied', 'self-harm', 'en', 'promised my mum i wouldnt hurt myself. i lied', 'promised my mum i wouldnt eat all the cake. i lied'],
  ['sh.nl.veilig-ontkend', 'self-harm', 'nl', 'de verpleger vroeg of ik veilig ben. gelogen natuurlijk', 'de verpleger vroeg of ik veilig thuis ben geraakt. ja hoor'],
  ['sh.nl.veilig-ontkend', 'self-harm', 'nl', 'vannacht ben ik niet veilig voor mezelf', 'vannacht ben ik niet veilig op straat met die storm'],
  ['sh.en.safety-plan-dropped', 'self-harm', 'en', 'ripped up my safety plan. whats the use', 'ripped up the old fire safety plan at work'],
  ['sh.nl.signaleringsplan-weg', 'self-harm', 'nl', 'mn signaleringsplan helpt niet meer', 'het signaleringsplan van de school voor pesten helpt niet'],
  // --- overdose within reach (first person) ------------------------------------------------------------------
  ['sh.en.overdose-in-reach', 'self-harm', 'en', 'my painkillers are all on the desk. thinking of swallowing them all', 'my painkillers are on the desk, the dentist said take two'],
  ['sh.nl.overdosis-binnen-bereik', 'self-harm', 'nl', 'mijn slaappillen op tafel, ik wil ze allemaal innemen', 'mijn slaappillen op tafel, de arts zei er een innemen'],
  ['sh.nl.overdosis-binnen-bereik', 'self-harm', 'nl', 'mijn medicatie ligt hier. twijfel of ik het doe', 'mijn medicatie ligt hier. twijfel of ik genoeg heb voor de reis'],
  // --- a decision or a countdown with what it is for ---------------------------------------------------------
  ['sh.cooc.resolve+secret', 'self-harm', 'en', 'ive decided. nobody has to know until after', 'ive decided on the blue dress. keep it quiet until the wedding'],
  ['sh.cooc.resolve+secret', 'self-harm', 'nl', 'het is besloten. niemand hoeft het te weten', 'het is besloten, we gaan naar italie'],
  ['sh.cooc.resolve+peace', 'self-harm', 'en', 'made my decision. soon ill be at peace', 'made my decision about the job. soon ill have weekends off'],
  ['sh.cooc.resolve+peace', 'self-harm', 'nl', 'ik weet nu wanneer. dan is het eindelijk stil in mijn hoofd', 'ik weet nu wanneer de bus vertrekt'],
  ['sh.cooc.countdown+death', 'self-harm', 'nl', 'nog vijf nachtjes en dan ben ik er niet meer', 'nog vijf nachtjes tot sinterklaas'],
  ['sh.cooc.countdown+peace', 'self-harm', 'en', 'two more weeks and i never have to feel this again', 'two more weeks until summer and i never have to see my teacher again'],
  ['sh.cooc.countdown+death', 'self-harm', 'en', 'a few more days and then the eternal sleep', 'a few more days until the holiday, eternal gratitude to my boss'],
  // --- relapse described through the body ---------------------------------------------------------------------
  ['sh.cooc.injury+relapse', 'self-harm', 'en', 'relapsed again. new lines on my forearm', 'relapsed on the chocolate again. new lines on my forehead from stress'],
  ['sh.cooc.injury+relapse', 'self-harm', 'nl', 'teruggevallen. mijn armen zien er niet uit', 'teruggevallen in oude gewoontes, mijn planning ziet er niet uit'],
  // --- a method within reach with doubt or a decision (three families) -------------------------------------
  ['sh.cooc.reach+tool+ambivalence', 'self-harm', 'en', 'the pills are on my nightstand. idk if im brave enough', 'the pills are from the pharmacy. idk if im brave enough for the injection instead'],
  ['sh.cooc.reach+method+ambivalence', 'self-harm', 'nl', 'de slaappillen liggen naast mijn bed. weet niet of ik het durf', 'de slaappillen liggen in de apotheek. weet niet of ik het durf te vragen'],
  ['sh.cooc.reach+tool+resolve', 'self-harm', 'en', 'sleeping pills in my hand. ive decided', 'sleeping pills in the suitcase. ive decided to sleep on the flight'],
]

positivesAndNearMisses('issue 3 ninth pass (self-harm severe single signals): a positive and a near miss each', cases)

// The ninth pass's context changes: the near miss stays unlabelled, a post of the same label without it does not.
describe('issue 3 ninth pass: self-harm vetoes and relapse after recovery', () => {
  test.each([
    ['en', '5 months clean from cutting and now im back to square one, blood everywhere', '5 months clean from cutting today, proud of me'],
    ['en', 'part of me wants to, the blade is ready', 'part of me is scared of heights, the climbing rope is ready'],
    ['nl', 'de pillen staan klaar, ik ben er klaar voor', 'de verhuiswagen staat klaar, ik ben er klaar voor'],
    ['en', 'relapsed. 50 days clean gone, the blade won', 'relapsed. 50 days clean of sugar gone, the cake won'],
    ['nl', 'de pillen liggen klaar op mijn kamer', 'de pillen liggen klaar in de weekdoos van oma'],
  ] as const)('%s: %s', (lang, positive, nearMiss) => {
    expect(has(positive, lang, 'self-harm'), positive).toBe(true)
    expect(has(nearMiss, lang, 'self-harm'), nearMiss).toBe(false)
  })
})
