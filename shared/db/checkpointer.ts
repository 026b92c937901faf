import { Worker } from 'node:worker_threads'
import type SqliteDatabase from 'better-sqlite3'
import { subsystemLogger } from '../logger.ts'
import type { CheckpointWorkerData, FromWorker, ToWorker } from './checkpoint-worker.ts'
import { ownModule } from '../modules.ts'

/**
 * WAL checkpoints off the writer's event loop. SQLite's own (wal_autocheckpoint, every 1,000 pages)
 * runs inside the commit that crosses the mark: it copies the WAL into the database and syncs it on
 * the thread that commits, measured at tens of ms on this project's VM while the feed generator serves
 * reads from the same event loop. With a checkpointer, the writer's connection has auto-checkpoints
 * off and a worker thread (checkpoint-worker.ts) runs PASSIVE checkpoints with its own connection.
 *
 * To keep the WAL bounded while the writer commits all the time, the worker now and then asks for a
 * short pause: writes that go through `write()` wait until it has copied the last frames (measured
 * in ms), so that the next commit starts the WAL over. Writes that do not go through `write()` are
 * never held; at worst the WAL starts over at a later round. `journal_size_limit` then truncates the
 * file back. Durability is SQLite's: committed transactions are in the WAL until copied, and the
 * WAL is replayed on the next open after a crash.
 */
export interface CheckpointerOptions {
  /** how often a PASSIVE checkpoint runs; @default 250 */
  intervalMs?: number
  /** more WAL than this in use and not yet copied: writes pause so that the WAL starts over; @default 16 MiB */
  restartBytes?: number
  /** the longest a pause holds writes, whatever the worker does; @default 200 */
  maxPauseMs?: number
}

export interface CheckpointStats {
  checkpoints: number
  /** checkpoints made while writes were held, to start the WAL over */
  restarts: number
  /** pauses that ran out (maxPauseMs) before the worker answered */
  pauseTimeouts: number
  /** the worker's time in checkpoints (off the event loop) */
  totalMs: number
  maxMs: number
  /** the most WAL frames in use seen by a checkpoint */
  maxWalFrames: number
  /** the longest time writes were held, ms */
  maxPauseMs: number
  errors: number
}

interface Pause {
  since: number
  released: Promise<void>
  release: () => void
  timer: NodeJS.Timeout
  /** the worker was told that no write is in flight */
  answered: boolean
}

export class WalCheckpointer {
  readonly #raw: SqliteDatabase.Database
  readonly #worker: Worker
  readonly #maxPauseMs: number
  readonly #logger = subsystemLogger('shared:db')
  readonly #stats: CheckpointStats = { checkpoints: 0, restarts: 0, pauseTimeouts: 0, totalMs: 0, maxMs: 0, maxWalFrames: 0, maxPauseMs: 0, errors: 0 }
  #inFlight = 0
  /** the worker asked for a pause: writes that start now wait */
  #pause: Pause | undefined
  #closed: Promise<void> | undefined
  #alive = true
  #ready!: () => void
  /** resolves once the worker has opened its connection (checkpoints run from then on) */
  readonly ready: Promise<void> = new Promise((r) => (this.#ready = r))

  /** `raw` is the writer's connection to `file` (its auto-checkpoints are turned off here). */
  constructor(raw: SqliteDatabase.Database, file: string, opts: CheckpointerOptions = {}) {
    this.#raw = raw
    this.#maxPauseMs = opts.maxPauseMs ?? 200
    const restartBytes = opts.restartBytes ?? 16 * 1024 * 1024
    raw.pragma('wal_autocheckpoint = 0')
    // after the WAL starts over, its file is cut back to this size
    raw.pragma(`journal_size_limit = ${restartBytes * 2}`)
    const data: CheckpointWorkerData = { file, intervalMs: opts.intervalMs ?? 250, restartBytes }
    this.#worker = new Worker(ownModule('./checkpoint-worker', import.meta.url), { workerData: data })
    this.#worker.unref()
    this.#worker.on('message', (msg: FromWorker) => this.#onMessage(msg))
    this.#worker.on('error', (err) => {
      this.#logger.warn({ err: err.message }, 'the WAL checkpointer failed; SQLite checkpoints after commits again')
      this.#fallBack()
    })
    this.#worker.on('exit', () => this.#fallBack())
  }

  get stats(): CheckpointStats {
    return { ...this.#stats }
  }

  /** Runs a write transaction; it waits while the checkpointer holds writes to start the WAL over. */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#pause) await this.#pause.released
    this.#inFlight++
    try {
      return await fn()
    } finally {
      this.#inFlight--
      // (a pause may have been asked for while fn ran)
      const pause = this.#pause as Pause | undefined
      if (this.#inFlight === 0 && pause && !pause.answered) this.#paused()
    }
  }

  /** Stops the worker after a last checkpoint; the writer's connection checkpoints after commits again. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      if (!this.#alive) return resolve()
      this.#worker.once('exit', () => resolve())
      // (kept alive until the last checkpoint is done)
      this.#worker.ref()
      this.#send({ type: 'stop' })
    })
    return this.#closed
  }

  #onMessage(msg: FromWorker): void {
    const s = this.#stats
    switch (msg.type) {
      case 'checkpoint':
        s.checkpoints++
        if (msg.restart) s.restarts++
        s.totalMs += msg.ms
        if (msg.ms > s.maxMs) s.maxMs = msg.ms
        if (msg.walFrames > s.maxWalFrames) s.maxWalFrames = msg.walFrames
        return
      case 'pause': {
        if (this.#pause) return
        let release!: () => void
        const released = new Promise<void>((r) => (release = r))
        const timer = setTimeout(() => {
          if (this.#pause !== pause) return
          s.pauseTimeouts++
          this.#resume()
          if (!pause.answered) this.#send({ type: 'cancel' })
        }, this.#maxPauseMs)
        const pause: Pause = { since: performance.now(), released, release, timer, answered: false }
        this.#pause = pause
        if (this.#inFlight === 0) this.#paused()
        return
      }
      case 'resume':
        this.#resume()
        return
      case 'error':
        s.errors++
        this.#logger.warn({ err: msg.message }, 'a WAL checkpoint failed')
        return
      case 'ready':
        this.#ready()
        return
      case 'stopped':
        return
    }
  }

  #paused(): void {
    if (!this.#pause) return
    this.#pause.answered = true
    this.#send({ type: 'paused' })
  }

  #resume(): void {
    const p = this.#pause
    if (!p) return
    this.#pause = undefined
    clearTimeout(p.timer)
    const held = performance.now() - p.since
    if (held > this.#stats.maxPauseMs) this.#stats.maxPauseMs = held
    p.release()
  }

  #send(msg: ToWorker): void {
    if (this.#alive) this.#worker.postMessage(msg)
  }

  #fallBack(): void {
    if (!this.#alive) return
    this.#alive = false
    this.#ready()
    this.#resume()
    if (this.#raw.open) this.#raw.pragma('wal_autocheckpoint = 1000')
  }
}
