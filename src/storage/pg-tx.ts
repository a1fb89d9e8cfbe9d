// Queries and transactions of the PostgreSQL backend. Several Nashra instances share one
// database: every read-then-write runs in a transaction that locks what it decides on, so two
// instances never act on the same row at once.
import type pg from 'pg'

/** One statement at a time, on the pool or inside a transaction. */
export interface Sql {
  /** The rows one statement returned. */
  rows<R>(text: string, params?: unknown[]): Promise<R[]>
  /** How many rows one statement changed. */
  run(text: string, params?: unknown[]): Promise<number>
}

export interface PgDb extends Sql {
  /**
   * Runs fn inside BEGIN … COMMIT on one connection, rolling back on any error. A deadlock or a
   * serialization failure (two instances touching the same rows in another order) is retried
   * from the start: fn must do all its work through the Sql it is given.
   */
  tx<T>(fn: (sql: Sql) => Promise<T>, options?: { snapshot?: boolean }): Promise<T>
}

const RETRYABLE = new Set(['40001', '40P01'])
const MAX_TRIES = 3

function sqlOn (target: pg.Pool | pg.PoolClient): Sql {
  return {
    async rows<R> (text: string, params: unknown[] = []) {
      return (await target.query(text, params)).rows as R[]
    },
    async run (text: string, params: unknown[] = []) {
      return (await target.query(text, params)).rowCount ?? 0
    }
  }
}

export function pgDb (pool: pg.Pool): PgDb {
  return {
    ...sqlOn(pool),
    async tx (fn, options = {}) {
      for (let tries = 1; ; tries++) {
        const client = await pool.connect()
        // A connection whose ROLLBACK failed is broken: it goes back destroyed, not reused.
        let broken: Error | undefined
        try {
          // snapshot: every statement sees the same committed state (reads that must agree).
          await client.query(options.snapshot === true ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN')
          const result = await fn(sqlOn(client))
          await client.query('COMMIT')
          return result
        } catch (err) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => { broken = rollbackError })
          const code = (err as { code?: unknown }).code
          if (broken === undefined && tries < MAX_TRIES && typeof code === 'string' && RETRYABLE.has(code)) continue
          throw err
        } finally {
          client.release(broken)
        }
      }
    }
  }
}
