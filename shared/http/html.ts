// Server-rendered pages for both services: semantic HTML, no JavaScript, no trackers, no external
// assets; a calm style (no counts, no red badges), readable at 200% zoom, with `lang` attributes.

export type Lang = 'nl' | 'en'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] as string)
}

/** Tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  readonly value: string
  constructor(value: string) {
    this.value = value
  }
  toString(): string {
    return this.value
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? ''
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '')
  })
  return new Html(out)
}

function render(v: unknown): string {
  if (v instanceof Html) return v.value
  if (Array.isArray(v)) return v.map(render).join('')
  if (v === undefined || v === null || v === false) return ''
  return esc(v)
}

/** The reader's language: `?lang=` wins, then Accept-Language (Dutch unless English comes first). */
export function pickLang(params: URLSearchParams, acceptLanguage: string | undefined): Lang {
  const q = params.get('lang')
  if (q === 'nl' || q === 'en') return q
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().split(';')[0]?.toLowerCase() ?? ''
    if (tag.startsWith('nl')) return 'nl'
    if (tag.startsWith('en')) return 'en'
  }
  return 'nl'
}

const CSS = `
:root{--bg:#fbfaf7;--fg:#1f2421;--muted:#4a524d;--line:#d9d6cc;--accent:#2f5d50;--soft:#eef2ee}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--accent);text-underline-offset:.15em}
a:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
header,main,footer{max-width:46rem;margin:0 auto;padding:1rem 1.25rem}
header{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:baseline;justify-content:space-between;border-bottom:1px solid var(--line)}
header .brand{font-weight:700;font-size:1.2rem;color:var(--fg);text-decoration:none}
nav ul{list-style:none;display:flex;gap:1rem;margin:0;padding:0}
h1{font-size:1.6rem;line-height:1.25;margin:1.25rem 0 .5rem}
h2{font-size:1.25rem;margin:1.75rem 0 .5rem}
h3{font-size:1.05rem;margin:1.25rem 0 .25rem}
p,ul>li{max-width:40rem}
.notice{max-width:none}
.muted{color:var(--muted)}
.card{background:#fff;border:1px solid var(--line);border-radius:.5rem;padding:1rem 1.1rem;margin:.9rem 0}
.card>h2:first-child{margin-top:.25rem}
.post p{margin:.25rem 0 .5rem;white-space:pre-wrap;overflow-wrap:anywhere}
.meta{color:var(--muted);font-size:.95rem}
.why{background:var(--soft);border-radius:.35rem;padding:.35rem .6rem;font-size:.95rem;margin-top:.5rem}
.notice{background:var(--soft);border-left:4px solid var(--accent);padding:.75rem 1rem;border-radius:.25rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dt{font-weight:600}
dd{margin:0}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.95rem;margin-top:2rem}
`

export function page(opts: { lang: Lang; title: string; site: string; nav: Html; body: Html; switchHref: (lang: Lang) => string }): string {
  const other: Lang = opts.lang === 'nl' ? 'en' : 'nl'
  const switchLabel = other === 'en' ? 'English' : 'Nederlands'
  return `<!doctype html>${html`<html lang="${opts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · ${opts.site}</title>
<style>${new Html(CSS)}</style>
</head>
<body>
<header>
<a class="brand" href="/?lang=${opts.lang}">${opts.site}</a>
<nav aria-label="${opts.lang === 'nl' ? 'Hoofdmenu' : 'Main menu'}"><ul>${opts.nav}<li><a href="${opts.switchHref(other)}" lang="${other}" hreflang="${other}">${switchLabel}</a></li></ul></nav>
</header>
<main id="main">
${opts.body}
</main>
<footer><p>${
    opts.lang === 'nl'
      ? 'Plein: open-source diensten voor een publieke digitale ruimte. Geen trackers, geen advertenties, geen algoritme dat op aandacht jaagt.'
      : 'Plein: open-source services for public digital space. No trackers, no ads, no algorithm chasing attention.'
  }</p></footer>
</body>
</html>`.value}`
}

/** "3 uur geleden" / "3 hours ago": a calm, relative time without seconds. */
export function timeAgo(ms: number, now: number, lang: Lang): string {
  const min = Math.max(0, Math.round((now - ms) / 60_000))
  if (min < 1) return lang === 'nl' ? 'zojuist' : 'just now'
  if (min < 60) return lang === 'nl' ? `${min} min geleden` : `${min} min ago`
  const h = Math.round(min / 60)
  if (h < 48) return lang === 'nl' ? `${h} uur geleden` : `${h} ${h === 1 ? 'hour' : 'hours'} ago`
  const d = Math.round(h / 24)
  return lang === 'nl' ? `${d} dagen geleden` : `${d} days ago`
}
