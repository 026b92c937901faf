import { existsSync } from 'node:fs'
import path from 'node:path'

/** The project's root: the nearest directory at or above `from` with a package.json. The same from the
 *  sources and from a build (dist/, or a test's build under .tmp/), which has no package.json of its own. */
export function projectRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) throw new Error(`no package.json at or above ${from}`)
  }
}
