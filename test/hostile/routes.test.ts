// Hostile requests to every other route: generated bodies, path parameters and query strings for
// subscribers, keys, glossary, replay, deliveries and the feed. No 5xx, no hang, problem+json
// for every error, nothing stored for a refused request; what is accepted had its declared types.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { auth } from '../helpers/app.ts'
import { glossaryBody, hostileValue, keyBody, looseDate, pathSegment, queryValue, subscriberBody, unknownFields, usually } from './arbitraries.ts'
import { type HostileApp, hostileRequest, startHostileApp } from './harness.ts'

/** A generated value as query text: hostile values include objects String() cannot convert ({ toString: 'x' }). */
const queryText = (value: unknown): string => typeof value === 'string' ? value : JSON.stringify(value) ?? ''

describe('hostile input: every other route', () => {
  let h: HostileApp
  before(async () => { h = await startHostileApp() })
  after(async () => { await h.close() })

  const send = (method: string, url: string, payload?: unknown, key?: string) => ({
    method: method as 'GET',
    url,
    headers: auth(key),
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) ?? 'null', headers: { ...auth(key), 'content-type': 'application/json' } })
  })

  it('POST /v1/subscribers: 50 generated bodies', async () => {
    let n = 0
    await fc.assert(fc.asyncProperty(subscriberBody, async (body) => {
      const what = `POST /v1/subscribers #${n++} ${JSON.stringify(body).slice(0, 300)}`
      const { res, accepted } = await hostileRequest(h.app, h.counter, send('POST', '/v1/subscribers', body), what)
      if (accepted) {
        assert.equal(res.statusCode, 201, what)
        assert.equal(typeof body.name, 'string', `${what}: name coerced`)
        if ('active' in body) assert.equal(typeof body.active, 'boolean', `${what}: active coerced`)
      }
    }), { numRuns: 50, endOnFailure: true })
  })

  it('PATCH /v1/subscribers/:id: 40 generated bodies and ids, unknown fields refused', async () => {
    let n = 0
    const id = fc.oneof({ arbitrary: fc.constant(h.subscriberId), weight: 3 }, { arbitrary: pathSegment, weight: 1 })
    await fc.assert(fc.asyncProperty(id, subscriberBody, async (target, body) => {
      const what = `PATCH #${n++} ${target} ${JSON.stringify(body).slice(0, 300)}`
      const { accepted } = await hostileRequest(h.app, h.counter, send('PATCH', `/v1/subscribers/${target}`, body), what)
      if (accepted) {
        for (const key of Object.keys(body)) {
          assert.ok(['name', 'mode', 'url', 'format', 'formatVersion', 'languages', 'filters', 'active'].includes(key), `${what}: unknown field ${key} accepted`)
        }
      }
    }), { numRuns: 40, endOnFailure: true })
    const unknown = await h.app.inject(send('PATCH', `/v1/subscribers/${h.subscriberId}`, { name: 'x', colour: 'red' }))
    assert.equal(unknown.statusCode, 400)
    assert.deepEqual(unknown.json()['invalid-params'], [{ name: '/body/colour', reason: 'is not a known field' }])
  })

  it('POST /v1/keys: 40 generated bodies; a role is never coerced from an array', async () => {
    let n = 0
    await fc.assert(fc.asyncProperty(keyBody, async (body) => {
      const what = `POST /v1/keys #${n++} ${JSON.stringify(body).slice(0, 300)}`
      const { res, accepted } = await hostileRequest(h.app, h.counter, send('POST', '/v1/keys', body), what)
      if (accepted) assert.equal(res.json().role, (body as { role: unknown }).role, `${what}: role coerced`)
    }), { numRuns: 40, endOnFailure: true })
    const array = await h.app.inject(send('POST', '/v1/keys', { role: ['admin'], label: 'x' }))
    assert.equal(array.statusCode, 400)
    assert.deepEqual(array.json()['invalid-params'], [{ name: '/body/role', reason: 'must be one of "admin", "editor", "subscriber"' }])
  })

  it('POST /v1/glossary and DELETE /v1/glossary/:id: 50 generated requests', async () => {
    let n = 0
    await fc.assert(fc.asyncProperty(glossaryBody, async (body) => {
      await hostileRequest(h.app, h.counter, send('POST', '/v1/glossary', body), `POST /v1/glossary #${n++} ${JSON.stringify(body).slice(0, 300)}`)
    }), { numRuns: 35, endOnFailure: true })
    await fc.assert(fc.asyncProperty(pathSegment, async (id) => {
      await hostileRequest(h.app, h.counter, send('DELETE', `/v1/glossary/${id}`), `DELETE /v1/glossary/${id}`)
    }), { numRuns: 15, endOnFailure: true })
  })

  it('POST /v1/subscribers/:id/replay: 30 generated since values, leap seconds and year 0 refused', async () => {
    const body = fc.oneof(
      fc.record({ since: fc.oneof(looseDate, hostileValue) }).chain((b) => unknownFields.map((extra) => ({ ...extra, ...b }))),
      hostileValue
    )
    let n = 0
    await fc.assert(fc.asyncProperty(body, async (payload) => {
      const what = `replay #${n++} ${JSON.stringify(payload).slice(0, 200)}`
      await hostileRequest(h.app, h.counter, send('POST', `/v1/subscribers/${h.subscriberId}/replay`, payload), what)
    }), { numRuns: 30, endOnFailure: true })
    for (const since of ['2026-12-31T23:59:60Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59']) {
      const res = await h.app.inject(send('POST', `/v1/subscribers/${h.subscriberId}/replay`, { since }))
      assert.equal(res.statusCode, 400, since)
      assert.equal(res.json()['invalid-params'][0].name, '/body/since')
    }
  })

  it('GET /v1/feed: 40 generated query strings; Infinity, 1e400 and waits over 30 s refused', async () => {
    const query = fc.dictionary(fc.constantFrom('after', 'limit', 'wait', 'x'), fc.oneof(queryValue, fc.constantFrom('0', '0.05')), { maxKeys: 3 })
      // A valid long wait would only make the test slow; the cap itself is checked below.
      .filter((q) => q.wait === undefined || !(Number(q.wait) > 0.05 && Number(q.wait) <= 30))
    let n = 0
    await fc.assert(fc.asyncProperty(query, async (q) => {
      const url = `/v1/feed?${new URLSearchParams(q).toString()}`
      await hostileRequest(h.app, h.counter, send('GET', url, undefined, h.feedKey), `GET #${n++} ${url}`)
    }), { numRuns: 40, endOnFailure: true })
    for (const qs of ['after=100000&wait=Infinity', 'wait=%2BInfinity', 'wait=1e400', 'after=1e400', 'after=Infinity', 'wait=31', 'after=9007199254740993', 'limit=NaN']) {
      const res = await h.app.inject(send('GET', `/v1/feed?${qs}`, undefined, h.feedKey))
      assert.equal(res.statusCode, 400, `${qs}: ${res.body}`)
      assert.match(res.json()['invalid-params'][0].name, /^\/querystring\/(after|wait|limit)$/, qs)
    }
  })

  it('subscriber, delivery and article routes by id: 60 generated ids and queries', async () => {
    const routes: Array<[string, (id: string) => string]> = [
      ['GET', (id) => `/v1/subscribers/${id}`], ['GET', (id) => `/v1/subscribers/${id}/events`],
      ['POST', (id) => `/v1/subscribers/${id}/rotate-secret`], ['GET', (id) => `/v1/deliveries/${id}`],
      ['POST', (id) => `/v1/deliveries/${id}/retry`], ['GET', (id) => `/v1/articles/${id}`],
      ['POST', (id) => `/v1/articles/${id}/kill`], ['POST', (id) => `/v1/articles/${id}/retry`], ['DELETE', (id) => `/v1/subscribers/${id}`]
    ]
    let n = 0
    await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), pathSegment, async ([method, url], id) => {
      await hostileRequest(h.app, h.counter, send(method, url(id)), `${method} #${n++} ${url(id)}`)
    }), { numRuns: 30, endOnFailure: true })
    const query = fc.dictionary(fc.constantFrom('status', 'after', 'limit', 'y'), fc.oneof(queryValue, usually(fc.constantFrom('pending', 'feed')).map(queryText)), { maxKeys: 3 })
    await fc.assert(fc.asyncProperty(query, async (q) => {
      const url = `/v1/subscribers/${h.subscriberId}/deliveries?${new URLSearchParams(q).toString()}`
      await hostileRequest(h.app, h.counter, send('GET', url), `GET #${n++} ${url}`)
    }), { numRuns: 30, endOnFailure: true })
  })

  it('story list, versions, usage and key routes: 60 generated queries and ids', async () => {
    const listQuery = fc.dictionary(fc.constantFrom('guid', 'status', 'event', 'category', 'since', 'until', 'q', 'cursor', 'limit', 'x'),
      fc.oneof(queryValue, fc.constantFrom('received', 'kill', 'sport', 'الزيتون', 'zz_-1')), { maxKeys: 4 })
    let n = 0
    await fc.assert(fc.asyncProperty(listQuery, async (q) => {
      const url = `/v1/articles?${new URLSearchParams(q).toString()}`
      await hostileRequest(h.app, h.counter, send('GET', url, undefined, h.editorKey), `GET #${n++} ${url}`)
    }), { numRuns: 30, endOnFailure: true })
    const usageQuery = fc.dictionary(fc.constantFrom('since', 'until', 'x'), fc.oneof(queryValue, fc.constantFrom('2026-05-01', '0000-01-01', '2026-02-30')), { maxKeys: 2 })
    await fc.assert(fc.asyncProperty(usageQuery, async (q) => {
      const url = `/v1/usage?${new URLSearchParams(q).toString()}`
      await hostileRequest(h.app, h.counter, send('GET', url), `GET #${n++} ${url}`)
    }), { numRuns: 15, endOnFailure: true })
    await fc.assert(fc.asyncProperty(fc.constantFrom('GET /v1/articles/%s/versions', 'DELETE /v1/keys/%s'), pathSegment, async (route, id) => {
      const [method, path] = route.split(' ') as [string, string]
      await hostileRequest(h.app, h.counter, send(method, path.replace('%s', id)), `${method} #${n++} ${path.replace('%s', id)}`)
    }), { numRuns: 15, endOnFailure: true })
    const leap = await h.app.inject(send('GET', '/v1/articles?since=2026-12-31T23:59:60Z', undefined, h.editorKey))
    assert.equal(leap.statusCode, 400)
    assert.equal(leap.json()['invalid-params'][0].name, '/querystring/since')
  })
})
