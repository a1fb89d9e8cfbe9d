// The storage contract, delivery half: subscribers, kills, the pull feed, replay and claiming
// rules. Every backend must pass it.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { ArticleContent, StoredTranslation } from '../../src/articles/types.ts'
import type { Storage, SubscriberWithSecret } from '../../src/storage/types.ts'

const at = (s: number): string => new Date(Date.UTC(2026, 10, 29, 13, 0, 0) + s * 1000).toISOString()
const content: ArticleContent = { headline: 'عنوان', paragraphs: ['فقرة'], language: 'ar' }
const doc = { lang: 'en', format: 'newsml-g2', contentType: 'application/xml', body: '<x/>' }

function subscriber (id: string, extra: Partial<SubscriberWithSecret> = {}): SubscriberWithSecret {
  return {
    id, name: id, mode: 'push', url: `http://127.0.0.1/${id}`, format: 'newsml-g2', languages: ['en'], filters: {},
    active: true, disabledReason: null, createdAt: at(0), updatedAt: at(0), secret: `secret-${id}`, ...extra
  }
}

function translation (versionId: string): StoredTranslation {
  return { versionId, lang: 'en', headline: 'H', paragraphs: ['P'], engine: 'memory', model: 'm', charsSent: 1, requests: 1, createdAt: at(0) }
}

