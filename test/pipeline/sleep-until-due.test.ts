// sleepUntilDue asks for the next due work from when the empty claim ran, so work that fell due
// between the claim and the question is due now. Asked from a later clock it was missed, and a
// delivery the rate limit put back for a millisecond waited out the whole idle poll (5 s).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { PipelineContext } from '../../src/pipeline/context.ts'
import { sleepUntilDue } from '../../src/pipeline/context.ts'
import type { Waker } from '../../src/pipeline/waker.ts'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import type { Storage } from '../../src/storage/types.ts'
import { storedSubscriber } from '../helpers/subscribers.ts'

const T = Date.UTC(2026, 11, 3, 12, 0, 0)
const iso = (ms: number): string => new Date(T + ms).toISOString()

describe('sleepUntilDue', () => {
  let storage: Storage
  before(async () => {
    storage = openSqliteStorage(':memory:')
    await storage.migrate()
    await storage.createSubscriber(storedSubscriber('p', iso(0)))
    const v = await storage.ingestVersion({ guid: 'g', contentHash: 'g', content: { headline: 'ع', paragraphs: ['ف'], language: 'ar' }, now: iso(0) })
    const [d] = await storage.distribute(v.versionId, [{ subscriberId: 'p', lang: 'en', format: 'newsml-g2', contentType: 'application/xml', body: '<x/>' }], iso(0))
    // Put back by the rate limit, due 1 ms after the claim that found nothing.
    await storage.postponeDelivery(d!.id, iso(1_001))
  })
  after(async () => { await storage.close() })

  function waitedFor (since: Date | undefined): Promise<number> {
    let asked = Number.NaN
    const waker: Waker = { wake () {}, wait (ms) { asked = ms; return Promise.resolve() } }
    // The clock has moved past the due time since the claim at 1,000 ms.
    const ctx = { storage, now: () => new Date(T + 1_005) } as unknown as PipelineContext
    return sleepUntilDue(ctx, 'deliveries', waker, 5_000, since).then(() => asked)
  }

  it('wakes at once for work that fell due after the empty claim', async () => {
    assert.ok(await waitedFor(new Date(T + 1_000)) <= 0)
  })

  it('without the claim time, waits the whole poll for it (what the loops no longer do)', async () => {
    assert.equal(await waitedFor(undefined), 5_000)
  })
})
