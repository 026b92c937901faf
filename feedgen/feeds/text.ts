// Text folding for keyword matching: case- and accent-insensitive, whole words, Dutch and English.
// "Café" = "cafe", "ĳsbaan" = "ijsbaan", "UTRECHT" = "utrecht"; "Domstad" does not match "Domstadje".

const MARKS = /\p{M}+/gu
const WORDS = /[\p{L}\p{N}]+/gu

/** Lowercase word tokens with diacritics removed. */
export function foldWords(text: string): string[] {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().match(WORDS) ?? []
}

const ASCII = /^[\x00-\x7f]*$/

/** The text lowercased with diacritics removed (a fast path for plain ASCII, the common case). */
export function foldText(text: string): string {
  return ASCII.test(text) ? text.toLowerCase() : text.normalize('NFKD').replace(MARKS, '').toLowerCase()
}

/**
 * One regular expression for a list of keywords over folded text (foldText): whole words, a phrase's
 * words in order with any non-word characters between them. undefined when there are no keywords.
 */
export function keywordMatcher(keywords: string[]): RegExp | undefined {
  const phrases = keywords
    .map((k) => foldWords(k))
    .filter((w) => w.length > 0)
    .map((words) => words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^\\p{L}\\p{N}]+'))
  if (phrases.length === 0) return undefined
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${phrases.join('|')})(?![\\p{L}\\p{N}])`, 'u')
}

export function normalizeTag(tag: string): string {
  const t = tag.charCodeAt(0) === 0x23 ? tag.slice(1) : tag
  // NFC changes nothing in plain ASCII (most tags)
  return (ASCII.test(t) ? t : t.normalize('NFC')).toLowerCase()
}

// not after a letter, digit, '&' (entities) or URL characters ('/#section' is a fragment, not a tag)
const INLINE_TAG = /(?:^|[^\p{L}\p{N}_&#/:=?.])#([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)/gu

/** Hashtags of a post: tag facets, the record's own `tags`, and inline #tags in the text. */
export function extractTags(record: Record<string, unknown>, text: string): string[] {
  const tags = new Set<string>()
  const facets = record.facets
  if (Array.isArray(facets)) {
    for (const facet of facets) {
      const features = (facet as { features?: unknown })?.features
      if (!Array.isArray(features)) continue
      for (const f of features) {
        const feat = f as { $type?: unknown; tag?: unknown }
        if (feat?.$type === 'app.bsky.richtext.facet#tag' && typeof feat.tag === 'string' && feat.tag.length <= 640) {
          tags.add(normalizeTag(feat.tag))
        }
      }
    }
  }
  if (Array.isArray(record.tags)) {
    for (const t of record.tags.slice(0, 8)) if (typeof t === 'string' && t.length <= 640) tags.add(normalizeTag(t))
  }
  if (text.includes('#')) {
    for (const m of text.matchAll(INLINE_TAG)) tags.add(normalizeTag(m[1] as string))
  }
  return [...tags]
}
