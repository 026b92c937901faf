import os from 'node:os'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import type { Logger } from '../../shared/logger.ts'
import type { Classifier, ClassifyInput } from '../classify/index.ts'
import { ownModule } from '../../shared/modules.ts'

/**
 * What the auto-labeller needs from the classifier for one post: the labels to give and the review
 * suggestions, or null when there are none (most posts) or the post's language is not one the labeler
 * classifies. `failed` carries the message of a post the classifier threw on (logged and skipped).
 */
export type Verdict =
  | { labels: { val: string; reasons: string[] }[]; review?: { val: string; score: number; reasons: string[] }[] }
  | { failed: string }
  | null

/** Classifies posts in firehose order; `Classifier`-backed in this thread or a pool of worker threads. */
export interface PostClassifier {
  /** one verdict per input, in input order */
  classifyBatch(posts: ClassifyInput[]): Promise<Verdict[]>
  close(): Promise<void>
}

/** The classification of one post boiled down to what is written (shared by both modes). */
export function verdictOf(classifier: Classifier, input: ClassifyInput, langs: ReadonlySet<string>): Verdict {
  let result
  try {
    result = classifier.classify(input)
  } catch (err) {
    return { failed: (err as Error)?.message ?? String(err) }
  }
  if (langs.size > 0 && !langs.has(result.lang)) return null
  if (result.labels.length === 0 && result.review === undefined) return null
  const labels = result.labels.map((d) => ({ val: d.val, reasons: d.reasons }))
  if (result.review === undefined) return { labels }
  return { labels, review: result.review.map((d) => ({ val: d.val, score: d.score, reasons: d.reasons })) }
}

/** Classification in the calling thread (`LABELER_CLASSIFY_WORKERS=0`, tests). */
export class InThreadClassifier implements PostClassifier {
  readonly #classifier: Classifier
  readonly #langs: ReadonlySet<string>

  constructor(classifier: Classifier, langs: Iterable<string> = []) {
    this.#classifier = classifier
    this.#langs = new Set(langs)
  }

  async classifyBatch(posts: ClassifyInput[]): Promise<Verdict[]> {
    return posts.map((p) => verdictOf(this.#classifier, p, this.#langs))
  }

  async close(): Promise<void> {}
}

/** The default number of classifier threads: one on a machine with one or two cores (the firehose
 *  thread uses the other), otherwise one per core but the firehose thread's, at most four. */
export function defaultClassifyWorkers(parallelism: number = os.availableParallelism()): number {
  return parallelism <= 2 ? 1 : Math.min(4, parallelism - 1)
}

/** The worker's V8 heap: the classifier's tables are ~12 MB (with the modules ~22 MB live); a small
 *  young generation keeps its RSS down (the per-post garbage is short-lived; 8 MB and 24 MB measured
 *  the same worker CPU per post). */
export const WORKER_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8 }

/** The pool's worker died while classifying (twice for the same chunk) or could not start. */
export class ClassifyWorkerError extends Error {
  override name = 'ClassifyWorkerError'
}

export interface ClassifyPoolOptions {
  /** worker threads; @default defaultClassifyWorkers() */
  workers?: number
  /** classify only posts in these languages (detected); empty = all */
  langs?: Iterable<string>
  logger: Logger
  /** @default WORKER_RESOURCE_LIMITS */
  resourceLimits?: ResourceLimits
  /** the worker module (tests give one that misbehaves); @default ./classify-worker.ts */
  workerUrl?: URL
  /** extra workerData for such a module */
  workerData?: Record<string, unknown>
}

interface Job {
  id: number
  posts: ClassifyInput[]
  attempts: number
  resolve: (v: Verdict[]) => void
  reject: (err: Error) => void
}

interface Slot {
  worker: Worker
  ready: Promise<string>
  jobs: Map<number, Job>
  exited: boolean
}

/** messages from a classify worker */
export type WorkerReply =
  | { type: 'ready'; rulesVersion: string }
  | { type: 'result'; id: number; verdicts: Verdict[] }

/**
 * Classifies batches of posts in worker threads. A batch is split into contiguous chunks, one per
 * worker, and the verdicts come back in the batch's order. A worker that dies (an uncaught error, out
 * of memory, terminated) is replaced and its unfinished chunks are classified again by the new one;
 * a chunk whose worker dies twice rejects the batch with ClassifyWorkerError (the auto-labeller then
 * writes nothing and the firehose consumer retries from the saved cursor), so no post is skipped
 * silently.
 */
export class ClassifyPool implements PostClassifier {
  readonly #slots: Slot[] = []
  readonly #langs: string[]
  readonly #logger: Logger
  readonly #limits: ResourceLimits
  readonly #url: URL
  readonly #data: Record<string, unknown>
  #nextId = 1
  #closed = false
  /** workers that died while classifying or starting */
  restarts = 0

