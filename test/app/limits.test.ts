// Inbound limits through the API: the per-key rate limit and load shedding answer RFC 9457
// problems with Retry-After; health checks and /metrics stay reachable; the server timeouts and
// PUBLIC_BASE_URL are applied.
import assert from 'node:assert/strict'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { auth, buildTestApp } from '../helpers/app.ts'

describe('inbound limits', () => {
  it('limits requests per API key with a 429 problem and Retry-After', async () => {
    const t = await buildTestApp({ startWorkers: false, env: { RATE_LIMIT_PER_MINUTE: '3' } })
    try {
      const editor = (await t.app.inject({ method: 'POST', url: '/v1/keys', headers: auth(), payload: { role: 'editor', label: 'CMS' } })).json().key
      for (let i = 0; i < 2; i++) assert.equal((await t.app.inject({ url: '/v1/glossary', headers: auth() })).statusCode, 200)
      const limited = await t.app.inject({ url: '/v1/glossary', headers: auth() })
      assert.equal(limited.statusCode, 429)
      assert.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')
      const retryAfter = Number(limited.headers['retry-after'])
      assert.ok(retryAfter > 0 && retryAfter <= 60, `retry-after ${limited.headers['retry-after']}`)
      const problem = limited.json()
      assert.equal(problem.status, 429)
      assert.equal(problem.code, 'NASHRA_RATE_LIMITED')
      assert.match(problem.detail, /3 requests a minute/)
      // Another key has its own allowance; health checks have none.
      assert.equal((await t.app.inject({ url: '/v1/glossary', headers: auth(editor) })).statusCode, 200)
      for (let i = 0; i < 5; i++) assert.equal((await t.app.inject({ url: '/health' })).statusCode, 200)
    } finally {
      await t.close()
    }
  })

  it('sheds load with a 503 problem and Retry-After while the event loop is saturated, but still answers /health and /metrics', async () => {
    const t = await buildTestApp({ startWorkers: false, env: { MAX_EVENT_LOOP_DELAY: '50ms' } })
    try {
      await t.app.ready()
      assert.equal((await t.app.inject({ url: '/v1/glossary', headers: auth() })).statusCode, 200)
      const deadline = Date.now() + 15_000
      let shed: Awaited<ReturnType<typeof t.app.inject>> | undefined
      while (shed === undefined && Date.now() < deadline) {
        // Saturate the loop for longer than one sampling interval (1 s), then let the sampler run.
        const until = performance.now() + 1_100
        while (performance.now() < until) { /* busy: this is the overload */ }
        await nextTurn()
        await nextTurn()
        const res = await t.app.inject({ url: '/v1/glossary', headers: auth() })
        if (res.statusCode === 503) shed = res
        else assert.equal(res.statusCode, 200)
      }
      assert.ok(shed !== undefined, 'never shed load')
      assert.equal(shed.headers['content-type'], 'application/problem+json; charset=utf-8')
      assert.equal(shed.headers['retry-after'], '5')
      assert.equal(shed.json().code, 'NASHRA_OVERLOADED')
      assert.equal(shed.json().status, 503)
      // Same sampling window: the loop is still reported saturated, yet these answer.
      assert.equal((await t.app.inject({ url: '/health' })).statusCode, 200)
      assert.equal((await t.app.inject({ url: '/metrics', headers: auth() })).statusCode, 200)
      assert.equal((await t.app.inject({ url: '/v1/glossary', headers: auth() })).statusCode, 503)
    } finally {
      await t.close()
    }
  })

  it('sets the server timeouts from the configuration', async () => {
    const t = await buildTestApp({
      startWorkers: false,
      env: { HTTP_CONNECTION_TIMEOUT: '90s', HTTP_REQUEST_TIMEOUT: '20s', HTTP_KEEP_ALIVE_TIMEOUT: '65s' }
    })
    try {
      assert.equal(t.app.server.timeout, 90_000)
      assert.equal(t.app.server.requestTimeout, 20_000)
      assert.equal(t.app.server.keepAliveTimeout, 65_000)
    } finally {
      await t.close()
    }
  })
})
