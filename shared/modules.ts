// Where the project's own files are, the same whether it runs from the .ts sources or from the build
// (`npm run build`: dist/, or a test's build under .tmp/; scripts/build.ts).
import { existsSync } from 'node:fs'
import path from 'node:path'

/** The project's root: the nearest directory at or above `from` with a package.json (a build has no
 *  package.json of its own). */
export function projectRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) throw new Error(`no package.json at or above ${from}`)
  }
}

/** The URL of one of the project's modules, `relative` (without extension) to the module at `base`
 *  (its `import.meta.url`), with base's extension: `.ts` from the sources, `.js` from the build. For
 *  entries that are paths rather than imports (worker threads, child processes), which the compiler
 *  does not rewrite. */
export function ownModule(relative: string, base: string): URL {
  return new URL(`${relative}${base.endsWith('.js') ? '.js' : '.ts'}`, base)
}
