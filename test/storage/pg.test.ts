// The storage contract against PostgreSQL, plus what only a shared database needs: two
// instances claiming from the same outbox never take the same delivery. Each suite gets a schema
// of its own (dropped afterwards), so parallel runs against one database never collide.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { openPgStorage } from '../../src/storage/pg.ts'
import type { ClaimedDelivery, Storage } from '../../src/storage/types.ts'
import { storedSubscriber } from '../helpers/subscribers.ts'
import { storageContract } from './contract.ts'
import { deliveryContract } from './contract-delivery.ts'
import { gaugesContract } from './contract-gauges.ts'
import { editorsContract } from './contract-editors.ts'
import { quarantineContract } from './contract-quarantine.ts'

const url = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
/** The URL for messages: a password in it stays out of test output. */
const shown = url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')

/** Runs fn on one short-lived connection (schema set-up and tear-down). */
async function withClient<T> (fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** A fresh, empty schema; drop() removes it with everything in it. */
async function freshSchema (): Promise<{ schema: string; drop(): Promise<void> }> {
  // Random hex only: safe as an identifier, and escaped anyway.
  const schema = `nashra_test_${randomBytes(6).toString('hex')}`
  await withClient((c) => c.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`))
  return { schema, drop: () => withClient(async (c) => { await c.query(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`) }) }
}

/**
 * Two instances on one fresh schema, opened before the enclosing describe's tests and closed
 * after them. Both start at once: the advisory lock lets one migrate and the other find it done.
 */
function twoInstances (): { a: Storage; b: Storage } {
  const pair = {} as { a: Storage; b: Storage }
  let drop: (() => Promise<void>) | undefined
  before(async () => {
    const fresh = await freshSchema()
    drop = fresh.drop
    pair.a = openPgStorage(url, { schema: fresh.schema })
    pair.b = openPgStorage(url, { schema: fresh.schema })
    await Promise.all([pair.a.migrate(), pair.b.migrate()])
  })
  after(async () => {
    await Promise.all([pair.a?.close(), pair.b?.close()])
    await drop?.()
  })
  return pair
}

const openPg = async (): Promise<{ storage: Storage; cleanup(): Promise<void> }> => {
  const { schema, drop } = await freshSchema()
  return { storage: openPgStorage(url, { schema }), cleanup: drop }
}

const unreachable = await withClient((c) => c.query('SELECT 1')).then(() => null, (err: Error) => err.message || String(err))

