// Every statement on a hot path walks an index, on both backends: the query planner's own plan
// for the exact SQL text the storage modules run (imported, not copied), checked for a scan of a
// table or a sort the index should have spared. A claim that scans costs O(backlog) per call,
// which is what stalled ingest during an engine outage (issue 11).
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import * as pgStorage from '../../src/storage/pg.ts'
import {
  FIND_CANDIDATES as PG_DELIVERY_CLAIM, LIST_NUMBERED as PG_LIST_NUMBERED, LIST_NUMBERED_BY_STATUS as PG_LIST_NUMBERED_BY_STATUS,
  LIST_UNSENT_CANCELED as PG_LIST_UNSENT_CANCELED, LEASE_AGAIN as PG_LEASE_AGAIN, READ_FEED as PG_READ_FEED, RECORD_ATTEMPTS as PG_RECORD_ATTEMPTS
} from '../../src/storage/pg-deliveries.ts'
import { LEASE_FIRST_SENDS as PG_LEASE_FIRST_SENDS, LOCK_SUBSCRIBERS as PG_LOCK_SUBSCRIBERS, PROMOTE_NEXT as PG_PROMOTE_NEXT } from '../../src/storage/pg-queue.ts'
import { DISTRIBUTION_CLAIM as PG_DISTRIBUTION_CLAIM, TRANSLATION_CLAIM as PG_TRANSLATION_CLAIM } from '../../src/storage/pg-versions.ts'
import { NEXT_DUE_DELIVERY, NEXT_DUE_DISTRIBUTION, NEXT_DUE_TRANSLATION, openSqliteStorage } from '../../src/storage/sqlite.ts'
import {
  DELIVERY_CLAIM, LIST_DEAD, LIST_FEED, LIST_NUMBERED, LIST_NUMBERED_HEAD, LIST_NUMBERED_WAITING, LIST_QUEUED, LIST_UNSENT_CANCELED, READ_FEED,
  TAKE_LEASE
} from '../../src/storage/sqlite-deliveries.ts'
import { OUTBOX_GAUGES, VERSION_GAUGES } from '../../src/storage/sqlite-gauges.ts'
import { CANCEL_SUBSCRIBER_OUTBOX } from '../../src/storage/sqlite-subscribers.ts'
import { NEXT_POSITION, NEXT_SEQUENCE } from '../../src/storage/sqlite-queue.ts'
import { DISTRIBUTION_CLAIM, TRANSLATION_CLAIM } from '../../src/storage/sqlite-versions.ts'
import { seedPg, seedSqlite } from '../helpers/backlog.ts'

const NOW = '2026-06-01T00:00:00.000Z'
const LATER = '2026-06-01T00:01:00.000Z'

/** Plan lines that mean work grows with a table: a full scan, or a sort done outside an index. */
export function sqlitePlanProblems (sql: string, details: string[]): string[] {
  // The plan names tables by their alias: map aliases back to tables for the message.
  const tables = new Map<string, string>()
  for (const [, table, alias] of sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(?!INDEXED|JOIN|ON|WHERE)(\w+))?/gi)) {
    tables.set(alias ?? table!, table!)
  }
  const problems: string[] = []
  for (const detail of details) {
    const scan = /^SCAN (\w+)/.exec(detail)
    if (scan !== null && scan[1] !== 'CONSTANT') problems.push(`${detail} (table ${tables.get(scan[1]!) ?? scan[1]})`)
    if (/USE TEMP B-TREE/.test(detail)) problems.push(detail)
    // An automatic index is built by reading the whole table, at every execution: a scan too.
    if (/AUTOMATIC/.test(detail)) problems.push(detail)
  }
  return problems
}

interface PgPlanNode { 'Node Type': string; 'Relation Name'?: string; 'Index Cond'?: string; Plans?: PgPlanNode[] }

/**
 * Whether everything under a node reads only rows the statement names by id (id = ANY of its
 * own list): sorting those (to lock them in id order) sorts a batch, not a table.
 */
