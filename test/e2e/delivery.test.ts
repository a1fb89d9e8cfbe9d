// The delivery engine on real sockets: order under retries, Retry-After, 410, kills first,
// secret rotation, the address guard at registration and at connect time.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { eventually } from '../helpers/app.ts'
import { type Sink, startSink } from '../helpers/sink.ts'
import { type Stack, startStack } from '../helpers/stack.ts'

const FAST = { DELIVERY_RETRY_SCHEDULE: '100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms' }

async function withStack (env: Record<string, string>, fn: (stack: Stack, sink: Sink) => Promise<void>): Promise<void> {
  const stack = await startStack(env)
  const sink = await startSink()
  try {
    await fn(stack, sink)
  } finally {
    await stack.close()
    await sink.close()
  }
}

async function subscribe (stack: Stack, sink: Sink, extra: Record<string, unknown> = {}) {
  const res = await stack.api('POST', '/v1/subscribers', { name: 'Partner', url: sink.url, languages: ['en'], ...extra })
  assert.equal(res.status, 201, res.text)
  return res.json as { id: string; secret: string }
}

const story = (n: number, extra: Record<string, unknown> = {}) =>
  ({ ...summitPost, guid: `urn:test:story-${n}`, headline: `${summitPost.headline} ${n}`, ...extra })

