// The storage contract, delivery half: subscribers, kills, the pull feed, replay and claiming
// rules. Every backend must pass it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ArticleContent, StoredTranslation } from '../../src/articles/types.ts'
import { deliveryPage } from '../../src/delivery/deliveries.ts'
import type { ClaimedDelivery, SubscriberWithSecret } from '../../src/storage/types.ts'
import { storedSubscriber } from '../helpers/subscribers.ts'
import { type OpenStorage, suiteStorage } from './suite-storage.ts'

const at = (s: number): string => new Date(Date.UTC(2026, 10, 29, 13, 0, 0) + s * 1000).toISOString()
const content: ArticleContent = { headline: 'عنوان', paragraphs: ['فقرة'], language: 'ar' }
const doc = { lang: 'en', format: 'newsml-g2', contentType: 'application/xml', body: '<x/>' }

const subscriber = (id: string, extra: Partial<SubscriberWithSecret> = {}): SubscriberWithSecret => storedSubscriber(id, at(0), extra)

function translation (versionId: string): StoredTranslation {
  return { versionId, lang: 'en', headline: 'H', paragraphs: ['P'], engine: 'memory', model: 'm', charsSent: 1, requests: 1, createdAt: at(0) }
}

export function deliveryContract (name: string, open: OpenStorage): void {
  describe(`storage contract, delivery: ${name}`, () => {
    const storage = suiteStorage(open)

    /** Drives a new story through to `distributed` with the given deliveries. */
    async function distributedStory (guid: string, subscribers: string[], now: number) {
      const v = await storage.ingestVersion({ guid, contentHash: guid, content, now: at(now) })
      await storage.distribute(v.versionId, subscribers.map((subscriberId) => ({ subscriberId, ...doc })), at(now))
      return v
    }

    it('pages through a subscriber\'s deliveries by cursor, queued rows included', async () => {
      await storage.createSubscriber(subscriber('pages'))
      for (let i = 0; i < 5; i++) await distributedStory(`g-pages-${i}`, ['pages'], 400 + i)
      // The head leaves and takes sequence 1; an urgent one (priority 1) jumps the queue.
      const [sent] = await storage.claimDueDeliveries(at(410), at(470), 10)
      assert.equal(sent?.sequence, 1)
      const urgent = await storage.ingestVersion({ guid: 'g-pages-urgent', contentHash: 'u', content, now: at(411) })
      await storage.distribute(urgent.versionId, [{ subscriberId: 'pages', ...doc, priority: 1 }], at(411))

      const whole = await storage.listDeliveries('pages', { limit: 100 })
      assert.equal(whole.length, 6)
      assert.deepEqual(whole.map((d) => d.sequence), [1, null, null, null, null, null], 'numbered rows first')
      assert.equal(whole[1]?.versionId, urgent.versionId, 'then the queue, the urgent one first')
      const paged: string[] = []
      let cursor: string | undefined
      for (let page = 0; page < 10; page++) {
        const { deliveries, nextCursor } = await deliveryPage(storage, 'pages', { limit: 2, ...(cursor === undefined ? {} : { cursor }) })
        paged.push(...deliveries.map((d) => d.id))
        if (nextCursor === null) break
        cursor = nextCursor
      }
      assert.deepEqual(paged, whole.map((d) => d.id), 'every row once, in the same order, queued ones past the first page included')
      // `after` still means "after this sequence number": the numbered row is left out.
      assert.deepEqual((await deliveryPage(storage, 'pages', { limit: 100, after: 1 })).deliveries.map((d) => d.id), whole.slice(1).map((d) => d.id))
      await assert.rejects(deliveryPage(storage, 'pages', { limit: 2, after: 1, cursor: cursor! }), { name: 'InvalidInputError' })
      await assert.rejects(deliveryPage(storage, 'pages', { limit: 2, cursor: 'bm90LWEtY3Vyc29y' }), { name: 'InvalidInputError' })
    })

    // Every kind of row in list order: numbered ones (a replay waiting behind the head, a dead one,
    // the head in flight), then the queue, kills first, with a row canceled before it was ever
    // sent in its queue place; by status, the same order; page by page, the same rows once each.
    it('lists a subscriber\'s deliveries of every status in list order, by status and page by page', async () => {
      await storage.createSubscriber(subscriber('ls'))
      await storage.createSubscriber(subscriber('lp', { mode: 'pull', url: null }))
      const stories = []
      for (let i = 0; i < 5; i++) stories.push(await distributedStory(`g-ls-${i}`, ['ls', 'lp'], 900 + i))
      const next = async (now: number) => (await storage.claimDueDeliveries(at(now), at(now + 30), 50)).find((d) => d.subscriberId === 'ls')!
      const first = await next(910)
      await storage.recordAttempts([{ deliveryId: first.id, attempt: { ...ok, at: at(910) }, outcome: { status: 'delivered' } }])
      const second = await next(911)
      await storage.recordAttempts([{ deliveryId: second.id, attempt: { ...ok, at: at(911), statusCode: 400 }, outcome: { status: 'dead' } }])
      assert.equal((await next(912)).sequence, 3)
      // The first is queued again behind the head in flight; story 3 is killed while queued: its
      // row is canceled unsent but keeps its place, ahead of story 4's, and the kill goes first.
      assert.equal((await storage.retryDelivery(first.id, at(913)))?.status, 'pending')
      const kill = await storage.createKillVersion(stories[3]!.articleId, at(914))
      await storage.distribute(kill!.versionId, [{ subscriberId: 'ls', ...doc, priority: 1 }], at(914))
      const expected = [
        [stories[0]!.versionId, 'pending', 1], [stories[1]!.versionId, 'dead', 2], [stories[2]!.versionId, 'pending', 3],
        [kill!.versionId, 'pending', null], [stories[3]!.versionId, 'canceled', null], [stories[4]!.versionId, 'pending', null]
      ]
      const rows = (list: Array<{ versionId: string, status: string, sequence: number | null }>) => list.map((d) => [d.versionId, d.status, d.sequence])
      assert.deepEqual(rows(await storage.listDeliveries('ls', { limit: 10 })), expected)
      for (const status of ['pending', 'delivered', 'dead', 'canceled', 'feed'] as const) {
        assert.deepEqual(rows(await storage.listDeliveries('ls', { limit: 10, status })), expected.filter((e) => e[1] === status), status)
      }
      assert.deepEqual((await storage.listDeliveries('lp', { limit: 10, status: 'feed' })).map((d) => d.sequence), [1, 2, 3, 4, 5])
      assert.deepEqual((await storage.listDeliveries('lp', { limit: 2, status: 'feed', after: { sequence: 2 } })).map((d) => d.sequence), [3, 4])
      for (const status of [undefined, 'pending'] as const) {
        const paged: unknown[] = []
        let cursor: string | undefined
        for (let page = 0; page < 10; page++) {
          const { deliveries, nextCursor } = await deliveryPage(storage, 'ls',
            { limit: 1, ...(status === undefined ? {} : { status }), ...(cursor === undefined ? {} : { cursor }) })
          paged.push(...rows(deliveries))
          if (nextCursor === null) break
          cursor = nextCursor
        }
        assert.deepEqual(paged, expected.filter((e) => status === undefined || e[1] === status), `pages of ${status ?? 'all'}`)
      }
    })

    it('updates, rotates, disables and deletes subscribers, logging what happened', async () => {
      // The list of active subscribers (which a backend may keep) follows every change at once.
      const listed = async (): Promise<unknown> => (await storage.listActiveSubscribers()).find((s) => s.id === 'a')?.name
      assert.equal(await listed(), undefined)
      await storage.createSubscriber(subscriber('a'))
      assert.equal(await listed(), 'a')
      const updated = await storage.updateSubscriber('a', { name: 'Agency', filters: { minUrgency: 2 }, active: false }, at(1))
      assert.deepEqual([updated?.name, updated?.filters, updated?.active], ['Agency', { minUrgency: 2 }, false])
      assert.equal(await listed(), undefined)
      assert.equal(await storage.updateSubscriber('nobody', { name: 'x' }, at(1)), null)
      await storage.updateSubscriber('a', { active: true }, at(2))
      assert.equal(await listed(), 'Agency')
      assert.ok(await storage.rotateSecret('a', 'secret-a2', at(100), at(3)))
      assert.equal(await listed(), 'Agency')
      await storage.disableSubscriber('a', 'endpoint gone', at(4))
      assert.equal(await listed(), undefined)
      await storage.updateSubscriber('a', { active: true }, at(4))
      assert.equal(await listed(), 'Agency')
      await storage.disableSubscriber('a', 'endpoint gone', at(4))
      const disabled = await storage.getSubscriber('a')
      assert.deepEqual([disabled?.active, disabled?.disabledReason], [false, 'endpoint gone'])
      assert.deepEqual((await storage.listSubscriberEvents('a')).map((e) => e.kind), ['disabled', 'enabled', 'secret-rotated', 'disabled', 'enabled', 'disabled'])
      await storage.insertApiKey({ id: 'ka', hash: 'hash-of-a-feed-key', role: 'subscriber', label: 'feed', subscriberId: 'a', createdAt: at(4) })
      assert.equal((await storage.findApiKeyByHash('hash-of-a-feed-key'))?.subscriberId, 'a')
      await storage.updateSubscriber('a', { active: true }, at(5))
      assert.equal(await listed(), 'Agency')
      assert.equal(await listed(), 'Agency')
      assert.ok(await storage.deleteSubscriber('a', at(5)))
      assert.equal(await listed(), undefined)
      assert.equal((await storage.findApiKeyByHash('hash-of-a-feed-key'))?.revokedAt, at(5), 'deleting a subscriber revokes its keys')
      assert.equal(await storage.getSubscriber('a'), null)
      assert.equal(await storage.deleteSubscriber('a', at(6)), false)
      assert.ok(!(await storage.listSubscribers()).some((s) => s.id === 'a'))
    })

    it('makes a claimed delivery due again when its lease runs out, and at once after a restart', async () => {
      await storage.createSubscriber(subscriber('lease'))
      await distributedStory('g-lease-d', ['lease'], 700)
      const mine = (claimed: Array<{ subscriberId: string, id: string, sequence: number }>) => claimed.filter((d) => d.subscriberId === 'lease')
      const [first] = mine(await storage.claimDueDeliveries(at(701), at(761), 50))
      assert.ok(first)
      assert.deepEqual(mine(await storage.claimDueDeliveries(at(730), at(790), 50)), [], 'not while leased')
      // Its due time is the lease's end: the loop wakes for it, and a claim never walks it before.
      assert.equal((await storage.getDelivery(first.id))?.nextAttemptAt, at(761))
      assert.equal(await storage.nextDueTime('deliveries', at(730)), at(761))
      const [again] = mine(await storage.claimDueDeliveries(at(761), at(821), 50))
      assert.deepEqual([again?.id, again?.sequence], [first.id, first.sequence], 'the same message, the same number')
      await storage.releaseAllLeases()
      const [restarted] = mine(await storage.claimDueDeliveries(at(762), at(822), 50))
      assert.deepEqual(restarted?.id, storage.sharedDatabase ? undefined : first.id, 'one process per file: due at once after a restart')
    })

    it('signs with the previous secret only while the rotation overlap lasts', async () => {
      await storage.createSubscriber(subscriber('rot'))
      await distributedStory('g-rot', ['rot'], 10)
      await storage.rotateSecret('rot', 'secret-rot2', at(20), at(11))
      const [during] = await storage.claimDueDeliveries(at(12), at(13), 10)
      assert.deepEqual(during?.secrets, ['secret-rot2', 'secret-rot'])
      const [afterwards] = await storage.claimDueDeliveries(at(21), at(30), 10)
      assert.deepEqual(afterwards?.secrets, ['secret-rot2'])
      await storage.recordAttempts([{
        deliveryId: afterwards!.id,
        attempt: { at: at(21), statusCode: 200, durationMs: 1, error: null, responseExcerpt: null },
        outcome: { status: 'delivered' }
      }])
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
        await storage.recordAttempts([{
          deliveryId: d!.id,
          attempt: { at: at(101 + n), statusCode: 204, durationMs: 1, error: null, responseExcerpt: null },
          outcome: { status: 'delivered' }
        }])
      }
      const before = await storage.listDeliveries('rp', { limit: 10 })
      assert.deepEqual(before.map((d) => d.status), ['delivered', 'delivered'])
      assert.equal(await storage.replayDeliveries('rp', at(101), at(110)), 1)
      const again = (await storage.claimDueDeliveries(at(110), at(130), 10)).find((c) => c.subscriberId === 'rp')
      assert.deepEqual([again?.sequence, again?.webhookId, again?.attempts], [2, before[1]!.webhookId, 0])
      assert.equal((await storage.listAttempts(again!.id)).length, 1, 'the attempt log keeps the history')
      assert.equal(again?.replayedAt, at(110), 'marked as a replay')
    })

    // Sequencing (issue 12): numbers follow the order messages leave in, nothing canceled takes one,
    // one message per subscriber is in flight, kills included, and a sent message is never overtaken.
    const ok = { statusCode: 204, durationMs: 1, error: null, responseExcerpt: null }
    async function sendNext (subscriberId: string, now: number, outcome: 'delivered' | 'retry' = 'delivered') {
      const claimed = await storage.claimDueDeliveries(at(now), at(now + 30), 10)
      const mine = claimed.filter((d) => d.subscriberId === subscriberId)
      assert.ok(mine.length <= 1, 'never two in flight for one subscriber')
      const d = mine[0]
      if (d === undefined) return undefined
      await storage.recordAttempts([{
        deliveryId: d.id,
        attempt: { ...ok, at: at(now), statusCode: outcome === 'retry' ? 503 : 204 },
        outcome: outcome === 'retry' ? { status: 'pending', nextAttemptAt: at(now + 5) } : { status: 'delivered' }
      }])
      return d
    }

    // The delivery loop's usual step (issue 11): one transaction records what finished and leases
    // what that frees, a head the record just made due included. Times before every other test's
    // (which share this storage), so no other subscriber's head is due.
    it('records attempts and claims the heads they make due in one call', async () => {
      for (const id of ['rc1', 'rc2']) await storage.createSubscriber(subscriber(id))
      await distributedStory('g-rc-1', ['rc1', 'rc2'], -500)
      const second = await distributedStory('g-rc-2', ['rc1', 'rc2'], -500)
      const heads = await storage.claimDueDeliveries(at(-499), at(-400), 10)
      assert.deepEqual(heads.map((d) => [d.subscriberId, d.sequence]).sort(), [['rc1', 1], ['rc2', 1]])
      const head = (id: string) => heads.find((d) => d.subscriberId === id)!
      const { results, claimed } = await storage.recordAndClaim([
        { deliveryId: head('rc1').id, attempt: { ...ok, at: at(-498) }, outcome: { status: 'delivered' } },
        { deliveryId: head('rc2').id, attempt: { ...ok, at: at(-498), statusCode: 503 }, outcome: { status: 'pending', nextAttemptAt: at(-480) } }
      ], { now: at(-498), leaseUntil: at(-400), limit: 10 })
      assert.deepEqual(results, [{ failingSince: null }, { failingSince: at(-498) }])
      assert.deepEqual(claimed.map((d) => [d.subscriberId, d.versionId, d.sequence]), [['rc1', second.versionId, 2]],
        'rc1\'s next message, made due by the record, leaves at once; rc2\'s retry waits for its time')
      assert.equal((await storage.getDelivery(head('rc1').id))?.status, 'delivered')
      assert.equal((await storage.listAttempts(head('rc2').id)).length, 1)

      // No free slot: the record alone, and nothing leased (rc2's retry is due by now).
      const { claimed: none } = await storage.recordAndClaim([
        { deliveryId: claimed[0]!.id, attempt: { ...ok, at: at(-470) }, outcome: { status: 'delivered' } }
      ], { now: at(-470), leaseUntil: at(-400), limit: 0 })
      assert.deepEqual(none, [])
      assert.equal((await storage.getDelivery(claimed[0]!.id))?.status, 'delivered')
      const retry = await storage.claimDueDeliveries(at(-469), at(-400), 10)
      assert.deepEqual(retry.map((d) => [d.subscriberId, d.versionId, d.sequence]), [['rc2', head('rc2').versionId, 1]])
    })

    // A batch mixing every outcome, several subscribers at once (the PostgreSQL backend records a
    // batch in a fixed number of statements). Times before every other test's; its subscribers
    // are deleted at the end, so nothing of theirs is due in a later test.
    it('records a batch of mixed outcomes: each its own failing time, next heads for what left, a success clears', async () => {
      const subs = ['mb1', 'mb2', 'mb3']
      for (const id of subs) await storage.createSubscriber(subscriber(id))
      await distributedStory('g-mb-1', subs, -1000)
      await distributedStory('g-mb-2', subs, -1000)
      const heads = await storage.claimDueDeliveries(at(-999), at(-900), 10)
      assert.deepEqual(heads.map((d) => [d.subscriberId, d.sequence]).sort(), [['mb1', 1], ['mb2', 1], ['mb3', 1]])
      const head = (list: ClaimedDelivery[], id: string) => list.find((d) => d.subscriberId === id)!
      const first = await storage.recordAttempts([
        { deliveryId: head(heads, 'mb1').id, attempt: { ...ok, at: at(-998), statusCode: 503 }, outcome: { status: 'pending', nextAttemptAt: at(-950) } },
        { deliveryId: head(heads, 'mb2').id, attempt: { ...ok, at: at(-998), statusCode: 400 }, outcome: { status: 'dead' } },
        { deliveryId: head(heads, 'mb3').id, attempt: { ...ok, at: at(-998) }, outcome: { status: 'delivered' } }
      ])
      assert.deepEqual(first, [{ failingSince: at(-998) }, { failingSince: at(-998) }, { failingSince: null }])
      // The dead and the delivered messages left their queues: the next ones are due; mb1's retry is not yet.
      const next = await storage.claimDueDeliveries(at(-997), at(-900), 10)
      assert.deepEqual(next.map((d) => [d.subscriberId, d.sequence]).sort(), [['mb2', 2], ['mb3', 2]])
      const second = await storage.recordAttempts([
        { deliveryId: head(next, 'mb2').id, attempt: { ...ok, at: at(-996) }, outcome: { status: 'delivered' } },
        { deliveryId: head(next, 'mb3').id, attempt: { ...ok, at: at(-996), statusCode: 500 }, outcome: { status: 'pending', nextAttemptAt: at(-950) } }
      ])
      assert.deepEqual(second, [{ failingSince: null }, { failingSince: at(-996) }])
      // mb2's success cleared its failing time: its next failure starts a new one.
      await distributedStory('g-mb-3', ['mb2'], -995)
      const [third] = await storage.claimDueDeliveries(at(-994), at(-900), 10)
      assert.equal(third?.subscriberId, 'mb2')
      assert.deepEqual(await storage.recordAttempts([
        { deliveryId: third!.id, attempt: { ...ok, at: at(-993), statusCode: 502 }, outcome: { status: 'pending', nextAttemptAt: at(-950) } }
      ]), [{ failingSince: at(-993) }])
      // mb1 is still failing since its first failure.
      const [retry] = await storage.claimDueDeliveries(at(-950), at(-900), 10).then((c) => c.filter((d) => d.subscriberId === 'mb1'))
      assert.deepEqual(await storage.recordAttempts([
        { deliveryId: retry!.id, attempt: { ...ok, at: at(-949), statusCode: 503 }, outcome: { status: 'pending', nextAttemptAt: at(-940) } }
      ]), [{ failingSince: at(-998) }])
      for (const id of subs) await storage.deleteSubscriber(id, at(-940))
    })

    it('numbers push messages as they leave: a kill goes first, cancels what was never sent, and leaves no gap', async () => {
      await storage.createSubscriber(subscriber('sq'))
      const a1 = await distributedStory('g-sq-a', ['sq'], 300)
      await distributedStory('g-sq-b', ['sq'], 301)
      const a2 = await storage.ingestVersion({ guid: 'g-sq-a', contentHash: 'a2', content, now: at(302) })
      await storage.distribute(a2.versionId, [{ subscriberId: 'sq', ...doc }], at(302))
      // a1 leaves first and fails: it holds number 1 from now on.
      const first = await sendNext('sq', 303, 'retry')
      assert.deepEqual([first?.versionId, first?.sequence], [a1.versionId, 1])
      const queued = await storage.listDeliveries('sq', { limit: 10 })
      assert.deepEqual(queued.map((d) => d.sequence), [1, null, null], 'queued messages have no number yet')

      // The kill: two languages, both behind the message already sent, ahead of everything unsent.
      const kill = await storage.createKillVersion(a1.articleId, at(304))
      await storage.distribute(kill!.versionId, [{ subscriberId: 'sq', ...doc, priority: 1 }, { subscriberId: 'sq', ...doc, lang: 'fr', priority: 1 }], at(304))
      const canceled = (await storage.listDeliveries('sq', { limit: 10 })).find((d) => d.versionId === a2.versionId)
      assert.deepEqual([canceled?.status, canceled?.sequence], ['canceled', null], 'never sent, never numbered')
      assert.deepEqual(await storage.claimDueDeliveries(at(305), at(330), 10), [], 'the retrying message holds its place')

      const sent = [first!]
      for (let now = 308; sent.length < 5 && now < 340; now++) {
        const d = await sendNext('sq', now)
        if (d !== undefined) sent.push(d)
      }
      assert.deepEqual(sent.map((d) => [d.sequence, d.event]), [[1, 'new'], [1, 'new'], [2, 'kill'], [3, 'kill'], [4, 'new']])
      assert.equal(sent[1]?.webhookId, sent[0]?.webhookId, 'a retry is the same message')
      assert.deepEqual((await storage.listDeliveries('sq', { limit: 10 })).filter((d) => d.status !== 'canceled').map((d) => d.sequence),
        [1, 2, 3, 4], 'every number the partner could see, none skipped')
      assert.equal(await sendNext('sq', 341), undefined)
    })

    it('replays in sequence order, marked, ahead of messages never sent, and numbers new ones after', async () => {
      await storage.createSubscriber(subscriber('rq'))
      for (const [i, guid] of ['g-rq1', 'g-rq2', 'g-rq3'].entries()) await distributedStory(guid, ['rq'], 400 + i)
      const delivered = []
      for (let now = 403; now < 406; now++) delivered.push(await sendNext('rq', now))
      await distributedStory('g-rq4', ['rq'], 406)
      assert.equal(await storage.replayDeliveries('rq', at(400), at(407)), 3)
      const order = []
      for (let now = 408; now < 412; now++) order.push(await sendNext('rq', now))
      // The new story was never sent: the replayed messages (numbered) go first, then it takes 4.
      assert.deepEqual(order.map((d) => [d?.sequence, d?.webhookId, d?.replayedAt !== null]), [
        [1, delivered[0]?.webhookId, true], [2, delivered[1]?.webhookId, true], [3, delivered[2]?.webhookId, true], [4, order[3]?.webhookId, false]
      ])
      // Retrying one delivered message queues it again as a replay, with its number.
      const again = await storage.retryDelivery(delivered[1]!.id, at(413))
      assert.deepEqual([again?.status, again?.sequence, again?.replayedAt], ['pending', 2, at(413)])
      assert.deepEqual([(await sendNext('rq', 414))?.sequence], [2])
    })

    it('applies an attempt only to the queue head it was made for', async () => {
      await storage.createSubscriber(subscriber('st'))
      await distributedStory('g-st1', ['st'], 600)
      await distributedStory('g-st2', ['st'], 601)
      const first = await sendNext('st', 602)
      // A late second report for a message already delivered changes nothing: no second head.
      await storage.recordAttempts([
        { deliveryId: first!.id, attempt: { ...ok, at: at(603), statusCode: 503 }, outcome: { status: 'pending', nextAttemptAt: at(604) } }
      ])
      assert.equal((await storage.getDelivery(first!.id))?.status, 'delivered')
      const [second] = await storage.claimDueDeliveries(at(605), at(630), 10).then((c) => c.filter((d) => d.subscriberId === 'st'))
      assert.equal(second?.sequence, 2)
      // Deleted while in flight: the row stays canceled whatever the attempt says.
      assert.equal(await storage.deleteSubscriber('st', at(606)), true)
      await storage.recordAttempts([{ deliveryId: second!.id, attempt: { ...ok, at: at(607) }, outcome: { status: 'delivered' } }])
      assert.equal((await storage.getDelivery(second!.id))?.status, 'canceled')
    })

    // Every place a queued row can be in: the head (here in flight), a numbered row waiting behind
    // it (a replay), rows never sent; and a pull subscriber's feed. What was delivered stays so.
    it('deleting a subscriber cancels everything still queued for it and its feed, nothing delivered', async () => {
      await storage.createSubscriber(subscriber('dq'))
      await storage.createSubscriber(subscriber('dp', { mode: 'pull', url: null }))
      for (let i = 0; i < 4; i++) await distributedStory(`g-dq-${i}`, ['dq', 'dp'], 800 + i)
      const first = await sendNext('dq', 810)
      const second = await sendNext('dq', 811)
      const [third] = await storage.claimDueDeliveries(at(812), at(840), 10).then((c) => c.filter((d) => d.subscriberId === 'dq'))
      assert.deepEqual([first?.sequence, second?.sequence, third?.sequence], [1, 2, 3])
      // The second story's row is queued again behind the head in flight, keeping its number.
      assert.equal(await storage.replayDeliveries('dq', at(801), at(813)), 1)
      assert.ok(await storage.deleteSubscriber('dq', at(814)))
      assert.ok(await storage.deleteSubscriber('dp', at(814)))
      const statuses = async (id: string) => (await storage.listDeliveries(id, { limit: 10 })).map((d) => d.status).sort()
      assert.deepEqual(await statuses('dq'), ['canceled', 'canceled', 'canceled', 'delivered'])
      assert.equal((await storage.getDelivery(first!.id))?.status, 'delivered')
      assert.deepEqual(await statuses('dp'), ['canceled', 'canceled', 'canceled', 'canceled'])
    })

    it('numbers feed items as they are written; a kill cancels nothing a pull reader may have read', async () => {
      await storage.createSubscriber(subscriber('fq', { mode: 'pull', url: null }))
      const v1 = await distributedStory('g-fq', ['fq'], 500)
      const v2 = await storage.ingestVersion({ guid: 'g-fq', contentHash: 'fq2', content, now: at(501) })
      await storage.distribute(v2.versionId, [{ subscriberId: 'fq', ...doc }], at(501))
      const kill = await storage.createKillVersion(v1.articleId, at(502))
      await storage.distribute(kill!.versionId, [{ subscriberId: 'fq', ...doc, priority: 1 }], at(502))
      const feed = await storage.readFeed('fq', 0, 10)
      assert.deepEqual(feed.map((i) => [i.sequence, i.event]), [[1, 'new'], [2, 'update'], [3, 'kill']])
      assert.deepEqual(await storage.claimDueDeliveries(at(503), at(530), 10).then((c) => c.filter((d) => d.subscriberId === 'fq')), [])
    })
  })
}
