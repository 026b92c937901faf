// Child process for checkpointer.test.ts: writes numbered rows, one transaction each, through the
// writer connection with checkpoints on a worker thread, and prints each committed number. The test
// kills it with SIGKILL at some moment and checks that every printed number is in the database.
import { openSqlite } from './index.ts'

const file = process.argv[2]
if (!file) throw new Error('usage: checkpointer.fixture.ts FILE')
const h = openSqlite<{ row: { id: number; body: string } }>(file, { walCheckpoint: 'background', checkpointer: { intervalMs: 5, restartBytes: 128 * 1024 } })
h.raw.exec('create table if not exists row (id integer primary key, body text not null)')
const insert = h.raw.prepare('insert into row (id, body) values (?, ?)')
const body = 'x'.repeat(3000)
const cp = h.checkpointer
if (!cp) throw new Error('no checkpointer')
await cp.ready
const start = ((h.raw.prepare('select max(id) m from row').get() as { m: number | null }).m ?? 0) + 1
for (let id = start; ; id++) {
  await cp.write(async () => {
    h.raw.transaction(() => insert.run(id, body))()
  })
  process.stdout.write(`${id}\n`)
  if (id % 20 === 0) await new Promise((r) => setImmediate(r))
}