describe('delivery engine', () => {
  it('keeps a story\'s versions in order while the first is being retried', () => withStack(FAST, async (stack, sink) => {
    // The first three attempts fail; by then version 2 is queued behind version 1.
    sink.respond((i) => (i < 3 ? 503 : 200))
    await subscribe(stack, sink)
    const v1 = await stack.api('POST', '/v1/articles', story(1))
    await sink.waitFor(1)
    await stack.api('POST', '/v1/articles', story(1, { headline: 'عنوان محدث' }))
    const received = await sink.waitFor(5)
    const versions = received.map((r) => Number(r.headers['x-nashra-version']))
    assert.deepEqual(versions, [1, 1, 1, 1, 2], 'version 2 waited until version 1 got through')
    assert.deepEqual(received.map((r) => r.headers['x-nashra-event']), ['new', 'new', 'new', 'new', 'update'])
    const sequences = received.map((r) => Number(r.headers['x-nashra-sequence']))
    assert.deepEqual(sequences, [1, 1, 1, 1, 2])
    assert.equal(new Set(received.slice(0, 4).map((r) => r.headers['webhook-id'])).size, 1, 'one webhook-id across retries')
    const list = await stack.api('GET', `/v1/subscribers/${(await stack.api('GET', '/v1/subscribers')).json.subscribers[0].id}/deliveries`)
    assert.equal(list.json.deliveries[0].articleId, v1.json.id)
    const detail = await stack.api('GET', `/v1/deliveries/${list.json.deliveries[0].id}`)
    assert.deepEqual(detail.json.attemptLog.map((a: { statusCode: number }) => a.statusCode), [503, 503, 503, 200])
  }))

  it('honours Retry-After, and waits at least a minute after a 429', () => withStack(FAST, async (stack, sink) => {
    sink.respond((i) => (i === 0 ? { status: 503, headers: { 'retry-after': '2' } } : i === 1 ? 429 : 200))
    const sub = await subscribe(stack, sink)
    await stack.api('POST', '/v1/articles', story(2))
    const [first, second] = await sink.waitFor(2)
    assert.ok(second!.at.getTime() - first!.at.getTime() >= 1900, 'the retry waited for Retry-After')
    const delivery = await eventually(async () => {
      const d = (await stack.api('GET', `/v1/subscribers/${sub.id}/deliveries`)).json.deliveries[0]
      return d.attempts === 2 ? d : undefined
    }, 5000, 'the 429 to be recorded')
    assert.equal(delivery.lastStatusCode, 429)
    assert.ok(Date.parse(delivery.nextAttemptAt) - Date.now() > 50_000, 'next try at least a minute after the 429')
  }))

  it('disables a subscriber whose endpoint answers 410 Gone, and records why', () => withStack(FAST, async (stack, sink) => {
    sink.respond(() => 410)
    const sub = await subscribe(stack, sink)
    await stack.api('POST', '/v1/articles', story(3))
    await sink.waitFor(1)
    const view = await eventually(async () => {
      const s = (await stack.api('GET', `/v1/subscribers/${sub.id}`)).json
      return s.active === false ? s : undefined
    }, 5000, 'the subscriber to be disabled')
    assert.match(view.disabledReason, /410/)
    const events = (await stack.api('GET', `/v1/subscribers/${sub.id}/events`)).json.events
    assert.ok(events.some((e: { kind: string }) => e.kind === 'disabled'))
    // Re-enabling resumes the queue.
    sink.respond(() => 200)
    const patched = await stack.api('PATCH', `/v1/subscribers/${sub.id}`, { active: true })
    assert.equal(patched.status, 200)
    await sink.waitFor(2)
  }))

  it('sends a kill first, to everyone who had the story, even past their filters', () => withStack(FAST, async (stack, sink) => {
    const sub = await subscribe(stack, sink, { filters: { categories: ['politics'] } })
    const killed = await stack.api('POST', '/v1/articles', story(4))
    await sink.waitFor(1)
    // The partner stops taking politics and goes down; two more stories queue up for it.
    await stack.api('PATCH', `/v1/subscribers/${sub.id}`, { filters: { categories: ['economy'] } })
    sink.respond(() => 503)
    await stack.api('POST', '/v1/articles', story(5, { category: 'economy' }))
    await sink.waitFor(2)
    const queued = await stack.api('POST', '/v1/articles', story(6, { category: 'economy' }))
    const kill = await stack.api('POST', `/v1/articles/${killed.json.id}/kill`)
    assert.equal(kill.status, 202, kill.text)
    assert.equal(kill.json.version, 2)
    await eventually(async () => {
      const v = (await stack.api('GET', `/v1/articles/${killed.json.id}`)).json
      return v.status === 'distributed' ? v : undefined
    }, 5000, 'the kill to be distributed')
    const before = sink.received.length
    sink.respond(() => 200)
    const all = await sink.waitFor(before + 3)
    const after = all.slice(before).map((r) => r.headers['x-nashra-event'])
    // At most the one attempt that was already in flight may land before the kill.
    const killAt = after.indexOf('kill')
    assert.ok(killAt === 0 || killAt === 1, `the kill went ahead of the queue: ${after.join(', ')}`)
    const killDelivery = all[before + killAt]!
    assert.match(killDelivery.body, /stat:canceled/)
    assert.equal(killDelivery.headers['x-nashra-article-id'], killed.json.id)
    const story6 = all.findIndex((r) => r.headers['x-nashra-article-id'] === queued.json.id)
    assert.ok(story6 > before + killAt, 'the story queued last waited behind the kill')
    assert.equal((await stack.api('GET', `/v1/articles/${killed.json.id}`)).json.pubStatus, 'canceled')
  }))

  it('signs with both secrets during a rotation', () => withStack(FAST, async (stack, sink) => {
    const sub = await subscribe(stack, sink)
    const rotated = await stack.api('POST', `/v1/subscribers/${sub.id}/rotate-secret`)
    assert.equal(rotated.status, 200)
    assert.notEqual(rotated.json.secret, sub.secret)
    await stack.api('POST', '/v1/articles', story(7))
    const [delivery] = await sink.waitFor(1)
    const headers = delivery!.headers as Record<string, string>
    assert.equal(headers['webhook-signature']!.split(' ').length, 2)
    new Webhook(sub.secret).verify(delivery!.body, headers, { jsonParse: false })
    new Webhook(rotated.json.secret).verify(delivery!.body, headers, { jsonParse: false })
    assert.throws(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(delivery!.body, headers, { jsonParse: false }))
  }))

  it('lists, filters, replays and deletes', () => withStack(FAST, async (stack, sink) => {
    const sub = await subscribe(stack, sink, { filters: { minUrgency: 3 } })
    await stack.api('POST', '/v1/articles', story(8, { urgency: 2 }))
    await stack.api('POST', '/v1/articles', story(9, { urgency: 6 })) // not urgent enough: filtered out
    await stack.api('POST', '/v1/articles', story(10, { urgency: 3 }))
    await sink.waitFor(2)
    const delivered = await eventually(async () => {
      const d = (await stack.api('GET', `/v1/subscribers/${sub.id}/deliveries?status=delivered`)).json.deliveries
      return d.length === 2 ? d : undefined
    }, 5000, 'two delivered')
    assert.deepEqual(delivered.map((d: { sequence: number }) => d.sequence), [1, 2])
    const replay = await stack.api('POST', `/v1/subscribers/${sub.id}/replay`, { since: '2000-01-01T00:00:00Z' })
    assert.equal(replay.json.replayed, 2)
    const again = await sink.waitFor(4)
    assert.deepEqual(again.slice(2).map((r) => r.headers['webhook-id']), again.slice(0, 2).map((r) => r.headers['webhook-id']),
      'a replay re-sends the same messages, in order')
    const one = await stack.api('POST', `/v1/deliveries/${delivered[0].id}/retry`)
    assert.equal(one.status, 202)
    await sink.waitFor(5)
    assert.equal((await stack.api('DELETE', `/v1/subscribers/${sub.id}`)).status, 204)
    assert.equal((await stack.api('GET', `/v1/subscribers/${sub.id}`)).status, 404)
  }))

  it('refuses internal addresses at registration, and at connect time', () => withStack({ ...FAST, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }, async (stack, sink) => {
    for (const url of ['http://127.0.0.1:9/x', 'http://[::1]/x', 'http://localhost/x', 'http://169.254.169.254/latest', 'http://10.1.2.3/', 'http://[::ffff:192.168.1.1]/']) {
      const res = await stack.api('POST', '/v1/subscribers', { name: 'x', url, languages: ['en'] })
      assert.equal(res.status, 400, url)
      assert.equal(res.json['invalid-params'][0].name, '/body/url')
    }
    // A subscriber that got in some other way (the policy changed since) is still stopped at connect.
    await stack.app.storage.createSubscriber({
      id: '5f0c8e1e-2b7a-4c1e-9d57-9b0f6c1a2b3c',
      name: 'inside',
      mode: 'push',
      url: sink.url,
      format: 'newsml-g2',
      languages: ['en'],
      filters: {},
      active: true,
      disabledReason: null,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`
    })
    await stack.api('POST', '/v1/articles', story(11))
    const failed = await eventually(async () => {
      const d = (await stack.api('GET', '/v1/subscribers/5f0c8e1e-2b7a-4c1e-9d57-9b0f6c1a2b3c/deliveries')).json.deliveries[0]
      return d !== undefined && d.attempts > 0 ? d : undefined
    }, 5000, 'an attempt to be recorded')
    assert.match(failed.lastError, /ERR_NASHRA_ADDRESS_REFUSED/)
    assert.equal(sink.received.length, 0, 'not a single request reached the internal endpoint')
  }))
})
