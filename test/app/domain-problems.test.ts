// Domain errors as the API answers them: each kind keeps the status, type, title, code, field and
// extension members it had when the domain threw HTTP errors itself.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ConflictError, type ConflictKind } from '../../src/errors.ts'
import { toProblem } from '../../src/http/problem.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { ADMIN_KEY, auth, buildTestApp, type TestApp } from '../helpers/app.ts'

const NOBODY = '00000000-0000-4000-8000-000000000000'

describe('domain errors as problems', () => {
  let t: TestApp
  before(async () => { t = await buildTestApp({ startWorkers: false }) })
  after(async () => { await t.close() })

  const post = (url: string, payload?: object) =>
    t.app.inject({ method: 'POST', url, headers: auth(), ...(payload === undefined ? {} : { payload }) })

  it('a story not in the language it claims: 422 unsupported-source naming the field', async () => {
    const res = await post('/v1/articles', { ...summitPost, guid: 'urn:test:latin', headline: 'Leaders agree', body: 'The summit ended on Thursday.' })
    const p = res.json()
    assert.deepEqual([res.statusCode, p.status, p.type, p.title, p.code],
      [422, 422, 'urn:nashra:problem:unsupported-source', 'Source text not accepted', 'NASHRA_UNSUPPORTED_SOURCE'])
    assert.equal(p['invalid-params'][0].name, '/body/body')
    assert.equal(p.detail, `/body/body: ${p['invalid-params'][0].reason}`)
  })

  it('an empty headline: 400 invalid-request naming the field', async () => {
    const res = await post('/v1/articles', { ...summitPost, headline: '   ' })
    const p = res.json()
    assert.deepEqual([res.statusCode, p.type, p.title, p.code], [400, 'urn:nashra:problem:invalid-request', 'Invalid request', 'NASHRA_INVALID_REQUEST'])
    assert.deepEqual(p['invalid-params'], [{ name: '/body/headline', reason: 'is empty once whitespace is removed' }])
    assert.equal(p.detail, '/body/headline: is empty once whitespace is removed')
  })

  it('what does not exist: 404 titled by what it is, with what exists', async () => {
    const article = await t.app.inject({ url: `/v1/articles/${NOBODY}`, headers: auth() })
    assert.deepEqual([article.statusCode, article.json().title, article.json().type, article.json().detail],
      [404, 'Article not found', 'urn:nashra:problem:not-found', `No article has the id ${NOBODY}.`])
    const { id } = (await post('/v1/articles', { ...summitPost, guid: 'urn:test:versions' })).json()
    const version = await t.app.inject({ url: `/v1/articles/${id}?version=7`, headers: auth() })
    assert.deepEqual([version.statusCode, version.json().title, version.json().versions], [404, 'Article version not found', [1]])
    const delivery = await t.app.inject({ url: `/v1/deliveries/${NOBODY}`, headers: auth() })
    assert.deepEqual([delivery.statusCode, delivery.json().title], [404, 'Delivery not found'])
    const subscriber = await post(`/v1/subscribers/${NOBODY}/replay`, { since: '2026-01-01T00:00:00Z' })
    assert.deepEqual([subscriber.statusCode, subscriber.json().title], [404, 'Subscriber not found'])
    const format = await t.app.inject({ url: `/v1/articles/${id}/renditions/nope`, headers: auth() })
    assert.deepEqual([format.statusCode, format.json().title, Array.isArray(format.json().formats)], [404, 'Format not found', true])
  })

  it('a retry of a story that has not failed: 409 not-failed with its status', async () => {
    const { id } = (await post('/v1/articles', { ...summitPost, guid: 'urn:test:not-failed' })).json()
    const res = await post(`/v1/articles/${id}/retry`)
    const p = res.json()
    assert.deepEqual([res.statusCode, p.type, p.title, p.code, p.versionStatus, p.version],
      [409, 'urn:nashra:problem:not-failed', 'Nothing to retry', 'NASHRA_NOT_FAILED', 'received', 1])
  })

  it('revoking the last admin key: 409 last-admin-key', async () => {
    const keys = (await t.app.inject({ url: '/v1/keys', headers: auth() })).json().keys as Array<{ id: string; role: string }>
    const admin = keys.find((k) => k.role === 'admin')!
    const res = await t.app.inject({ method: 'DELETE', url: `/v1/keys/${admin.id}`, headers: auth(ADMIN_KEY) })
    assert.deepEqual([res.statusCode, res.json().title, res.json().code], [409, 'Last admin key', 'NASHRA_LAST_ADMIN_KEY'])
  })

  it('a subscriber key without its subscriber: 400 naming /body/subscriberId', async () => {
    const res = await post('/v1/keys', { role: 'subscriber', label: 'feed' })
    assert.deepEqual([res.statusCode, res.json()['invalid-params']], [400, [{ name: '/body/subscriberId', reason: 'is required for role subscriber' }]])
  })

  it('maps every conflict kind to its own problem type, with the facts as members', () => {
    const expected: Record<ConflictKind, [string, string]> = {
      'story-killed': ['urn:nashra:problem:story-killed', 'Story killed'],
      'not-failed': ['urn:nashra:problem:not-failed', 'Nothing to retry'],
      'pull-delivery': ['urn:nashra:problem:pull-delivery', 'Nothing to re-send'],
      'delivery-canceled': ['urn:nashra:problem:delivery-canceled', 'Delivery canceled'],
      'last-admin-key': ['urn:nashra:problem:last-admin-key', 'Last admin key']
    }
    for (const [kind, [type, title]] of Object.entries(expected)) {
      const { problem } = toProblem(new ConflictError(kind as ConflictKind, 'why', { fact: 1 }), '/x')
      assert.deepEqual([problem.status, problem.type, problem.title, problem.detail, problem.fact], [409, type, title, 'why', 1], kind)
    }
  })
})