  constructor(opts: ClassifyPoolOptions) {
    const n = opts.workers ?? defaultClassifyWorkers()
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`a classify pool needs at least one worker, got ${n}`)
    this.#langs = [...(opts.langs ?? [])]
    this.#logger = opts.logger
    this.#limits = opts.resourceLimits ?? WORKER_RESOURCE_LIMITS
    this.#url = opts.workerUrl ?? ownModule('./classify-worker', import.meta.url)
    this.#data = opts.workerData ?? {}
    for (let i = 0; i < n; i++) this.#slots.push(this.#spawn(i))
  }

  get size(): number {
    return this.#slots.length
  }

  /** Resolves with the rules version once every worker has loaded the classifier; rejects if one cannot. */
  async ready(): Promise<string> {
    const versions = await Promise.all(this.#slots.map((s) => s.ready))
    return versions[0] as string
  }

  /** The worker threads' CPU time so far (µs), for benchmarks. */
  async cpuUsage(): Promise<{ user: number; system: number }> {
    const all = await Promise.all(this.#slots.map((s) => (s.exited ? { user: 0, system: 0 } : s.worker.cpuUsage())))
    return all.reduce((a, b) => ({ user: a.user + b.user, system: a.system + b.system }), { user: 0, system: 0 })
  }

  /** The worker threads' V8 heaps (used and committed bytes, together), for benchmarks. */
  async heapStatistics(): Promise<{ used: number; total: number }> {
    const all = await Promise.all(this.#slots.map((s) => (s.exited ? undefined : s.worker.getHeapStatistics())))
    let used = 0
    let total = 0
    for (const h of all) {
      used += h?.used_heap_size ?? 0
      total += h?.total_heap_size ?? 0
    }
    return { used, total }
  }

  async classifyBatch(posts: ClassifyInput[]): Promise<Verdict[]> {
    if (this.#closed) throw new ClassifyWorkerError('the classify pool is closed')
    if (posts.length === 0) return []
    const n = Math.min(this.#slots.length, posts.length)
    const per = Math.ceil(posts.length / n)
    const parts: Promise<Verdict[]>[] = []
    for (let i = 0; i < n; i++) parts.push(this.#submit(i, posts.slice(i * per, (i + 1) * per)))
    if (parts.length === 1) return await (parts[0] as Promise<Verdict[]>)
    return (await Promise.all(parts)).flat()
  }

  /** Stops the workers; pending batches reject. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.all(this.#slots.map((s) => s.worker.terminate()))
  }

  #submit(index: number, posts: ClassifyInput[]): Promise<Verdict[]> {
    return new Promise<Verdict[]>((resolve, reject) => {
      const job: Job = { id: this.#nextId++, posts, attempts: 0, resolve, reject }
      this.#send(index, job)
    })
  }

  #send(index: number, job: Job): void {
    const slot = this.#slots[index] as Slot
    job.attempts++
    slot.jobs.set(job.id, job)
    slot.worker.postMessage({ type: 'classify', id: job.id, posts: job.posts })
  }

  #spawn(index: number): Slot {
    const worker = new Worker(this.#url, { workerData: { ...this.#data, langs: this.#langs }, resourceLimits: this.#limits, stdout: false, stderr: false })
    worker.unref()
    let markReady: (v: string) => void = () => {}
    let failReady: (err: Error) => void = () => {}
    const ready = new Promise<string>((res, rej) => {
      markReady = res
      failReady = rej
    })
    ready.catch(() => {}) // observed through ready() or the jobs
    const slot: Slot = { worker, ready, jobs: new Map(), exited: false }
    let lastError: Error | undefined
    worker.on('message', (msg: WorkerReply) => {
      if (msg.type === 'ready') markReady(msg.rulesVersion)
      else if (msg.type === 'result') {
        const job = slot.jobs.get(msg.id)
        if (job === undefined) return
        slot.jobs.delete(msg.id)
        job.resolve(msg.verdicts)
      }
    })
    worker.on('error', (err) => {
      lastError = err
    })
    worker.on('exit', (code) => {
      slot.exited = true
      const why = lastError?.message ?? `exit code ${code}`
      failReady(new ClassifyWorkerError(`classify worker ${index} stopped before it was ready: ${why}`))
      if (this.#closed) {
        for (const job of slot.jobs.values()) job.reject(new ClassifyWorkerError('the classify pool is closed'))
        return
      }
      this.restarts++
      const pending = [...slot.jobs.values()]
      this.#logger.error({ worker: index, err: why, pending: pending.length }, 'classify worker died; starting a new one')
      const next = this.#spawn(index)
      this.#slots[index] = next
      for (const job of pending) {
        if (job.attempts >= 2) job.reject(new ClassifyWorkerError(`classify worker died twice on the same posts: ${why}`))
        else this.#send(index, job)
      }
    })
    return slot
  }
}
