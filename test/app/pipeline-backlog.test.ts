// GET /v1/pipeline: how far behind the pipeline is. Stories posted while the pipeline is stopped
// wait in `received`; the answer counts them and ages the oldest by the app's clock.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createApiKey } from '../../src/auth/api-keys.ts'
import { pipelineBacklog } from '../../src/pipeline/backlog.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { auth, buildTestApp, type TestApp } from '../helpers/app.ts'

describe('GET /v1/pipeline', () => {
  let t: TestApp
  let clock = new Date('2026-12-03T09:00:00.000Z')

  before(async () => {
    // No workers: what is posted stays `received`, as during an outage.
    t = await buildTestApp({ startWorkers: false, now: () => clock })
  })
  after(async () => {
    await t.close()
  })

  it('answers zeros and nulls when nothing waits', async () => {
    const res = await t.app.inject({ url: '/v1/pipeline', headers: auth() })
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json()
    assert.equal(body.waiting, 0)
    assert.equal(body.oldestWaitingSince, null)
    assert.equal(body.oldestWaitingSeconds, 0)
    assert.deepEqual(body.outbox, { pending: 0, subscribers: 0, oldestSince: null, oldestSeconds: 0 })
  })

  it('counts waiting versions and ages the oldest', async () => {
    for (const n of [1, 2, 3]) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: { ...summitPost, guid: `urn:backlog:${n}` } })
      assert.equal(res.statusCode, 202, res.body)
      clock = new Date(clock.getTime() + 10_000)
    }
    clock = new Date(clock.getTime() + 90_000)
    const body = (await t.app.inject({ url: '/v1/pipeline', headers: auth() })).json()
    assert.equal(body.asOf, clock.toISOString())
    assert.equal(body.waiting, 3)
    assert.deepEqual(body.versions.received, { count: 3, oldestSince: '2026-12-03T09:00:00.000Z', oldestSeconds: 120 })
    assert.equal(body.versions.translating.count, 0)
    assert.equal(body.oldestWaitingSince, '2026-12-03T09:00:00.000Z')
    assert.equal(body.oldestWaitingSeconds, 120)
  })

  it('is for editors and admins only', async () => {
    const sub = (await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'Reader', mode: 'pull', languages: ['en'] } })).json()
    const feed = await createApiKey(t.app.storage, 'subscriber', 'feed reader', new Date(), { subscriberId: sub.id })
    assert.equal((await t.app.inject({ url: '/v1/pipeline', headers: auth(feed.key) })).statusCode, 403)
    assert.equal((await t.app.inject({ url: '/v1/pipeline' })).statusCode, 401)
  })
})

describe('pipelineBacklog', () => {
  it('sums waiting statuses, keeps failed apart and takes the oldest of each', () => {
    const now = new Date('2026-12-03T10:00:00.000Z')
    const report = pipelineBacklog({
      versions: { received: 5, translated: 2, failed: 7 },
      oldestVersions: { received: '2026-12-03T09:59:00.000Z', translated: '2026-12-03T09:58:00.000Z', failed: '2026-12-01T00:00:00.000Z' },
      outbox: [
        { subscriberId: 'a', depth: 3, oldestCreatedAt: '2026-12-03T09:59:30.000Z' },
        { subscriberId: 'b', depth: 4, oldestCreatedAt: '2026-12-03T09:59:50.000Z' }
      ]
    }, now)
    assert.equal(report.waiting, 7)
    assert.equal(report.oldestWaitingSince, '2026-12-03T09:58:00.000Z')
    assert.equal(report.oldestWaitingSeconds, 120)
    assert.deepEqual(report.versions.failed, { count: 7, oldestSince: '2026-12-01T00:00:00.000Z', oldestSeconds: 208_800 })
    assert.deepEqual(report.versions.translating, { count: 0, oldestSince: null, oldestSeconds: 0 })
    assert.deepEqual(report.outbox, { pending: 7, subscribers: 2, oldestSince: '2026-12-03T09:59:30.000Z', oldestSeconds: 30 })
  })
})