export function deliveryContract (name: string, open: () => Promise<{ storage: Storage; cleanup(): Promise<void> }>): void {
  describe(`storage contract, delivery: ${name}`, () => {
    let storage: Storage
    let cleanup: () => Promise<void>
    before(async () => {
      ({ storage, cleanup } = await open())
      await storage.migrate()
    })
    after(async () => {
      await storage.close()
      await cleanup()
    })

    /** Drives a new story through to `distributed` with the given deliveries. */
    async function distributedStory (guid: string, subscribers: string[], now: number) {
      const v = await storage.ingestVersion({ guid, contentHash: guid, content, now: at(now) })
      await storage.distribute(v.versionId, subscribers.map((subscriberId) => ({ subscriberId, ...doc })), at(now))
      return v
    }

    it('updates, rotates, disables and deletes subscribers, logging what happened', async () => {
      await storage.createSubscriber(subscriber('a'))
      const updated = await storage.updateSubscriber('a', { name: 'Agency', filters: { minUrgency: 2 }, active: false }, at(1))
      assert.deepEqual([updated?.name, updated?.filters, updated?.active], ['Agency', { minUrgency: 2 }, false])
      assert.equal(await storage.updateSubscriber('nobody', { name: 'x' }, at(1)), null)
      await storage.updateSubscriber('a', { active: true }, at(2))
      assert.ok(await storage.rotateSecret('a', 'secret-a2', at(100), at(3)))
      await storage.disableSubscriber('a', 'endpoint gone', at(4))
      const disabled = await storage.getSubscriber('a')
      assert.deepEqual([disabled?.active, disabled?.disabledReason], [false, 'endpoint gone'])
      assert.deepEqual((await storage.listSubscriberEvents('a')).map((e) => e.kind), ['disabled', 'enabled', 'secret-rotated', 'disabled'])
      assert.ok(await storage.deleteSubscriber('a', at(5)))
      assert.equal(await storage.getSubscriber('a'), null)
      assert.equal(await storage.deleteSubscriber('a', at(6)), false)
      assert.ok(!(await storage.listSubscribers()).some((s) => s.id === 'a'))
    })

    it('signs with the previous secret only while the rotation overlap lasts', async () => {
      await storage.createSubscriber(subscriber('rot'))
      await distributedStory('g-rot', ['rot'], 10)
      await storage.rotateSecret('rot', 'secret-rot2', at(20), at(11))
      const [during] = await storage.claimDueDeliveries(at(12), at(13), 10)
      assert.deepEqual(during?.secrets, ['secret-rot2', 'secret-rot'])
      const [afterwards] = await storage.claimDueDeliveries(at(21), at(30), 10)
      assert.deepEqual(afterwards?.secrets, ['secret-rot2'])
      await storage.recordAttempt(afterwards!.id, { at: at(21), statusCode: 200, durationMs: 1, error: null, responseExcerpt: null }, { status: 'delivered' })
    })

    it('holds a pull subscriber\'s items in its feed and never pushes them', async () => {
      await storage.createSubscriber(subscriber('pull', { mode: 'pull', url: null }))
      const v = await distributedStory('g-pull', ['pull'], 40)
      assert.deepEqual(await storage.claimDueDeliveries(at(41), at(50), 10), [])
      const feed = await storage.readFeed('pull', 0, 10)
      assert.deepEqual(feed.map((i) => [i.sequence, i.articleId, i.event, i.body]), [[1, v.articleId, 'new', '<x/>']])
      assert.deepEqual(await storage.readFeed('pull', 1, 10), [])
      assert.equal((await storage.getSubscriber('pull'))?.url, null)
    })

    it('kills a story: earlier versions superseded, its translations carried, queued items canceled, the kill first', async () => {
      await storage.createSubscriber(subscriber('k1'))
      const other = await distributedStory('g-other', ['k1'], 60)
      const v1 = await distributedStory('g-kill', ['k1'], 61)
      await storage.saveTranslations(v1.versionId, [translation(v1.versionId)], at(61))
      // Version 2 is being translated when the kill comes.
      const v2 = await storage.ingestVersion({ guid: 'g-kill', contentHash: 'changed', content, now: at(62) })
      let claimed = await storage.claimVersionForTranslation(at(63), at(90))
      while (claimed !== null && claimed.id !== v2.versionId) claimed = await storage.claimVersionForTranslation(at(63), at(90))
      const kill = await storage.createKillVersion(v1.articleId, at(64))
      assert.equal(kill?.version, 3)
      assert.deepEqual(await storage.createKillVersion(v1.articleId, at(65)), kill, 'killing twice changes nothing')
      assert.equal(await storage.createKillVersion('no-such-article', at(65)), null)
      await storage.saveTranslations(v2.versionId, [translation(v2.versionId)], at(66))
      assert.equal((await storage.getVersion(v1.articleId, 2))?.status, 'superseded', 'a late translation does not revive it')
      const killVersion = await storage.getVersion(v1.articleId)
      assert.deepEqual([killVersion?.event, killVersion?.pubStatus, killVersion?.status], ['kill', 'canceled', 'translated'])
      assert.equal((await storage.getTranslation(kill!.versionId, 'en'))?.headline, 'H')
      assert.deepEqual(await storage.listStoryRecipients(v1.articleId), [{ subscriberId: 'k1', lang: 'en', format: 'newsml-g2' }])

      assert.equal((await storage.claimVersionForDistribution(at(67), at(80)))?.id, kill!.versionId)
      const [killDelivery] = await storage.distribute(kill!.versionId, [{ subscriberId: 'k1', ...doc, priority: 1 }], at(67))
      const v1Delivery = (await storage.listDeliveries('k1', { limit: 100 })).find((d) => d.versionId === v1.versionId)!
      assert.equal(v1Delivery.status, 'canceled', 'the queued version 1 will never leave')
      assert.equal((await storage.retryDelivery(v1Delivery.id, at(68)))?.status, 'canceled')
      const [first] = await storage.claimDueDeliveries(at(68), at(80), 10)
      assert.equal(first?.id, killDelivery?.id, 'the kill goes ahead of the older story queued for k1')
      assert.deepEqual(await storage.claimDueDeliveries(at(68), at(80), 10), [], 'one in flight per subscriber')
      assert.ok((await storage.listDeliveries('k1', { limit: 100 })).some((d) => d.versionId === other.versionId && d.status === 'pending'))
    })

    it('does not distribute a version a kill overtook while it was being rendered', async () => {
      await storage.createSubscriber(subscriber('ko'))
      const v1 = await storage.ingestVersion({ guid: 'g-ko', contentHash: 'ko1', content, now: at(150) })
      let claimed = await storage.claimVersionForTranslation(at(150), at(160))
      while (claimed !== null && claimed.id !== v1.versionId) claimed = await storage.claimVersionForTranslation(at(150), at(160))
      await storage.saveTranslations(v1.versionId, [translation(v1.versionId)], at(151))
      assert.equal((await storage.claimVersionForDistribution(at(152), at(170)))?.id, v1.versionId)
      // The kill arrives while version 1 is being rendered, and is distributed first.
      const kill = await storage.createKillVersion(v1.articleId, at(153))
      await storage.distribute(kill!.versionId, [{ subscriberId: 'ko', ...doc, priority: 1 }], at(154))
      assert.deepEqual(await storage.distribute(v1.versionId, [{ subscriberId: 'ko', ...doc }], at(155)), [])
      assert.equal((await storage.getVersion(v1.articleId, 1))?.status, 'superseded')
      assert.deepEqual((await storage.listDeliveries('ko', { limit: 10 })).map((d) => d.versionId), [kill!.versionId])
    })

    it('replays deliveries from a time on, in their original order and ids', async () => {
      await storage.createSubscriber(subscriber('rp'))
      await distributedStory('g-rp1', ['rp'], 100)
      await distributedStory('g-rp2', ['rp'], 101)
      for (const n of [1, 2]) {
        const d = (await storage.claimDueDeliveries(at(101 + n), at(101 + n), 10)).find((c) => c.subscriberId === 'rp')
        await storage.recordAttempt(d!.id, { at: at(101 + n), statusCode: 204, durationMs: 1, error: null, responseExcerpt: null }, { status: 'delivered' })
      }
      const before = await storage.listDeliveries('rp', { limit: 10 })
      assert.deepEqual(before.map((d) => d.status), ['delivered', 'delivered'])
      assert.equal(await storage.replayDeliveries('rp', at(101), at(110)), 1)
      const again = (await storage.claimDueDeliveries(at(110), at(130), 10)).find((c) => c.subscriberId === 'rp')
      assert.deepEqual([again?.sequence, again?.webhookId, again?.attempts], [2, before[1]!.webhookId, 0])
      assert.equal((await storage.listAttempts(again!.id)).length, 1, 'the attempt log keeps the history')
    })
  })
}
