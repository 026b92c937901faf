// Classifies posts with the labeler's rules (CONTRACT.md):
//   npm run --silent classify -- FILE      (FILE is JSON lines; "-" or no FILE reads stdin)
// Input, one object a line: {"id": …, "text": "…", "langs": ["nl"], "alt": ["…"], "tags": ["…"]}
// (langs, alt and tags optional; other fields ignored). Output, one line per input line, same order:
//   {"id": …, "labels": ["diet-culture"], "reasons": {"diet-culture": ["diet.en.cheat-day", …]}}
// A line that is not valid JSON gives {"id": null, "error": "…"}; a JSON line that is not a post
// object (no string "text") gives {"id": <its id or null>, "error": "…"}; the run goes on.
// Blank lines (empty or only whitespace) are skipped and give no output line.
// Nothing but result lines goes to stdout; a broken rule file or unreadable input goes to stderr
// with exit code 1.

import { createReadStream } from 'node:fs'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { Classifier, type ClassifyInput } from '../labeler/classify/index.ts'

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined

/** One output line for one input line (without the newline), or undefined for a blank line. */
function classifyLine(classifier: Classifier, line: string): string | undefined {
  if (line.trim() === '') return undefined
  let data: unknown
  try {
    data = JSON.parse(line)
  } catch (err) {
    return JSON.stringify({ id: null, error: `invalid JSON: ${(err as Error).message}` })
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return JSON.stringify({ id: null, error: 'expected a JSON object with "text"' })
  }
  const obj = data as Record<string, unknown>
  const id = obj.id ?? null
  if (typeof obj.text !== 'string') return JSON.stringify({ id, error: '"text" must be a string' })
  const input: ClassifyInput = { text: obj.text }
  const langs = strings(obj.langs)
  const alt = strings(obj.alt)
  const tags = strings(obj.tags)
  if (langs) input.langs = langs
  if (alt) input.alt = alt
  if (tags) input.tags = tags
  const res = classifier.classify(input)
  const reasons: Record<string, string[]> = {}
  for (const d of res.labels) reasons[d.val] = d.reasons
  return JSON.stringify({ id, labels: res.labels.map((d) => d.val), reasons })
}

async function main(): Promise<void> {
  const file = process.argv[2]
  const classifier = Classifier.load()
  const input = file === undefined || file === '-' ? process.stdin : createReadStream(file)
  const rl = createInterface({ input, crlfDelay: Infinity })
  // a closed stdout (e.g. `| head`) ends the run quietly
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0)
    throw err
  })
  for await (const line of rl) {
    const out = classifyLine(classifier, line)
    if (out === undefined) continue
    if (!process.stdout.write(`${out}\n`)) await once(process.stdout, 'drain')
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`classify: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
})
