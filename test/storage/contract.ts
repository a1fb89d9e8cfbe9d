// The storage contract: every backend (SQLite now, PostgreSQL later) must pass these tests.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { ArticleContent, StoredTranslation } from '../../src/articles/types.ts'
import type { Storage } from '../../src/storage/types.ts'
import type { OpenStorage } from './suite-storage.ts'

const content = (headline: string): ArticleContent => ({ headline, paragraphs: ['فقرة'], language: 'ar' })
const at = (s: number): string => new Date(Date.UTC(2026, 10, 29, 12, 0, s)).toISOString()

function translation (versionId: string): StoredTranslation {
  return { versionId, lang: 'en', headline: 'H', paragraphs: ['P'], engine: 'memory', model: 'm', charsSent: 5, requests: 1, createdAt: at(0) }
}

export function storageContract (name: string, open: OpenStorage): void {
  describe(`storage contract: ${name}`, () => {
    let storage: Storage
    let cleanup: () => Promise<void>
    before(async () => {
      ({ storage, cleanup } = await open())
      await storage.migrate()
      await storage.migrate() // idempotent
    })
    after(async () => {
      await storage.close()
      await cleanup()
    })

    it('creates version 1, ignores identical content, adds version 2 on change', async () => {
      const a = await storage.ingestVersion({ guid: 'g1', contentHash: 'h1', content: content('a'), now: at(0) })
      const same = await storage.ingestVersion({ guid: 'g1', contentHash: 'h1', content: content('a'), now: at(1) })
      const b = await storage.ingestVersion({ guid: 'g1', contentHash: 'h2', content: content('b'), now: at(2) })
      assert.equal(a.kind, 'created')
      assert.deepEqual([same.kind, same.version, same.articleId], ['unchanged', 1, a.articleId])
      assert.deepEqual([b.kind, b.version, b.articleId], ['created', 2, a.articleId])
      const latest = await storage.getVersion(a.articleId)
      assert.equal(latest?.version, 2)
      assert.equal(latest?.content.headline, 'b')
      assert.equal(latest?.firstCreated, at(0))
      assert.equal((await storage.getVersion(a.articleId, 1))?.content.headline, 'a')
      assert.equal(await storage.getVersion(a.articleId, 3), null)
    })

    it('leases claimed work, hands it over when the lease runs out, and keeps versions in order', async () => {
      const v1 = await storage.ingestVersion({ guid: 'g2', contentHash: 'x1', content: content('1'), now: at(10) })
      const v2 = await storage.ingestVersion({ guid: 'g2', contentHash: 'x2', content: content('2'), now: at(11) })
      // Drain older work from other tests first.
      let claimed = await storage.claimVersionForTranslation(at(20), at(30))
      const seen: string[] = []
      while (claimed !== null && claimed.id !== v1.versionId) {
        seen.push(claimed.id)
        await storage.markVersionFailed(claimed.id, 'drained', at(20))
        claimed = await storage.claimVersionForTranslation(at(20), at(30))
      }
      assert.equal(claimed?.id, v1.versionId)
      assert.equal(claimed?.status, 'translating')
      assert.equal(claimed?.attempts, 1)
      const second = await storage.claimVersionForTranslation(at(21), at(31))
      assert.equal(second?.id, v2.versionId, 'the next claim skips the leased version')
      assert.equal(await storage.claimVersionForTranslation(at(22), at(32)), null)
      const again = await storage.claimVersionForTranslation(at(31), at(60))
      assert.equal(again?.id, v1.versionId, 'an expired lease is taken over')
      assert.equal(again?.attempts, 2)

      await storage.saveTranslations(v2.versionId, [translation(v2.versionId)], at(40))
      assert.equal(await storage.claimVersionForDistribution(at(45), at(50)), null, 'version 2 waits for version 1')
      assert.equal(await storage.nextDueTime('versions', at(45)), null, 'nothing claimable is due')
      await storage.saveTranslations(v1.versionId, [translation(v1.versionId)], at(46))
      assert.equal((await storage.getTranslation(v1.versionId, 'en'))?.headline, 'H')
      assert.equal((await storage.claimVersionForDistribution(at(47), at(57)))?.id, v1.versionId)
      await storage.distribute(v1.versionId, [], at(48))
      assert.equal((await storage.claimVersionForDistribution(at(49), at(59)))?.id, v2.versionId, 'now version 2 may go')
      await storage.distribute(v2.versionId, [], at(50))
      assert.equal(await storage.nextDueTime('versions', at(51)), null)
    })

    it('schedules translation retries and fails versions with a reason', async () => {
      const v = await storage.ingestVersion({ guid: 'g3', contentHash: 'y', content: content('y'), now: at(0) })
      let claimed = await storage.claimVersionForTranslation(at(100), at(110))
      while (claimed !== null && claimed.id !== v.versionId) {
        await storage.markVersionFailed(claimed.id, 'drained', at(100))
        claimed = await storage.claimVersionForTranslation(at(100), at(110))
      }
      await storage.scheduleTranslationRetry(v.versionId, 'engine busy', at(105), at(101))
      assert.equal(await storage.claimVersionForTranslation(at(104), at(114)), null)
      assert.equal(await storage.nextDueTime('versions', at(104)), at(105))
      assert.equal((await storage.claimVersionForTranslation(at(105), at(115)))?.id, v.versionId)
      await storage.markVersionFailed(v.versionId, 'gave up', at(106))
      const failed = await storage.getVersion(v.articleId)
      assert.deepEqual([failed?.status, failed?.statusReason], ['failed', 'gave up'])
    })

    it('numbers deliveries per subscriber and sends them one at a time, in order', async () => {
      for (const id of ['s1', 's2']) {
        await storage.createSubscriber({ id, name: id, mode: 'push', url: `http://127.0.0.1/${id}`, format: 'newsml-g2', languages: ['en'], filters: {}, active: true, disabledReason: null, createdAt: at(0), updatedAt: at(0), secret: 'whsec_x' })
      }
      assert.deepEqual((await storage.listActiveSubscribers()).map((s) => s.id), ['s1', 's2'])
      const v = await storage.ingestVersion({ guid: 'g4', contentHash: 'z', content: content('z'), now: at(0) })
      const doc = { lang: 'en', format: 'newsml-g2', contentType: 'application/xml', body: '<x/>' }
      const first = await storage.distribute(v.versionId, [{ subscriberId: 's1', ...doc }, { subscriberId: 's2', ...doc }], at(200))
      const second = await storage.distribute(v.versionId, [{ subscriberId: 's1', ...doc }], at(201))
      // Push deliveries are numbered when they first leave, not when they are queued.
      assert.deepEqual(first.map((d) => d.sequence), [null, null])
      assert.equal(second[0]?.sequence, null)
      assert.notEqual(first[0]?.webhookId, second[0]?.webhookId)
      assert.equal((await storage.getVersion(v.articleId))?.status, 'distributed')

      const claimed = await storage.claimDueDeliveries(at(202), at(260), 10)
      assert.deepEqual(claimed.map((d) => [d.subscriberId, d.sequence]).sort(), [['s1', 1], ['s2', 1]])
      assert.deepEqual(claimed[0]?.secrets, ['whsec_x'])
      assert.deepEqual(await storage.claimDueDeliveries(at(203), at(260), 10), [], 's1 #2 waits behind #1')

      const s1 = claimed.find((d) => d.subscriberId === 's1')!
      const s2 = claimed.find((d) => d.subscriberId === 's2')!
      const attempt = { at: at(204), statusCode: 503, durationMs: 3, error: 'HTTP 503', responseExcerpt: 'busy' }
      await storage.recordAttempts([
        { deliveryId: s1.id, attempt, outcome: { status: 'pending', nextAttemptAt: at(230) } },
        { deliveryId: s2.id, attempt: { ...attempt, statusCode: 204, error: null }, outcome: { status: 'delivered' } }
      ])
      assert.deepEqual(await storage.claimDueDeliveries(at(205), at(260), 10), [], 'retry not due, #2 still blocked')
      assert.equal(await storage.nextDueTime('deliveries', at(205)), at(230))
      const retried = await storage.claimDueDeliveries(at(230), at(290), 10)
      assert.deepEqual(retried.map((d) => [d.id, d.attempts, d.webhookId]), [[s1.id, 1, s1.webhookId]])
      await storage.recordAttempts([{ deliveryId: s1.id, attempt: { ...attempt, at: at(231) }, outcome: { status: 'dead' } }])
      const next = await storage.claimDueDeliveries(at(232), at(290), 10)
      assert.deepEqual(next.map((d) => [d.subscriberId, d.sequence]), [['s1', 2]], 'a dead delivery no longer blocks')

      const summary = await storage.listDeliveriesForArticle(v.articleId, 1)
      assert.equal(summary.length, 3)
      const s2Summary = summary.find((d) => d.subscriberId === 's2')!
      assert.deepEqual([s2Summary.status, s2Summary.lastStatusCode, s2Summary.deliveredAt], ['delivered', 204, at(204)])
    })

    // A backend with one process per database releases every lease at start-up. One shared by
    // several instances (sharedDatabase) must not — a live instance may hold them — so there the
    // test checks the other way a crashed run's work comes back: its lease runs out.
    it('releases every lease at start-up (a shared database: takes over expired leases)', async () => {
      const v = await storage.ingestVersion({ guid: 'g5', contentHash: 'w', content: content('w'), now: at(0) })
      let claimed = await storage.claimVersionForTranslation(at(300), at(400))
      while (claimed !== null && claimed.id !== v.versionId) {
        await storage.markVersionFailed(claimed.id, 'drained', at(300))
        claimed = await storage.claimVersionForTranslation(at(300), at(400))
      }
      assert.equal(await storage.claimVersionForTranslation(at(301), at(401)), null)
      await storage.releaseAllLeases()
      if (storage.sharedDatabase) {
        assert.equal(await storage.claimVersionForTranslation(at(302), at(402)), null, 'a live lease survives start-up')
        assert.equal((await storage.claimVersionForTranslation(at(400), at(500)))?.id, v.versionId, 'an expired lease is taken over')
        return
      }
      assert.equal((await storage.claimVersionForTranslation(at(302), at(402)))?.id, v.versionId)
    })

    it('extends the leases of versions still being worked on', async () => {
      const v = await storage.ingestVersion({ guid: 'g-lease', contentHash: 'l', content: content('l'), now: at(0) })
      let claimed = await storage.claimVersionForTranslation(at(500), at(510))
      while (claimed !== null && claimed.id !== v.versionId) {
        await storage.markVersionFailed(claimed.id, 'drained', at(500))
        claimed = await storage.claimVersionForTranslation(at(500), at(510))
      }
      await storage.extendVersionLeases([v.versionId, 'no-such-version'], at(600))
      assert.equal(await storage.claimVersionForTranslation(at(550), at(560)), null, 'still leased past the first lease')
      assert.equal((await storage.claimVersionForTranslation(at(600), at(610)))?.id, v.versionId, 'free once the extension ran out')
      await storage.scheduleTranslationRetry(v.versionId, 'later', at(700), at(601))
      await storage.extendVersionLeases([v.versionId], at(900))
      assert.equal((await storage.claimVersionForTranslation(at(700), at(710)))?.id, v.versionId, 'a released version is not leased again')
      await storage.extendVersionLeases([], at(900))
    })

    it('stores API keys by hash', async () => {
      await storage.insertApiKey({ id: 'k1', hash: 'abc', role: 'editor', label: 'CMS', subscriberId: null, createdAt: at(0) })
      assert.equal((await storage.findApiKeyByHash('abc'))?.role, 'editor')
      assert.equal(await storage.findApiKeyByHash('nope'), null)
      assert.equal(await storage.countApiKeys('editor'), 1)
      await storage.ping()
    })

    // Translation engine (issue 3): segment memory, usage, postponing, retrying, glossary.
    const claimOnly = async (versionId: string, now: string, until: string) => {
      let claimed = await storage.claimVersionForTranslation(now, until)
      while (claimed !== null && claimed.id !== versionId) {
        await storage.markVersionFailed(claimed.id, 'drained', now)
        claimed = await storage.claimVersionForTranslation(now, until)
      }
      return claimed
    }

    it('keeps translated segments under their whole key and adds up what each version cost', async () => {
      const v = await storage.ingestVersion({ guid: 'tm1', contentHash: 'tm1', content: content('tm'), now: at(500) })
      const key = { sourceHash: 'a'.repeat(64), sourceLanguage: 'ar', targetLanguage: 'en', engine: 'google-v3|x|nmt|', glossaryVersion: '' }
      assert.deepEqual(await storage.findSegments([key]), [null])
      await storage.recordTranslationBatch({ versionId: v.versionId, lang: 'en', charsSent: 40, requests: 1, segments: [{ ...key, translation: 'first' }] }, at(501))
      await storage.recordTranslationBatch({ versionId: v.versionId, lang: 'en', charsSent: 2, requests: 1, segments: [{ ...key, translation: 'second' }] }, at(502))
      assert.deepEqual(await storage.findSegments([
        key, { ...key, targetLanguage: 'fr' }, { ...key, engine: 'memory|m' }, { ...key, glossaryVersion: 'g1:x' }, { ...key, sourceLanguage: 'fa' },
      ]), ['first', null, null, null, null])
      assert.deepEqual(await storage.getTranslationUsage(v.versionId, 'en'), { charsSent: 42, requests: 2, segmentsTranslated: 2 })
      assert.deepEqual(await storage.getTranslationUsage(v.versionId, 'fr'), { charsSent: 0, requests: 0, segmentsTranslated: 0 })
    })

    it('stores segment counts and captions with a translation', async () => {
      const v = await storage.ingestVersion({ guid: 'tm2', contentHash: 'tm2', content: content('tm2'), now: at(510) })
      await storage.saveTranslations(v.versionId, [{ ...translation(v.versionId), captions: ['C', null], segments: 4, segmentsReused: 3 }], at(511))
      const saved = await storage.getTranslation(v.versionId, 'en')
      assert.deepEqual([saved?.captions, saved?.segments, saved?.segmentsReused], [['C', null], 4, 3])
      const plain = await storage.ingestVersion({ guid: 'tm3', contentHash: 'tm3', content: content('tm3'), now: at(512) })
      await storage.saveTranslations(plain.versionId, [translation(plain.versionId)], at(513))
      assert.deepEqual(Object.keys((await storage.getTranslation(plain.versionId, 'en'))!).sort(),
        ['charsSent', 'createdAt', 'engine', 'headline', 'lang', 'model', 'paragraphs', 'requests', 'versionId'])
    })

    it('postpones a claimed version without counting the claim as an attempt', async () => {
      const v = await storage.ingestVersion({ guid: 'tm4', contentHash: 'tm4', content: content('tm4'), now: at(520) })
      assert.equal((await claimOnly(v.versionId, at(521), at(600)))?.attempts, 1)
      await storage.postponeTranslation(v.versionId, 'engine unavailable', at(530), at(522))
      assert.equal(await storage.claimVersionForTranslation(at(529), at(600)), null)
      assert.equal((await storage.getVersion(v.articleId))?.statusReason, 'engine unavailable')
      const again = await storage.claimVersionForTranslation(at(530), at(600))
      assert.deepEqual([again?.id, again?.attempts], [v.versionId, 1])
      await storage.markVersionFailed(v.versionId, 'done with it', at(531))
    })

    it('puts the latest version of a story back to received only when it failed', async () => {
      assert.deepEqual(await storage.retryFailedVersion('00000000-0000-4000-8000-000000000000', at(540)), { kind: 'not-found' })
      const v = await storage.ingestVersion({ guid: 'tm5', contentHash: 'tm5', content: content('tm5'), now: at(540) })
      assert.deepEqual(await storage.retryFailedVersion(v.articleId, at(541)), { kind: 'not-failed', version: 1, status: 'received' })
      await claimOnly(v.versionId, at(542), at(600))
      await storage.markVersionFailed(v.versionId, 'engine refused it', at(543))
      assert.deepEqual(await storage.retryFailedVersion(v.articleId, at(544)), { kind: 'retried', versionId: v.versionId, version: 1 })
      const back = await storage.getVersion(v.articleId)
      assert.deepEqual([back?.status, back?.statusReason], ['received', null])
      const claimed = await storage.claimVersionForTranslation(at(544), at(600))
      assert.deepEqual([claimed?.id, claimed?.attempts], [v.versionId, 1])
      await storage.markVersionFailed(v.versionId, 'done with it', at(545))
    })

    it('keeps glossary entries by normalised term and bumps the version on every change', async () => {
      const start = await storage.getGlossary()
      const input = { term: 'منظمة', termKey: 'منظمة', sourceLanguage: 'ar', doNotTranslate: false, translations: { en: 'organisation' } }
      const first = await storage.putGlossaryEntry(input, at(550))
      assert.deepEqual([first.created, first.version, first.entry.translations], [true, start.version + 1, { en: 'organisation' }])
      const replaced = await storage.putGlossaryEntry({ ...input, term: 'منظمـة', translations: { en: 'organization', fr: 'organisation' } }, at(551))
      assert.deepEqual([replaced.created, replaced.entry.id, replaced.version, replaced.entry.term], [false, first.entry.id, start.version + 2, 'منظمـة'])
      assert.equal(replaced.entry.createdAt, at(550))
      assert.equal(replaced.entry.updatedAt, at(551))
      const other = await storage.putGlossaryEntry({ ...input, sourceLanguage: 'fa' }, at(552))
      assert.equal(other.created, true, 'same term, other source language: another entry')
      const listed = await storage.getGlossary()
      assert.equal(listed.version, start.version + 3)
      assert.equal(listed.entries.length, start.entries.length + 2)
      assert.deepEqual(await storage.deleteGlossaryEntry(first.entry.id), { version: start.version + 4 })
      assert.equal(await storage.deleteGlossaryEntry(first.entry.id), null)
      assert.equal((await storage.getGlossary()).version, start.version + 4)
    })
  })
}
