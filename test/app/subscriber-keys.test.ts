// Deleting a subscriber revokes its feed keys at once: the next read with one is a 401 problem.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { auth, buildTestApp, type TestApp } from '../helpers/app.ts'

describe('a deleted subscriber\'s keys', () => {
  let t: TestApp
  before(async () => { t = await buildTestApp({ startWorkers: false }) })
  after(async () => { await t.close() })

  it('stop authenticating as soon as the subscriber is deleted', async () => {
    const subscriber = (await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'Feed', mode: 'pull' } })).json()
    const keys = await Promise.all([1, 2].map(async (n) =>
      (await t.app.inject({ method: 'POST', url: '/v1/keys', headers: auth(), payload: { role: 'subscriber', label: `feed ${n}`, subscriberId: subscriber.id } })).json().key as string))
    for (const key of keys) assert.equal((await t.app.inject({ url: '/v1/feed', headers: auth(key) })).statusCode, 200)
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/v1/subscribers/${subscriber.id}`, headers: auth() })).statusCode, 204)
    for (const key of keys) {
      const res = await t.app.inject({ url: '/v1/feed', headers: auth(key) })
      assert.equal(res.statusCode, 401)
      assert.equal(res.json().type, 'urn:nashra:problem:unauthorized')
    }
    assert.equal((await t.app.inject({ url: '/v1/subscribers', headers: auth() })).statusCode, 200, 'other keys are untouched')
  })
})
