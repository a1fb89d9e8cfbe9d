// runTranslationStage against real storage (SQLite :memory:) with a scripted engine and a clock
// the test moves: what becomes of a version after each kind of run — translated, postponed on the
// back-off schedule, failed with the reason, given up after the retry window — and how a kill
// overtakes the versions before it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EngineUnavailableError } from '../../src/translation/errors.ts'
import { GoogleTranslateError } from '../../src/translation/google-v3.ts'
import { runTranslationStage } from '../../src/translation/stage.ts'
import { at, stageTest, story, subscriber } from './stage-context.ts'

const unavailable = (): never => { throw new GoogleTranslateError('The service is currently unavailable.', { code: 14 }) }
const invalid = (): never => { throw new GoogleTranslateError('Target language is invalid', { code: 3 }) }

describe('translation stage outcomes', () => {
  const t = stageTest()

  /** Stores a story received at at(s) and returns its ids. */
  const ingest = (guid: string, s = 0, extra = {}) =>
    t.storage.ingestVersion({ guid, contentHash: `${guid}@${s}`, content: story(extra), now: at(s) })
  const version = async (articleId: string, n?: number) => (await t.storage.getVersion(articleId, n))!
  /** When the version is next due, as ms after the clock's now. */
  const dueIn = async (): Promise<number | null> => {
    const due = await t.storage.nextDueTime('versions', t.clock.now().toISOString())
    return due === null ? null : Date.parse(due) - t.clock.now().getTime()
  }

  it('translates into the languages of the subscribers whose filters match, then has nothing to do', async () => {
    await t.storage.createSubscriber(subscriber('both', { languages: ['en', 'fr'] }))
    await t.storage.createSubscriber(subscriber('sport', { languages: ['de'], filters: { categories: ['sport'] } }))
    await t.storage.createSubscriber(subscriber('source', { languages: ['ar'] }))
    const v = await ingest('urn:t:ok', 0, { category: 'politics' })
    const ctx = t.context()
    assert.equal(await runTranslationStage(ctx), true)
    assert.deepEqual(t.engine.calls.map((c) => c.targetLanguage).sort(), ['en', 'fr'], 'no German (filtered out), no Arabic (the source)')
    const after = await version(v.articleId)
    assert.deepEqual([after.status, after.statusReason], ['translated', null])
    const translations = await t.storage.listTranslations(v.versionId)
    assert.deepEqual(translations.map((tr) => [tr.lang, tr.headline, tr.engine]).sort(),
      [['en', '[en] عنوان الخبر', 'fake'], ['fr', '[fr] عنوان الخبر', 'fake']])
    assert.equal(await runTranslationStage(ctx), false)
  })

  it('postpones a transient engine failure on the back-off schedule, doubling up to the cap', async () => {
    const v = await ingest('urn:t:transient')
    const ctx = t.context({ throughput: { retryBackoffBaseMs: 10_000, retryBackoffCapMs: 25_000 } })
    t.engine.fail = unavailable
    // Base, twice the base, then the cap; each ±20 %.
    for (const [low, high] of [[8_000, 12_000], [16_000, 24_000], [20_000, 30_000]] as const) {
      assert.equal(await runTranslationStage(ctx), true)
      const after = await version(v.articleId)
      assert.equal(after.status, 'translating', 'waiting for its next run, not failed')
      assert.equal(after.statusReason, 'translation failed: The service is currently unavailable.')
      const wait = await dueIn()
      assert.ok(wait !== null && wait >= low && wait <= high, `next run in ${wait} ms, expected ${low}–${high}`)
      t.clock.advance(wait - 1)
      assert.equal(await runTranslationStage(ctx), false, 'not claimed before it is due')
      t.clock.advance(1)
    }
    t.engine.fail = undefined
    assert.equal(await runTranslationStage(ctx), true)
    assert.equal((await version(v.articleId)).status, 'translated')
    assert.equal(t.engine.calls.length, 4)
  })

  it('waits at least as long as Google\'s RetryInfo asks', async () => {
    await ingest('urn:t:retry-info')
    t.engine.fail = () => {
      throw new GoogleTranslateError('Quota exceeded', { code: 8, statusDetails: [{ retryDelay: { seconds: 90, nanos: 0 } }] })
    }
    assert.equal(await runTranslationStage(t.context()), true)
    assert.equal(await dueIn(), 90_000)
  })

  it('comes back exactly when the open circuit lets a probe through', async () => {
    const v = await ingest('urn:t:breaker')
    const ctx = t.context()
    const until = t.clock.now().getTime() + 45_000
    t.engine.fail = () => { throw new EngineUnavailableError('fake', until) }
    assert.equal(await runTranslationStage(ctx), true)
    assert.equal(await dueIn(), 45_000)

    // Cooling down when the version is claimed: put back until then, without asking the engine.
    t.engine.fail = undefined
    t.clock.advance(45_000)
    t.engine.blockedUntil = t.clock.now().getTime() + 30_000
    assert.equal(await runTranslationStage(ctx), true)
    assert.equal(t.engine.calls.length, 1, 'the engine was not called')
    assert.equal(await dueIn(), 30_000)
    assert.equal((await version(v.articleId)).statusReason, `translation engine unavailable; next try at ${at(75)}`)
    t.clock.advance(30_000)
    t.engine.blockedUntil = undefined
    assert.equal(await runTranslationStage(ctx), true)
    assert.equal((await version(v.articleId)).status, 'translated')
  })

  it('fails a version for good on a permanent error, with the reason', async () => {
    const v = await ingest('urn:t:permanent')
    const ctx = t.context()
    t.engine.fail = invalid
    assert.equal(await runTranslationStage(ctx), true)
    const after = await version(v.articleId)
    assert.deepEqual([after.status, after.statusReason], ['failed', 'translation failed: Target language is invalid'])
    assert.equal(await dueIn(), null, 'nothing scheduled')
    assert.equal(await runTranslationStage(ctx), false)
    assert.equal(t.engine.calls.length, 1)
  })

  it('lets a permanent error in one language decide over a transient one in another', async () => {
    await t.storage.createSubscriber(subscriber('two', { languages: ['en', 'fr'] }))
    const v = await ingest('urn:t:mixed')
    t.engine.fail = (request) => (request.targetLanguage === 'en' ? unavailable() : invalid())
    assert.equal(await runTranslationStage(t.context()), true)
    const after = await version(v.articleId)
    assert.deepEqual([after.status, after.statusReason], ['failed', 'translation failed: Target language is invalid'])
  })

  it('gives a transient failure up once the version is older than the window and has had the minimum runs', async () => {
    const v = await ingest('urn:t:window')
    const ctx = t.context({ throughput: { retryWindowMs: 60_000, retryMinAttempts: 2 } })
    t.engine.fail = unavailable
    t.clock.set(at(600))
    // Ten minutes old, past the window, but only one run so far: tried again.
    assert.equal(await runTranslationStage(ctx), true)
    assert.equal((await version(v.articleId)).status, 'translating')
    t.clock.advance((await dueIn())!)
    assert.equal(await runTranslationStage(ctx), true)
    const after = await version(v.articleId)
    assert.deepEqual([after.status, after.statusReason], ['failed', 'translation failed: The service is currently unavailable.'])
    assert.equal(await dueIn(), null)
  })

  it('keeps retrying a transient failure inside the window, whatever the number of runs', async () => {
    const v = await ingest('urn:t:inside')
    const ctx = t.context({ throughput: { retryWindowMs: 3_600_000, retryMinAttempts: 1, retryBackoffBaseMs: 1000, retryBackoffCapMs: 1000 } })
    t.engine.fail = unavailable
    for (let run = 1; run <= 5; run++) {
      assert.equal(await runTranslationStage(ctx), true)
      assert.equal((await version(v.articleId)).status, 'translating', `run ${run}`)
      t.clock.advance((await dueIn())!)
    }
  })
})

