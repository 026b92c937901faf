// A classify worker thread (labeler/labels/classify-pool.ts): loads the classifier once, then answers
// each batch of posts with one verdict per post, in order.

import { parentPort, workerData } from 'node:worker_threads'
import type { ClassifyInput } from '../classify/index.ts'
import { Classifier } from '../classify/index.ts'
import { verdictOf, type WorkerReply } from './classify-pool.ts'

const port = parentPort
if (port === null) throw new Error('classify-worker.ts runs as a worker thread (ClassifyPool)')
const langs = new Set<string>((workerData as { langs?: string[] } | undefined)?.langs ?? [])
const classifier = Classifier.load()
const reply = (msg: WorkerReply) => port.postMessage(msg)

port.on('message', (msg: { type: 'classify'; id: number; posts: ClassifyInput[] }) => {
  if (msg.type !== 'classify') return
  reply({ type: 'result', id: msg.id, verdicts: msg.posts.map((p) => verdictOf(classifier, p, langs)) })
})
reply({ type: 'ready', rulesVersion: classifier.rulesVersion })
