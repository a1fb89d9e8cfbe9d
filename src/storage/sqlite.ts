// The embedded default backend: node:sqlite (no native addon), WAL, one file.
// node:sqlite is synchronous; the async interface lets PostgreSQL implement the same contract.
// Only one process may use a database file at a time (releaseAllLeases relies on it).
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { sqliteMigrations } from './sqlite-migrations.ts'
import { createSqliteArticles } from './sqlite-articles.ts'
import { createSqliteDeliveries } from './sqlite-deliveries.ts'
import { createSqliteGauges } from './sqlite-gauges.ts'
import { createSqliteQueue } from './sqlite-queue.ts'
import { createSqliteGlossary } from './sqlite-glossary.ts'
import { createSqliteKeys, keptKeys } from './sqlite-keys.ts'
import { createSqliteSearch, indexOlderArticles } from './sqlite-search.ts'
import { createSqliteSubscribers } from './sqlite-subscribers.ts'
import { createSqliteTranslation } from './sqlite-translation.ts'
import { createSqliteVersions } from './sqlite-versions.ts'
import { type StartCheckpointer, startCheckpointer } from './sqlite-checkpointer.ts'
import { WAL_SIZE_LIMIT_BYTES } from './sqlite-checkpoint-loop.ts'
import { DISTRIBUTION_READY, TRANSLATION_READY } from './claim-conditions.ts'
import { cachingStatements, transaction } from './sqlite-tx.ts'
import type { Storage } from './types.ts'

export interface SqliteStorageOptions {
  /** Open the file read-only: every write fails (a replica copy, or tests of a read-only disk). */
  readOnly?: boolean
  /** Cap the file at this many pages: writes beyond fail as on a full disk (SQLITE_FULL). */
  maxPageCount?: number
  /**
   * Who runs the WAL checkpoints: the service hands them to its CPU worker thread; by default
   * (tools, tests) a worker thread of their own (sqlite-checkpointer.ts).
   */
  checkpointer?: StartCheckpointer
}

// When the process loop has work next: the first unleased entry of each queue, in the order of the
// queue's index (versions_translation_queue / versions_distribution_queue). Need :priority, :now.
const nextDue = (index: string, ready: string): string => `SELECT v.next_attempt_at AS t FROM versions v INDEXED BY ${index}
  WHERE ${ready} AND v.priority = :priority AND v.next_attempt_at IS NOT NULL ORDER BY v.next_attempt_at LIMIT 1`
export const NEXT_DUE_TRANSLATION = nextDue('versions_translation_queue', TRANSLATION_READY(':now'))
export const NEXT_DUE_DISTRIBUTION = nextDue('versions_distribution_queue', DISTRIBUTION_READY(':now'))
// The delivery loop's next wake-up: the earliest future due time of any pending delivery, one seek
// in deliveries_due. Deliveries due already but held back (their subscriber has one in flight,
// or an earlier sequence is pending) are not looked at: walking past them made every idle moment
// cost O(outbox), and whatever releases them (a recorded attempt, a fan-out) wakes the loop.
export const NEXT_DUE_DELIVERY = `SELECT d.next_attempt_at AS t FROM deliveries d
  WHERE d.status = 'pending' AND d.next_attempt_at > :now ORDER BY d.next_attempt_at LIMIT 1`

