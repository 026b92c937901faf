import { parentPort, workerData } from 'node:worker_threads'
import { generateFirehose, type GenOptions, type GenStats } from './firehose.ts'
import { serveReplay } from './replay-server.ts'

// Worker thread for the ingest benchmark: generates the frames and serves them, so the relay side
// runs on its own thread (as a relay would be on its own machine) and not on the measured one.

export interface FirehoseWorkerReady {
  type: 'ready'
  port: number
  stats: GenStats
  flags: Uint8Array
  opsPerFrame: Uint8Array
  benchAuthors: string[]
  publisher: string
  genMs: number
}

const port = parentPort
if (!port) throw new Error('firehose-worker.ts must run as a worker thread')

const t0 = performance.now()
const gen = await generateFirehose(workerData as GenOptions)
const genMs = performance.now() - t0
const server = await serveReplay(gen.frames)
const ready: FirehoseWorkerReady = {
  type: 'ready',
  port: server.port,
  stats: gen.stats,
  flags: gen.flags,
  opsPerFrame: gen.opsPerFrame,
  benchAuthors: gen.benchAuthors,
  publisher: gen.publisher,
  genMs,
}
port.postMessage(ready)
port.on('message', (msg: { type?: string }) => {
  if (msg?.type === 'cpu') {
    const u = process.threadCpuUsage()
    port.postMessage({ type: 'cpu', us: u.user + u.system })
  } else if (msg?.type === 'close') {
    void server.close().then(() => {
      port.postMessage({ type: 'closed' })
      port.close()
    })
  }
})
