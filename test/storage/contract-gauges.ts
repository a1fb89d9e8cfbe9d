// The storage contract for /metrics gauges: versions still in the pipeline by status, and the
// push outbox per subscriber (depth and oldest pending row). Every backend must pass it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ArticleContent } from '../../src/articles/types.ts'
import type { SubscriberWithSecret } from '../../src/storage/types.ts'
import { storedSubscriber } from '../helpers/subscribers.ts'
import { type OpenStorage, suiteStorage } from './suite-storage.ts'

const at = (s: number): string => new Date(Date.UTC(2026, 11, 3, 9, 0, 0) + s * 1000).toISOString()
const content: ArticleContent = { headline: 'عنوان', paragraphs: ['فقرة'], language: 'ar' }
const doc = { lang: 'en', format: 'newsml-g2', contentType: 'application/xml', body: '<x/>' }

const subscriber = (id: string, mode: 'push' | 'pull' = 'push'): SubscriberWithSecret => storedSubscriber(id, at(0), { mode })

export function gaugesContract (name: string, open: OpenStorage): void {
  describe(`storage contract, metrics gauges: ${name}`, () => {
    const storage = suiteStorage(open)

    it('counts nothing on an empty database', async () => {
      assert.deepEqual(await storage.pipelineGauges(), { versions: {}, oldestVersions: {}, outbox: [] })
    })

    it('counts versions still in the pipeline and pending push deliveries per subscriber', async () => {
      await storage.createSubscriber(subscriber('deep'))
      await storage.createSubscriber(subscriber('shallow'))
      await storage.createSubscriber(subscriber('reader', 'pull'))
      // Two stories distributed (one at 10 s, one at 20 s), one still waiting for translation.
      for (const [guid, s] of [['g1', 10], ['g2', 20]] as const) {
        const v = await storage.ingestVersion({ guid, contentHash: guid, content, now: at(s) })
        const recipients = guid === 'g1' ? ['deep', 'shallow', 'reader'] : ['deep']
        await storage.distribute(v.versionId, recipients.map((subscriberId) => ({ subscriberId, ...doc })), at(s))
      }
      await storage.ingestVersion({ guid: 'g3', contentHash: 'g3', content, now: at(30) })

      const gauges = await storage.pipelineGauges()
      assert.deepEqual(gauges.versions, { received: 1 })
      assert.deepEqual(gauges.oldestVersions, { received: at(30) })
      const outbox = [...gauges.outbox].sort((a, b) => a.subscriberId.localeCompare(b.subscriberId))
      // The pull subscriber's feed rows are not an outbox: nothing is waiting to be pushed.
      assert.deepEqual(outbox, [
        { subscriberId: 'deep', depth: 2, oldestCreatedAt: at(10) },
        { subscriberId: 'shallow', depth: 1, oldestCreatedAt: at(10) }
      ])
    })

    // Every place a pending row can be: the head (here in flight), a numbered row waiting behind it
    // (a message queued again), a row never sent; what was delivered is not counted.
    it('counts a message queued again behind the head in flight', async () => {
      await storage.createSubscriber(subscriber('again'))
      for (const [guid, s] of [['ga1', 40], ['ga2', 41], ['ga3', 42]] as const) {
        const v = await storage.ingestVersion({ guid, contentHash: guid, content, now: at(s) })
        await storage.distribute(v.versionId, [{ subscriberId: 'again', ...doc }], at(s))
      }
      const next = async (now: number) => (await storage.claimDueDeliveries(at(now), at(now + 30), 50)).find((d) => d.subscriberId === 'again')!
      const first = await next(50)
      const attempt = { at: at(50), statusCode: 204, durationMs: 1, error: null, responseExcerpt: null }
      await storage.recordAttempts([{ deliveryId: first.id, attempt, outcome: { status: 'delivered' } }])
      await next(51)
      const depth = async () => (await storage.pipelineGauges()).outbox.find((o) => o.subscriberId === 'again')
      assert.deepEqual(await depth(), { subscriberId: 'again', depth: 2, oldestCreatedAt: at(41) })
      assert.equal((await storage.retryDelivery(first.id, at(52)))?.status, 'pending')
      assert.deepEqual(await depth(), { subscriberId: 'again', depth: 3, oldestCreatedAt: at(40) })
    })
  })
}
