import type { Compilable, CompiledQuery } from 'kysely'
import type { FeedgenTx } from '../db/schema.ts'

// Kysely builds and compiles a query's operation tree on every run: ~10–30 µs a statement, more than
// SQLite takes to run the indexer's small statements (bench:ingest profile: the #account handler spent
// two thirds of its time in Kysely's builders). The indexer's fixed-shape statements are built once
// per database (dialect, plugins) and run again with new parameters.

const MARK = '\u0000plein-statement-arg:'

interface Template<R> {
  compiled: CompiledQuery<R>
  /** for each compiled parameter: the argument index it takes, or -1 for a constant */
  slots: number[]
}

/**
 * A statement built once per database: `build(trx, arg)` writes the query with `arg(i)` where the
 * i-th argument goes (each exactly once, as a value: a comparison operand, an inserted or set value).
 * The returned function runs it in `trx` with the given arguments and returns its rows.
 */
export function statement<A extends unknown[], R>(
  build: (trx: FeedgenTx, arg: (i: number) => never) => Compilable<R>,
): (trx: FeedgenTx, ...args: A) => Promise<R[]> {
  // keyed by the database's dialect adapter (one per Kysely instance; a transaction shares its database's)
  const templates = new WeakMap<object, Template<R>>()
  const compile = (trx: FeedgenTx, n: number): Template<R> => {
    const compiled = build(trx, (i) => `${MARK}${i}` as never).compile()
    const seen = new Set<number>()
    const slots = compiled.parameters.map((p) => {
      if (typeof p !== 'string' || !p.startsWith(MARK)) return -1
      const i = Number(p.slice(MARK.length))
      if (seen.has(i)) throw new Error(`statement argument ${i} used twice: ${compiled.sql}`)
      seen.add(i)
      return i
    })
    if (seen.size !== n) throw new Error(`statement takes ${seen.size} arguments, called with ${n}: ${compiled.sql}`)
    return { compiled, slots }
  }
  return async (trx, ...args) => {
    const key = trx.getExecutor().adapter
    let t = templates.get(key)
    if (!t) templates.set(key, (t = compile(trx, args.length)))
    const { compiled, slots } = t
    const parameters = new Array<unknown>(slots.length)
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i] as number
      parameters[i] = s < 0 ? compiled.parameters[i] : args[s]
    }
    const { rows } = await trx.executeQuery<R>({ ...compiled, parameters })
    return rows
  }
}
