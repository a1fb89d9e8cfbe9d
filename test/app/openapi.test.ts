// The OpenAPI document: valid OpenAPI 3.1, and every route the app registers is in it with a
// summary, its security and its problem answers. The list of routes is collected as they are
// registered (onRoute), so a route added anywhere is checked without this file changing.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import type { RouteOptions } from 'fastify'
import { auth, buildTestApp, type TestApp } from '../helpers/app.ts'

type Operation = {
  summary?: string
  security?: Array<Record<string, unknown>>
  responses: Record<string, { content?: Record<string, unknown> }>
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> }
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } }

describe('OpenAPI document', () => {
  let t: TestApp
  let doc: Document
  const routes: RouteOptions[] = []
  before(async () => {
    t = await buildTestApp({ startWorkers: false, onRoute: (route) => { routes.push(route) } })
    const res = await t.app.inject({ url: '/openapi.json' })
    assert.equal(res.statusCode, 200)
    doc = res.json()
  })
  after(() => t.close())

  /** Routes that must be documented: all but HEAD twins of GETs and what is hidden on purpose (/docs assets, the document itself). */
  const documented = (): Array<{ method: string; path: string }> => routes
    .filter((r) => (r.schema as { hide?: boolean } | undefined)?.hide !== true)
    .flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({ method, path: r.url.replace(/:([A-Za-z]+)/g, '{$1}') })))
    .filter((r) => r.method !== 'HEAD')

  it('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(doc.openapi, '3.1.0')
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0])
    assert.deepEqual(result.errors ?? [], [])
    assert.equal(result.valid, true)
  })

  it('holds every registered route, each with a summary', () => {
    const list = documented()
    assert.ok(list.length >= 25, `only ${list.length} routes were collected`)
    for (const { method, path } of list) {
      const op = doc.paths[path]?.[method.toLowerCase()]
      assert.ok(op !== undefined, `${method} ${path} is missing from /openapi.json`)
      assert.ok((op.summary ?? '').length > 0, `${method} ${path} has no summary: add one to src/http/route-docs.ts or the route's schema`)
    }
    const operations = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).length, 0)
    assert.equal(operations, list.length, 'the document holds operations that are not routes')
  })

  it('declares the bearer scheme, and requires it exactly on routes that check a key', async () => {
    assert.deepEqual(doc.components.securitySchemes['bearer'], { type: 'http', scheme: 'bearer', description: 'An API key (nsk_…) from POST /v1/keys, or ADMIN_API_KEY.' })
    for (const { method, path } of documented()) {
      const op = doc.paths[path]![method.toLowerCase()]!
      const res = await t.app.inject({ method: method as 'GET', url: path.replace(/\{[A-Za-z]+\}/g, '00000000-0000-4000-8000-000000000000') })
      // Without a key, a secured route answers 401 before anything else; an open one never does.
      const secured = (op.security ?? []).length > 0
      assert.equal(res.statusCode === 401, secured, `${method} ${path}: ${res.statusCode} without a key, security ${JSON.stringify(op.security)}`)
      if (secured) assert.ok(op.responses['401']?.content?.['application/problem+json'], `${method} ${path} documents no 401 problem`)
    }
  })

  it('documents problems as application/problem+json on every route', () => {
    for (const { method, path } of documented()) {
      const op = doc.paths[path]![method.toLowerCase()]!
      const problems = Object.entries(op.responses).filter(([status]) => Number(status) >= 400)
      assert.ok(problems.some(([s]) => s === '500') && problems.some(([s]) => s === '503'), `${method} ${path} lacks 500/503`)
      for (const [status, response] of problems) {
        assert.ok(response.content?.['application/problem+json'] !== undefined, `${method} ${path} ${status} is not a problem`)
      }
    }
    const ingest = doc.paths['/v1/articles']!['post']!
    for (const status of ['400', '401', '403', '413', '415', '429']) assert.ok(ingest.responses[status], `POST /v1/articles lacks ${status}`)
  })

  it('shows an Arabic story as the example of posting one, and the example is accepted', async () => {
    const examples = doc.paths['/v1/articles']!['post']!.requestBody!.content['application/json']!.examples!
    const story = Object.values(examples)[0]!.value as { headline: string }
    assert.match(story.headline, /\p{Script=Arabic}/u)
    const res = await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: story })
    assert.equal(res.statusCode, 202, res.body)
  })

  it('serves the reference page and its assets from the package, with no network', async () => {
    const page = await t.app.inject({ url: '/docs/' })
    assert.equal(page.statusCode, 200)
    assert.match(page.headers['content-type'] as string, /text\/html/)
    const scripts = [...page.body.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!)
    assert.ok(scripts.length > 0)
    for (const src of scripts) {
      assert.ok(!/^https?:/.test(src), `${src} would be fetched from the network`)
      const asset = await t.app.inject({ url: new URL(src, 'http://127.0.0.1/docs/').pathname })
      assert.equal(asset.statusCode, 200, src)
    }
  })
})
