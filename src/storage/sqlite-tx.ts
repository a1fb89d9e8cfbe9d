// The one transaction helper of the SQLite backend (node:sqlite has no db.transaction()).
import type { DatabaseSync, StatementSync } from 'node:sqlite'

/** What the backend's modules use of a connection: prepare (cached) and exec. */
export interface Db {
  prepare(sql: string): StatementSync
  exec(sql: string): void
}

/**
 * Prepares each distinct SQL text once per connection. Every statement here is static text, so
 * the cache is bounded; without it each call left a native statement behind until V8 happened
 * to collect its wrapper — tens of MB under a busy outbox.
 */
export function cachingStatements (raw: DatabaseSync): Db {
  const cache = new Map<string, StatementSync>()
  return {
    prepare (sql) {
      let statement = cache.get(sql)
      if (statement === undefined) {
        statement = raw.prepare(sql)
        cache.set(sql, statement)
      }
      return statement
    },
    exec (sql) {
      raw.exec(sql)
    }
  }
}

/** A statement prepared on first use (tables may not exist until migrate() has run) and reused. */
export function preparedLater (db: Db, sql: string): () => StatementSync {
  let statement: StatementSync | undefined
  return () => {
    statement ??= db.prepare(sql)
    return statement
  }
}

/** Runs fn inside BEGIN IMMEDIATE … COMMIT, rolling back on any error. */
export function transaction<T> (db: Db, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE')
  try {
    const result = fn()
    db.exec('COMMIT')
    return result
  } catch (err) {
    db.exec('ROLLBACK')
    throw err
  }
}

/** Rows whose lease is free or has run out (its holder died or overran). Needs :now. */
export const LEASE_FREE = (alias: string): string => `(${alias}.lease_until IS NULL OR ${alias}.lease_until <= :now)`

// A later version of a story waits until every earlier one is out (distributed, failed or
// superseded by a kill), so a partner never receives version 3 before version 2.
export const NO_EARLIER_PENDING_VERSION = `NOT EXISTS (
  SELECT 1 FROM versions e WHERE e.article_id = v.article_id AND e.version < v.version
    AND e.status NOT IN ('distributed', 'failed', 'superseded'))`

/**
 * A push delivery that may leave once due (needs :now): lease free, its subscriber active, no
 * other delivery to that subscriber in flight, and none pending with a lower sequence — order
 * survives retries. A kill (priority > 0) goes ahead of earlier queued items.
 */
export const DELIVERY_READY = `d.status = 'pending' AND s.active = 1 AND s.mode = 'push' AND s.deleted_at IS NULL
  AND (d.lease_until IS NULL OR d.lease_until <= :now)
  AND NOT EXISTS (SELECT 1 FROM deliveries f INDEXED BY deliveries_in_flight
    WHERE f.subscriber_id = d.subscriber_id AND f.lease_until IS NOT NULL
    AND f.lease_until > :now AND f.status = 'pending')
  AND (d.priority > 0 OR NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.subscriber_id = d.subscriber_id
    AND e.status = 'pending' AND e.sequence < d.sequence))`

/** A push delivery that may leave now. */
export const DELIVERY_CLAIMABLE = `${DELIVERY_READY} AND d.next_attempt_at <= :now`
