// WAL checkpoints on a worker thread (checkpointer.ts): the WAL stays bounded while a writer commits
// all the time, every committed transaction survives a SIGKILL, and the database stays consistent.
import { spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openSqlite } from './index.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'plein-checkpointer-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const walSize = (file: string) => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0)

test('a writer that commits all the time: the WAL stays bounded and starts over; nothing is lost', async () => {
  const file = path.join(dir, 'bounded.sqlite')
  const restartBytes = 256 * 1024
  const h = openSqlite<{ row: { id: number; body: string } }>(file, { walCheckpoint: 'background', checkpointer: { intervalMs: 5, restartBytes } })
  const cp = h.checkpointer
  if (!cp) throw new Error('no checkpointer')
  await cp.ready
  // SQLite's own checkpoints are off on the writer
  expect(h.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
  h.raw.exec('create table row (id integer primary key, body text not null)')
  const insert = h.raw.prepare('insert into row (id, body) values (?, ?)')
  const body = 'y'.repeat(3000)
  const rows = 6000 // ~18 MB of rows: 70× the bound
  let maxWal = 0
  for (let id = 1; id <= rows; id++) {
    await cp.write(async () => {
      h.raw.transaction(() => insert.run(id, body))()
    })
    if (id % 10 === 0) {
      maxWal = Math.max(maxWal, walSize(file))
      await new Promise((r) => setImmediate(r))
    }
    // @NOTE on a busy machine the worker may get no CPU for a while: every 100 rows the writer waits
    // for its next checkpoint, so that what the bound allows does not depend on scheduling
    if (id % 100 === 0) {
      const seen = cp.stats.checkpoints
      while (cp.stats.checkpoints === seen) await new Promise((r) => setTimeout(r, 1))
    }
  }
  const stats = cp.stats
  expect(stats.checkpoints).toBeGreaterThan(0)
  // the writer was held now and then so that the WAL could start over
  expect(stats.restarts).toBeGreaterThan(0)
  expect(stats.errors).toBe(0)
  // bounded: the file is cut back to journal_size_limit (2 × restartBytes) once the WAL starts over;
  // between two rounds it grows by what is written meanwhile
  expect(maxWal).toBeLessThan(16 * restartBytes)
  expect(h.raw.prepare('select count(*) n, max(id) m from row').get()).toEqual({ n: rows, m: rows })
  await cp.close()
  h.raw.close()
  // the last connection to close checkpointed everything: a fresh connection sees every row
  const again = new SqliteDatabase(file, { readonly: true })
  expect(again.prepare('select count(*) n from row').get()).toEqual({ n: rows })
  again.close()
})

test('SIGKILL while writing: every committed transaction is there, in order, and the database is intact', async () => {
  const file = path.join(dir, 'killed.sqlite')
  for (let round = 0; round < 3; round++) {
    const child = spawn(process.execPath, [path.join(import.meta.dirname, 'checkpointer.fixture.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    let committed = 0
    await new Promise<void>((resolve, reject) => {
      const target = 300 + Math.floor(Math.random() * 1500)
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const lines = out.split('\n')
        out = lines.pop() ?? ''
        if (lines.length > 0) committed = Number(lines[lines.length - 1])
        if (committed >= target && !child.killed) child.kill('SIGKILL')
      })
      child.on('exit', () => resolve())
      child.on('error', reject)
    })
    expect(committed).toBeGreaterThan(0)
    const db = new SqliteDatabase(file)
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    const { n, m } = db.prepare('select count(*) n, max(id) m from row').get() as { n: number; m: number }
    // every number printed was committed before it was printed; none missing in between
    expect(m).toBeGreaterThanOrEqual(committed)
    expect(n).toBe(m)
    db.close()
  }
})
