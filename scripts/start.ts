// `npm start`: runs the Plein services side by side as child processes and stops them together on
// Ctrl-C / SIGTERM. Each child reads the same environment (see the README's settings tables).
// `npm start` builds first (`prestart`: scripts/build.ts) and runs this file and the services from the
// JavaScript in dist/; run from the sources (`node scripts/start.ts`) it starts the services' sources.
// The labeler signs labels as its own account, so it starts only once LABELER_DID and
// LABELER_SIGNING_KEY are set; until then `npm start` runs the feed generator and says so.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { LABELER_NODE_FLAGS, SERVICE_NODE_FLAGS } from '../shared/node-flags.ts'
import { ownModule, projectRoot } from '../shared/modules.ts'

// the children run in the project root (where a relative DATA_DIR or FEEDS_FILE is resolved, as with
// `npm run start:feedgen`), also when this file runs from dist/
const root = projectRoot(import.meta.dirname)
const services: { entry: string; flags: readonly string[] }[] = [{ entry: fileURLToPath(ownModule('../feedgen/bin', import.meta.url)), flags: SERVICE_NODE_FLAGS }]
if (process.env.LABELER_DID && process.env.LABELER_SIGNING_KEY) services.push({ entry: fileURLToPath(ownModule('../labeler/bin', import.meta.url)), flags: LABELER_NODE_FLAGS })
else {
  process.stderr.write(
    'start: the labeler is not configured (LABELER_DID and LABELER_SIGNING_KEY are unset); running the feed generator only. ' +
      'See "Labeler" in the README.\n',
  )
}

const children: ChildProcess[] = services.map(({ entry, flags }) => spawn(process.execPath, [...flags, entry], { cwd: root, stdio: 'inherit', env: process.env }))

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
