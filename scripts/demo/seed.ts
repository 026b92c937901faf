// Seed data for `npm run demo`: a small Utrecht neighbourhood (Lombok) with its library, its
// neighbourhood association and five residents, two days of posts in Dutch and English, and the
// feeds file that shows the wellbeing policies.
//
// A few posts are harmful and the labeler must mark them (`labels`); a few only look like them and
// must stay unlabelled (`lookalike`). Every text was checked with `npm run classify`; the demo test
// fails when the classifier's verdict on any of them changes.

export type AccountKey = 'library' | 'association' | 'sanne' | 'mohamed' | 'lotte' | 'kevin' | 'priya' | 'labeler'

export interface AccountSpec {
  key: AccountKey
  /** passed to TestNetwork.createAccount (the handle is derived from it, with a number and `.test`) */
  name: string
  displayName: string
  description: string
  /** on the association's "Buren van Lombok" list (the buurt feed) */
  member: boolean
}

export const ACCOUNTS: readonly AccountSpec[] = [
  {
    key: 'library',
    // the PDS allows at most 18 characters before .test ("bibliotheekutrecht1" is 19)
    name: 'bieb-utrecht',
    displayName: 'Bibliotheek Utrecht',
    description: 'De openbare bibliotheek van Utrecht. Publiceert de Plein-feeds. The public library of Utrecht.',
    member: true,
  },
  {
    key: 'association',
    name: 'buurt-lombok',
    displayName: 'Buurtvereniging Lombok',
    description: 'Voor en door bewoners van Lombok. Wij houden de lijst "Buren van Lombok" bij.',
    member: true,
  },
  { key: 'sanne', name: 'sanne', displayName: 'Sanne de Vries', description: 'Lombok, fiets, koffie.', member: true },
  { key: 'mohamed', name: 'mohamed', displayName: 'Mohamed El Amrani', description: 'Vader van twee, voorlezer op zondag.', member: true },
  { key: 'lotte', name: 'lotte', displayName: 'Lotte Jansen', description: 'Studeert in Utrecht.', member: true },
  { key: 'kevin', name: 'kevin', displayName: 'Kevin Smit', description: 'Ondernemer.', member: true },
  { key: 'priya', name: 'priya', displayName: 'Priya Sharma', description: 'New in Utrecht, learning Dutch.', member: true },
  {
    key: 'labeler',
    name: 'plein-labels',
    displayName: 'Plein labels (demo)',
    description: 'The Plein wellbeing labeler, running locally for the demo.',
    member: false,
  },
]

export interface SeedPost {
  /** a name for tests and the printed output */
  key: string
  author: AccountKey
  text: string
  langs: string[]
  /** written as tag facets (the text contains `#tag`) */
  tags?: string[]
  /** createdAt = now minus this many hours */
  hoursAgo: number
  /** a reply to the seed post with this key */
  replyTo?: string
  /** labels the labeler must give it (at least these) */
  labels?: string[]
  /** looks like a harmful post but must not be labelled */
  lookalike?: boolean
}

/** The pinned post of the buurt feed (by the library, created before the services start). */
export const PINNED_TEXT =
  '📌 Welkom in de buurtfeed van Lombok! Nieuwste berichten eerst, geen algoritme, geen tellers. Van 23:00 tot 07:00 rust de feed. Slaap lekker! — Bibliotheek Utrecht'