function readsNamedRows (node: PgPlanNode): boolean {
  const children = node.Plans ?? []
  if (children.length === 0) return /^\(id = ANY \(/.test(node['Index Cond'] ?? '')
  return children.every(readsNamedRows)
}

export function pgPlanProblems (node: PgPlanNode): string[] {
  const problems: string[] = []
  if (node['Node Type'] === 'Seq Scan') problems.push(`Seq Scan on ${node['Relation Name']}`)
  if (/Sort$/.test(node['Node Type']) && !readsNamedRows(node)) problems.push(node['Node Type'])
  for (const child of node.Plans ?? []) problems.push(...pgPlanProblems(child))
  return problems
}

const sqliteHot: Record<string, [string, Record<string, string | number | null> | Array<string | number>]> = {
  'translation claim': [TRANSLATION_CLAIM, { now: NOW, priority: 0 }],
  'distribution claim': [DISTRIBUTION_CLAIM, { now: NOW, priority: 1 }],
  'next due translation': [NEXT_DUE_TRANSLATION, { now: NOW, priority: 0 }],
  'next due distribution': [NEXT_DUE_DISTRIBUTION, { now: NOW, priority: 0 }],
  'next due delivery': [NEXT_DUE_DELIVERY, { now: NOW }],
  'delivery claim': [DELIVERY_CLAIM, { now: NOW, limit: 64 }],
  'delivery lease': [TAKE_LEASE, [LATER, 1, 'd1']],
  'feed page': [READ_FEED, ['s1', 10, 100]],
  // A subscriber's list, in index order (migration 95): before, every page sorted all its rows.
  'list: numbered rows': [LIST_NUMBERED, { subscriberId: 's1', status: null, afterSequence: 0, limit: 50 }],
  'list: numbered pending rows': [LIST_NUMBERED_WAITING, { subscriberId: 's1', afterSequence: 0, limit: 50 }],
  'list: the queue head': [LIST_NUMBERED_HEAD, { subscriberId: 's1', afterSequence: 0 }],
  'list: dead rows': [LIST_DEAD, { subscriberId: 's1', afterSequence: 0, limit: 50 }],
  'list: feed rows': [LIST_FEED, { subscriberId: 's1', afterSequence: 0, limit: 50 }],
  'list: queued rows': [LIST_QUEUED, { subscriberId: 's1', afterPriority: null, afterPosition: null, limit: 50 }],
  'list: rows canceled unsent': [LIST_UNSENT_CANCELED, { subscriberId: 's1', afterPriority: 0, afterPosition: 3, limit: 50 }],
  // Read from the unique indexes, the last entry of the subscriber's part (migration 92).
  'next sequence number': [NEXT_SEQUENCE, ['s1']],
  'next queue place': [NEXT_POSITION, ['s1']],
  // With versions_work gone (migration 88), versions_by_status must answer it.
  'version gauges': [VERSION_GAUGES, []],
  // Through the queue's indexes and deliveries_feed, not the subscriber's history (migration 94).
  'deleting a subscriber\'s queue': [CANCEL_SUBSCRIBER_OUTBOX, { reason: 'deleted', id: 's1' }]
}

describe('query plans: sqlite', () => {
  let dir: string
  let db: DatabaseSync
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-plans-'))
    const file = path.join(dir, 'plans.db')
    const storage = openSqliteStorage(file)
    await storage.migrate()
    await storage.close()
    db = new DatabaseSync(file)
    // Plans as production gets them (no ANALYZE is ever run), over a realistic mix of rows.
    seedSqlite(db, { received: 500, translated: 500, deliveries: 5_000, pendingShare: 0.2, subscribers: 50 })
  })
  after(async () => {
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('flags a scan and a sort outside an index (the check can fail)', () => {
    const sql = 'SELECT v.id FROM versions v WHERE v.status = \'received\' ORDER BY v.event = \'kill\' DESC LIMIT 1'
    const details = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all().map((r) => String(r.detail))
    assert.ok(sqlitePlanProblems(sql, details).some((p) => /TEMP B-TREE/.test(p)), details.join('\n'))
    const automatic = 'SELECT d.id FROM versions v JOIN deliveries d ON d.lang = v.event'
    const built = db.prepare(`EXPLAIN QUERY PLAN ${automatic}`).all().map((r) => String(r.detail))
    assert.ok(sqlitePlanProblems(automatic, built).some((p) => /AUTOMATIC/.test(p)), built.join('\n'))
    const scan = 'SELECT COUNT(*) FROM deliveries d WHERE d.lang = ?'
    const scanned = db.prepare(`EXPLAIN QUERY PLAN ${scan}`).all('en').map((r) => String(r.detail))
    assert.deepEqual(sqlitePlanProblems(scan, scanned), [`${scanned[0]} (table deliveries)`])
  })

  // The /metrics outbox gauge counts every pending row, so it walks whole indexes, but only the
  // queue's partial ones (pending rows: as many as the backlog), never the outbox's history; its
  // GROUP BY sorts those rows (migration 96).
  it('outbox gauges walk only the queue\'s indexes', () => {
    const details = db.prepare(`EXPLAIN QUERY PLAN ${OUTBOX_GAUGES}`).all().map((r) => String(r.detail))
    const walks = details.filter((d) => /^(SCAN|SEARCH) deliveries/.test(d))
    assert.deepEqual(walks.map((d) => d.replace(/^(SCAN|SEARCH) deliveries USING INDEX /, '')).sort(),
      ['deliveries_head', 'deliveries_numbered_queue', 'deliveries_queue'], details.join('\n'))
    assert.ok(!details.some((d) => /AUTOMATIC/.test(d)), details.join('\n'))
  })

  for (const [name, [sql, params]] of Object.entries(sqliteHot)) {
    it(`${name} walks an index`, () => {
      const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      const rows = Array.isArray(params) ? statement.all(...params) : statement.all(params)
      const details = rows.map((r) => String(r.detail))
      assert.deepEqual(sqlitePlanProblems(sql, details), [], `plan:\n${details.join('\n')}`)
      assert.ok(details.some((d) => /^SEARCH /.test(d)), `plan:\n${details.join('\n')}`)
    })
  }
})

const url = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const unreachable = await (async () => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    await client.end()
    return null
  } catch (err) {
    return (err as Error).message
  }
})()

