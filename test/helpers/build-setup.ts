// globalSetup of both vitest projects: compiles the services once per run (scripts/build.ts, what
// `npm start` runs) into a directory of its own, so the tests that run the services as child processes
// (test/helpers/children.ts) run the same JavaScript an operator's `npm start` does. The directory (in
// .tmp/) goes to the test workers through provide/inject and is removed at the end.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { build } from '../../scripts/build.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** the compiled services (scripts/build.ts): `<distDir>/feedgen/bin.js`, `<distDir>/labeler/bin.js` */
    distDir: string
  }
}

export default function setup(project: TestProject): () => void {
  // inside the project (where Node finds node_modules), in its git-ignored .tmp/
  const tmp = path.resolve(import.meta.dirname, '../../.tmp')
  mkdirSync(tmp, { recursive: true })
  const dir = mkdtempSync(path.join(tmp, 'dist-'))
  build(dir, { force: true })
  project.provide('distDir', dir)
  return () => rmSync(dir, { recursive: true, force: true })
}
