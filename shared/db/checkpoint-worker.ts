// The WAL checkpointer's thread (see checkpointer.ts): its own connection to the database file runs
// PASSIVE checkpoints (copying committed pages from the WAL into the database and syncing it) every
// `intervalMs`, off the event loop of the thread that writes. A PASSIVE checkpoint never blocks the
// writer or readers, but while the writer keeps committing it never catches up with the WAL's end, and
// SQLite only starts the WAL over when a write begins after everything was copied. So when more than
// `restartBytes` of the WAL are in use, the thread asks the writer to hold its writes ('pause'), copies
// the rest while nothing is written ('paused' → PASSIVE), and lets the writer go on ('resume'); its next
// commit starts the WAL from the beginning.

import { parentPort, workerData } from 'node:worker_threads'
import SqliteDatabase from 'better-sqlite3'

export interface CheckpointWorkerData {
  file: string
  intervalMs: number
  restartBytes: number
}

export type ToWorker = { type: 'paused' } | { type: 'cancel' } | { type: 'stop' }
export type FromWorker =
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'checkpoint'; ms: number; walFrames: number; copied: number; restart: boolean }
  | { type: 'error'; message: string }
  | { type: 'ready' }
  | { type: 'stopped' }

const port = parentPort
if (!port) throw new Error('checkpoint-worker.ts runs as a worker thread')
const { file, intervalMs, restartBytes } = workerData as CheckpointWorkerData

const db = new SqliteDatabase(file, { fileMustExist: true })
// a PASSIVE checkpoint never waits for locks; the busy timeout covers opening and reading the schema
db.pragma('busy_timeout = 1000')
db.pragma('synchronous = NORMAL')
const pageSize = Number(db.pragma('page_size', { simple: true }))
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)')

let timer: NodeJS.Timeout | undefined
let waitingForPause = false
let stopping = false

const send = (msg: FromWorker) => port.postMessage(msg)

function passive(restart: boolean): { walFrames: number; copied: number } {
  const t0 = performance.now()
  const r = checkpoint.get() as { busy: number; log: number; checkpointed: number }
  send({ type: 'checkpoint', ms: performance.now() - t0, walFrames: r.log, copied: r.checkpointed, restart })
  return { walFrames: r.log, copied: r.checkpointed }
}

function round(): void {
  timer = undefined
  if (stopping) return
  try {
    const { walFrames } = passive(false)
    // @NOTE even when this checkpoint copied every frame it saw, the writer has most likely committed
    // more meanwhile, and the WAL starts over only at a write that finds every frame copied
    if (walFrames * pageSize > restartBytes) {
      waitingForPause = true
      send({ type: 'pause' })
      return
    }
  } catch (err) {
    send({ type: 'error', message: (err as Error).message })
  }
  send({ type: 'ready' })
schedule()
}

function schedule(): void {
  if (!stopping && !timer) timer = setTimeout(round, intervalMs)
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'paused') {
    if (!waitingForPause) return
    waitingForPause = false
    try {
      passive(true)
    } catch (err) {
      send({ type: 'error', message: (err as Error).message })
    } finally {
      send({ type: 'resume' })
    }
    send({ type: 'ready' })
schedule()
  } else if (msg.type === 'cancel') {
    // the writer did not pause in time: try again at a later round
    waitingForPause = false
    send({ type: 'ready' })
schedule()
  } else if (msg.type === 'stop') {
    stopping = true
    clearTimeout(timer)
    try {
      passive(false)
    } catch {
      // closing: the last connection to close checkpoints anyway
    }
    db.close()
    send({ type: 'stopped' })
    process.exit(0)
  }
})

send({ type: 'ready' })
schedule()
