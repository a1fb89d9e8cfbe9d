import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { auth, buildTestApp, type TestApp } from '../helpers/app.ts'

describe('/v1/subscribers', () => {
  let t: TestApp
  before(async () => { t = await buildTestApp({ startWorkers: false }) })
  after(async () => { await t.close() })

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: auth(), ...(payload === undefined ? {} : { payload }) })

  it('creates a subscriber with its format version, and shows the secret only once', async () => {
    const res = await call('POST', '/v1/subscribers', { name: 'Old CMS', url: 'http://127.0.0.1:9/in', format: 'ninjs', formatVersion: '2.2', languages: ['en', 'fr'] })
    assert.equal(res.statusCode, 201, res.body)
    assert.deepEqual([res.json().format, res.json().formatVersion, res.json().mode], ['ninjs', '2.2', 'push'])
    assert.match(res.json().secret, /^whsec_/)
    const read = (await call('GET', `/v1/subscribers/${res.json().id}`)).json()
    assert.equal(read.formatVersion, '2.2')
    assert.equal(read.secret, undefined)
    assert.ok((await call('GET', '/v1/subscribers')).json().subscribers.some((s: { id: string }) => s.id === res.json().id))
  })

  it('names the bad field: unknown language, missing URL for push, URL for pull, format version of another format', async () => {
    const cases: Array<[object, string]> = [
      [{ name: 'x', url: 'http://127.0.0.1:9/', languages: ['en', 'xx-nope'] }, '/body/languages/1'],
      [{ name: 'x' }, '/body/url'],
      [{ name: 'x', mode: 'pull', url: 'http://127.0.0.1:9/' }, '/body/url'],
      [{ name: 'x', url: 'http://127.0.0.1:9/', format: 'nitf', formatVersion: '2.2' }, '/body/formatVersion'],
      [{ name: 'x', url: 'http://127.0.0.1:9/', filters: { minUrgency: 12 } }, '/body/filters/minUrgency']
    ]
    for (const [payload, field] of cases) {
      const res = await call('POST', '/v1/subscribers', payload)
      assert.equal(res.statusCode, 400, JSON.stringify(payload))
      assert.ok(res.json()['invalid-params'].some((p: { name: string }) => p.name === field), `${field} in ${res.body}`)
    }
  })

  it('switches a subscriber to pull and back, and refuses an unknown one', async () => {
    const { id } = (await call('POST', '/v1/subscribers', { name: 'Switcher', url: 'http://127.0.0.1:9/in' })).json()
    const pull = await call('PATCH', `/v1/subscribers/${id}`, { mode: 'pull' })
    assert.deepEqual([pull.json().mode, pull.json().url], ['pull', null])
    assert.equal((await call('PATCH', `/v1/subscribers/${id}`, { mode: 'push' })).statusCode, 400, 'push needs a URL')
    const push = await call('PATCH', `/v1/subscribers/${id}`, { mode: 'push', url: 'http://127.0.0.1:9/back' })
    assert.deepEqual([push.json().mode, push.json().url], ['push', 'http://127.0.0.1:9/back'])
    assert.equal((await call('PATCH', '/v1/subscribers/00000000-0000-4000-8000-000000000000', { name: 'x' })).statusCode, 404)
    assert.equal((await call('PATCH', `/v1/subscribers/${id}`, {})).statusCode, 400, 'an empty patch says nothing')
  })

  it('refuses to re-send a delivery that does not exist', async () => {
    const res = await call('POST', '/v1/deliveries/00000000-0000-4000-8000-000000000000/retry')
    assert.equal(res.statusCode, 404)
  })
})
