// The Atom feed on a real port: a pull subscriber's items as Atom entries in sequence order, a
// kill as an RFC 6721 tombstone, paging through rel="next", and the same key rules as /v1/feed.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { describe, it } from 'node:test'
import { translationItemGuid } from '../../src/formats/identifiers.ts'
import { marketPost, summitPost } from '../fixtures/articles/post-bodies.ts'
import { eventually } from '../helpers/app.ts'
import { startStack } from '../helpers/stack.ts'

/** xmllint reads the document from stdin and never touches the network. */
function xmllint (document: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('xmllint', ['--noout', '--nonet', '-'], (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}${stderr}` })
    })
    child.stdin!.end(document)
  })
}

const entryIds = (body: string): string[] => [...body.matchAll(/<entry [^>]*>\s*<id>([^<]+)<\/id>/g)].map((m) => m[1]!)
const tombstoneRefs = (body: string): string[] => [...body.matchAll(/<at:deleted-entry [^>]*ref="([^"]+)"/g)].map((m) => m[1]!)
const nextHref = (body: string): string | undefined => body.match(/<link rel="next" [^>]*href="([^"]+)"/)?.[1]?.replaceAll('&amp;', '&')

describe('Atom feed', () => {
  it('serves a pull subscriber its items as entries and a kill as a tombstone, page by page', async () => {
    const stack = await startStack()
    try {
      // ninjs for push: the Atom feed renders Atom whatever the subscriber's own format is.
      const pull = await stack.api('POST', '/v1/subscribers', { name: 'Reader', mode: 'pull', format: 'ninjs', languages: ['en'] })
      assert.equal(pull.status, 201, pull.text)
      const key = (await stack.api('POST', '/v1/keys', { role: 'subscriber', label: 'reader', subscriberId: pull.json.id })).json.key
      const editorKey = (await stack.api('POST', '/v1/keys', { role: 'editor', label: 'cms' })).json.key

      const summit = await stack.api('POST', '/v1/articles', summitPost)
      const market = await stack.api('POST', '/v1/articles', marketPost)
      assert.equal(summit.status, 202, summit.text)
      assert.equal(market.status, 202, market.text)
      await eventually(async () => {
        const f = (await stack.api('GET', '/v1/feed', undefined, key)).json
        return f.items.length === 2 ? f : undefined
      }, 10_000, 'both stories in the feed')
      assert.equal((await stack.api('POST', `/v1/articles/${summit.json.id}/kill`, {}, editorKey)).status, 202)
      const json = await eventually(async () => {
        const f = (await stack.api('GET', '/v1/feed', undefined, key)).json
        return f.items.length === 3 ? f : undefined
      }, 10_000, 'the kill in the feed')
      assert.deepEqual(json.items.map((i: { event: string }) => i.event).sort(), ['kill', 'new', 'new'])

      const res = await stack.api('GET', '/v1/feed.atom', undefined, key)
      assert.equal(res.status, 200, res.text)
      assert.equal(res.type, 'application/atom+xml; charset=utf-8')
      const lint = await xmllint(res.text)
      assert.equal(lint.ok, true, lint.output)
      assert.ok(res.text.includes(`<id>urn:nashra:feed:${pull.json.id}</id>`))
      assert.ok(res.text.includes(`<link rel="self" type="application/atom+xml" href="${stack.base}/v1/feed.atom?after=0&amp;limit=50"/>`))
      assert.equal(nextHref(res.text), undefined, 'everything fits on one page')
      // The same items as the JSON feed, in its order: entries for the stories, a tombstone for the kill.
      const guidOf = (i: { guid: string }): string => translationItemGuid(i.guid, 'en')
      assert.deepEqual(entryIds(res.text), json.items.filter((i: { event: string }) => i.event !== 'kill').map(guidOf))
      assert.deepEqual(tombstoneRefs(res.text), [translationItemGuid(summitPost.guid, 'en')])
      assert.ok(entryIds(res.text).includes(translationItemGuid(summitPost.guid, 'en')), 'the tombstone names the id its entry had')

      // Paging: one item a page, following rel="next" to the end.
      const seen: string[] = []
      let href: string | undefined = `${stack.base}/v1/feed.atom?limit=1`
      for (let pages = 0; href !== undefined; pages++) {
        assert.ok(pages < 3, 'three items make three pages')
        const page = await fetch(href, { headers: { authorization: `Bearer ${key}` } })
        assert.equal(page.status, 200)
        const body = await page.text()
        seen.push(...entryIds(body), ...tombstoneRefs(body).map((ref) => `deleted:${ref}`))
        href = nextHref(body)
      }
      assert.deepEqual(seen, json.items.map((i: { event: string; guid: string }) => (i.event === 'kill' ? 'deleted:' : '') + guidOf(i)))
      const last = json.items.at(-1).sequence
      const empty = await stack.api('GET', `/v1/feed.atom?after=${last}`, undefined, key)
      assert.equal(empty.status, 200)
      assert.deepEqual([entryIds(empty.text), tombstoneRefs(empty.text)], [[], []])
    } finally {
      await stack.close()
    }
  })

  it('answers bad paging with 400 naming the field, and keys with 401/403 like /v1/feed', async () => {
    const stack = await startStack()
    try {
      const pull = await stack.api('POST', '/v1/subscribers', { name: 'Reader', mode: 'pull', languages: ['en'] })
      const key = (await stack.api('POST', '/v1/keys', { role: 'subscriber', label: 'reader', subscriberId: pull.json.id })).json.key
      const editorKey = (await stack.api('POST', '/v1/keys', { role: 'editor', label: 'cms' })).json.key
      for (const [query, field] of [['after=-1', '/querystring/after'], ['limit=0', '/querystring/limit'],
        ['limit=501', '/querystring/limit'], ['after=x', '/querystring/after'], ['wait=5', '/querystring/wait']] as const) {
        const res = await stack.api('GET', `/v1/feed.atom?${query}`, undefined, key)
        assert.equal(res.status, 400, query)
        assert.match(res.type ?? '', /^application\/problem\+json/)
        assert.deepEqual(res.json['invalid-params'].map((p: { name: string }) => p.name), [field], query)
      }
      const anonymous = await fetch(`${stack.base}/v1/feed.atom`)
      assert.equal(anonymous.status, 401)
      await anonymous.body?.cancel()
      assert.equal((await stack.api('GET', '/v1/feed.atom', undefined, 'nsk_not-a-key')).status, 401)
      assert.equal((await stack.api('GET', '/v1/feed.atom')).status, 403, 'admin keys read no feed')
      assert.equal((await stack.api('GET', '/v1/feed.atom', undefined, editorKey)).status, 403)
      const empty = await stack.api('GET', '/v1/feed.atom', undefined, key)
      assert.equal(empty.status, 200)
      assert.equal((await xmllint(empty.text)).ok, true)
    } finally {
      await stack.close()
    }
  })
})