/** Two days of posts, oldest first. */
export const SEED_POSTS: readonly SeedPost[] = [
  {
    key: 'library-hours',
    author: 'library',
    text: 'Goedemorgen! Bibliotheek Neude is vandaag open van 10:00 tot 20:00. De koffie staat klaar ☕ #utrecht',
    langs: ['nl'],
    tags: ['utrecht'],
    hoursAgo: 46,
  },
  {
    key: 'cleanup',
    author: 'association',
    text: 'Zaterdag is de buurtschoonmaak in Lombok: we verzamelen om 10:00 bij het Moskeeplein. Grijpers en handschoenen liggen klaar. Wie helpt mee? #030',
    langs: ['nl'],
    tags: ['030'],
    hoursAgo: 44,
  },
  {
    key: 'bike-question',
    author: 'sanne',
    text: 'Weet iemand een goede fietsenmaker in de buurt? Mijn achterband is alweer lek 🚲',
    langs: ['nl'],
    hoursAgo: 40,
  },
  {
    key: 'sunday-question',
    author: 'mohamed',
    text: 'Is de bieb op zondag ook open? Ik wil met de kinderen naar het voorlezen.',
    langs: ['nl'],
    hoursAgo: 38,
  },
  {
    key: 'sunday-answer',
    author: 'library',
    text: 'Ja! Op zondag zijn we open van 12:00 tot 17:00 en het voorlezen begint om 13:00. Tot dan!',
    langs: ['nl'],
    hoursAgo: 37.5,
    replyTo: 'sunday-question',
  },
  {
    key: 'thinspo',
    author: 'lotte',
    text: 'Nog 3 kilo tot mijn goal weight 🦋 vandaag alleen water, morgen weer. Wie doet mee? #thinspo',
    langs: ['nl'],
    tags: ['thinspo'],
    hoursAgo: 36,
    labels: ['pro-ed'],
  },
  {
    key: 'language-group',
    author: 'priya',
    text: 'Does anyone know a Dutch conversation group near the Kanaalstraat? Happy to swap for English practice! #utrecht',
    langs: ['en'],
    tags: ['utrecht'],
    hoursAgo: 34,
  },
  {
    key: 'skinnytok-news',
    author: 'association',
    text: 'Onderzoek: #skinnytok schaadt meisjes. Wat kun je als ouder doen? Lezing in de bibliotheek, donderdag 19:30. Gratis, aanmelden hoeft niet.',
    langs: ['nl'],
    tags: ['skinnytok'],
    hoursAgo: 30,
    lookalike: true,
  },
  {
    key: 'money-pitch',
    author: 'kevin',
    text: 'Deze maand €10k verdiend vanaf mijn telefoon 💸 terwijl jij 9 tot 5 werkt. Stuur me een DM en ik laat je zien hoe!',
    langs: ['nl'],
    hoursAgo: 28,
    labels: ['lifestyle-flex'],
  },
  {
    key: 'recovery',
    author: 'sanne',
    text: 'Vandaag 1 jaar hersteld van anorexia. Ik eet weer met mijn gezin aan tafel. Dank aan iedereen die naast me stond 💚',
    langs: ['nl'],
    hoursAgo: 26,
    lookalike: true,
  },
  {
    key: 'library-hours-en',
    author: 'library',
    text: 'Opening hours this week: Mon–Fri 10:00–20:00, Sat 10:00–17:00, Sun 12:00–17:00. The reading room at Neude is open to everyone, no membership needed.',
    langs: ['en'],
    hoursAgo: 24,
  },
  {
    key: 'laughing',
    author: 'mohamed',
    text: 'Ik ga dood van het lachen: de buurtkat heeft alwéér de barbecueworstjes van de buren gestolen 😂',
    langs: ['nl'],
    hoursAgo: 22,
    lookalike: true,
  },
  {
    key: 'outrage',
    author: 'kevin',
    text: 'DEEL DIT als je ook woedend bent!! Die lui van de gemeente zijn ongedierte, ze moeten allemaal weg 😡',
    langs: ['nl'],
    hoursAgo: 20,
    labels: ['outrage-bait'],
  },
  {
    key: 'repair-cafe',
    author: 'library',
    text: 'Nieuw in de bieb: een repair café! Elke eerste zaterdag van de maand repareren vrijwilligers je lamp, broek of fiets. #utrecht',
    langs: ['nl'],
    tags: ['utrecht'],
    hoursAgo: 18,
  },
  {
    key: 'walk',
    author: 'sanne',
    text: 'Wie heeft er zin in een wandeling door het Griftpark morgenochtend? We vertrekken om 9:00 bij de ingang aan de Biltstraat.',
    langs: ['nl'],
    hoursAgo: 14,
  },
  {
    key: 'bike-street',
    author: 'association',
    text: 'Herinnering: de gemeente houdt donderdag een inloopavond over de nieuwe fietsstraat in de Kanaalstraat. 19:00 in buurthuis De Leeuw. #utrecht',
    langs: ['nl'],
    tags: ['utrecht'],
    hoursAgo: 10,
  },
  {
    key: 'stroopwafels',
    author: 'priya',
    text: 'Made my first stroopwafels today with the neighbours from across the street. Lombok is the best part of Utrecht 🧇',
    langs: ['en'],
    hoursAgo: 8,
  },
  {
    key: 'bike-found',
    author: 'sanne',
    text: 'Update: fietsenmaker gevonden, dank jullie wel! Rijwielhandel op de Kanaalstraat, snel en eerlijk 👍',
    langs: ['nl'],
    hoursAgo: 6,
  },
  {
    key: 'book-club',
    author: 'library',
    text: "Tonight: English-language book club, 19:30 at Neude. This month: 'Klara and the Sun'. Everyone welcome, tea is on us.",
    langs: ['en'],
    hoursAgo: 4,
  },
  {
    key: 'bookcase',
    author: 'lotte',
    text: 'Wie wil mijn oude boekenkast hebben? Gratis af te halen in de Damstraat, vandaag nog.',
    langs: ['nl'],
    hoursAgo: 2,
  },
  {
    key: 'taalcafe',
    author: 'library',
    text: 'Nog plekken vrij bij het taalcafé morgen om 14:00: oefen Nederlands in een gezellige groep. Gratis! #030',
    langs: ['nl'],
    tags: ['030'],
    hoursAgo: 1,
  },
  {
    key: 'sunset',
    author: 'mohamed',
    text: 'Mooie zonsondergang boven de Vaartsche Rijn vanavond 🌇 #utrecht',
    langs: ['nl'],
    tags: ['utrecht'],
    hoursAgo: 0.3,
  },
]

export type LivePost = Omit<SeedPost, 'hoursAgo' | 'replyTo'>