if (unreachable !== null && process.env['CI'] !== undefined) {
  it('reaches PostgreSQL (required on CI)', () => {
    assert.fail(`PostgreSQL at ${shown} is unreachable: ${unreachable} (set TEST_DATABASE_URL)`)
  })
} else if (unreachable !== null) {
  it('storage contract: pg', { skip: `PostgreSQL at ${shown} is unreachable (${unreachable}); set TEST_DATABASE_URL to run these tests` }, () => {})
} else {
  storageContract('pg', openPg)
  deliveryContract('pg', openPg)
  gaugesContract('pg', openPg)
  editorsContract('pg', openPg)

  describe('pg: stories stored before search existed', () => {
    it('are given their search terms by the next migrate()', async () => {
      const { schema, drop } = await freshSchema()
      const storage = openPgStorage(url, { schema })
      try {
        await storage.migrate()
        const v = await storage.ingestVersion({
          guid: 'old',
          contentHash: 'h',
          now: '2026-11-01T00:00:00.000Z',
          content: { headline: 'أسعارُ الذهب ترتفع', paragraphs: ['ف'], language: 'ar', category: 'economy' }
        })
        // As if stored before migration 85: no terms, not indexed, no category.
        await withClient(async (c) => {
          await c.query(`SET search_path = ${pg.escapeIdentifier(schema)}`)
          await c.query('DELETE FROM article_terms')
          await c.query('UPDATE articles SET search_indexed = false, category = NULL')
        })
        assert.deepEqual(await storage.listArticles({ limit: 5, terms: ['ذهب'] }), [])
        await storage.migrate()
        assert.deepEqual((await storage.listArticles({ limit: 5, terms: ['ذهب'], category: 'economy' })).map((a) => a.id), [v.articleId])
      } finally {
        await storage.close()
        await drop()
      }
    })
  })
  quarantineContract('pg', openPg)

  describe('pg: an idle connection the server drops', () => {
    it('is reported through onIdleError (code and message only), and the next query opens a new one', async () => {
      const { schema, drop } = await freshSchema()
      // A name of its own, so the test ends only this pool's connection, not a parallel suite's.
      const name = `nashra_idle_${randomBytes(4).toString('hex')}`
      const named = new URL(url)
      named.searchParams.set('application_name', name)
      const reports: Array<{ code: string | undefined; message: string }> = []
      let reported!: () => void
      const firstReport = new Promise<void>((resolve) => { reported = resolve })
      const storage = openPgStorage(named.toString(), { schema, onIdleError: (error) => { reports.push(error); reported() } })
      try {
        await storage.ping() // leaves one idle connection in the pool
        const ended = await withClient((c) => c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]))
        assert.equal(ended.rowCount, 1)
        const deadline = new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('no report within 10 s')), 10_000).unref())
        await Promise.race([firstReport, deadline])
        assert.deepEqual(reports.map((r) => [r.code, Object.keys(r).sort()]), [['57P01', ['code', 'message']]])
        assert.match(reports[0]!.message, /terminating connection/)
        await storage.ping()
      } finally {
        await storage.close()
        await drop()
      }
    })
  })

  // A database of its own: the claim test below takes every due delivery it finds.
  describe('pg: two instances fanning out at once', () => {
    const pair = twoInstances()

    it('fans out at once from both instances to the same subscribers: no deadlock, gap-free queue places, one head each', async () => {
      const { a, b } = pair
      const now = '2026-11-29T13:00:00.000Z'
      const subscribers = Array.from({ length: 20 }, (_, i) => `f${String(i).padStart(2, '0')}`)
      for (const id of subscribers) await a.createSubscriber(storedSubscriber(id, now))
      const versions: string[] = []
      for (let story = 0; story < 12; story++) {
        versions.push((await a.ingestVersion({ guid: `fan-${story}`, contentHash: `fan-${story}`, content: { headline: 'h', paragraphs: ['p'], language: 'ar' }, now })).versionId)
      }
      // Each fan-out lists the subscribers in an order of its own: the locks must still be taken in one order.
      const results = await Promise.allSettled(versions.map((versionId, story) => {
        const order = story % 2 === 0 ? subscribers : [...subscribers].reverse()
        const rotated = [...order.slice(story), ...order.slice(0, story)]
        return (story % 2 === 0 ? a : b).distribute(versionId, rotated.map((subscriberId) =>
          ({ subscriberId, lang: 'en', format: 'newsml-g2', contentType: 'application/xml', body: `<f${story}/>` })), now)
      }))
      assert.deepEqual(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)), [])
      for (const id of subscribers) {
        const rows = await a.listDeliveries(id, { limit: 50 })
        assert.equal(rows.length, 12, id)
        const places = rows.map((d) => d.position).sort((x, y) => x - y)
        assert.deepEqual(places, Array.from({ length: 12 }, (_, i) => places[0]! + i), `${id}: queue places gap-free and distinct`)
        assert.equal(rows.filter((d) => d.nextAttemptAt !== null).length, 1, `${id}: one head`)
      }
    })
  })

  describe('pg: two instances sharing one database', () => {
    const pair = twoInstances()

    it('never claims the same delivery twice, keeps one in flight per subscriber and sequence order', async () => {
      const { a, b } = pair
      const now = '2026-11-29T14:00:00.000Z'
      const leaseUntil = '2026-11-29T15:00:00.000Z'
      const subscribers = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`)
      for (const id of subscribers) {
        await a.createSubscriber(storedSubscriber(id, now))
      }
      const all = new Set<string>()
      for (let story = 0; story < 10; story++) {
        const v = await a.ingestVersion({ guid: `race-${story}`, contentHash: `race-${story}`, content: { headline: 'h', paragraphs: ['p'], language: 'ar' }, now })
        // Every third story is a kill (priority > 0): it goes ahead of what was never sent, which
        // is where two instances could otherwise each put one delivery of a subscriber in flight.
        const priority = story % 3 === 2 ? 1 : 0
        const created = await (story % 2 === 0 ? a : b).distribute(v.versionId, subscribers.map((subscriberId) =>
          ({ subscriberId, lang: 'en', format: 'newsml-g2', contentType: 'application/xml', body: `<s${story}/>`, priority })), now)
        for (const d of created) all.add(d.id)
      }
      assert.equal(all.size, 200)

      const inFlight = new Set<string>()
      const lastSequence = new Map<string, number>()
      const problems: string[] = []
      const claimLoop = async (storage: Storage): Promise<string[]> => {
        const mine: string[] = []
        for (let round = 0; round < 2000; round++) {
          const batch: ClaimedDelivery[] = await storage.claimDueDeliveries(now, leaseUntil, 7)
          if (batch.length === 0) {
            if (inFlight.size === 0 && await storage.nextDueTime('deliveries', now) === null) return mine
            await new Promise((resolve) => setTimeout(resolve, 2))
            continue
          }
          for (const d of batch) {
            if (inFlight.has(d.subscriberId)) problems.push(`${d.subscriberId} had two deliveries in flight`)
            inFlight.add(d.subscriberId)
            // Numbers are given as messages leave: each subscriber sees 1, 2, 3 … whoever claimed.
            const expected = (lastSequence.get(d.subscriberId) ?? 0) + 1
            if (d.sequence !== expected) problems.push(`${d.subscriberId} got #${d.sequence} where #${expected} was next`)
            lastSequence.set(d.subscriberId, d.sequence)
            mine.push(d.id)
          }
          // Held a moment, as a real send is, while the other instance keeps claiming; then out of
          // the in-flight set before the lease is released (the other may claim the subscriber's
          // next delivery as soon as that commits).
          await new Promise((resolve) => setTimeout(resolve, 3))
          for (const d of batch) inFlight.delete(d.subscriberId)
          await storage.recordAttempts(batch.map((d) => ({
            deliveryId: d.id,
            attempt: {
              at: now,
              statusCode: 204,
              durationMs: 1,
              error: null,
              responseExcerpt: null
            },
            outcome: { status: 'delivered' as const }
          })))
        }
        throw new Error('the claim loop did not finish')
      }
      const [byA, byB] = await Promise.all([claimLoop(a), claimLoop(b)])
      assert.deepEqual(problems, [])
      const both = [...byA, ...byB]
      assert.equal(new Set(both).size, both.length, 'no delivery was claimed by both instances (or twice by one)')
      assert.deepEqual(new Set(both), all, 'together they claimed every delivery')
      assert.ok(byA.length > 0 && byB.length > 0, `both instances did work (${byA.length} / ${byB.length})`)
    })
  })
}
