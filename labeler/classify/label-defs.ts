// The label values of the wellbeing labeler (LABELS.md) as data, in the shape of
// com.atproto.label.defs#labelValueDefinition, for the labeler's app.bsky.labeler.service record.
// Dutch first, plain language. Every label marks content, never a person or a group.

import type { LabelValue } from './rules.ts'

export interface LabelLocale {
  lang: string
  /** at most 64 graphemes */
  name: string
  description: string
}

/** com.atproto.label.defs#labelValueDefinition */
export interface LabelValueDefinition {
  identifier: LabelValue
  severity: 'alert' | 'inform'
  blurs: 'content' | 'none'
  defaultSetting: 'hide' | 'warn'
  adultOnly: false
  locales: LabelLocale[]
}

export const LABEL_DEFINITIONS: readonly LabelValueDefinition[] = [
  {
    identifier: 'pro-ed',
    severity: 'alert',
    blurs: 'content',
    defaultSetting: 'hide',
    adultOnly: false,
    locales: [
      {
        lang: 'nl',
        name: 'Promoot eetstoornissen',
        description:
          'Berichten die een eetstoornis aanmoedigen of mooi laten lijken: "thinspo" en "meanspo", pro-ana en pro-mia, een "ana-coach" zoeken of aanbieden, vasten of overgeven om dun te worden, "body check"-uitdagingen, streefgewichten als doel, tips om te verbergen dat je niet eet. Standaard verborgen. Herken je jezelf hierin? Praat erover met je huisarts of iemand die je vertrouwt. Herstel is mogelijk.',
      },
      {
        lang: 'en',
        name: 'Promotes eating disorders',
        description:
          'Posts that encourage or glorify disordered eating: thinspo and meanspo, pro-ana and pro-mia, seeking or offering an "ana coach", fasting or purging to get thin, body-checking challenges, goal weights as aspiration, tips to hide not eating. Hidden by default. If this sounds like you, talk to your doctor or someone you trust. Recovery is possible.',
      },
    ],
  },
  {
    identifier: 'diet-culture',
    severity: 'inform',
    blurs: 'content',
    defaultSetting: 'warn',
    adultOnly: false,
    locales: [
      {
        lang: 'nl',
        name: 'Dieetcultuur',
        description:
          'Berichten die eten en gewicht een moreel oordeel geven: "wat ik eet op een dag" met calorieën, eten "verdienen", "zonder schuldgevoel", "cheat days", detox- of afslankthee, reclame voor afvallen, eten als goed of slecht of als zonde, "summer body"-programma\'s. Je mag gewoon eten.',
      },
      {
        lang: 'en',
        name: 'Diet culture',
        description:
          'Posts that moralise food and weight: "what I eat in a day" with calories, "earn your food", "guilt-free", "cheat day", detox or skinny teas, weight-loss marketing, food framed as good, bad or sinful, "summer body" programmes. You are allowed to just eat.',
      },
    ],
  },
  {
    identifier: 'body-comparison',
    severity: 'inform',
    blurs: 'content',
    defaultSetting: 'warn',
    adultOnly: false,
    locales: [
      {
        lang: 'nl',
        name: 'Lichamen vergelijken',
        description:
          'Berichten die gemaakt zijn om uiterlijk te vergelijken: voor- en nafoto\'s van lichaam of gezicht, "body goals", glow-up-onthullingen, lichamen of gezichten beoordelen of rangschikken, thigh-gap- of platte-buik-uitdagingen, reclame voor cosmetische ingrepen, "als je er niet zo uitziet…". Het label gaat over het bericht, niet over het lichaam van wie dan ook.',
      },
      {
        lang: 'en',
        name: 'Body comparison',
        description:
          'Posts built for comparing appearance: before/after photos of bodies or faces, "body goals", glow-up reveals, rating or ranking bodies or faces, thigh-gap or flat-stomach challenges, promotion of cosmetic procedures, "if you don\'t look like this…". The label is about the post, never about anyone\'s body.',
      },
    ],
  },
  {
    identifier: 'lifestyle-flex',
    severity: 'inform',
    blurs: 'none',
    defaultSetting: 'warn',
    adultOnly: false,
    locales: [
      {
        lang: 'nl',
        name: 'Rijkdom tonen',
        description:
          'Berichten die rijkdom en succes tonen om je te laten vergelijken: luxe etaleren, screenshots van inkomsten, "€10k per maand vanaf mijn telefoon", hustle-cultuur die anderen afkraakt ("terwijl jij sliep…", "als je op je 30e geen miljonair bent…"), snel-rijk-worden-pitches.',
      },
      {
        lang: 'en',
        name: 'Lifestyle flex',
        description:
          'Posts displaying wealth and success for comparison: luxury flexing, income screenshots, "made €10k this month from my phone", hustle culture that shames others ("while you were sleeping…", "if you\'re not a millionaire by 30…"), get-rich-quick pitches.',
      },
    ],
  },
  {
    identifier: 'outrage-bait',
    severity: 'inform',
    blurs: 'content',
    defaultSetting: 'warn',
    adultOnly: false,
    locales: [
      {
        lang: 'nl',
        name: 'Woede-uitlokking',
        description:
          'Berichten die gemaakt zijn om boosheid en wij-tegen-zij op te wekken: "deel als je ook woedend bent", mensen ontmenselijken ("ongedierte", "parasieten"), "ze willen alles kapotmaken wat je liefhebt", scheldoproepen in hoofdletters, complotdenken gericht op een groep. Gewone politieke kritiek krijgt dit label niet.',
      },
      {
        lang: 'en',
        name: 'Outrage bait',
        description:
          'Posts built to provoke anger and us-versus-them hostility: "share if you\'re furious", dehumanising language about a group ("vermin", "parasites"), "they want to destroy everything you love", all-caps rage calls, conspiracy framing aimed at a group. Ordinary political criticism does not get this label.',
      },
    ],
  },
  {
    identifier: 'self-harm',
    severity: 'alert',
    blurs: 'content',
    defaultSetting: 'warn',
    adultOnly: false,
    locales: [
      {
        lang: 'nl',
        name: 'Zelfbeschadiging en zelfmoord',
        description:
          'Berichten over zelfbeschadiging, zelfmoord of zelfmoordgedachten, ook in codetaal ("unalive", "ik wil dood"). Het label geeft context en oordeelt nooit over de schrijver. Denk je aan zelfmoord, of maak je je zorgen om iemand? Praat erover. In Nederland: 113 Zelfmoordpreventie, bel 113 of gratis 0800-0113, of chat via 113.nl. In België: Zelfmoordlijn 1813 (bel 1813 of chat via zelfmoord1813.be). Elders: findahelpline.com wijst je de weg naar gratis hulplijnen in je land. Bij direct gevaar: bel 112.',
      },
      {
        lang: 'en',
        name: 'Self-harm and suicide',
        description:
          'Posts about self-harm, suicide or suicidal thoughts, including coded terms ("unalive", "kms"). The label gives context and never judges the author. Thinking about suicide, or worried about someone? Talk to someone. Netherlands: 113 Zelfmoordpreventie, call 113 or free 0800-0113, or chat at 113.nl. Belgium: Zelfmoordlijn 1813 (call 1813 or chat at zelfmoord1813.be). Elsewhere: findahelpline.com lists free, confidential helplines in your country. In immediate danger, call your local emergency number (112 in the EU).',
      },
    ],
  },
]

/** The definitions by label value. */
export const LABEL_DEFS: Readonly<Record<LabelValue, LabelValueDefinition>> = Object.fromEntries(
  LABEL_DEFINITIONS.map((d) => [d.identifier, d]),
) as Record<LabelValue, LabelValueDefinition>
