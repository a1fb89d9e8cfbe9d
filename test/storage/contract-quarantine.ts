// The storage contract, poison-story half: every claim counts an unfinished run, every recorded
// outcome resets the count, a run that died (releaseUnfinishedRun) keeps it, and a version can be
// failed from `translated` (a render that throws). Every backend must pass it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ArticleContent, StoredTranslation } from '../../src/articles/types.ts'
import { type OpenStorage, suiteStorage } from './suite-storage.ts'

const at = (s: number): string => new Date(Date.UTC(2026, 11, 3, 9, 0, 0) + s * 1000).toISOString()
const content: ArticleContent = { headline: 'عنوان', paragraphs: ['فقرة'], language: 'ar' }
const translation = (versionId: string): StoredTranslation =>
  ({ versionId, lang: 'en', headline: 'H', paragraphs: ['P'], engine: 'memory', model: 'm', charsSent: 1, requests: 1, createdAt: at(0) })

export function quarantineContract (name: string, open: OpenStorage): void {
  describe(`storage contract, unfinished runs: ${name}`, () => {
    const storage = suiteStorage(open)

    it('counts every claim whose lease ran out without an outcome, apart from attempts', async () => {
      const v = await storage.ingestVersion({ guid: 'urn:q:1', contentHash: 'q1', content, now: at(0) })
      // Each claim's lease runs out (its process died): the next claim counts one more.
      for (let run = 1; run <= 4; run++) {
        const claimed = await storage.claimVersionForTranslation(at(run * 100), at(run * 100 + 60))
        assert.deepEqual([claimed?.id, claimed?.unfinishedRuns, claimed?.attempts], [v.versionId, run, run])
      }
      await storage.markVersionFailed(v.versionId, 'quarantined', at(500))
      assert.equal((await storage.getVersion(v.articleId))?.status, 'failed')
    })

    it('resets the count on every recorded outcome, and keeps it when a run died', async () => {
      const v = await storage.ingestVersion({ guid: 'urn:q:2', contentHash: 'q2', content, now: at(1000) })
      const claim = () => storage.claimVersionForTranslation(at(2000), at(2060))
      assert.equal((await claim())?.unfinishedRuns, 1)
      await storage.releaseUnfinishedRun(v.versionId, 'translation failed: the CPU worker died', at(1999), at(2000))
      const again = await claim()
      assert.deepEqual([again?.unfinishedRuns, again?.statusReason], [2, 'translation failed: the CPU worker died'])
      await storage.scheduleTranslationRetry(v.versionId, 'engine busy', at(1999), at(2000))
      assert.equal((await claim())?.unfinishedRuns, 1)
      await storage.postponeTranslation(v.versionId, 'engine cooling down', at(1999), at(2000))
      assert.equal((await claim())?.unfinishedRuns, 1)
      await storage.saveTranslations(v.versionId, [translation(v.versionId)], at(1999))
      const toDistribute = await storage.claimVersionForDistribution(at(2000), at(2060))
      assert.deepEqual([toDistribute?.id, toDistribute?.unfinishedRuns], [v.versionId, 1])
      await storage.releaseUnfinishedRun(v.versionId, 'distribution failed: the CPU worker died', at(1999), at(2000))
      assert.equal((await storage.claimVersionForDistribution(at(2000), at(2060)))?.unfinishedRuns, 2)
      await storage.distribute(v.versionId, [], at(2001))
      assert.equal((await storage.getVersion(v.articleId))?.status, 'distributed')
    })

    it('fails a translated version (a render that throws) and a retry starts the count afresh', async () => {
      const v = await storage.ingestVersion({ guid: 'urn:q:3', contentHash: 'q3', content, now: at(3000) })
      await storage.claimVersionForTranslation(at(3000), at(3060))
      await storage.saveTranslations(v.versionId, [translation(v.versionId)], at(3001))
      assert.equal((await storage.claimVersionForDistribution(at(3002), at(3060)))?.id, v.versionId)
      await storage.markVersionFailed(v.versionId, 'distribution failed: rendering nitf (en) failed: too deep', at(3003))
      const failed = await storage.getVersion(v.articleId)
      assert.deepEqual([failed?.status, failed?.statusReason], ['failed', 'distribution failed: rendering nitf (en) failed: too deep'])
      assert.equal(await storage.claimVersionForDistribution(at(4000), at(4060)), null)
      assert.equal((await storage.retryFailedVersion(v.articleId, at(4001))).kind, 'retried')
      assert.equal((await storage.claimVersionForTranslation(at(4002), at(4060)))?.unfinishedRuns, 1)
    })

    it('never fails a version that already left the pipeline', async () => {
      const v = await storage.ingestVersion({ guid: 'urn:q:4', contentHash: 'q4', content, now: at(5000) })
      await storage.claimVersionForTranslation(at(5000), at(5060))
      await storage.saveTranslations(v.versionId, [translation(v.versionId)], at(5001))
      await storage.claimVersionForDistribution(at(5002), at(5060))
      await storage.distribute(v.versionId, [], at(5003))
      await storage.markVersionFailed(v.versionId, 'late', at(5004))
      await storage.releaseUnfinishedRun(v.versionId, 'late', at(5004), at(5004))
      const view = await storage.getVersion(v.articleId)
      assert.deepEqual([view?.status, view?.statusReason], ['distributed', null])
    })
  })
}
