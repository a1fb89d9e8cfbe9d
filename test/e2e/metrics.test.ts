// /metrics on a real port after real deliveries (one retried, one left pending), parsed strictly:
// HTTP latency by route pattern, translation by language, deliveries by outcome, the outbox per
// subscriber, the circuit breaker; and who may scrape.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { eventually } from '../helpers/app.ts'
import { parsePrometheus, sampleValue } from '../helpers/prometheus.ts'
import { startSink } from '../helpers/sink.ts'
import { startStack } from '../helpers/stack.ts'

const METRICS_TOKEN = 'metrics-token-0123456789abcdef'

describe('/metrics', () => {
  it('reports deliveries, translation, HTTP and the outbox after a real delivery', async () => {
    // A first failure is retried 100 ms later; after that, an hour: the failing partner stays pending.
    const stack = await startStack({ METRICS_TOKEN, DELIVERY_RETRY_SCHEDULE: '100ms,1h' })
    const good = await startSink()
    const failing = await startSink()
    try {
      good.respond((i) => (i === 0 ? 503 : 204))
      failing.respond(() => 503)
      const subs: Record<string, string> = {}
      for (const [name, sink] of [['good', good], ['failing', failing]] as const) {
        const res = await stack.api('POST', '/v1/subscribers', { name, url: sink.url, languages: ['en'] })
        assert.equal(res.status, 201, res.text)
        subs[name] = res.json.id
      }
      const posted = await stack.api('POST', '/v1/articles', summitPost)
      assert.equal(posted.status, 202, posted.text)
      await good.waitFor(2)
      await failing.waitFor(2)
      const scrape = async () => {
        const res = await fetch(`${stack.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
        assert.equal(res.status, 200)
        assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
        return parsePrometheus(await res.text())
      }
      // Attempts are recorded a moment after they finish: wait until all four are.
      const samples = await eventually(async () => {
        const s = await scrape()
        const recorded = (sampleValue(s, 'nashra_delivery_attempts_total', { outcome: 'pending' }) ?? 0) +
          (sampleValue(s, 'nashra_delivery_attempts_total', { outcome: 'delivered' }) ?? 0)
        return recorded >= 4 ? s : undefined
      })

      assert.equal(sampleValue(samples, 'nashra_delivery_attempts_total', { outcome: 'delivered' }), 1)
      assert.equal(sampleValue(samples, 'nashra_delivery_attempts_total', { outcome: 'pending' }), 3)
      assert.equal(sampleValue(samples, 'nashra_delivery_duration_seconds_count', { outcome: 'delivered' }), 1)
      assert.ok(sampleValue(samples, 'nashra_translation_characters_total', { target_language: 'en', outcome: 'ok' })! > 100)
      assert.ok(sampleValue(samples, 'nashra_translation_requests_total', { target_language: 'en', outcome: 'ok' })! >= 1)
      assert.ok(sampleValue(samples, 'nashra_translation_engine_duration_seconds_count', { target_language: 'en', outcome: 'ok' })! >= 1)
      assert.equal(sampleValue(samples, 'nashra_translation_circuit_state', { state: 'closed' }), 1)
      assert.equal(sampleValue(samples, 'nashra_translation_circuit_state', { state: 'open' }), 0)
      assert.equal(sampleValue(samples, 'nashra_versions', { status: 'received' }), 0)
      assert.equal(sampleValue(samples, 'nashra_versions', { status: 'failed' }), 0)

      // The failing partner's delivery waits in the outbox; the good one's does not.
      assert.equal(sampleValue(samples, 'nashra_outbox_depth', { subscriber: subs['failing']! }), 1)
      assert.equal(sampleValue(samples, 'nashra_outbox_depth', { subscriber: subs['good']! }), undefined)
      const age = sampleValue(samples, 'nashra_outbox_oldest_pending_age_seconds', { subscriber: subs['failing']! })!
      assert.ok(age >= 0 && age < 300, `age ${age}`)

      // Latency is labelled by route pattern, never by a URL holding an id.
      assert.equal(sampleValue(samples, 'nashra_http_request_duration_seconds_count', { method: 'POST', route: '/v1/articles', status_code: '202' }), 1)
      await stack.api('GET', `/v1/articles/${posted.json.id}`)
      const again = await scrape()
      assert.equal(sampleValue(again, 'nashra_http_request_duration_seconds_count', { method: 'GET', route: '/v1/articles/:id', status_code: '200' }), 1)
      assert.ok(!again.some((s) => Object.values(s.labels).some((v) => v.includes(posted.json.id))), 'an article id became a label')
    } finally {
      await stack.close()
      await good.close()
      await failing.close()
    }
  })

  it('answers admins and the metrics token, and nobody else', async () => {
    const stack = await startStack({ METRICS_TOKEN })
    try {
      const editor = await stack.api('POST', '/v1/keys', { role: 'editor', label: 'CMS' })
      const get = (key?: string) => fetch(`${stack.base}/metrics`, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } })
      const anonymous = await get()
      assert.equal(anonymous.status, 401)
      assert.equal(anonymous.headers.get('content-type'), 'application/problem+json; charset=utf-8')
      await anonymous.body?.cancel()
      const forbidden = await get(editor.json.key)
      assert.equal(forbidden.status, 403)
      await forbidden.body?.cancel()
      const wrong = await get(`${METRICS_TOKEN}x`)
      assert.equal(wrong.status, 401)
      await wrong.body?.cancel()
      for (const key of [METRICS_TOKEN, undefined]) {
        const res = key === undefined ? await stack.api('GET', '/metrics') : await get(key)
        assert.equal(res.status, 200)
        if (res instanceof Response) await res.body?.cancel()
      }
    } finally {
      await stack.close()
    }
  })
})
