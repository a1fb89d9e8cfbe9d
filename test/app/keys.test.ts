// GET /v1/keys and DELETE /v1/keys/:id: admins see every key (never the key or its hash) with
// when it was last used; a revoked key is refused from the next request on, including after a
// restart; the last admin key cannot be revoked.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildApp } from '../../src/app.ts'
import { hashApiKey } from '../../src/auth/api-keys.ts'
import { ADMIN_KEY, auth, buildTestApp, type TestApp } from '../helpers/app.ts'

describe('/v1/keys: list and revoke', () => {
  let t: TestApp
  before(async () => { t = await buildTestApp({ startWorkers: false }) })
  after(async () => { await t.close() })

  const create = async (role: string, label: string): Promise<{ id: string; key: string }> => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/keys', headers: auth(), payload: { role, label } })
    assert.equal(res.statusCode, 201, res.body)
    return res.json()
  }
  const list = async (key = ADMIN_KEY) => (await t.app.inject({ url: '/v1/keys', headers: auth(key) })).json().keys as
    Array<{ id: string; label: string; role: string; lastUsedAt: string | null; revokedAt: string | null }>
  const revoke = (id: string, key = ADMIN_KEY) => t.app.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers: auth(key) })

  it('lists every key with label, role, created and last use, never the key or its hash', async () => {
    const editor = await create('editor', 'CMS')
    assert.equal((await t.app.inject({ url: '/v1/articles', headers: auth(editor.key) })).statusCode, 200)
    const res = await t.app.inject({ url: '/v1/keys', headers: auth() })
    assert.equal(res.statusCode, 200)
    assert.ok(!res.body.includes(editor.key) && !res.body.includes(hashApiKey(editor.key)) && !res.body.includes(hashApiKey(ADMIN_KEY)))
    const listed = (await list()).find((k) => k.id === editor.id)
    assert.deepEqual(Object.keys(listed!).sort(), ['createdAt', 'id', 'label', 'lastUsedAt', 'revokedAt', 'role', 'subscriberId'])
    assert.deepEqual([listed?.label, listed?.role, listed?.revokedAt], ['CMS', 'editor', null])
    assert.ok(listed?.lastUsedAt !== null && Date.now() - Date.parse(listed!.lastUsedAt) < 60_000, 'its use was recorded')
    assert.equal((await t.app.inject({ url: '/v1/keys', headers: auth(editor.key) })).statusCode, 403)
  })

  it('records last use at most once a minute, not on every request', async () => {
    const editor = await create('editor', 'busy')
    await t.app.inject({ url: '/v1/articles', headers: auth(editor.key) })
    const first = (await list()).find((k) => k.id === editor.id)!.lastUsedAt
    for (let i = 0; i < 5; i++) await t.app.inject({ url: '/v1/articles', headers: auth(editor.key) })
    assert.equal((await list()).find((k) => k.id === editor.id)!.lastUsedAt, first)
  })

  it('revokes a key at once: its next request is refused', async () => {
    const editor = await create('editor', 'leaked')
    assert.equal((await t.app.inject({ url: '/v1/articles', headers: auth(editor.key) })).statusCode, 200)
    const res = await revoke(editor.id)
    assert.equal(res.statusCode, 204)
    assert.equal((await t.app.inject({ url: '/v1/articles', headers: auth(editor.key) })).statusCode, 401)
    assert.ok((await list()).find((k) => k.id === editor.id)!.revokedAt !== null)
    assert.equal((await revoke(editor.id)).statusCode, 204, 'revoking again changes nothing')
    assert.equal((await revoke('00000000-0000-4000-8000-000000000000')).statusCode, 404)
    assert.equal((await revoke('not-a-uuid')).json()['invalid-params'][0].name, '/params/id')
  })

  it('never revokes the last admin key (409), and an admin may revoke another admin', async () => {
    const env = (await list()).find((k) => k.label === 'ADMIN_API_KEY')!
    const second = await create('admin', 'second admin')
    const last = await revoke(env.id, second.key)
    assert.equal(last.statusCode, 204)
    const refused = await revoke(second.id, second.key)
    assert.equal(refused.statusCode, 409)
    assert.match(refused.headers['content-type'] as string, /^application\/problem\+json/)
    assert.equal(refused.json().code, 'NASHRA_LAST_ADMIN_KEY')
    assert.equal((await t.app.inject({ url: '/v1/keys', headers: auth(second.key) })).statusCode, 200, 'the last admin still works')
    assert.equal((await t.app.inject({ url: '/v1/keys', headers: auth(ADMIN_KEY) })).statusCode, 401, 'the revoked ADMIN_API_KEY is refused')

    // A restart with the same ADMIN_API_KEY does not bring the revoked key back.
    const again = await buildApp(t.config, { logger: false, startWorkers: false })
    try {
      assert.equal((await again.inject({ url: '/v1/keys', headers: auth(ADMIN_KEY) })).statusCode, 401)
      assert.equal((await again.inject({ url: '/v1/keys', headers: auth(second.key) })).statusCode, 200)
    } finally {
      await again.close()
    }
  })
})
