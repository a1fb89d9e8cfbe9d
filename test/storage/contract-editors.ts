// The storage contract of the editors' API, run against every backend: finding stories (filters,
// headline search, cursor order), version history, translation cost per story and per day, and
// keys (revocation, the last admin key, last use).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { queryTerms } from '../../src/articles/search-text.ts'
import type { ArticleContent } from '../../src/articles/types.ts'
import type { ArticleListQuery, } from '../../src/storage/types.ts'
import { type OpenStorage, suiteStorage } from './suite-storage.ts'

const at = (m: number): string => new Date(Date.UTC(2026, 10, 30, 8, m)).toISOString()
const content = (headline: string, category?: string): ArticleContent =>
  ({ headline, paragraphs: ['فقرة'], language: 'ar', ...(category === undefined ? {} : { category }) })

export function editorsContract (name: string, open: OpenStorage): void {
  describe(`storage contract, editors' API: ${name}`, () => {
    const storage = suiteStorage(open)

    const list = async (query: Partial<ArticleListQuery>): Promise<string[]> =>
      (await storage.listArticles({ limit: 100, ...query })).map((a) => a.guid)

    it('lists stories newest first, by every filter, and pages by the order key', async () => {
      await storage.ingestVersion({ guid: 'e1', contentHash: '1', content: content('وزيرُ الزراعةِ يفتتح موسم الزيتون', 'economy'), now: at(1) })
      const e2 = await storage.ingestVersion({ guid: 'e2', contentHash: '2', content: content('أمطار غزيرة في عمّان', 'weather'), now: at(2) })
      await storage.ingestVersion({ guid: 'e3', contentHash: '3', content: content('معرض الكتاب يفتح أبوابه', 'culture'), now: at(3) })
      await storage.ingestVersion({ guid: 'e2', contentHash: '2b', content: content('أمطار غزيرة وسيول في عمّان', 'weather'), correction: true, now: at(4) })
      await storage.createKillVersion((await storage.ingestVersion({ guid: 'e4', contentHash: '4', content: content('خبر مسحوب'), now: at(5) })).articleId, at(6))

      assert.deepEqual(await list({}), ['e4', 'e3', 'e2', 'e1'])
      assert.deepEqual(await list({ guid: 'e2' }), ['e2'])
      assert.deepEqual(await list({ category: 'weather' }), ['e2'])
      // A story with one version is written indexed at once (no later UPDATE sets its columns).
      assert.deepEqual(await list({ category: 'economy' }), ['e1'])
      assert.deepEqual(await list({ event: 'new' }), ['e3', 'e1'])
      assert.deepEqual(await list({ category: 'culture', terms: queryTerms('الكتاب') }), ['e3'])
      assert.deepEqual(await list({ event: 'correction' }), ['e2'], 'the latest version\'s event')
      assert.deepEqual(await list({ event: 'kill' }), ['e4'])
      assert.deepEqual(await list({ status: 'received' }), ['e3', 'e2', 'e1'], 'the latest version\'s status')
      assert.deepEqual(await list({ status: 'translated' }), ['e4'])
      assert.deepEqual(await list({ since: at(2), until: at(3) }), ['e3', 'e2'])
      assert.deepEqual(await list({ terms: queryTerms('الزراعة') }), ['e1'])
      assert.deepEqual(await list({ terms: queryTerms('سيول عمان') }), ['e2'], 'the latest headline, alef folded')
      assert.deepEqual(await list({ terms: queryTerms('أمطار قطار') }), [])
      assert.deepEqual(await list({ terms: queryTerms('الزرا زيت') }), ['e1'], 'each word a prefix of one of the headline\'s')
      assert.deepEqual(await list({ terms: queryTerms('"غزيرة" OR') }), [], 'quotes and FTS words are only text')

      const [first] = await storage.listArticles({ limit: 1, guid: 'e2' })
      assert.deepEqual({ ...first, seq: 0 }, {
        seq: 0,
        id: e2.articleId,
        guid: 'e2',
        version: 2,
        status: 'received',
        event: 'correction',
        headline: 'أمطار غزيرة وسيول في عمّان',
        category: 'weather',
        language: 'ar',
        urgency: null,
        firstCreated: at(2),
        versionCreated: at(4)
      })
      const page1 = await storage.listArticles({ limit: 2 })
      const last = page1.at(-1)!
      const page2 = await storage.listArticles({ limit: 2, afterSeq: last.seq })
      assert.deepEqual([...page1, ...page2].map((a) => a.guid), ['e4', 'e3', 'e2', 'e1'])
    })

    it('keeps each version\'s event, status and note in the history', async () => {
      const v1 = await storage.ingestVersion({ guid: 'h1', contentHash: 'a', content: content('عنوان'), now: at(10) })
      await storage.ingestVersion({ guid: 'h1', contentHash: 'b', content: { ...content('عنوان'), note: 'تحديث الأرقام' }, now: at(11) })
      await storage.createKillVersion(v1.articleId, at(12))
      const history = await storage.listVersions(v1.articleId)
      assert.deepEqual(history.map((v) => [v.version, v.event, v.status, v.note]), [
        [1, 'new', 'superseded', null], [2, 'update', 'superseded', 'تحديث الأرقام'], [3, 'kill', 'translated', null]])
      assert.equal(history[2]?.createdAt, at(12))
      assert.deepEqual(await storage.listVersions('00000000-0000-4000-8000-000000000000'), [])
      const kill = await storage.getVersion(v1.articleId)
      assert.equal(kill?.content.note, undefined, 'an earlier note does not carry over to a kill without a reason')
    })

    it('makes a kill\'s reason its note, translated before it goes out; carried translations drop the old note', async () => {
      const v = await storage.ingestVersion({ guid: 'k1', contentHash: 'k', content: { ...content('عنوان'), note: 'ملاحظة' }, now: at(40) })
      await storage.saveTranslations(v.versionId, [{
        versionId: v.versionId,
        lang: 'en',
        headline: 'H',
        paragraphs: ['P'],
        note: 'Note',
        engine: 'memory',
        model: 'm',
        charsSent: 1,
        requests: 1,
        createdAt: at(40)
      }], at(40))
      const killed = await storage.createKillVersion(v.articleId, at(41), 'سبب السحب')
      const kill = await storage.getVersion(v.articleId)
      assert.deepEqual([kill?.version, kill?.status, kill?.content.note, kill?.content.headline], [2, 'received', 'سبب السحب', 'عنوان'])
      const [carried] = await storage.listTranslations(killed!.versionId)
      assert.deepEqual([carried?.headline, carried?.note], ['H', undefined])
    })

    it('sums translation cost per story and language, and per day and language', async () => {
      const v = await storage.ingestVersion({ guid: 'c1', contentHash: 'c', content: content('كلفة'), now: at(20) })
      await storage.recordTranslationBatch({ versionId: v.versionId, lang: 'en', charsSent: 100, requests: 1, segments: [] }, '2026-11-30T23:59:00.000Z')
      await storage.recordTranslationBatch({ versionId: v.versionId, lang: 'en', charsSent: 20, requests: 1, segments: [] }, '2026-12-01T00:01:00.000Z')
      await storage.recordTranslationBatch({ versionId: v.versionId, lang: 'fr', charsSent: 7, requests: 1, segments: [] }, '2026-12-01T00:02:00.000Z')
      await storage.saveTranslations(v.versionId, [
        { versionId: v.versionId, lang: 'en', headline: 'Cost', paragraphs: ['P'], engine: 'memory', model: 'm', charsSent: 120, requests: 2, createdAt: at(21), charsReused: 30 },
        { versionId: v.versionId, lang: 'fr', headline: 'Coût', paragraphs: ['P'], engine: 'memory', model: 'm', charsSent: 7, requests: 1, createdAt: at(21), charsReused: 0 }
      ], '2026-12-01T00:03:00.000Z')
      assert.deepEqual((await storage.getArticleUsage(v.articleId)).map((u) => ({ ...u })), [
        { lang: 'en', charsSent: 120, charsReused: 30, requests: 2 },
        { lang: 'fr', charsSent: 7, charsReused: 0, requests: 1 }
      ])
      assert.deepEqual((await storage.usageByDay('2026-11-30', '2026-12-01')).map((u) => ({ ...u })), [
        { day: '2026-11-30', lang: 'en', charsSent: 100, charsReused: 0, requests: 1 },
        { day: '2026-12-01', lang: 'en', charsSent: 20, charsReused: 30, requests: 1 },
        { day: '2026-12-01', lang: 'fr', charsSent: 7, charsReused: 0, requests: 1 }
      ])
      assert.deepEqual(await storage.usageByDay('2026-12-02', '2026-12-31'), [])
    })

    it('revokes keys at once, never the last admin key, and records last use at most once a minute', async () => {
      const key = (id: string, role: 'admin' | 'editor') => ({ id, hash: `hash-${id}`, role, label: id, subscriberId: null, createdAt: at(30) })
      await storage.insertApiKey(key('00000000-0000-4000-8000-0000000000a1', 'admin'))
      await storage.insertApiKey(key('00000000-0000-4000-8000-0000000000a2', 'admin'))
      await storage.insertApiKey(key('00000000-0000-4000-8000-0000000000e1', 'editor'))
      assert.equal(await storage.countApiKeys('admin'), 2)
      // Looked up first (as every request does), then revoked: the next lookup says so.
      assert.equal((await storage.findApiKeyByHash('hash-00000000-0000-4000-8000-0000000000e1'))?.revokedAt, null)
      assert.equal(await storage.revokeApiKey('00000000-0000-4000-8000-0000000000e1', at(31)), 'revoked')
      assert.equal(await storage.revokeApiKey('00000000-0000-4000-8000-0000000000e1', at(32)), 'revoked', 'idempotent')
      assert.equal((await storage.findApiKeyByHash('hash-00000000-0000-4000-8000-0000000000e1'))?.revokedAt, at(31))
      assert.equal(await storage.revokeApiKey('00000000-0000-4000-8000-0000000000a1', at(33)), 'revoked')
      assert.equal(await storage.revokeApiKey('00000000-0000-4000-8000-0000000000a2', at(34)), 'last-admin')
      assert.equal(await storage.revokeApiKey('00000000-0000-4000-8000-000000000099', at(34)), 'not-found')
      assert.equal(await storage.countApiKeys('admin'), 1)

      assert.equal((await storage.findApiKeyByHash('hash-00000000-0000-4000-8000-0000000000a2'))?.lastUsedAt, null)
      await storage.touchApiKey('00000000-0000-4000-8000-0000000000a2', at(35), at(34))
      assert.equal((await storage.findApiKeyByHash('hash-00000000-0000-4000-8000-0000000000a2'))?.lastUsedAt, at(35))
      await storage.touchApiKey('00000000-0000-4000-8000-0000000000a2', at(35.5), at(34.5))
      const listed = await storage.listApiKeys()
      assert.deepEqual(listed.map((k) => [k.id.slice(-2), k.lastUsedAt, k.revokedAt]), [
        ['a1', null, at(33)], ['a2', at(35), null], ['e1', null, at(31)]])
      assert.ok(listed.every((k) => !('hash' in k)), 'no hash in the list')
    })
  })
}
