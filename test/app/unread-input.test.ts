// Input a route does not read is refused (issue 10: unknown fields refused on every route): a
// body with fields where none is read, a query parameter where none is. A bare request or {} still
// works, and nothing is changed by a refused one.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { auth, buildTestApp, type TestApp } from '../helpers/app.ts'

describe('routes that read no body', () => {
  let t: TestApp
  let subscriberId = ''
  before(async () => {
    t = await buildTestApp({ startWorkers: false })
    const sub = await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'Desk', mode: 'pull', languages: ['en'] } })
    assert.equal(sub.statusCode, 201, sub.body)
    subscriberId = sub.json().id
  })
  after(async () => { await t.close() })

  it('refuse a body with fields, naming each, and change nothing', async () => {
    for (const [method, url] of [['POST', `/v1/subscribers/${subscriberId}/rotate-secret`], ['DELETE', `/v1/subscribers/${subscriberId}`]] as const) {
      const res = await t.app.inject({ method, url, headers: auth(), payload: { force: true } })
      assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`)
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
      assert.deepEqual(res.json()['invalid-params'].map((p: { name: string }) => p.name), ['/body/force'])
    }
    const still = await t.app.inject({ url: `/v1/subscribers/${subscriberId}`, headers: auth() })
    assert.equal(still.statusCode, 200, 'the refused DELETE deleted nothing')
    const events = (await t.app.inject({ url: `/v1/subscribers/${subscriberId}/events`, headers: auth() })).json().events
    assert.ok(!events.some((e: { kind: string }) => e.kind === 'secret-rotated'), 'the refused rotation rotated nothing')
  })

  it('take a bare request and an empty object', async () => {
    const bare = await t.app.inject({ method: 'POST', url: `/v1/subscribers/${subscriberId}/rotate-secret`, headers: auth() })
    assert.equal(bare.statusCode, 200, bare.body)
    const empty = await t.app.inject({ method: 'POST', url: `/v1/subscribers/${subscriberId}/rotate-secret`, headers: auth(), payload: {} })
    assert.equal(empty.statusCode, 200, empty.body)
    const deleted = await t.app.inject({ method: 'DELETE', url: `/v1/subscribers/${subscriberId}`, headers: auth() })
    assert.equal(deleted.statusCode, 204, deleted.body)
  })
})

describe('API routes without query parameters', () => {
  let t: TestApp
  let subscriberId = ''
  before(async () => {
    t = await buildTestApp({ startWorkers: false })
    subscriberId = (await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'Desk', mode: 'pull', languages: ['en'] } })).json().id
  })
  after(async () => { await t.close() })

  it('refuse one, naming it, instead of ignoring a typo', async () => {
    for (const url of [`/v1/subscribers/${subscriberId}?verbose=1`, '/v1/glossary?lang=en', '/v1/pipeline?x=']) {
      const res = await t.app.inject({ url, headers: auth() })
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`)
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
      const name = url.slice(url.indexOf('?') + 1).split('=')[0]
      assert.deepEqual(res.json()['invalid-params'].map((p: { name: string }) => p.name), [`/querystring/${name}`])
    }
  })

  it('still answer without one, and leave probes and documentation alone', async () => {
    assert.equal((await t.app.inject({ url: `/v1/subscribers/${subscriberId}`, headers: auth() })).statusCode, 200)
    assert.equal((await t.app.inject({ url: '/health?probe=lb' })).statusCode, 200)
    assert.equal((await t.app.inject({ url: '/openapi.json?v=1' })).statusCode, 200)
  })
})