describe('translation stage and kills', () => {
  const t = stageTest()

  it('takes a kill first and overtakes the versions before it', async () => {
    const other = await t.storage.ingestVersion({ guid: 'urn:t:older', contentHash: 'o', content: story(), now: at(0) })
    const v1 = await t.storage.ingestVersion({ guid: 'urn:t:killed', contentHash: 'k1', content: story(), now: at(1) })
    const kill = await t.storage.createKillVersion(v1.articleId, at(2), 'Withdrawn for legal reasons.')
    const ctx = t.context()
    t.clock.set(at(3))
    assert.equal(await runTranslationStage(ctx), true)
    const killed = (await t.storage.getVersion(v1.articleId))!
    assert.deepEqual([killed.id, killed.event, killed.status], [kill!.versionId, 'kill', 'translated'], 'the kill, ahead of the older story')
    assert.equal((await t.storage.getVersion(other.articleId))!.status, 'received')
    assert.equal((await t.storage.getVersion(v1.articleId, 1))!.status, 'superseded')
    assert.equal(await runTranslationStage(ctx), true)
    assert.equal((await t.storage.getVersion(other.articleId))!.status, 'translated')
    assert.equal(await runTranslationStage(ctx), false, 'the superseded version is never translated')
  })

  it('sends a kill on without waiting when the engine fails, its carried translations and the reason untranslated', async () => {
    const v1 = await t.storage.ingestVersion({ guid: 'urn:t:kill-down', contentHash: 'k', content: story(), now: at(0) })
    const ctx = t.context()
    assert.equal(await runTranslationStage(ctx), true)
    const kill = await t.storage.createKillVersion(v1.articleId, at(1), 'Withdrawn.')
    t.clock.set(at(1))
    t.engine.fail = unavailable
    assert.equal(await runTranslationStage(ctx), true)
    const after = (await t.storage.getVersion(v1.articleId))!
    assert.deepEqual([after.id, after.status, after.content.note], [kill!.versionId, 'translated', 'Withdrawn.'])
    assert.equal(t.engine.calls.length, 2, 'one try for the kill, none after')
    const carried = await t.storage.listTranslations(kill!.versionId)
    assert.deepEqual(carried.map((tr) => [tr.lang, tr.headline, tr.note]), [['en', '[en] عنوان الخبر', undefined]])
    assert.equal(await runTranslationStage(ctx), false, 'no retry scheduled: the kill waits for distribution only')
  })

  it('makes the carried translations of a kill again, so its reason is translated like any segment', async () => {
    const v1 = await t.storage.ingestVersion({ guid: 'urn:t:kill-up', contentHash: 'k', content: story(), now: at(0) })
    const ctx = t.context()
    assert.equal(await runTranslationStage(ctx), true)
    const kill = await t.storage.createKillVersion(v1.articleId, at(1), 'Withdrawn.')
    t.clock.set(at(1))
    assert.equal(await runTranslationStage(ctx), true)
    const [en] = await t.storage.listTranslations(kill!.versionId)
    assert.deepEqual([en?.lang, en?.headline, en?.note], ['en', '[en] عنوان الخبر', '[en] Withdrawn.'])
    assert.equal((await t.storage.getVersion(v1.articleId))!.status, 'translated')
  })
})
