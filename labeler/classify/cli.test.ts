// scripts/classify.ts end to end, as a child process (CONTRACT.md: npm run --silent classify -- FILE).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, test } from 'vitest'

const repoRoot = resolve(import.meta.dirname, '../..')

describe('scripts/classify.ts', () => {
  test('one output line per input line, in order; a bad JSON line gives an error line and the run goes on', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plein-classify-')), 'posts.jsonl')
    const lines = [
      JSON.stringify({ id: 'a', text: 'CHEAT DAY!!! 🍔🍟 back on track monday i promise', langs: ['en'] }),
      JSON.stringify({ id: 7, text: 'recept voor linzensoep 🍲', langs: ['nl'], extra: 'ignored' }),
      '{"id": "broken", "text": "no closing brace"',
      '',
      JSON.stringify({ id: 'c', text: 'kzit er weer zo slecht in, ik wil dood' }),
      JSON.stringify({ id: 'd', text: 'dankbaar 🙏', alt: ['Screenshot van een bankapp, €23.870 binnen deze maand'] }),
    ]
    writeFileSync(file, `${lines.join('\n')}\n`)
    const stdout = execFileSync(process.execPath, ['scripts/classify.ts', file], { cwd: repoRoot, encoding: 'utf8' })
    const out = stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    // the blank line gives no output line
    expect(out).toHaveLength(5)
    expect(out[0]).toEqual({ id: 'a', labels: ['diet-culture'], reasons: { 'diet-culture': expect.arrayContaining(['diet.en.cheat-day']) } })
    expect(out[1]).toEqual({ id: 7, labels: [], reasons: {} })
    expect(out[2]).toMatchObject({ id: null, error: expect.stringContaining('invalid JSON') })
    expect(out[3]).toMatchObject({ id: 'c', labels: ['self-harm'] })
    expect((out[3]?.reasons as Record<string, string[]>)['self-harm']).toEqual(expect.arrayContaining(['sh.nl.wil-dood', 'first-person']))
    expect(out[4]).toMatchObject({ id: 'd', labels: ['lifestyle-flex'] })
  })

  test('"-" reads stdin; nothing but result lines on stdout', () => {
    const res = spawnSync(process.execPath, ['scripts/classify.ts', '-'], {
      cwd: repoRoot,
      encoding: 'utf8',
      input: '{"id":1,"text":"#thinspo #proana"}\nnot json at all\n{"id":2}\n',
    })
    expect(res.status).toBe(0)
    expect(res.stderr).toBe('')
    const out = res.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(out).toEqual([
      { id: 1, labels: ['pro-ed'], reasons: { 'pro-ed': expect.any(Array) } },
      { id: null, error: expect.any(String) },
      { id: 2, error: '"text" must be a string' },
    ])
  })

  test('a missing file is an error on stderr with exit code 1', () => {
    const res = spawnSync(process.execPath, ['scripts/classify.ts', '/nonexistent/posts.jsonl'], { cwd: repoRoot, encoding: 'utf8' })
    expect(res.status).toBe(1)
    expect(res.stdout).toBe('')
    expect(res.stderr).toContain('classify:')
  })
})
