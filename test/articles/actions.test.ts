// Domain actions called directly, as a script or CLI would: they refuse with domain errors (no
// HTTP in them) and wake the pipeline themselves when they make work, so no caller can forget.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ingestArticle } from '../../src/articles/ingest.ts'
import { killArticle } from '../../src/articles/kill.ts'
import { retryArticle } from '../../src/articles/retry.ts'
import { createApiKey } from '../../src/auth/api-keys.ts'
import { retryDelivery } from '../../src/delivery/deliveries.ts'
import { replayDeliveries } from '../../src/delivery/subscribers.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../../src/errors.ts'
import type { WorkSignal } from '../../src/pipeline/runner.ts'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import type { Storage } from '../../src/storage/types.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'

/** Counts the wake-ups a domain action gives. */
function spyPipeline (): WorkSignal & { wakes: number; versionWakes: number } {
  const spy = {
    wakes: 0,
    versionWakes: 0,
    wake () { spy.wakes++ },
    wakeVersions () { spy.versionWakes++ }
  }
  return spy
}

const NOBODY = '00000000-0000-4000-8000-000000000000'
const now = new Date('2026-03-01T10:00:00Z')

describe('domain actions', () => {
  let storage: Storage
  before(async () => {
    storage = openSqliteStorage(':memory:')
    await storage.migrate()
  })
  after(async () => { await storage.close() })

  it('ingest wakes the process loop for a new version, and nothing for an unchanged one', async () => {
    const pipeline = spyPipeline()
    const first = await ingestArticle(storage, pipeline, { ...summitPost, guid: 'urn:test:wake' }, now)
    assert.equal(first.kind, 'created')
    assert.deepEqual([pipeline.versionWakes, pipeline.wakes], [1, 0])
    const again = await ingestArticle(storage, pipeline, { ...summitPost, guid: 'urn:test:wake' }, now)
    assert.equal(again.kind, 'unchanged')
    assert.deepEqual([pipeline.versionWakes, pipeline.wakes], [1, 0])
  })

  it('ingest refuses an empty headline with the field it names, and wakes nothing', async () => {
    const pipeline = spyPipeline()
    await assert.rejects(ingestArticle(storage, pipeline, { ...summitPost, headline: '  ' }, now),
      (err: unknown) => err instanceof InvalidInputError && err.field === '/body/headline')
    assert.deepEqual([pipeline.versionWakes, pipeline.wakes], [0, 0])
  })

  it('kill wakes both loops; a post under the killed guid is a conflict naming the kill', async () => {
    const pipeline = spyPipeline()
    const { articleId } = await ingestArticle(storage, pipeline, { ...summitPost, guid: 'urn:test:kill' }, now)
    await killArticle(storage, pipeline, articleId, now)
    assert.equal(pipeline.wakes, 1)
    await assert.rejects(ingestArticle(storage, pipeline, { ...summitPost, guid: 'urn:test:kill', headline: 'عنوان آخر' }, now),
      (err: unknown) => err instanceof ConflictError && err.kind === 'story-killed' && err.facts.killVersion === 2)
    await assert.rejects(killArticle(storage, pipeline, NOBODY, now),
      (err: unknown) => err instanceof NotFoundError && err.what === 'Article')
    assert.equal(pipeline.wakes, 1)
  })

  it('retry refuses a story that has not failed, and wakes nothing', async () => {
    const pipeline = spyPipeline()
    const { articleId } = await ingestArticle(storage, pipeline, { ...summitPost, guid: 'urn:test:retry' }, now)
    await assert.rejects(retryArticle(storage, pipeline, articleId, now),
      (err: unknown) => err instanceof ConflictError && err.kind === 'not-failed' && err.facts.versionStatus === 'received')
    assert.equal(pipeline.wakes, 0)
  })

  it('retry of a failed story puts it back and wakes the pipeline', async () => {
    const pipeline = spyPipeline()
    const { articleId, version } = await ingestArticle(storage, pipeline, { ...summitPost, guid: 'urn:test:failed' }, now)
    const stored = (await storage.getVersion(articleId, version))!
    await storage.markVersionFailed(stored.id, 'translation failed: test', now.toISOString())
    const retried = await retryArticle(storage, pipeline, articleId, now)
    assert.deepEqual([retried.status, pipeline.wakes], ['received', 1])
  })

  it('a delivery or subscriber that does not exist is NotFoundError, and wakes nothing', async () => {
    const pipeline = spyPipeline()
    await assert.rejects(retryDelivery(storage, pipeline, NOBODY, now),
      (err: unknown) => err instanceof NotFoundError && err.what === 'Delivery')
    await assert.rejects(replayDeliveries(storage, pipeline, NOBODY, now.toISOString(), now),
      (err: unknown) => err instanceof NotFoundError && err.what === 'Subscriber')
    assert.equal(pipeline.wakes, 0)
  })

  it('binds a subscriber key to an existing subscriber, and no other key to any', async () => {
    const refused = (field: string, reason: RegExp) => (err: unknown) =>
      err instanceof InvalidInputError && err.field === field && reason.test(err.reason)
    await assert.rejects(createApiKey(storage, 'subscriber', 'feed', now), refused('/body/subscriberId', /is required/))
    await assert.rejects(createApiKey(storage, 'subscriber', 'feed', now, { subscriberId: NOBODY }), refused('/body/subscriberId', /names no subscriber/))
    await assert.rejects(createApiKey(storage, 'editor', 'cms', now, { subscriberId: NOBODY }), refused('/body/subscriberId', /only for role subscriber/))
    assert.equal((await createApiKey(storage, 'editor', 'cms', now, { subscriberId: undefined })).role, 'editor')
  })
})
