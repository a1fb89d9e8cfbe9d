// The one transaction helper of the SQLite backend (node:sqlite has no db.transaction()).
import type { DatabaseSync, StatementSync } from 'node:sqlite'

/** What the backend's modules use of a connection: prepare (cached) and exec. */
export interface Db {
  prepare(sql: string): StatementSync
  exec(sql: string): void
  /** Whether a transaction is open on the connection (SQLite ends one itself on some errors). */
  inTransaction(): boolean
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
    },
    inTransaction () {
      return raw.isTransaction
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

/**
 * Runs fn inside BEGIN IMMEDIATE … COMMIT, rolling back on any error. The error thrown is always
 * the one that stopped the work: after SQLITE_FULL, SQLITE_IOERR or SQLITE_NOMEM SQLite may have
 * rolled the transaction back itself, and a ROLLBACK then would only say "cannot rollback - no
 * transaction is active", masking why.
 */
export function transaction<T> (db: Db, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE')
  try {
    const result = fn()
    db.exec('COMMIT')
    return result
  } catch (err) {
    if (db.inTransaction()) {
      try {
        db.exec('ROLLBACK')
      } catch (rollbackError) {
        throw new AggregateError([err, rollbackError], `${(err as Error)?.message ?? String(err)} (and the rollback failed too)`, { cause: err })
      }
    }
    throw err
  }
}

type Piece = { fn: () => unknown; resolve: (value: unknown) => void; reject: (err: unknown) => void }

/**
 * Group commit: work queued within one turn of the event loop shares one BEGIN IMMEDIATE …
 * COMMIT, run from setImmediate (after the I/O callbacks of the turn, so every request that
 * arrived together is in). Every promise settles only after the COMMIT, so a caller that answers
 * "accepted" on resolution never answers before its row is durable. A transaction per request
 * made BEGIN/COMMIT the largest cost of ingest under load.
 *
 * A piece that throws is undone alone and rejects alone. Groups almost never hold one, so a group
 * first runs without savepoints (a SAVEPOINT and RELEASE per piece cost ~7 µs of a post's ~110 µs
 * of storage work); when a piece throws, the transaction is rolled back and the group runs again,
 * each piece in its own savepoint. Pieces must therefore only touch the database: one may run twice.
 */
export function groupCommit (db: Db): <T>(fn: () => T) => Promise<T> {
  let queue: Piece[] = []
  const flush = (): void => {
    const batch = queue
    queue = []
    if (runGroup(db, batch, false) === 'again') runGroup(db, batch, true)
  }
  return <T>(fn: () => T): Promise<T> => new Promise<T>((resolve, reject) => {
    if (queue.length === 0) setImmediate(flush)
    queue.push({ fn, resolve: resolve as (value: unknown) => void, reject })
  })
}

/** One try at a group; 'again' when a piece threw without savepoints and the group should run with them. */
function runGroup (db: Db, batch: Piece[], savepoints: boolean): 'settled' | 'again' {
  const settle: Array<() => void> = []
  try {
    db.exec('BEGIN IMMEDIATE')
  } catch (err) {
    for (const item of batch) item.reject(err)
    return 'settled'
  }
  let pieceFailed = false
  try {
    for (const item of batch) {
      if (!savepoints) {
        pieceFailed = true
        const value = item.fn()
        pieceFailed = false
        settle.push(() => item.resolve(value))
        continue
      }
      db.prepare('SAVEPOINT grouped').run()
      try {
        const value = item.fn()
        db.prepare('RELEASE grouped').run()
        settle.push(() => item.resolve(value))
      } catch (err) {
        // A full disk or an I/O error ends the whole transaction inside SQLite: every piece of
        // the group is lost with it, and this error is the one to report for all of them.
        if (!db.inTransaction()) throw err
        db.exec('ROLLBACK TO grouped')
        db.exec('RELEASE grouped')
        settle.push(() => item.reject(err))
      }
    }
    db.exec('COMMIT')
  } catch (err) {
    // As above: when SQLite ended the transaction itself, the whole group fails with that error.
    const ended = !db.inTransaction()
    if (!ended) {
      try {
        db.exec('ROLLBACK')
      } catch {} // the first error is the one to report
    }
    // A piece that threw fails alone: run the others again with savepoints (alone in its group,
    // rejecting the group is rejecting it).
    if (pieceFailed && !ended && batch.length > 1) return 'again'
    for (const item of batch) item.reject(err)
    return 'settled'
  }
  for (const done of settle) done()
  return 'settled'
}
