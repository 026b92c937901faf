// `npm start`: runs the Plein services side by side as child processes and stops them together on
// Ctrl-C / SIGTERM. Each child reads the same environment (see the README's settings table).
// @TODO add labeler/bin.ts here when the labeler lands (issue 3)
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const services = ['feedgen/bin.ts']

const children: ChildProcess[] = services.map((entry) =>
  spawn(process.execPath, [entry], { cwd: root, stdio: 'inherit', env: process.env }),
)

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
