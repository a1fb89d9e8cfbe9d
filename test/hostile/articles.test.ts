// Hostile stories: generated POST /v1/articles bodies (wrong types, edge-case dates, unknown
// fields, markup and control characters inside Arabic text) and hostile rendition requests. No
// answer is a 5xx or a non-problem error, nothing refused is stored, an accepted embargo is
// stored in UTC, and every accepted story renders into documents the IPTC kit accepts.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { parseDateTime, toUtcDateTime } from '../../src/http/date-time.ts'
import { auth } from '../helpers/app.ts'
import { checkWellFormedContents, conformanceValidator, validateContents, xmllintAvailable } from '../helpers/conformance.ts'
import { articleBody, hostileValue, pathSegment, queryValue } from './arbitraries.ts'
import { type HostileApp, hostileRequest, startHostileApp } from './harness.ts'

/** Accepted stories whose renditions go to the kit: enough variety, one kit run. */
const KIT_STORIES = 8

describe('hostile input: articles', () => {
  let h: HostileApp
  const accepted: Array<{ id: string; version: number; embargo: string | undefined }> = []
  before(async () => { h = await startHostileApp() })
  after(async () => { await h.close() })

  it('answers 160 generated story bodies without a 5xx, storing nothing it refuses', async () => {
    let n = 0
    await fc.assert(fc.asyncProperty(articleBody, async (body) => {
      const what = `POST /v1/articles #${n++} ${JSON.stringify(body).slice(0, 300)}`
      const { res, accepted: ok } = await hostileRequest(h.app, h.counter,
        { method: 'POST', url: '/v1/articles', headers: auth(h.editorKey), payload: body }, what)
      if (!ok) return
      assert.ok(res.statusCode === 202 || res.statusCode === 200, what)
      // Accepted: every field had its declared type, and the embargo was a date Nashra accepts.
      for (const field of ['headline', 'body', 'byline', 'dateline', 'category', 'slugline', 'guid']) {
        if (field in body) assert.equal(typeof body[field], 'string', `${what}: ${field} was coerced`)
      }
      if ('urgency' in body) assert.ok(Number.isInteger(body.urgency), `${what}: urgency was coerced`)
      const embargo = body.embargoedUntil
      if (embargo !== undefined) assert.ok(typeof embargo === 'string' && parseDateTime(embargo) !== null, `${what}: embargo accepted`)
      if (res.statusCode === 202) accepted.push({ id: res.json().id, version: res.json().version, embargo: embargo as string | undefined })
    }), { numRuns: 160, endOnFailure: true })
    assert.ok(accepted.length > 10, `only ${accepted.length} stories accepted: the generator should produce valid ones too`)
  })

  it('answers 40 raw bodies that are not JSON objects, or not JSON, as problems', async () => {
    const raw = fc.oneof(
      hostileValue.map((v) => JSON.stringify(v) ?? 'null'),
      fc.constantFrom('', '{', '{"headline": "x", "headline": 1}', '{"__proto__": {"x": 1}, "headline": "خبر", "body": "نص"}',
        '{"constructor": {"prototype": {"x": 1}}}', '\u0000', '[1,2', '{"a":1}garbage', 'null', '"string"')
    )
    let n = 0
    await fc.assert(fc.asyncProperty(raw, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml'),
      async (payload, type) => {
        const what = `raw POST /v1/articles #${n++} (${type}) ${payload.slice(0, 200)}`
        const { res } = await hostileRequest(h.app, h.counter,
          { method: 'POST', url: '/v1/articles', headers: { ...auth(h.editorKey), 'content-type': type }, payload }, what)
        if (!type.startsWith('application/json')) assert.equal(res.statusCode, 415, what)
      }), { numRuns: 40, endOnFailure: true })
  })

  it('stores an accepted embargo in UTC, whatever offset it came with', async () => {
    const withEmbargo = accepted.filter((a) => a.embargo !== undefined).slice(0, 5)
    for (const story of withEmbargo) {
      const res = await h.app.inject({ url: `/v1/articles/${story.id}/renditions/ninjs?version=${story.version}`, headers: auth() })
      assert.equal(res.statusCode, 200, res.body)
      assert.equal(JSON.parse(res.body).embargoedUntil, toUtcDateTime(story.embargo!))
    }
  })

  it('answers 60 hostile rendition requests (ids, formats, query values) as problems or documents', async () => {
    const known = accepted[0]?.id ?? '00000000-0000-4000-8000-000000000000'
    const request = fc.record({
      id: fc.oneof(fc.constant(known), pathSegment),
      format: fc.oneof(fc.constantFrom('newsml-g2', 'ninjs', 'nitf', 'atom', 'newsml-g2-message'), pathSegment),
      query: fc.dictionary(fc.constantFrom('lang', 'version', 'formatVersion', 'x'), queryValue, { maxKeys: 3 })
    })
    let n = 0
    await fc.assert(fc.asyncProperty(request, async ({ id, format, query }) => {
      const qs = new URLSearchParams(query).toString()
      const url = `/v1/articles/${id}/renditions/${format}${qs === '' ? '' : `?${qs}`}`
      await hostileRequest(h.app, h.counter, { method: 'GET', url, headers: auth() }, `GET #${n++} ${url}`)
    }), { numRuns: 60, endOnFailure: true })
  })

  it('renders accepted stories into documents the IPTC kit accepts (one kit run)', async (t) => {
    const documents: Record<string, string> = {}
    for (const [i, story] of accepted.slice(0, KIT_STORIES).entries()) {
      for (const [format, formatVersion, ext] of [['newsml-g2', '2.35', 'xml'], ['newsml-g2-message', '2.35', 'xml'], ['ninjs', '3.1', 'json'],
        ['ninjs', '2.2', 'json'], ['nitf', '3.6', 'xml'], ['atom', '1.0', 'xml']] as const) {
        const res = await h.app.inject({ url: `/v1/articles/${story.id}/renditions/${format}?formatVersion=${formatVersion}&version=${story.version}`, headers: auth() })
        assert.equal(res.statusCode, 200, `${format}: ${res.body.slice(0, 300)}`)
        documents[`story${i}-${format}-${formatVersion}.${ext}`] = res.body
      }
    }
    assert.ok(Object.keys(documents).length > 0)
    if (conformanceValidator() === null) {
      t.skip('the IPTC conformance kit (../shared/conformance) is not installed')
      return
    }
    const iptc = await validateContents(Object.fromEntries(Object.entries(documents).filter(([name]) => !name.includes('-atom-'))))
    assert.ok(iptc.ok, iptc.output)
    if (await xmllintAvailable()) {
      const atom = await checkWellFormedContents(Object.fromEntries(Object.entries(documents).filter(([name]) => name.includes('-atom-'))))
      assert.ok(atom.ok, atom.output)
    }
  })
})
