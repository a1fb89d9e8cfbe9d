// The one transaction helper of the SQLite backend (node:sqlite has no db.transaction()).
import type { DatabaseSync } from 'node:sqlite'

export type Db = DatabaseSync

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

// A later version of a story waits until every earlier one is out (distributed or failed), so a
// partner never receives version 3 before version 2.
export const NO_EARLIER_PENDING_VERSION = `NOT EXISTS (
  SELECT 1 FROM versions e WHERE e.article_id = v.article_id AND e.version < v.version
    AND e.status NOT IN ('distributed', 'failed'))`

// Per subscriber, only the lowest pending sequence may leave: order survives retries.
export const NO_EARLIER_PENDING_DELIVERY = `NOT EXISTS (
  SELECT 1 FROM deliveries e WHERE e.subscriber_id = d.subscriber_id AND e.status = 'pending' AND e.sequence < d.sequence)`
