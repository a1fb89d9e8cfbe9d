// Queries, transactions and the shared claim conditions of the PostgreSQL backend. Several
// Nashra instances share one database: every read-then-write runs in a transaction that locks
// what it decides on, so two instances never act on the same row at once.
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

// The conditions below take the placeholder of `now` (an ISO string compared as text: every
// timestamp column is COLLATE "C", so byte order is time order, as in SQLite).

/** Rows whose lease is free or has run out (its holder died or overran). */
export const LEASE_FREE = (alias: string, now: string): string => `(${alias}.lease_until IS NULL OR ${alias}.lease_until <= ${now})`

// A later version of a story waits until every earlier one is out (distributed, failed or
// superseded by a kill), so a partner never receives version 3 before version 2.
export const NO_EARLIER_PENDING_VERSION = `NOT EXISTS (
  SELECT 1 FROM versions e WHERE e.article_id = v.article_id AND e.version < v.version
    AND e.status NOT IN ('distributed', 'failed', 'superseded'))`

/**
 * A push delivery that may leave once due: the head of its subscriber's queue (the one pending
 * row with a due time, see pg-queue.ts), lease free, its subscriber an active, non-deleted push
 * subscriber. Only heads have a due time, so order and one-in-flight per subscriber hold without
 * looking at the rest of the outbox. Needs d and s.
 */
export const DELIVERY_READY = (now: string): string => `d.status = 'pending' AND d.next_attempt_at IS NOT NULL
  AND ${LEASE_FREE('d', now)} AND s.active AND s.mode = 'push' AND s.deleted_at IS NULL`

/** A push delivery that may leave now. */
export const DELIVERY_CLAIMABLE = (now: string): string => `${DELIVERY_READY(now)} AND d.next_attempt_at <= ${now}`
