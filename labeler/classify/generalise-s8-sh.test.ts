// Issue 3, eighth pass (self-harm): concept families from the public suicide-prevention warning-sign lists
// (113 Zelfmoordpreventie, AFSP, WHO): feeling a burden, last letters, affairs put in order, means acquired or
// prepared, being at a height with the step, a decision or a set moment, ambivalence about acting, hoping for an
// accident, researching amounts. Each family is weak alone; two distinct families give the label. Each combo (and
// each new rule) gets a post it should label, with the id that must be among the reasons, and a near miss that it
// must leave alone. All posts here are written for this test (not taken from fixtures/s8-sh-dev.jsonl, the dev set
// or the held-out fixtures).
import { labelledAndNot, positivesAndNearMisses, type Case } from './generalise-cases.ts'

const cases: Case[] = [
  // --- burden ------------------------------------------------------------------------------------------------
  ['sh.cooc.burden+death', 'self-harm', 'en', 'im such a burden to my family. might as well disappear for good', 'my sister is a burden to my family lately, she disappeared for a week'],
  ['sh.cooc.burden+farewell', 'self-harm', 'en', 'im just dead weight to all of you. thanks for everything', 'this old laptop is dead weight in my bag. thanks for everything, old friend'],
  ['sh.cooc.burden+death', 'self-harm', 'nl', 'ik ben alleen maar een last. straks ben ik er niet meer', 'ik voel me een last voor mijn collega met die gips, sorry jongens'],
  ['sh.cooc.burden+method', 'self-harm', 'nl', 'ik ben een blok aan het been voor iedereen. de slaappillen liggen hier', 'ik ben een blok aan het been voor die club, wat een hopeloos seizoen'],
  // --- letters, affairs ----------------------------------------------------------------------------------------
  ['sh.cooc.letter+farewell', 'self-harm', 'en', 'wrote letters for my brothers. goodbye everyone', 'wrote a thank you card for my teacher. goodbye everyone, summer break!'],
  ['sh.cooc.letter+resolve', 'self-harm', 'nl', 'mijn brief ligt op het bureau. mijn besluit staat vast', 'mijn besluit staat vast: ik ga verhuizen naar gent'],
  ['sh.cooc.affairs+resolve', 'self-harm', 'en', 'gave my records to my cousin. ive decided, nobody can stop me now', 'gave my records to my cousin since i stream everything now'],
  ['sh.cooc.affairs+resolve', 'self-harm', 'nl', 'mijn wachtwoorden staan op een briefje voor mijn broer. binnenkort is het voorbij', 'mijn wachtwoorden staan in een kluis-app, handig'],
  // --- means, heights ------------------------------------------------------------------------------------------
  ['sh.cooc.means+tool', 'self-harm', 'en', 'got the tylenol from a different store each time so nobody asks', 'the pharmacy ran out of my pills again, different store next time'],
  ['sh.cooc.means+injury', 'self-harm', 'en', 'bought a blade after work, hiding it in my room so i can cut later', 'bought a blade for the planer after work'],
  ['sh.cooc.edge+step', 'self-harm', 'en', 'on the ledge of the car park. just one step', 'on the ledge of the cliff for a selfie, the view was mad'],
  ['sh.cooc.method+step', 'self-harm', 'nl', 'sta aan het perron en kijk naar de rand. het zou zo makkelijk zijn', 'op het perron gewacht, de trein had weer vertraging'],
  ['sh.cooc.edge+step', 'self-harm', 'nl', 'zit op de reling van de brug. gewoon loslaten', 'zit op de reling van het terras met een ijsje'],
  // --- decisions, ambivalence ----------------------------------------------------------------------------------
  ['sh.cooc.resolve+farewell', 'self-harm', 'nl', 'de beslissing is genomen. tot in een ander leven, lieve mensen', 'de beslissing is genomen: we gaan naar spanje!'],
  ['sh.cooc.resolve+farewell', 'self-harm', 'en', 'its decided. see ya on the other side', 'its decided, pizza tonight. see ya at 8'],
  ['sh.cooc.means+method', 'self-harm', 'nl', 'ne voorraad slaappillen in mijn kast, ik weet wat ik doe', 'een voorraad paracetamol in huis voor de griep'],
  ['sh.cooc.means+tool', 'self-harm', 'en', 'my stash of pills is big enough now', 'my stash of candy is big enough now'],
  ['sh.cooc.edge+step', 'self-harm', 'nl', 'bovenop de flat. nog ene stap en t is stil', 'bovenop de flat met vrienden, wat een uitzicht'],
  ['sh.cooc.resolve+death', 'self-harm', 'en', 'my mind is made up. goodbye forever', 'my mind is made up, im getting the blue car'],
  ['sh.cooc.ambivalence+death', 'self-harm', 'en', 'idk if im brave enough for the eternal sleep', 'dont know if im brave enough to try the ghost train'],
  ['sh.cooc.ambivalence+death', 'self-harm', 'nl', 'ik durf het niet, maar ik wil echt dood', 'weet niet of ik het durf, die achtbaan in de efteling'],
  // --- accident, research --------------------------------------------------------------------------------------
  ['sh.cooc.accident+self', 'self-harm', 'en', 'i hope a truck hits me tomorrow, then i wont have to do it myself', 'i hope the plumber comes tomorrow so i dont have to do it myself'],
  ['sh.cooc.accident+self', 'self-harm', 'nl', 'ik hoop dat een auto me aanrijdt, dan hoef ik het niet zelf te doen', 'hopelijk komt de schilder, dan hoef ik het niet zelf te doen'],
  ['sh.cooc.burden+death', 'self-harm', 'en', 'theyd be better off w/o me. soon they wont have to deal with me', 'the band is better off w/o me on drums lol'],
  ['sh.cooc.research+death', 'self-harm', 'en', 'asked about the lethal dose. eternal sleep sounds good', 'the lethal dose of caffeine is way higher than you think, fun fact'],
  ['sh.cooc.method+research', 'self-harm', 'nl', 'hoeveel is dodelijk van mijn slaappillen', 'hoeveel koffie mag je per dag'],
  // --- rules: messages meant to be read after one's death, stockpiled medication, missing the blade --------------
  ['sh.en.reading-this-gone', 'self-harm', 'en', 'by the time you read this im already dead', 'by the time you read this im already gone on holiday'],
  ['sh.nl.dit-leest-niet-meer', 'self-harm', 'nl', 'als jullie dit lezen ben ik er niet meer', 'als jullie dit lezen ben ik er niet meer op kantoor'],
  ['sh.nl.medicatie-sparen', 'self-harm', 'nl', 'mn antidepressiva aan het verzamelen sinds de zomer', 'mijn pillen in een doosje gedaan voor op reis'],
  ['sh.en.miss-the-blade', 'self-harm', 'en', 'i keep missing the blade tonight', 'i keep missing my razor scooter tonight'],
  ['sh.nl.mis-het-mesje', 'self-harm', 'nl', 'ik mis mijn mesjes echt', 'ik mis het snijden van de taart op verjaardagen'],
]

positivesAndNearMisses('issue 3 eighth pass (self-harm warning signs): a positive and a near miss each', cases)

// The eighth pass's context markers: the near miss stays unlabelled, a post of the same label without the marker does not.
labelledAndNot('issue 3 eighth pass: self-harm vetoes', [
  ['self-harm', 'en', 'i wish i wasnt here anymore', 'i wish i wasnt here at this meeting'],
  ['self-harm', 'en', 'goodbye everyone, i dont want to be alive', 'my phone is dying, goodbye everyone'],
  ['self-harm', 'nl', 'weet niet of ik het durf om van de brug te springen', 'weet niet of ik het durf, bungeejumpen van de brug'],
  ['self-harm', 'en', 'i miss self harm so much', 'two years free from self harm today'],
  ['self-harm', 'en', 'wrote my goodbye letter last night', 'this song about a goodbye letter makes me cry'],
  ['self-harm', 'nl', 'mijn familie is beter af zonder mij', 'het team is beter af zonder mij in de ploeg, ik kan niet voetballen'],
  ['self-harm', 'nl', 'al mijn spullen weggegeven, ik ben er klaar voor', 'al mijn spullen weggegeven aan de kringloop, ik verhuis'],
])