export function openSqliteStorage (databasePath: string, options: SqliteStorageOptions = {}): Storage {
  if (databasePath !== ':memory:') mkdirSync(path.dirname(databasePath), { recursive: true })
  const raw = new DatabaseSync(databasePath, { readOnly: options.readOnly === true })
  const db = cachingStatements(raw)
  const queue = createSqliteQueue(db)
  if (options.maxPageCount !== undefined) db.exec(`PRAGMA max_page_count = ${Math.trunc(options.maxPageCount)}`)
  if (options.readOnly !== true) db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = NORMAL')
  // An 8 MiB page cache (SQLite's default is 2 MB). Claiming a queue head touches the tail of its
  // subscriber's part of the sequence and queue indexes: with 500 subscribers and a long history
  // those are ~1,000 distinct pages, more than 2 MB holds, and a claim at 1M delivery rows cost
  // 2.1–2.4× what it did at 10k; with 8 MiB 1.3–1.75× (bench:scale, alternating runs). It costs
  // ~4 MB of RSS at bench:delivery's queued peak (median 170 against 166 MB, three runs each).
  db.exec('PRAGMA cache_size = -8192')
  // Statement journals (a multi-row write into a table with foreign keys, such as a fan-out's
  // deliveries, opens one) stay in memory: as temporary files they cost a file create, write and
  // delete per statement, 80 µs of a story's 90 µs of search terms. No hot statement sorts or
  // materializes in a temporary B-tree (test/storage/explain.test.ts). Migrations run with
  // temporary files (migrate below): a table rebuilt there journals every page it rewrites.
  const TEMP_IN_MEMORY = 'PRAGMA temp_store = MEMORY'
  db.exec(TEMP_IN_MEMORY)
  db.exec('PRAGMA foreign_keys = ON')
  db.exec('PRAGMA busy_timeout = 5000')
  // A file database checkpoints on a worker thread (sqlite-checkpointer.ts), not in our COMMITs;
  // the WAL file is cut back to 64 MB after each full checkpoint.
  const checkpointer = databasePath === ':memory:' ? null : (options.checkpointer ?? startCheckpointer)(databasePath)
  if (checkpointer !== null) {
    db.exec('PRAGMA wal_autocheckpoint = 0')
    db.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`)
  }
  let closed = false
  const keys = keptKeys()

  return {
    // One process per file: a lease at start-up can only be a crashed run's.
    sharedDatabase: false,

    async migrate () {
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
      const applied = new Set(db.prepare('SELECT version FROM schema_migrations').all().map((r) => r.version as number))
      // Foreign keys off while tables are rebuilt (SQLite's documented way to alter a table),
      // then checked: a migration that breaks a reference is rolled back.
      db.exec('PRAGMA foreign_keys = OFF')
      db.exec('PRAGMA temp_store = FILE')
      try {
        for (const migration of [...sqliteMigrations].sort((a, b) => a.id - b.id)) {
          if (applied.has(migration.id)) continue
          transaction(db, () => {
            db.exec(migration.sql)
            const broken = db.prepare('PRAGMA foreign_key_check').all()
            if (broken.length > 0) throw new Error(`migration ${migration.id} broke ${broken.length} foreign key(s)`)
            db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.id, new Date().toISOString())
          })
        }
      } finally {
        db.exec('PRAGMA foreign_keys = ON')
        db.exec(TEMP_IN_MEMORY)
      }
      transaction(db, () => indexOlderArticles(db))
    },
    async ping () {
      db.prepare('SELECT 1').get()
    },
    async close () {
      if (closed) return
      closed = true
      await checkpointer?.close()
      raw.close()
    },
    async releaseAllLeases () {
      transaction(db, () => {
        db.exec('UPDATE versions SET lease_until = NULL WHERE lease_until IS NOT NULL')
        // A claimed head's due time is its lease's end (claim-conditions.ts): it is due again
        // now, as it was when claimed; its creation is a time before any claim.
        db.exec(`UPDATE deliveries SET lease_until = NULL, next_attempt_at = CASE WHEN next_attempt_at IS NULL THEN NULL
          ELSE created_at END WHERE lease_until IS NOT NULL`)
      })
    },

    ...createSqliteKeys(db, keys),
    ...createSqliteArticles(db),
    ...createSqliteSubscribers(db, keys),
    ...createSqliteDeliveries(db, queue),
    ...createSqliteVersions(db, queue),
    ...createSqliteTranslation(db),
    ...createSqliteGlossary(db),
    ...createSqliteGauges(db),
    ...createSqliteSearch(db),

    async nextDueTime (kind, now) {
      if (kind === 'deliveries') return (db.prepare(NEXT_DUE_DELIVERY).get({ now }) as { t: string | null } | undefined)?.t ?? null
      // The earliest of four index probes (two queues × two priorities), each stopping at its first row.
      let earliest: string | null = null
      for (const probe of [NEXT_DUE_TRANSLATION, NEXT_DUE_DISTRIBUTION]) {
        for (const priority of [1, 0]) {
          const t = (db.prepare(probe).get({ now, priority }) as { t: string } | undefined)?.t
          if (t !== undefined && (earliest === null || t < earliest)) earliest = t
        }
      }
      return earliest
    }
  }
}
