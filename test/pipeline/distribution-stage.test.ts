// runDistributionStage against real storage (SQLite :memory:) with a scripted engine: who gets
// an outbox row for a translated version (filters, languages, push or pull), what a kill reaches
// and that it goes first, and a render that throws failing the version with the reason.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runDistributionStage } from '../../src/pipeline/distribution-stage.ts'
import { runTranslationStage } from '../../src/translation/stage.ts'
import { at, stageTest, story, subscriber } from './stage-context.ts'

describe('distribution stage', () => {
  const t = stageTest()

  /** Stores a story at the clock's time and runs it through translation. */
  async function translated (guid: string, extra = {}) {
    const now = t.clock.now().toISOString()
    const v = await t.storage.ingestVersion({ guid, contentHash: `${guid}@${now}`, content: story(extra), now })
    assert.equal(await runTranslationStage(t.context()), true)
    assert.equal((await t.storage.getVersion(v.articleId))?.status, 'translated')
    return v
  }
  const rows = async (articleId: string, version = 1) =>
    (await t.storage.listDeliveriesForArticle(articleId, version)).map((d) => [d.subscriberId, d.lang, d.format, d.status]).sort()

  it('writes one row per matching subscriber and language, pull ones into the feed, and wakes the feed', async () => {
    await t.storage.createSubscriber(subscriber('en', { languages: ['en'] }))
    await t.storage.createSubscriber(subscriber('en-fr', { languages: ['en', 'fr'], format: 'nitf' }))
    await t.storage.createSubscriber(subscriber('pull', { languages: ['fr'], mode: 'pull', url: null }))
    await t.storage.createSubscriber(subscriber('sport', { filters: { categories: ['sport'] } }))
    await t.storage.createSubscriber(subscriber('flash', { filters: { minUrgency: 2 } }))
    await t.storage.createSubscriber(subscriber('politics', { languages: ['fr'], filters: { categories: ['POLITICS'], minUrgency: 3 } }))
    await t.storage.createSubscriber(subscriber('off', { active: false }))
    const v = await translated('urn:t:fanout', { category: 'politics', urgency: 3 })
    const ctx = t.context()
    const woken = ctx.feed.wait('pull', 5_000)
    let pushQueued = 0
    assert.equal(await runDistributionStage(ctx, () => pushQueued++), true)
    assert.equal(await woken, true, 'the pull subscriber\'s long-poll was woken')
    assert.equal(pushQueued, 1, 'webhooks were queued: the delivery loop is woken, once')
    assert.equal((await t.storage.getVersion(v.articleId))?.status, 'distributed')
    assert.deepEqual(await rows(v.articleId), [
      ['en', 'en', 'ninjs', 'pending'],
      ['en-fr', 'en', 'nitf', 'pending'],
      ['en-fr', 'fr', 'nitf', 'pending'],
      ['politics', 'fr', 'ninjs', 'pending'],
      ['pull', 'fr', 'ninjs', 'feed']
    ])
    const [item] = await t.storage.readFeed('pull', 0, 10)
    assert.match(item?.body ?? '', /\[fr\] عنوان الخبر/, 'the French translation, rendered')
    assert.equal(await runDistributionStage(ctx), false, 'nothing else is ready')
  })

  it('wakes the delivery loop for a kill that reached only feeds (it may move queue heads)', async () => {
    await t.storage.createSubscriber(subscriber('feed-kill', { languages: ['en'], mode: 'pull', url: null }))
    const v = await translated('urn:t:feed-kill')
    assert.equal(await runDistributionStage(t.context()), true)
    await t.storage.createKillVersion(v.articleId, at(1))
    t.clock.set(at(1))
    let woken = 0
    assert.equal(await runDistributionStage(t.context(), () => woken++), true)
    assert.deepEqual(await rows(v.articleId, 2), [['feed-kill', 'en', 'ninjs', 'feed']])
    assert.equal(woken, 1)
  })

  it('does not wake the delivery loop for a version that only reached feeds', async () => {
    await t.storage.createSubscriber(subscriber('feed-only', { languages: ['en'], mode: 'pull', url: null }))
    const v = await translated('urn:t:feed-only')
    let pushQueued = 0
    assert.equal(await runDistributionStage(t.context(), () => pushQueued++), true)
    assert.deepEqual(await rows(v.articleId), [['feed-only', 'en', 'ninjs', 'feed']])
    assert.equal(pushQueued, 0)
  })

  it('renders a format that carries every language once per subscriber, and skips what it cannot render', async () => {
    const v = await translated('urn:t:message')
    // These came after translation: languages and versions nobody asked the engine for are skipped.
    await t.storage.createSubscriber(subscriber('message', { languages: ['en', 'de'], format: 'newsml-g2-message' }))
    await t.storage.createSubscriber(subscriber('late-de', { languages: ['de'] }))
    await t.storage.createSubscriber(subscriber('old-format', { formatVersion: '0.1' }))
    assert.equal(await runDistributionStage(t.context()), true)
    assert.deepEqual(await rows(v.articleId), [['message', 'ar', 'newsml-g2-message', 'pending']])
    const [delivery] = await t.storage.listDeliveries('message', { limit: 10 })
    // One newsItem for the original, one for each translation there is.
    const items = [...(delivery?.body ?? '').matchAll(/<newsItem [^>]* xml:lang="([a-z-]+)">/g)].map((m) => m[1])
    assert.deepEqual(items, ['ar', 'en'])
    assert.match(delivery?.body ?? '', /<headline>\[en\] عنوان الخبر<\/headline>/)
  })

  it('sends a kill to everyone who had the story, filters or not, ahead of what is queued for them', async () => {
    await t.storage.createSubscriber(subscriber('a', { languages: ['en'] }))
    await t.storage.createSubscriber(subscriber('b', { languages: ['fr'], filters: { categories: ['politics'] } }))
    const earlier = await translated('urn:t:earlier', { category: 'politics' })
    assert.equal(await runDistributionStage(t.context()), true)
    t.clock.advance(1000)
    const v1 = await translated('urn:t:to-kill', { category: 'politics' })
    assert.equal(await runDistributionStage(t.context()), true)
    // Afterwards b no longer matches the story, and c, which would, arrives.
    await t.storage.updateSubscriber('b', { filters: { categories: ['sport'] } }, at(2))
    await t.storage.createSubscriber(subscriber('c', { languages: ['en'] }))
    const kill = await t.storage.createKillVersion(v1.articleId, at(3))
    t.clock.set(at(3))
    let woken = 0
    assert.equal(await runDistributionStage(t.context(), () => woken++), true)
    assert.equal(woken, 1, 'the delivery loop is told')
    assert.deepEqual(await rows(v1.articleId, 2), [['a', 'en', 'ninjs', 'pending'], ['b', 'fr', 'ninjs', 'pending']])
    assert.deepEqual(await rows(v1.articleId, 1), [['a', 'en', 'ninjs', 'canceled'], ['b', 'fr', 'ninjs', 'canceled']],
      'the version it kills never leaves')
    const claimed = await t.storage.claimDueDeliveries(at(4), at(100), 10)
    assert.deepEqual(claimed.map((d) => [d.subscriberId, d.versionId]).sort(), [['a', kill!.versionId], ['b', kill!.versionId]],
      `the kill goes ahead of ${earlier.articleId}, queued before it`)
  })

  it('fails a version whose rendering throws, naming the format and the reason', async () => {
    await t.storage.createSubscriber(subscriber('deep', { languages: ['ar'], format: 'nitf' }))
    // 300 levels: no XML parser with default limits would read the document.
    const v = await translated('urn:t:deep', { paragraphs: [`${'<b>'.repeat(300)}نص${'</b>'.repeat(300)}`] })
    assert.equal(await runDistributionStage(t.context()), true)
    const after = await t.storage.getVersion(v.articleId)
    assert.equal(after?.status, 'failed')
    assert.match(after?.statusReason ?? '', /^distribution failed: rendering nitf \(ar\) failed: The document nests elements more than 200 deep/)
    assert.deepEqual(await rows(v.articleId), [])
  })
})
