// Behind a TLS proxy Nashra sees only its own address: absolute links it emits (Atom self and
// next links, the OpenAPI server) use PUBLIC_BASE_URL instead.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { marketPost, summitPost } from '../fixtures/articles/post-bodies.ts'
import { auth, buildTestApp, eventually } from '../helpers/app.ts'

const BASE = 'https://news.example.org/nashra'

describe('PUBLIC_BASE_URL', () => {
  it('makes the Atom feed\'s self and next links and the OpenAPI server public', async () => {
    const t = await buildTestApp({ env: { PUBLIC_BASE_URL: `${BASE}/` } })
    try {
      const pull = await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'Reader', mode: 'pull', languages: ['en'] } })
      assert.equal(pull.statusCode, 201, pull.body)
      const key = (await t.app.inject({ method: 'POST', url: '/v1/keys', headers: auth(), payload: { role: 'subscriber', label: 'r', subscriberId: pull.json().id } })).json().key
      for (const story of [summitPost, marketPost]) {
        assert.equal((await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: story })).statusCode, 202)
      }
      await eventually(async () => {
        const feed = (await t.app.inject({ url: '/v1/feed', headers: auth(key) })).json()
        return feed.items.length === 2 ? feed : undefined
      }, 15_000, 'both stories in the feed')
      const atom = await t.app.inject({ url: '/v1/feed.atom?limit=1', headers: { ...auth(key), host: '127.0.0.1:3000' } })
      assert.equal(atom.statusCode, 200, atom.body)
      const links = [...atom.body.matchAll(/<link rel="(self|next)" [^>]*href="([^"]+)"/g)].map((m) => [m[1], m[2]])
      assert.deepEqual(links.map(([rel]) => rel).sort(), ['next', 'self'])
      for (const [rel, href] of links) assert.ok(href!.startsWith(`${BASE}/v1/feed.atom`), `${rel} link ${href}`)
      assert.ok(!atom.body.includes('127.0.0.1'), 'the internal address leaked')

      const doc = (await t.app.inject({ url: '/openapi.json' })).json()
      assert.deepEqual(doc.servers, [{ url: BASE }])
    } finally {
      await t.close()
    }
  })

  it('refuses a value that is not a plain http(s) base URL', () => {
    for (const bad of ['news.example.org', 'ftp://news.example.org', 'https://news.example.org/?a=1', 'https://u:p@news.example.org']) {
      assert.throws(() => loadConfig({ PUBLIC_BASE_URL: bad }), /PUBLIC_BASE_URL must be an http\(s\) URL/, bad)
    }
  })
})
