// Errors people can act on: one type scheme, every code documented in the README's table,
// enum and pattern errors in words, 415 for other media types, extension members kept by the
// response serialiser, no framework internals.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { notFound } from '../../src/http/errors.ts'
import { PROBLEM_KINDS, problemType } from '../../src/http/problem-types.ts'
import { ProblemResponses } from '../../schemas/problem.ts'
import { auth, buildTestApp, type TestApp } from '../helpers/app.ts'
import { repoRoot } from '../helpers/conformance.ts'

function sourceFiles (dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : []
  })
}

describe('problem types', () => {
  it('has one type scheme, derived from the code', () => {
    for (const code of Object.keys(PROBLEM_KINDS)) assert.match(problemType(code), /^urn:nashra:problem:[a-z]+(-[a-z]+)*$/, code)
    assert.equal(problemType('NASHRA_STORAGE_UNAVAILABLE'), 'urn:nashra:problem:storage-unavailable')
  })

  it('documents every kind in the README table, with its status, and nothing else', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
    const rows = [...readme.matchAll(/^\| `(urn:nashra:problem:[a-z-]+)` \| `(NASHRA_[A-Z_]+)` \| (\d{3}) \|/gm)]
    const documented = Object.fromEntries(rows.map(([, type, code, status]) => [code!, { type, status: Number(status) }]))
    const expected = Object.fromEntries(Object.entries(PROBLEM_KINDS).map(([code, kind]) => [code, { type: problemType(code), status: kind.status }]))
    assert.deepEqual(documented, expected)
  })

  it('every code thrown in src/ and routes/ is a documented kind', () => {
    const files = [...sourceFiles(path.join(repoRoot, 'src')), ...sourceFiles(path.join(repoRoot, 'routes'))]
    const used = new Set(files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/'(NASHRA_[A-Z_]+)'/g)].map((m) => m[1]!)))
    for (const code of used) assert.ok(Object.hasOwn(PROBLEM_KINDS, code), `${code} is not in src/http/problem-types.ts`)
  })
})

describe('problem answers', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ startWorkers: false })
    // A route declaring the shared problem responses, answering 404 with extension members.
    t.app.get('/test/extension', { schema: { response: ProblemResponses } }, async () => {
      throw notFound('Version', 'Article x has versions 1 to 3.', { versions: [1, 2, 3], formats: ['ninjs'] })
    })
  })
  after(async () => { await t.close() })

  it('keeps extension members through the response schema', async () => {
    const res = await t.app.inject({ url: '/test/extension' })
    assert.equal(res.statusCode, 404)
    assert.deepEqual([res.json().versions, res.json().formats], [[1, 2, 3], ['ninjs']])
    assert.equal(res.json().type, 'urn:nashra:problem:not-found')
  })

  it('names the allowed values of an enum once, and says in words what a pattern expects', async () => {
    const sub = await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'x', mode: 'carrier-pigeon', languages: ['EN'] } })
    assert.equal(sub.statusCode, 400)
    assert.deepEqual(sub.json()['invalid-params'], [
      { name: '/body/mode', reason: 'must be one of "push", "pull"' },
      { name: '/body/languages/0', reason: 'must be a language tag such as "ar", "en" or "pt-BR" (lower-case language, then optional subtags)' }
    ])
    assert.doesNotMatch(sub.body, /constant|\^\[a-z\]/)
    const version = await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'x', mode: 'pull', format: 'ninjs', formatVersion: '9.9' } })
    assert.equal(version.statusCode, 400)
    assert.ok(version.json()['invalid-params'].some((p: { name: string; reason: string }) => p.name === '/body/formatVersion' && /must be one of "3.1", "2.2"/.test(p.reason)), version.body)
    const alone = await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'x', mode: 'pull', formatVersion: '2.2' } })
    assert.deepEqual(alone.json()['invalid-params'], [{ name: '/body/format', reason: 'is required when formatVersion is given' }])
  })

  it('answers 415 for a body that is not JSON, and 400 malformed-request for broken JSON, without framework codes', async () => {
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/articles', headers: { ...auth(), 'content-type': type }, payload: 'headline=x' })
      assert.equal(res.statusCode, 415, type)
      assert.equal(res.json().type, 'urn:nashra:problem:unsupported-media-type')
    }
    const broken = await t.app.inject({ method: 'POST', url: '/v1/articles', headers: { ...auth(), 'content-type': 'application/json' }, payload: '{"x' })
    assert.equal(broken.json().type, 'urn:nashra:problem:malformed-request')
    const empty = await t.app.inject({ method: 'POST', url: '/v1/articles', headers: { ...auth(), 'content-type': 'application/json' }, payload: '' })
    assert.equal(empty.statusCode, 400)
    for (const res of [broken, empty]) assert.doesNotMatch(res.body, /FST_|fst_/)
  })

  it('answers unknown routes and wrong types with problems of the same scheme', async () => {
    const route = await t.app.inject({ url: '/v2/anything', headers: auth() })
    assert.deepEqual([route.statusCode, route.json().type], [404, 'urn:nashra:problem:route-not-found'])
    const typed = await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: { headline: 123, body: 'نص', urgency: '1', correction: 'yes' } })
    assert.deepEqual(typed.json()['invalid-params'], [
      { name: '/body/headline', reason: 'must be a string' },
      { name: '/body/urgency', reason: 'must be a whole number' },
      { name: '/body/correction', reason: 'must be true or false' }
    ])
  })
})

describe('request schemas', () => {
  /** Every object schema inside, with its path. */
  function objects (schema: unknown, at: string, out: Array<[string, Record<string, unknown>]> = []): Array<[string, Record<string, unknown>]> {
    if (schema === null || typeof schema !== 'object') return out
    const s = schema as Record<string, unknown>
    if (s.type === 'object' && s.properties !== undefined) out.push([at, s])
    for (const [key, value] of Object.entries(s)) {
      if (Array.isArray(value)) for (const [i, v] of value.entries()) objects(v, `${at}/${key}/${i}`, out)
      else if (typeof value === 'object') objects(value, `${at}/${key}`, out)
    }
    return out
  }

  it('refuse unknown fields in every request body and query string, at every depth', async () => {
    const modules = await Promise.all(['articles', 'subscribers', 'glossary', 'keys'].map((name) => import(`../../schemas/${name}.ts`)))
    let checked = 0
    for (const mod of modules) {
      for (const [name, schema] of Object.entries(mod as Record<string, unknown>)) {
        if (!/(Input|Patch|Query)$/.test(name)) continue
        for (const [at, object] of objects(schema, name)) {
          checked++
          assert.equal(object.additionalProperties, false, `${at} accepts unknown fields`)
        }
      }
    }
    assert.ok(checked >= 10, `only ${checked} object schemas found`)
  })
})
