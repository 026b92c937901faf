// Session 16 (self-harm): rules and cues written for concepts behind a fifth author's dev posts (passive
// death wishes, not wanting to wake up, being a burden, goodbyes and giving things away, self-injury urges
// and hiding them, hopelessness framed as death), and the narrowings that keep figurative use, quoted
// outbursts and reported speech unlabelled. Each rule, cue or combo added or changed gets a post it must
// label, with its id among the reasons, and a near miss that it must leave alone. All posts here are
// written for this test, not taken from any data set.
import { positivesAndNearMisses, type Case } from './generalise-cases.ts'

const narrowed: Case[] = [
  ['sh.en.kms', 'self-harm', 'en', 'honestly kms. nothing is working and i am so tired', 'my brother said hes gonna kms when his team lost lmao'],
  ['sh.en.want-to-die', 'self-harm', 'en', 'i want to die and i mean it this time', 'whole office heard me scream i want to die when excel crashed again'],
  ['sh.en.last-post-love', 'self-harm', 'en', 'this will be my last post. thanks for the years everyone, take care of each other', 'last post of the season, take care of each other on the trails'],
  ['sh.cue.en.to-die', 'self-harm', 'en', 'keep thinking it would be easier to die than to keep waking up to this', 'the guy next to me on the train kept groaning i want to die at every delay'],
  ['sh.nl.wil-dood', 'self-harm', 'nl', 'ik wil dood, al weken, en niemand merkt het', 'waarom moet iedereen meteen ik wil dood roepen als de wifi even hapert'],
  ['sh.nl.er-niet-meer-zijn', 'self-harm', 'nl', 'ik zie het echt niet meer zitten, alles is zwart', 'ik wil niet meer... afwassen. wie neemt het over'],
  ['sh.nl.geen-uitweg', 'self-harm', 'nl', 'ik wil gewoon voorgoed verdwijnen, niemand zou het merken', 'ik wil verdwijnen onder mijn deken met thee en een boek'],
  ['sh.cue.nl.dood', 'self-harm', 'nl', 'ik denk steeds aan dood en ik wil dat het stopt', 'laptop dood, printer kapot, ik wil gewoon weekend'],
  ['sh.nl.niet-meer-wakker', 'self-harm', 'nl', 'soms denk ik: als ik vannacht in slaap val en niet meer wakker word, is dat ook goed', 'als ik nu in slaap val en pas om tien uur wakker word mis ik de trein'],
  ['sh.nl.huisdier-weg', 'self-harm', 'nl', 'de hond heb ik naar mn broer gebracht. alles is geregeld nu', 'de hond naar mn broer gebracht want we gaan een week op vakantie, alles is geregeld'],
  ['sh.nl.relapse', 'self-harm', 'nl', '3 maanden goed gegaan en gisteren toch weer. lange mouwen in de zomer dus', '3 maanden goed gegaan met de knie en nu toch weer pijn na het voetballen'],
  ['sh.nl.hoop-ongeluk', 'self-harm', 'nl', 'ik hoop eigenlijk dat de vrachtwagen me op de rotonde een keer over het hoofd ziet', 'ik hoop dat de buschauffeur me ziet staan want het regent'],
]

const english: Case[] = [
  ['sh.en.disappointed-woke', 'self-harm', 'en', 'woke up again and honestly im gutted i woke up', 'so annoyed i woke up late and missed the sunrise hike'],
  ['sh.en.scars-want-new', 'self-harm', 'en', 'my scars are healing and part of me wants fresh ones', 'my tattoo is fading and i want new ones for summer'],
  ['sh.en.lied-safe', 'self-harm', 'en', 'my counsellor asked if i had a plan. i said no. i do', 'the instructor asked if i was a safe driver and i said yes, not a lie'],
]

const dutch: Case[] = [
  ['sh.nl.lieg-hulpverlener', 'self-harm', 'nl', 'mijn huisarts vroeg of ik veilig ben. ik zei ja. ik loog.', 'mijn huisarts vroeg of ik veilig fiets met die knie. ik zei ja, geen leugen'],
  ['sh.nl.dank-en-sorry', 'self-harm', 'nl', 'dankjewel voor alles. jullie waren goed voor me. het spijt me', 'dankjewel voor alles collegas, sorry dat ik niet op de borrel kan zijn'],
  ['sh.nl.straks-niet-nodig', 'self-harm', 'nl', 'wie wil mijn fiets? ik heb hem straks toch niet meer nodig', 'wie wil mijn fiets? ik heb een nieuwe gekocht'],
]

const cues: Case[] = [
  ['sh.cue.en.injury', 'self-harm', 'en', 'urges are loud tonight, back on the butterfly project', 'my kids did a butterfly garden project at school, i want one too'],
  ['sh.cue.nl.injury', 'self-harm', 'nl', 'de drang is er weer, ik begin opnieuw met het butterfly project', 'de kinderen deden een vlinder project op school, ik wil ook'],
  ['sh.cue.en.farewell', 'self-harm', 'en', 'theres no point anymore. look after each other, all of you', 'gave my old desk away, moving flats. look after each other'],
  ['sh.cue.nl.farewell', 'self-harm', 'nl', 'moe van alles. ik geef het op. sorry pap', 'sorry mam, ik ben de sleutels weer vergeten'],
  ['sh.cue.nl.resolve', 'self-harm', 'nl', 'ik word niet oud, heb ik zelf besloten. dood lijkt me rust', 'heb ik zelf besloten: we gaan naar frankrijk deze zomer'],
]

positivesAndNearMisses('session 16: self-harm narrowings (positive, near miss)', narrowed)
positivesAndNearMisses('session 16: English self-harm concept rules (positive, near miss)', english)
positivesAndNearMisses('session 16: Dutch self-harm concept rules (positive, near miss)', dutch)
positivesAndNearMisses('session 16: self-harm cues and combos (positive, near miss)', cues)
