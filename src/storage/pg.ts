// The PostgreSQL backend: several Nashra instances sharing one database. Same contract as
// SQLite (test/storage/contract*.ts); what differs is how claims stay apart across processes:
// FOR UPDATE SKIP LOCKED on the claimed rows, one queue head per subscriber kept by its row lock
// and a unique index (pg-queue.ts), and locks on the article, subscriber and glossary rows every
// writer takes.
import pg from 'pg'
import { createPgArticles } from './pg-articles.ts'
import { createPgDeliveries } from './pg-deliveries.ts'
import { createPgGauges } from './pg-gauges.ts'
import { createPgGlossary } from './pg-glossary.ts'
import { createPgKeys } from './pg-keys.ts'
import { migratePg } from './pg-migrations.ts'
import { createPgSearch, indexOlderArticles } from './pg-search.ts'
import { createPgSubscribers } from './pg-subscribers.ts'
import { createPgTranslation } from './pg-translation.ts'
import { createPgVersions } from './pg-versions.ts'
import { DISTRIBUTION_READY, TRANSLATION_READY } from './claim-conditions.ts'
import { pgDb } from './pg-tx.ts'
import type { Storage } from './types.ts'

export interface PgStorageOptions {
  /** An existing schema to keep Nashra's tables in (search_path of every connection); else the server's default. */
  schema?: string
  /**
   * Told when an idle pooled connection fails (the server restarted or dropped it): the pool has
   * discarded it already, so this is only worth a log line. Gets the error's code and message,
   * never the connection string.
   */
  onIdleError?: (error: { code: string | undefined; message: string }) => void
}

// When the process loop has work next: the first unleased entry of each queue, walking the
// queue's index in order (needs $1 = now, $2 = priority); exported for the query-plan test.
const nextDue = (ready: string): string => `SELECT v.next_attempt_at AS t FROM versions v
  WHERE ${ready} AND v.priority = $2 AND v.next_attempt_at IS NOT NULL ORDER BY v.next_attempt_at LIMIT 1`
export const NEXT_DUE_TRANSLATION = nextDue(TRANSLATION_READY('$1'))
export const NEXT_DUE_DISTRIBUTION = nextDue(DISTRIBUTION_READY('$1'))
// The delivery loop's next wake-up: the earliest future due time of any pending delivery, one seek
// in deliveries_due (see sqlite.ts: held-back deliveries are woken by what releases them).
export const NEXT_DUE_DELIVERY = `SELECT d.next_attempt_at AS t FROM deliveries d
  WHERE d.status = 'pending' AND d.next_attempt_at > $1 ORDER BY d.next_attempt_at LIMIT 1`

/**
 * The schema's search_path as a start-up option, added to any `options` the URL carries (e.g.
 * statement_timeout). pg lets the URL's parameters override the config object's, so the
 * combined options go back into the URL.
 */
function withSearchPath (connectionString: string, schema: string): string {
  const searchPath = `-c search_path=${schema}`
  try {
    const url = new URL(connectionString)
    const existing = url.searchParams.get('options')
    url.searchParams.set('options', existing === null ? searchPath : `${existing} ${searchPath}`)
    return url.toString()
  } catch {
    return connectionString // not a URL (key=value form): left as it is, search_path via config
  }
}

export function openPgStorage (connectionString: string, options: PgStorageOptions = {}): Storage {
  const { schema } = options
  // The name goes into a startup parameter, not into SQL; still, only a plain identifier is taken.
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`schema must be a plain identifier (letters, digits, _), got "${schema}"`)
  }
  const pool = new pg.Pool({
    // Set at connection start-up, so every pooled connection has it before its first query.
    connectionString: schema === undefined ? connectionString : withSearchPath(connectionString, schema),
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` })
  })
  // An idle connection the server dropped is discarded by the pool; without a listener the
  // 'error' event would crash the process. The next query opens a fresh connection or fails.
  pool.on('error', (err: Error & { code?: string }) => options.onIdleError?.({ code: err.code, message: err.message }))
  const db = pgDb(pool)
  let closed = false

  return {
    sharedDatabase: true,

    async migrate () {
      await migratePg(db)
      await indexOlderArticles(db)
    },
    async ping () {
      await db.rows('SELECT 1')
    },
    async close () {
      if (closed) return
      closed = true
      await pool.end()
    },
    async releaseAllLeases () {
      // Deliberately nothing: other live instances hold leases in this database, and releasing
      // theirs would let a second instance send what the first is sending. A lease a crashed
      // instance left runs out (leaseMs) and its work is then taken over by any instance.
    },

    ...createPgKeys(db),
    ...createPgArticles(db),
    ...createPgSubscribers(db),
    ...createPgDeliveries(db),
    ...createPgVersions(db),
    ...createPgTranslation(db),
    ...createPgGlossary(db),
    ...createPgGauges(db),
    ...createPgSearch(db),

    async nextDueTime (kind, now) {
      if (kind === 'deliveries') return (await db.rows<{ t: string }>(NEXT_DUE_DELIVERY, [now]))[0]?.t ?? null
      // The earliest of four index probes (two queues × two priorities), each stopping at its first row.
      let earliest: string | null = null
      for (const probe of [NEXT_DUE_TRANSLATION, NEXT_DUE_DISTRIBUTION]) {
        for (const priority of [1, 0]) {
          const [row] = await db.rows<{ t: string }>(probe, [now, priority])
          if (row !== undefined && (earliest === null || row.t < earliest)) earliest = row.t
        }
      }
      return earliest
    }
  }
}
