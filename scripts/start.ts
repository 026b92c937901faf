// `npm start`: runs the Plein services side by side as child processes and stops them together on
// Ctrl-C / SIGTERM. Each child reads the same environment (see the README's settings tables).
// `npm start` builds first (`prestart`: scripts/build.ts) and runs this file and the services from the
// JavaScript in dist/; run from the sources (`node scripts/start.ts`) it starts the services' sources.
// The labeler signs labels as its own account, so it starts only once LABELER_DID and
// LABELER_SIGNING_KEY are set; until then `npm start` runs the feed generator and says so.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { LABELER_NODE_FLAGS, SERVICE_NODE_FLAGS } from '../shared/node-flags.ts'
import { projectRoot } from '../shared/project-root.ts'

// the code's root (the project, or dist/ in it) and the project root (the children's working directory,
// where a relative DATA_DIR or FEEDS_FILE is resolved, as with `npm run start:feedgen`)
const codeRoot = path.resolve(import.meta.dirname, '..')
const root = projectRoot(codeRoot)
const ext = import.meta.filename.endsWith('.js') ? 'js' : 'ts'
const services = [`feedgen/bin.${ext}`]
if (process.env.LABELER_DID && process.env.LABELER_SIGNING_KEY) services.push(`labeler/bin.${ext}`)
else {
  process.stderr.write(
    'start: the labeler is not configured (LABELER_DID and LABELER_SIGNING_KEY are unset); running the feed generator only. ' +
      'See "Labeler" in the README.\n',
  )
}

const children: ChildProcess[] = services.map((entry) => spawn(process.execPath, [...(entry.startsWith('labeler/') ? LABELER_NODE_FLAGS : SERVICE_NODE_FLAGS), path.join(codeRoot, entry)], { cwd: root, stdio: 'inherit', env: process.env }))

let stopping = false
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return
  stopping = true
  for (const c of children) if (c.exitCode === null) c.kill(signal)
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))

for (const child of children) {
  child.on('exit', (code, signal) => {
    // one service ending stops the others, so a supervisor sees the failure
    if (!stopping) {
      process.exitCode = code ?? (signal ? 1 : 0)
      stop('SIGTERM')
    }
  })
}
