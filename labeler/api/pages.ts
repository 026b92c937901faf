import { AtUri } from '@atproto/syntax'
import { html, page, pickLang, type Html, type Lang } from '../../shared/http/html.ts'
import type { HttpServer } from '../../shared/http/index.ts'
import { LABEL_DEFINITIONS } from '../classify/label-defs.ts'
import { modelReasonText } from '../classify/model.ts'
import { loadRuleDir } from '../classify/rules.ts'
import type { LabelerContext } from '../context.ts'

// Public pages of the labeler: what each label means (from the same definitions as the declaration
// record), help for self-harm, how to subscribe, report and appeal; and, for any post, its current
// labels with the plain-language reasons (the rules that fired) and whether a person reviewed them.

const MODIFIERS: Record<string, { nl: string; en: string }> = {
  negation: { nl: 'ontkenning in de zin', en: 'negation in the sentence' },
  recovery: { nl: 'herstel of steun', en: 'recovery or support' },
  news: { nl: 'nieuws of onderzoek', en: 'news or research' },
  critique: { nl: 'kritiek op het verschijnsel', en: 'criticism of the phenomenon' },
  help: { nl: 'hulpinformatie', en: 'help information' },
  joke: { nl: 'grap', en: 'joke' },
  idiom: { nl: 'beeldspraak', en: 'figure of speech' },
  'first-person': { nl: 'de schrijver spreekt over zichzelf', en: 'the author speaks about themselves' },
}

