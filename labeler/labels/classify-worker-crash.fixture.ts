// Test fixture for classify-pool.test.ts: the real classify worker, except that a batch holding a post
// whose text is "CRASH" ends the thread (exit code 3) before it is classified, like a worker that runs
// out of memory or hits a native fault. With workerData.crashOnce (a file path) it crashes only the
// first time (the file marks that it did).

import { existsSync, writeFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'

const crashOnce = (workerData as { crashOnce?: string } | undefined)?.crashOnce
parentPort?.on('message', (msg: { posts?: { text: string }[] }) => {
  if (!msg.posts?.some((p) => p.text === 'CRASH')) return
  if (crashOnce !== undefined && existsSync(crashOnce)) return
  if (crashOnce !== undefined) writeFileSync(crashOnce, '')
  process.exit(3)
})
await import('./classify-worker.ts')
