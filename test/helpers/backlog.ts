// Seeds a migrated database with a backlog of the size a busy newsroom builds up: stories waiting
// for translation and for distribution, and an outbox of deliveries (mostly delivered history,
// some pending). Written with one INSERT … SELECT per table, so 1M rows take seconds, not the
// minutes the storage API would. Used by the query-plan test and `npm run bench:scale`.
import type { DatabaseSync } from 'node:sqlite'
import type pg from 'pg'

export interface Backlog {
  /** Versions in `received`, due. */
  received: number
  /** Versions in `translated`, due, each the first version of its story (nothing holds them back). */
  translated: number
  /** Delivery rows, spread over `subscribers` push subscribers in sequence order. */
  deliveries: number
  /** Share of each subscriber's deliveries still `pending` (its latest ones); the rest delivered. */
  pendingShare: number
  subscribers: number
}

/** A version's content as ingest stores it (claims parse it). */
const CONTENT = JSON.stringify({ headline: 'خبر', paragraphs: ['فقرة من الخبر.'], language: 'ar' })
/** Every seeded time lies before this, so all seeded work is due. */
export const SEEDED_AT = '2026-01-01T00:00:00.000Z'

function shape (b: Backlog) {
  const perSubscriber = Math.ceil(b.deliveries / b.subscribers)
  return {
    // Versions 0 … received-1 received, then translated, then the distributed ones the deliveries belong to.
    versions: b.received + b.translated + perSubscriber,
    firstDistributed: b.received + b.translated,
    perSubscriber,
    // Sequences above this are pending.
    deliveredUpTo: Math.floor(perSubscriber * (1 - b.pendingShare))
  }
}

// Parameter order: count/at/content…; each statement is written once per dialect below. A
// version's content is a column of versions on PostgreSQL; SQLite keeps it apart
// (src/storage/sqlite-content.ts), written by seedSqlite.
// counters: the subscriber's row counts its queue places and sequence numbers (PostgreSQL;
// SQLite reads them from the outbox since migration 92).
// Ids: the product's are UUIDv7 (src/ids.ts), ordered by creation, so recent rows sit together at
// the end of each id index. Seeded ids keep that order (a prefix and a zero-padded counter):
// 'd' || i put 'd10' before 'd2', and every lookup of a recent row by id landed on a random page
// of a million-entry index, a cost the service does not have.
const statements = (series: string, cat: (a: string, b: string) => string, int: (x: string) => string, contentColumn: boolean,
  counters: boolean, pad: (x: string) => string) => [
  `INSERT INTO articles (id, guid, current_version, created_at) SELECT ${cat("'a'", pad('i'))}, ${cat("'urn:seed:'", 'i')}, 1, $at FROM ${series}`,
  `INSERT INTO versions (id, article_id, version, content_hash, ${contentColumn ? 'content, ' : ''}event, status, next_attempt_at, created_at, updated_at)
   SELECT ${cat("'v'", pad('i'))}, ${cat("'a'", pad('i'))}, 1, ${cat("'h'", 'i')}, ${contentColumn ? '$content, ' : ''}'new',
     CASE WHEN i < $received THEN 'received' WHEN i < $firstDistributed THEN 'translated' ELSE 'distributed' END,
     CASE WHEN i < $firstDistributed THEN $at END, $at, $at FROM ${series}`,
  'INSERT INTO documents (hash, content_type, body) VALUES (\'seed-doc\', \'application/json\', \'{}\')',
  `INSERT INTO subscribers (id, name, url, format, languages, secret, ${counters ? 'next_position, next_sequence, ' : ''}created_at)
   SELECT ${cat("'s'", 'i')}, ${cat("'S'", 'i')}, 'http://127.0.0.1:9/hook', 'ninjs', '["en"]',
     'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', ${counters ? '$perSubscriber + 1, $deliveredUpTo + 1, ' : ''}$at FROM ${series}`,
  // Queue position k of each subscriber; delivered ones carry the sequence they went out with,
  // pending ones none yet, and only the first pending one (the queue head) has a due time.
  `INSERT INTO deliveries (id, webhook_id, subscriber_id, version_id, position, sequence, lang, format, document_hash, status,
     next_attempt_at, created_at, delivered_at)
   SELECT ${cat("'d'", pad('i'))}, ${cat("'msg_'", pad('i'))}, ${cat("'s'", 'i % $subscribers')},
     ${cat("'v'", pad(`$firstDistributed + ${int('i / $subscribers')}`))}, ${int('i / $subscribers')} + 1,
     CASE WHEN ${int('i / $subscribers')} + 1 > $deliveredUpTo THEN NULL ELSE ${int('i / $subscribers')} + 1 END, 'en', 'ninjs', 'seed-doc',
     CASE WHEN ${int('i / $subscribers')} + 1 > $deliveredUpTo THEN 'pending' ELSE 'delivered' END,
     CASE WHEN ${int('i / $subscribers')} + 1 = $deliveredUpTo + 1 THEN $at END, $at,
     CASE WHEN ${int('i / $subscribers')} + 1 > $deliveredUpTo THEN NULL ELSE $at END FROM ${series}`
]
const COUNTS = (b: Backlog, s: ReturnType<typeof shape>) => [s.versions, s.versions, 0, b.subscribers, b.deliveries]

export function seedSqlite (db: DatabaseSync, b: Backlog): void {
  const s = shape(b)
  // As BigInt: node:sqlite binds a JS number as REAL, and i / 50.0 is no row number.
  const values: Record<string, string | bigint> = { at: SEEDED_AT, content: CONTENT }
  for (const [name, n] of Object.entries({ received: b.received, subscribers: b.subscribers, ...s })) values[name] = BigInt(n)
  const series = 'n'
  const texts = statements(series, (x, y) => `${x} || (${y})`, (x) => `(${x})`, false, false, (x) => `printf('%09d', ${x})`)
  db.exec('BEGIN')
  texts.forEach((text, k) => {
    const count = COUNTS(b, s)[k]!
    const sql = count === 0 ? text : `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${count}) ${text}`
    const statement = db.prepare(sql.replaceAll('$', ':'))
    statement.setAllowUnknownNamedParameters(true)
    statement.run(values)
  })
  db.prepare('INSERT INTO version_contents (version_id, content) SELECT id, ? FROM versions').run(CONTENT)
  db.exec('COMMIT')
}

/** Seeds through a client whose search_path is the storage's schema. */
export async function seedPg (client: pg.Client, b: Backlog): Promise<void> {
  const s = shape(b)
  const values: Record<string, string | number> = { at: SEEDED_AT, content: CONTENT, received: b.received, subscribers: b.subscribers, ...s }
  const texts = statements('generate_series(0, $count - 1) AS n(i)', (x, y) => `${x} || (${y})::text`, (x) => `(${x})::int`, true, true,
    (x) => `lpad((${x})::text, 9, '0')`)
  await client.query('BEGIN')
  for (const [k, text] of texts.entries()) {
    // Named values → positional parameters, each name typed from its value.
    const names: string[] = []
    const sql = text.replace(/\$([a-zA-Z]+)/g, (_, name: string) => {
      if (!names.includes(name)) names.push(name)
      return `$${names.indexOf(name) + 1}::${name === 'at' || name === 'content' ? 'text' : 'int'}`
    })
    const all: Record<string, string | number> = { ...values, count: COUNTS(b, s)[k]! }
    await client.query(sql, names.map((n) => all[n]))
  }
  await client.query('COMMIT')
}