export default function register(server: HttpServer, ctx: LabelerContext): void {
  const notes = new Map<string, string>()
  const loaded = loadRuleDir()
  for (const { file } of loaded.ruleFiles) for (const r of file.rules) notes.set(r.id, r.note)
  for (const { file } of loaded.cueFiles) {
    for (const c of file.cues ?? []) notes.set(c.id, c.note)
    for (const c of file.combos ?? []) notes.set(c.id, c.note)
  }
  const nav = (lang: Lang) => html`<li><a href="/?lang=${lang}">${lang === 'nl' ? 'Labels' : 'Labels'}</a></li><li><a href="/labels?lang=${lang}">${lang === 'nl' ? 'Een bericht opzoeken' : 'Look up a post'}</a></li>`
  const site = (lang: Lang) => (lang === 'nl' ? 'Plein labels' : 'Plein labels')

  const reasonText = (reason: string, lang: Lang): Html => {
    const note = notes.get(reason)
    if (note) return html`<code>${reason}</code>: ${note}`
    // the learned layer's reasons ("model:<label>", "model-words:a|b|c") read in the page's language
    const learned = modelReasonText(reason, lang)
    if (learned !== undefined) return html`${learned}`
    const [kind, detail] = reason.split(':')
    const mod = MODIFIERS[kind ?? '']
    if (mod) return html`${lang === 'nl' ? 'Context' : 'Context'}: ${mod[lang]}${detail ? ` (${detail})` : ''}`
    return html`${reason}`
  }

  server.get('/', ({ params, req }) => {
    const lang = pickLang(params, req.headers['accept-language'])
    const nl = lang === 'nl'
    const defs = LABEL_DEFINITIONS.map((d) => {
      const loc = d.locales.find((l) => l.lang === lang) ?? d.locales[0]!
      const how =
        d.defaultSetting === 'hide'
          ? nl ? 'Standaard verborgen.' : 'Hidden by default.'
          : d.blurs === 'none'
            ? nl ? 'Standaard getoond met een korte toelichting.' : 'Shown by default with a short note.'
            : nl ? 'Standaard achter een waarschuwing.' : 'Shown behind a warning by default.'
      return html`<section class="card" aria-labelledby="label-${d.identifier}">
<h2 id="label-${d.identifier}">${loc.name} <span class="muted">(<code>${d.identifier}</code>)</span></h2>
<p>${loc.description}</p>
<p class="muted">${how} ${nl ? 'Je kiest zelf in de Bluesky-app: verbergen, waarschuwen of tonen.' : 'You choose in the Bluesky app: hide, warn or show.'}</p>
${d.identifier === 'self-harm' ? helpBox(lang) : ''}
</section>`
    })
    const body = html`<h1>${nl ? 'Labels voor een gezondere tijdlijn' : 'Labels for a healthier timeline'}</h1>
<p>${
      nl
        ? 'Deze labeler markeert berichten die schadelijk kunnen zijn of uitnodigen tot vergelijken. Een label zegt iets over de inhoud, nooit over een persoon. Elk label heeft een uitleg: welke regels gaven de doorslag, en of een mens ernaar gekeken heeft.'
        : 'This labeler marks posts that can be harmful or invite comparison. A label is about content, never about a person. Every label comes with an explanation: which rules decided it, and whether a person reviewed it.'
    }</p>
${helpBox(lang)}
<h2>${nl ? 'De labels' : 'The labels'}</h2>
${defs}
<h2>${nl ? 'Zo zet je de labels aan' : 'How to turn the labels on'}</h2>
<ol>
<li>${nl ? 'Open de Bluesky-app en zoek het account van deze labeler' : "Open the Bluesky app and find this labeler's account"}: <code>${ctx.cfg.did}</code>.</li>
<li>${nl ? 'Tik op "Abonneren".' : 'Tap "Subscribe".'}</li>
<li>${nl ? 'Kies per label: verbergen, waarschuwen of tonen.' : 'Choose for each label: hide, warn or show.'}</li>
</ol>
<h2>${nl ? 'Melden en bezwaar maken' : 'Reporting and appeals'}</h2>
<p>${
      nl
        ? 'Zie je een bericht dat een label zou moeten hebben? Meld het in de Bluesky-app via "Bericht melden" en kies deze labeler. Heeft jouw bericht een label dat niet klopt? Maak bezwaar via de melding op je eigen bericht in de app. Een mens bekijkt elke melding en elk bezwaar; een label dat een moderator heeft weggehaald, komt niet automatisch terug.'
        : 'See a post that should have a label? Report it in the Bluesky app with "Report post" and choose this labeler. Does your own post have a label that is wrong? Appeal it from the notice on your post in the app. A person looks at every report and appeal; a label a moderator removed does not come back automatically.'
    }</p>
<p><a href="/labels?lang=${lang}">${nl ? 'Zoek de labels van een bericht op' : 'Look up the labels of a post'}</a></p>`
    return { html: page({ lang, title: nl ? 'Labels' : 'Labels', site: site(lang), nav: nav(lang), body, switchHref: (l) => `/?lang=${l}` }) }
  })

  server.get('/labels', async ({ params, req }) => {
    const lang = pickLang(params, req.headers['accept-language'])
    const nl = lang === 'nl'
    const raw = params.get('uri') ?? ''
    let uri: string | undefined
    let problem: string | undefined
    if (raw !== '') {
      try {
        const parsed = new AtUri(raw.trim())
        if (!parsed.host.startsWith('did:')) throw new Error()
        uri = parsed.toString()
      } catch {
        problem = nl ? 'Dit is geen geldig at://-adres van een bericht of account.' : 'This is not a valid at:// address of a post or account.'
      }
    }
    const form = html`<form method="get" action="/labels" role="search">
<input type="hidden" name="lang" value="${lang}">
<label for="uri">${nl ? 'Adres van het bericht (at://…)' : 'Address of the post (at://…)'}</label><br>
<input id="uri" name="uri" type="text" size="60" value="${raw}" style="max-width:100%;font:inherit;padding:.35rem">
<button type="submit" style="font:inherit;padding:.35rem .8rem">${nl ? 'Opzoeken' : 'Look up'}</button>
</form>`
    let result: Html | string = ''
    if (problem) result = html`<p class="notice" role="alert">${problem}</p>`
    else if (uri) {
      const labels = await ctx.store.currentLabels(uri)
      result =
        labels.length === 0
          ? html`<p class="notice" role="status">${nl ? 'Dit bericht heeft geen labels van deze labeler.' : 'This post has no labels from this labeler.'}</p>`
          : html`${labels.map((l) => {
              const def = LABEL_DEFINITIONS.find((d) => d.identifier === l.val)
              const name = def?.locales.find((x) => x.lang === lang)?.name ?? l.val
              return html`<section class="card" aria-label="${name}">
<h2>${name} <span class="muted">(<code>${l.val}</code>)</span></h2>
<p>${
                l.automatic
                  ? nl ? 'Automatisch toegekend door de regels hieronder; nog niet door een mens bekeken.' : 'Applied automatically by the rules below; not yet reviewed by a person.'
                  : nl ? 'Toegekend of bevestigd door een moderator.' : 'Applied or confirmed by a moderator.'
              }</p>
<h3>${nl ? 'Waarom' : 'Why'}</h3>
<ul>${l.reasons.map((r) => html`<li>${reasonText(r, lang)}</li>`)}</ul>
<p class="muted">${nl ? 'Sinds' : 'Since'} <time datetime="${l.cts}">${l.cts.slice(0, 16).replace('T', ' ')}</time> UTC${l.exp ? html` · ${nl ? 'verloopt' : 'expires'} ${l.exp.slice(0, 10)}` : ''}</p>
${l.val === 'self-harm' ? helpBox(lang) : ''}
</section>`
            })}`
    }
    const body = html`<h1>${nl ? 'Labels van een bericht' : 'Labels of a post'}</h1>
${form}
${result}`
    return {
      status: problem ? 400 : 200,
      html: page({ lang, title: nl ? 'Labels van een bericht' : 'Labels of a post', site: site(lang), nav: nav(lang), body, switchHref: (l) => `/labels?lang=${l}${uri ? `&uri=${encodeURIComponent(uri)}` : ''}` }),
    }
  })
}

function helpBox(lang: Lang): Html {
  return lang === 'nl'
    ? html`<aside class="notice" aria-label="Hulp"><p><strong>Denk je aan zelfmoord of zelfbeschadiging?</strong> Praat erover. In Nederland: bel <strong>113</strong> of gratis <strong>0800-0113</strong>, of chat via 113.nl (113 Zelfmoordpreventie). In België: bel <strong>1813</strong> of kijk op zelfmoord1813.be. Elders: zoek een hulplijn via findahelpline.com. In nood: bel 112.</p></aside>`
    : html`<aside class="notice" aria-label="Help"><p><strong>Thinking about suicide or self-harm?</strong> Talk about it. In the Netherlands: call <strong>113</strong> or free <strong>0800-0113</strong>, or chat at 113.nl (113 Zelfmoordpreventie). In Belgium: call <strong>1813</strong> or see zelfmoord1813.be. Elsewhere: find a helpline at findahelpline.com. In an emergency: call 112.</p></aside>`
}
