// A subscriber that fails for too long is disabled; a shutdown cuts attempts that outlive its
// grace period and records them, leaving the delivery queued for the next start.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { eventually } from '../helpers/app.ts'
import { startSink } from '../helpers/sink.ts'
import { startStack } from '../helpers/stack.ts'

it('disables a subscriber after SUBSCRIBER_DISABLE_AFTER of failures, and says so', async () => {
  const stack = await startStack({ DELIVERY_RETRY_SCHEDULE: '100ms,100ms,100ms,100ms,100ms,100ms', SUBSCRIBER_DISABLE_AFTER: '300ms' })
  const sink = await startSink()
  try {
    sink.respond(() => 500)
    const sub = (await stack.api('POST', '/v1/subscribers', { name: 'Down', url: sink.url, languages: ['en'] })).json
    await stack.api('POST', '/v1/articles', summitPost)
    const view = await eventually(async () => {
      const s = (await stack.api('GET', `/v1/subscribers/${sub.id}`)).json
      return s.active === false ? s : undefined
    }, 10_000, 'the subscriber to be disabled')
    assert.match(view.disabledReason, /every delivery has failed since/)
    const events = (await stack.api('GET', `/v1/subscribers/${sub.id}/events`)).json.events
    assert.equal(events.at(-1).kind, 'disabled')
    const pending = (await stack.api('GET', `/v1/subscribers/${sub.id}/deliveries?status=pending`)).json.deliveries
    assert.equal(pending.length, 1, 'the delivery waits for the subscriber to come back, it is not dropped')
  } finally {
    await stack.close()
    await sink.close()
  }
})

it('cuts an attempt that outlives the shutdown grace, records it, and keeps the delivery queued', async () => {
  const stack = await startStack({ SHUTDOWN_GRACE: '200ms' })
  const sink = await startSink()
  const dbPath = `${stack.dir}/nashra.db`
  try {
    sink.respond(() => 'hang')
    const sub = (await stack.api('POST', '/v1/subscribers', { name: 'Slow', url: sink.url, languages: ['en'] })).json
    await stack.api('POST', '/v1/articles', summitPost)
    await sink.waitFor(1)
    const started = Date.now()
    await stack.app.close()
    assert.ok(Date.now() - started < 5_000, 'shutdown waited only about the grace period')
    const storage = openSqliteStorage(dbPath)
    try {
      const [delivery] = await storage.listDeliveries(sub.id, { limit: 10 })
      assert.equal(delivery?.status, 'pending')
      const attempts = await storage.listAttempts(delivery!.id)
      assert.equal(attempts.length, 1)
      assert.match(attempts[0]!.error ?? '', /ABORTED/)
    } finally {
      await storage.close()
    }
  } finally {
    await stack.close() // closing the app again is a no-op
    await sink.close()
  }
})
