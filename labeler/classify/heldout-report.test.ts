// `npm run eval:heldout` (scripts/eval-heldout.ts): counts on the held-out files, never their posts.
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { formatRow, heldOutFiles, heldOutReport } from '../../scripts/eval-heldout.ts'
import { loadDevSet } from './evaluate.ts'
import { Classifier, LABEL_VALUES } from './index.ts'

const repoRoot = new URL('../../', import.meta.url)

describe('eval:heldout', () => {
  test('reads every blind fixture and the independent posts, and nothing a rule or model was built on', () => {
    const files = heldOutFiles().map((f) => f.slice(repoRoot.pathname.length))
    const blind = readdirSync(new URL('./fixtures/', import.meta.url)).filter((f) => f.includes('blind'))
    expect(blind.length).toBeGreaterThanOrEqual(15)
    expect(files).toEqual([...blind.sort().map((f) => `labeler/classify/fixtures/${f}`), 'test-data/independent-posts.jsonl'])
  })

  test('counts add up: per file, found ≤ gold, and the total is the sum', () => {
    const classifier = Classifier.load(undefined, { model: false })
    const files = heldOutFiles().slice(0, 3)
    const { rows, total } = heldOutReport(classifier, files)
    expect(rows.map((r) => r.posts)).toEqual(files.map((f) => loadDevSet(f).length))
    for (const row of rows) {
      expect(row.unlabelledFlagged).toBeLessThanOrEqual(row.unlabelled)
      for (const c of Object.values(row.labels)) expect(c.found).toBeLessThanOrEqual(c.gold)
    }
    expect(total.posts).toBe(rows.reduce((s, r) => s + r.posts, 0))
    for (const l of LABEL_VALUES) {
      const sum = rows.reduce((s, r) => s + (r.labels[l]?.found ?? 0), 0)
      expect(total.labels[l]?.found ?? 0).toBe(sum)
    }
    expect(formatRow(total)).toMatch(/^total +\d+ posts .*unlabelled flagged \d+\/\d+$/)
  })

  test('the command prints one row per file and a total, and no post text or id', () => {
    const output = execFileSync(process.execPath, ['scripts/eval-heldout.ts', '--no-model'], { cwd: repoRoot, encoding: 'utf8' })
    const lines = output.trim().split('\n')
    expect(lines[0]).toMatch(/^held-out files \(counts only.*no learned layer$/)
    expect(lines).toHaveLength(heldOutFiles().length + 2)
    expect(lines.at(-1)).toMatch(/^total /)
    const posts = heldOutFiles().flatMap((f) => loadDevSet(f))
    for (const p of posts) {
      // a post's text (its first 30 characters) or id never shows
      if (p.text.length >= 30) expect(output.includes(p.text.slice(0, 30)), p.id).toBe(false)
      if (p.id.length >= 6) expect(output.includes(p.id), p.id).toBe(false)
    }
  })

  test('bad arguments: a missing model file, --model with --no-model, an unknown option: exit 2 with a message', () => {
    const run = (args: string[]) => {
      try {
        execFileSync(process.execPath, ['scripts/eval-heldout.ts', ...args], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' })
        return { status: 0, stderr: '' }
      } catch (err) {
        const e = err as { status: number; stderr: string }
        return { status: e.status, stderr: e.stderr }
      }
    }
    expect(run(['--model', '/nonexistent/model.json'])).toEqual({ status: 2, stderr: 'eval:heldout: no model file at /nonexistent/model.json\n' })
    expect(run(['--model', 'x.json', '--no-model'])).toEqual({ status: 2, stderr: 'eval:heldout: give --model FILE or --no-model, not both\n' })
    const bogus = run(['--bogus'])
    expect(bogus.status).toBe(2)
    expect(bogus.stderr).toMatch(/^eval:heldout: .*--bogus.*\(options: --model FILE, --no-model, --json\)\n$/)
  })
})
