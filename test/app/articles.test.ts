import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { auth, buildTestApp, type TestApp } from '../helpers/app.ts'

describe('POST /v1/articles', () => {
  let t: TestApp
  before(async () => { t = await buildTestApp({ startWorkers: false }) })
  after(async () => { await t.close() })

  const post = (payload: unknown, headers: Record<string, string> = auth()) =>
    t.app.inject({ method: 'POST', url: '/v1/articles', headers, payload: payload as object })

  it('accepts an article with 202 and version 1', async () => {
    const res = await post(summitPost)
    assert.equal(res.statusCode, 202)
    const body = res.json()
    assert.equal(body.guid, summitPost.guid)
    assert.equal(body.version, 1)
    assert.equal(body.status, 'received')
    assert.match(body.id, /^[0-9a-f-]{36}$/)
  })

  it('treats an identical re-post as a no-op: 200 with the same id and version', async () => {
    const first = (await post({ ...summitPost, guid: 'urn:test:same' })).json()
    const again = await post({ ...summitPost, guid: 'urn:test:same' })
    assert.equal(again.statusCode, 200)
    assert.deepEqual({ id: again.json().id, version: again.json().version }, { id: first.id, version: 1 })
  })

  it('creates version n+1 when the same guid comes with changed content', async () => {
    const first = (await post({ ...summitPost, guid: 'urn:test:changing' })).json()
    const second = await post({ ...summitPost, guid: 'urn:test:changing', headline: 'عنوان معدل' })
    assert.equal(second.statusCode, 202)
    assert.equal(second.json().id, first.id)
    assert.equal(second.json().version, 2)
    const view = (await t.app.inject({ url: `/v1/articles/${first.id}`, headers: auth() })).json()
    assert.deepEqual([view.version, view.event, view.headline], [2, 'update', 'عنوان معدل'])
    const third = await post({ ...summitPost, guid: 'urn:test:changing', headline: 'عنوان مصحح', correction: true })
    assert.equal(third.json().version, 3)
    const corrected = (await t.app.inject({ url: `/v1/articles/${first.id}`, headers: auth() })).json()
    assert.equal(corrected.event, 'correction')
  })

  it('refuses a post under a killed guid with 409 naming the kill, and stores nothing', async () => {
    const guid = 'urn:test:killed-for-good'
    const first = (await post({ ...summitPost, guid })).json()
    const kill = await t.app.inject({ method: 'POST', url: `/v1/articles/${first.id}/kill`, headers: auth() })
    assert.equal(kill.statusCode, 202)
    for (const body of [{ ...summitPost, guid }, { ...summitPost, guid, headline: 'عنوان جديد', correction: true }]) {
      const again = await post(body)
      assert.equal(again.statusCode, 409)
      assert.match(String(again.headers['content-type']), /application\/problem\+json/)
      const problem = again.json()
      assert.equal(problem.code, 'NASHRA_STORY_KILLED')
      assert.deepEqual([problem.articleId, problem.killVersion], [first.id, 2])
      assert.match(problem.killedAt, /^\d{4}-\d\d-\d\dT/)
      assert.match(problem.detail, /new guid/)
    }
    const view = (await t.app.inject({ url: `/v1/articles/${first.id}`, headers: auth() })).json()
    assert.deepEqual([view.version, view.event, view.pubStatus], [2, 'kill', 'canceled'])
  })

  it('generates a guid when none is given', async () => {
    const res = await post({ headline: 'خبر', body: 'فقرة أولى' })
    assert.equal(res.statusCode, 202)
    assert.match(res.json().guid, /^urn:uuid:[0-9a-f-]{36}$/)
  })

  it('answers 401 problem+json without a key or with a wrong one, before reading the body', async () => {
    for (const headers of [{}, auth('nsk_wrong'), { authorization: 'Basic abc' }]) {
      const res = await post({ not: 'even valid' }, headers)
      assert.equal(res.statusCode, 401)
      assert.match(res.headers['content-type'] as string, /^application\/problem\+json/)
      assert.equal(res.json().status, 401)
    }
  })

  it('answers 400 problem+json naming every bad field, and stores nothing', async () => {
    const res = await post({ guid: 'urn:test:bad', headline: '', urgency: 12, extra: true })
    assert.equal(res.statusCode, 400)
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/)
    const names = res.json()['invalid-params'].map((p: { name: string }) => p.name).sort()
    assert.deepEqual(names, ['/body/body', '/body/extra', '/body/headline', '/body/urgency'])
    const retry = await post({ ...summitPost, guid: 'urn:test:bad' })
    assert.equal(retry.json().version, 1, 'the rejected request left no version behind')
  })

  it('refuses a body whose paragraphs are all blank, naming the field', async () => {
    const res = await post({ headline: 'خبر', body: ' \n \n\t' })
    assert.equal(res.statusCode, 400)
    assert.deepEqual(res.json()['invalid-params'], [{ name: '/body/body', reason: 'has no paragraph with text' }])
  })

  it('answers invalid JSON with 400 problem+json, not a crash', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/articles', headers: { ...auth(), 'content-type': 'application/json' }, payload: '{"headline": ' })
    assert.equal(res.statusCode, 400)
    assert.equal(res.json()['invalid-params'][0].name, '/body')
  })

  it('answers unknown articles and routes with 404 problem+json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/articles/00000000-0000-4000-8000-000000000000', headers: auth() })
    assert.equal(res.statusCode, 404)
    assert.equal(res.json().status, 404)
    const route = await t.app.inject({ method: 'GET', url: '/v1/nothing', headers: auth() })
    assert.equal(route.statusCode, 404)
    assert.match(route.headers['content-type'] as string, /^application\/problem\+json/)
  })
})

describe('API keys', () => {
  let t: TestApp
  before(async () => { t = await buildTestApp({ startWorkers: false }) })
  after(async () => { await t.close() })

  it('lets an admin create an editor key that can post but not create keys or subscribers', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/v1/keys', headers: auth(), payload: { role: 'editor', label: 'CMS' } })
    assert.equal(created.statusCode, 201)
    const editorKey = created.json().key as string
    assert.match(editorKey, /^nsk_/)
    const posted = await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(editorKey), payload: summitPost })
    assert.equal(posted.statusCode, 202)
    const forbidden = await t.app.inject({ method: 'POST', url: '/v1/keys', headers: auth(editorKey), payload: { role: 'admin', label: 'x' } })
    assert.equal(forbidden.statusCode, 403)
    const sub = await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(editorKey), payload: { name: 'x', url: 'http://127.0.0.1:1/', format: 'newsml-g2', languages: ['en'] } })
    assert.equal(sub.statusCode, 403)
  })
})

describe('health', () => {
  it('answers /health and /ready without a key', async () => {
    const t = await buildTestApp({ startWorkers: false })
    try {
      assert.deepEqual((await t.app.inject('/health')).json(), { status: 'ok' })
      assert.deepEqual((await t.app.inject('/ready')).json(), { status: 'ready', database: 'ok' })
    } finally {
      await t.close()
    }
  })
})
