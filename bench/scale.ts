// npm run bench:scale — prints figures, asserts nothing.
// What one claim costs as the backlog grows: the translation and distribution claims and the
// process loop's due-time lookup with 1k, 10k and 100k waiting versions; the delivery claim, its
// due-time lookup and a feed page with 10k, 100k and 1M delivery rows (half pending, 500
// subscribers): the newest page of each subscriber in turn (a reader that keeps up) and pages
// through one subscriber's whole history (a reader catching up). Through the Storage API (the
// real statements), on SQLite and, when reachable, PostgreSQL. Every size is seeded first and kept open; then five rounds measure them in turn,
// alternating the order (smallest first, then largest first), so the machine's drift lands on
// every size alike. A round's figure is the median of 40 calls after 4 warm-up calls (16 delivery
// claims of 50); each printed figure is the median of the five rounds. Claims use up their rows,
// so the five rounds together take what one pass of 200 calls did. Target: every ratio against
// the smallest backlog within 2×. `--quick` stops at the middle size.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import { openPgStorage } from '../src/storage/pg.ts'
import { openSqliteStorage } from '../src/storage/sqlite.ts'
import type { Storage } from '../src/storage/types.ts'
import { type Backlog, seedPg, seedSqlite } from '../test/helpers/backlog.ts'

const TIERS = [
  { versions: 1_000, deliveries: 10_000 },
  { versions: 10_000, deliveries: 100_000 },
  { versions: 100_000, deliveries: 1_000_000 }
].slice(0, process.argv.includes('--quick') ? 2 : 3)
const SUBSCRIBERS = 500
const ROUNDS = 5
const WARM_UP = 4
const CALLS = 40
const PG_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'

type Op = { name: string; run: () => Promise<unknown>; after?: (result: unknown) => Promise<void>; calls?: number }