/** `--live`: posted one by one, round and round, with createdAt = now. */
export const LIVE_POOL: readonly LivePost[] = [
  { key: 'live-heron', author: 'sanne', text: 'Net een prachtige reiger gezien bij de Kruisvaart 🐦', langs: ['nl'] },
  {
    key: 'live-party',
    author: 'association',
    text: 'Het buurtfeest gaat door! Neem een stoel en iets lekkers mee, wij zorgen voor muziek. #030',
    langs: ['nl'],
    tags: ['030'],
  },
  {
    key: 'live-thinspo',
    author: 'lotte',
    text: 'Dag 3 zonder avondeten 🦋 nog 2 kilo tot mijn streefgewicht. Wie houdt me scherp? #thinspo',
    langs: ['nl'],
    tags: ['thinspo'],
    labels: ['pro-ed'],
  },
  {
    key: 'live-late',
    author: 'library',
    text: 'Vandaag zijn we extra lang open, tot 22:00, vanwege de examenweek. Succes allemaal! 📚 #utrecht',
    langs: ['nl'],
    tags: ['utrecht'],
  },
  {
    key: 'live-storytime',
    author: 'priya',
    text: 'Free English storytime for toddlers at the library on Wednesday, 10:30! See you there #utrecht',
    langs: ['en'],
    tags: ['utrecht'],
  },
  {
    key: 'live-pitch-en',
    author: 'kevin',
    text: "Made €10k this month from my phone 💸 while you're stuck at your 9-5. DM me 'FREEDOM' and I'll show you how",
    langs: ['en'],
    labels: ['lifestyle-flex'],
  },
  {
    key: 'live-lecture',
    author: 'association',
    text: 'Zaterdag in de bieb: lezing over herstel van eetstoornissen, met ervaringsdeskundigen. Je bent welkom. #edrecovery',
    langs: ['nl'],
    tags: ['edrecovery'],
    lookalike: true,
  },
  { key: 'live-bike', author: 'mohamed', text: 'Gevonden: een zwarte kinderfiets bij de Jan Pieterszoon Coenstraat. Van wie is hij?', langs: ['nl'] },
  {
    key: 'live-outrage',
    author: 'kevin',
    text: 'Deel als je ook woedend bent! Die fietsers zijn ongedierte, ze moeten allemaal van de weg 😡',
    langs: ['nl'],
    labels: ['outrage-bait'],
  },
  {
    key: 'live-podcast',
    author: 'mohamed',
    text: 'Die nieuwe podcast van de bieb, ik lig dubbel 😂 ik ga dood van het lachen',
    langs: ['nl'],
    lookalike: true,
  },
  {
    key: 'live-fines',
    author: 'library',
    text: 'Reminder: no late fees this week. Bring back those overdue books, no questions asked 📚',
    langs: ['en'],
  },
  {
    key: 'live-queue',
    author: 'priya',
    text: 'This queue at the library book sale is killing me 😂 worth it though',
    langs: ['en'],
    lookalike: true,
  },
]

export const QUIET_HOURS = { from: '23:00', to: '07:00' } as const

/** The labels each feed leaves out. */
export const BUURT_EXCLUDES = ['pro-ed', 'self-harm', 'body-comparison', 'diet-culture', 'outrage-bait', 'lifestyle-flex'] as const
export const UTRECHT_EXCLUDES = ['pro-ed', 'self-harm', 'outrage-bait'] as const

/**
 * The demo's feeds file.
 *
 * `releases` is left out on purpose: a post appears at the first release moment after it was
 * *indexed*, so the freshly seeded posts would stay hidden until the next release (hours away).
 */
export function demoFeedsYaml(p: {
  publisher: string
  list: string
  labeler: string
  pinned: string
  authors: string[]
  quietHours: boolean
}): string {
  const labels = (values: readonly string[]) => `    exclude:
      labels:
        - labeler: ${p.labeler}
          values: [${values.join(', ')}]`
  return `publisher: ${p.publisher}
feeds:
  - id: buurt
    name: Buurt Lombok
    description: Berichten van de buren van Lombok, op volgorde van tijd. Rustig, lokaal en eindig.
    include:
      lists:
        - ${p.list}
    require:
      langs: [nl]
    replies: false
${labels(BUURT_EXCLUDES)}
    wellbeing:
      timezone: Europe/Amsterdam
      window: 48h
      perAuthor: 3
${p.quietHours ? `      quietHours: { from: "${QUIET_HOURS.from}", to: "${QUIET_HOURS.to}" }\n` : ''}      pinned: ${p.pinned}
  - id: utrecht
    name: Utrecht Lokaal
    description: Alles over Utrecht en 030, in het Nederlands en het Engels.
    include:
      hashtags: [utrecht, "030"]
      keywords: [Utrecht, Domstad]
${labels(UTRECHT_EXCLUDES)}
    wellbeing:
      window: 48h
      maxItems: 20
  - id: en-library
    name: Library news (English)
    description: News from the library and the neighbourhood association, in English.
    include:
      authors:
${p.authors.map((a) => `        - ${a}`).join('\n')}
    require:
      langs: [en]
    wellbeing:
      window: 48h
`
}