const pgHot: Record<string, [string, Array<string | number | null>]> = {
  'translation claim': [PG_TRANSLATION_CLAIM, [NOW, LATER, 0]],
  'distribution claim': [PG_DISTRIBUTION_CLAIM, [NOW, LATER, 1]],
  'next due translation': [pgStorage.NEXT_DUE_TRANSLATION, [NOW, 0]],
  'next due distribution': [pgStorage.NEXT_DUE_DISTRIBUTION, [NOW, 0]],
  'next due delivery': [pgStorage.NEXT_DUE_DELIVERY, [NOW]],
  'delivery claim': [PG_DELIVERY_CLAIM, [NOW, 64]],
  // Heads leased: again (numbered), and for the first time with their numbers (lock, counter, lease).
  'lease of heads sent before': [PG_LEASE_AGAIN, [['d1', 'd2'] as unknown as string, LATER]],
  'first lease of heads': [PG_LEASE_FIRST_SENDS, [['d1', 'd2'] as unknown as string, LATER, ['s1', 's2'] as unknown as string]],
  // A queue's next head, after its head left (delivered or dead).
  'next queue heads': [PG_PROMOTE_NEXT, [['s1', 's2'] as unknown as string, NOW]],
  // A batch of attempts and their outcomes, then its subscribers locked in id order.
  'recording attempts': [PG_RECORD_ATTEMPTS, [['d1', 'd2'], [NOW, NOW], [204, 500], [3, 4], [null, 'HTTP 500'], [null, null], ['delivered', 'pending'], [null, LATER], [NOW, null]] as unknown as string[]],
  'locking a batch\'s subscribers': [PG_LOCK_SUBSCRIBERS, [['s1', 's2'] as unknown as string]],
  'feed page': [PG_READ_FEED, ['s1', 10, 100]],
  'list: numbered rows': [PG_LIST_NUMBERED, ['s1', 0, 50]],
  'list: numbered rows of a status': [PG_LIST_NUMBERED_BY_STATUS, ['s1', 0, 50, 'delivered']],
  // Not PG_LIST_QUEUED: over a queue of ~80 rows the planner prefers sorting them to walking
  // deliveries_queue in order; a queue is as long as the backlog, never the history.
  'list: rows canceled unsent': [PG_LIST_UNSENT_CANCELED, ['s1', 0, 3, 50]]
}

describe('query plans: pg', { skip: unreachable === null ? false : `PostgreSQL unreachable (${unreachable})` }, () => {
  const schema = `nashra_plans_${process.pid}_${Date.now()}`
  let client: pg.Client
  before(async () => {
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`CREATE SCHEMA ${schema}`)
    await admin.end()
    const storage = pgStorage.openPgStorage(url, { schema })
    await storage.migrate()
    await storage.close()
    client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` })
    await client.connect()
    await seedPg(client, { received: 2_000, translated: 2_000, deliveries: 20_000, pendingShare: 0.2, subscribers: 50 })
    await client.query('ANALYZE')
    // With sequential scans priced out, a Seq Scan left in a plan means no index can serve it.
    await client.query('SET enable_seqscan = off')
  })
  after(async () => {
    try {
      await client.query('ROLLBACK') // a seeding that failed leaves its transaction open
      await client.query(`DROP SCHEMA ${schema} CASCADE`)
    } finally {
      await client.end()
    }
  })

  it('flags a scan and a sort outside an index (the check can fail)', async () => {
    const { rows } = await client.query('EXPLAIN (FORMAT JSON) SELECT id FROM deliveries WHERE lang = \'en\' ORDER BY created_at DESC')
    assert.deepEqual(pgPlanProblems(rows[0]['QUERY PLAN'][0].Plan), ['Sort', 'Seq Scan on deliveries'])
  })

  for (const [name, [sql, params]] of Object.entries(pgHot)) {
    it(`${name} walks an index`, async () => {
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)
      const plan = rows[0]['QUERY PLAN'][0].Plan as PgPlanNode
      assert.deepEqual(pgPlanProblems(plan), [], `plan:\n${JSON.stringify(plan, null, 1)}`)
    })
  }
})