/** Median microseconds of one call of `run` (`after` cleans up outside the timed part). */
async function measure (op: Op): Promise<number> {
  const times: number[] = []
  const calls = op.calls ?? CALLS
  for (let i = 0; i < WARM_UP + calls; i++) {
    const started = performance.now()
    const result = await op.run()
    const took = performance.now() - started
    if (i >= WARM_UP) times.push(took * 1000)
    await op.after?.(result)
  }
  return median(times)
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Each size's storage, seeded and open, measured in alternating rounds; the medians of the rounds. */
async function rounds (storages: Storage[]): Promise<Array<Map<string, number>>> {
  const ops = storages.map((storage, i) => operations(storage, backlogOf(TIERS[i]!)))
  const samples = storages.map(() => new Map<string, number[]>())
  for (let round = 0; round < ROUNDS; round++) {
    const order = storages.map((_, i) => i)
    if (round % 2 === 1) order.reverse()
    for (const i of order) {
      for (const op of ops[i]!) {
        const list = samples[i]!.get(op.name) ?? []
        list.push(await measure(op))
        samples[i]!.set(op.name, list)
      }
    }
  }
  return samples.map((byOp) => new Map([...byOp].map(([name, values]) => [name, median(values)])))
}

function operations (storage: Storage, backlog: Backlog): Op[] {
  // The seed numbers each subscriber's delivered rows 1 … this (test/helpers/backlog.ts).
  const deliveredUpTo = Math.floor(Math.ceil(backlog.deliveries / backlog.subscribers) * (1 - backlog.pendingShare))
  const newestAfter = Math.max(0, deliveredUpTo - 10)
  let reader = 0
  const now = () => new Date().toISOString()
  const lease = () => new Date(Date.now() + 60_000).toISOString()
  let after = 0
  return [
    {
      name: 'translation claim',
      run: () => storage.claimVersionForTranslation(now(), lease()),
      // Finished at once: the claimed version leaves the queue, as a translated one does.
      after: async (v) => { if (v !== null) await storage.saveTranslations((v as { id: string }).id, [], now()) }
    },
    {
      name: 'distribution claim',
      run: () => storage.claimVersionForDistribution(now(), lease()),
      after: async (v) => { if (v !== null) await storage.distribute((v as { id: string }).id, [], now()) }
    },
    { name: 'next due version', run: () => storage.nextDueTime('versions', now()) },
    {
      name: 'delivery claim (50)',
      // Each call takes 50 rows out of the queue: 5 rounds × 20 × 50 stays within the smallest backlog's pending rows.
      calls: 20 - WARM_UP,
      run: () => storage.claimDueDeliveries(now(), lease(), 50),
      after: async (claimed) => {
        const at = now()
        await storage.recordAttempts((claimed as Array<{ id: string }>).map((d) => ({
          deliveryId: d.id,
          attempt: { at, statusCode: 204, durationMs: 1, error: null, responseExcerpt: null },
          outcome: { status: 'delivered' as const }
        })))
      }
    },
    { name: 'next due delivery', run: () => storage.nextDueTime('deliveries', now()) },
    // A reader that keeps up: the newest page of each subscriber in turn (its 10 latest numbered
    // rows, written last, as a feed poll after its cursor reads them).
    {
      name: 'feed, newest page (10)',
      run: () => storage.readFeed(`s${reader++ % SUBSCRIBERS}`, newestAfter, 10)
    },
    // A reader catching up: pages through subscriber s1's whole history (20 items at the smallest
    // size, 2,000 at 1M), 10 at a time, from the start again after a short page. Its rows are old,
    // so at 1M most are in no cache.
    {
      name: 'feed, history walk (10)',
      run: () => storage.readFeed('s1', after, 10),
      after: async (items) => {
        const page = items as Array<{ sequence: number }>
        after = page.length < 10 ? 0 : page.at(-1)!.sequence
      }
    }
  ]
}

const backlogOf = (tier: (typeof TIERS)[number]): Backlog =>
  ({ received: tier.versions, translated: tier.versions, deliveries: tier.deliveries, pendingShare: 0.5, subscribers: SUBSCRIBERS })

async function sqliteTier (dir: string, tier: (typeof TIERS)[number]): Promise<Storage> {
  const file = path.join(dir, `scale-${tier.versions}.db`)
  const setup = openSqliteStorage(file)
  await setup.migrate()
  await setup.close()
  const raw = new DatabaseSync(file)
  seedSqlite(raw, backlogOf(tier))
  raw.close()
  return openSqliteStorage(file)
}

/** A schema of its own, seeded; `drop` closes the storage and removes the schema. */
async function pgTier (tier: (typeof TIERS)[number]): Promise<{ storage: Storage; drop: () => Promise<void> }> {
  const schema = `nashra_scale_${process.pid}_${tier.versions}`
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`CREATE SCHEMA ${schema}`)
  const storage = openPgStorage(PG_URL, { schema })
  const drop = async (): Promise<void> => {
    await storage.close()
    await admin.query(`DROP SCHEMA ${schema} CASCADE`)
    await admin.end()
  }
  try {
    await storage.migrate()
    await admin.query(`SET search_path = ${schema}`)
    await seedPg(admin, backlogOf(tier))
    // Autovacuum would analyse a table this size on its own; do it now rather than mid-measurement.
    await admin.query('ANALYZE')
    return { storage, drop }
  } catch (err) {
    await drop()
    throw err
  }
}

function print (backend: string, results: Array<Map<string, number>>): void {
  const names = [...results[0]!.keys()]
  const head = TIERS.map((t) => `${t.versions / 1000}k v / ${t.deliveries / 1000}k d`)
  console.log(`\n${backend}: median µs per call (× the smallest backlog)`)
  console.log(`${'operation'.padEnd(22)}${head.map((h) => h.padStart(22)).join('')}`)
  for (const name of names) {
    const base = results[0]!.get(name)!
    const cells = results.map((r) => {
      const us = r.get(name)!
      return `${us.toFixed(0)} µs (${(us / base).toFixed(2)}×)`.padStart(22)
    })
    console.log(`${name.padEnd(22)}${cells.join('')}`)
  }
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-scale-'))
try {
  const sqlite: Storage[] = []
  try {
    for (const tier of TIERS) sqlite.push(await sqliteTier(dir, tier))
    print('SQLite', await rounds(sqlite))
  } finally {
    for (const storage of sqlite) await storage.close()
  }
  const probe = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 })
  const reachable = await probe.connect().then(() => probe.end()).then(() => true, () => false)
  if (reachable) {
    const tiers: Array<{ storage: Storage; drop: () => Promise<void> }> = []
    try {
      for (const tier of TIERS) tiers.push(await pgTier(tier))
      print('PostgreSQL', await rounds(tiers.map((t) => t.storage)))
    } finally {
      for (const t of tiers) await t.drop()
    }
  } else {
    console.log(`\nPostgreSQL at ${PG_URL.replace(/:[^:@/]*@/, ':***@')} unreachable: skipped`)
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}
