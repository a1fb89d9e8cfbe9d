// GET /v1/articles/:id?version=n and /versions: the original and each translation side by side,
// segment by segment (from memory or not, glossary terms applied), the version history with
// each version's note, and what the story's translation cost. Through the API with the pipeline
// running (the fake pseudo engine), on a real SQLite file.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createFakeEngine } from '../../src/translation/fake-engine.ts'
import { auth, buildTestApp, eventually, type TestApp } from '../helpers/app.ts'

const v1 = {
  guid: 'urn:nashra:test:compare-1',
  headline: 'قمة منظمة معاهدة الأمن الجماعي تبدأ في دوشنبه',
  body: 'اجتمع القادة صباح اليوم.\nوناقشوا أمن الحدود.',
  byline: 'مراسل نشرة',
  category: 'politics',
  urgency: 3,
  images: [{ href: 'https://images.example.org/summit.jpg', caption: 'القادة في القاعة' }]
}
const v2 = { ...v1, body: 'اجتمع القادة صباح اليوم.\nواتفقوا على خطة لأمن الحدود.', note: 'تحديث: القادة اتفقوا على الخطة.' }

describe('comparing versions and translations', () => {
  let t: TestApp
  let id = ''
  const translator = createFakeEngine()
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: auth(), ...(payload === undefined ? {} : { payload }) })
  const distributed = (version: number) => eventually(async () => {
    const view = (await api('GET', `/v1/articles/${id}`)).json()
    return view.version === version && view.status === 'distributed' ? view : undefined
  }, 10_000, `version ${version} to be distributed`)

  before(async () => {
    t = await buildTestApp({ translator, env: { TRANSLATION_PRICE_PER_MILLION_CHARS: '25' } })
    assert.equal((await api('POST', '/v1/glossary', { term: 'منظمة معاهدة الأمن الجماعي', translations: { en: 'CSTO' } })).statusCode, 201)
    assert.equal((await api('POST', '/v1/subscribers', { name: 'Desk', mode: 'pull', format: 'ninjs', languages: ['en'] })).statusCode, 201)
    id = (await api('POST', '/v1/articles', v1)).json().id
    await distributed(1)
    assert.equal((await api('POST', '/v1/articles', v2)).statusCode, 202)
    await distributed(2)
  })
  after(async () => {
    await t.close()
    await translator.close()
  })

  it('shows the original beside each translation, segment by segment, with memory use and glossary terms', async () => {
    const view = (await api('GET', `/v1/articles/${id}`)).json()
    assert.deepEqual(view.original, {
      headline: v2.headline,
      body: v2.body.split('\n'),
      byline: v2.byline,
      category: 'politics',
      urgency: 3,
      images: v2.images,
      note: v2.note
    })
    const en = view.translations.en
    const fields = en.comparison.map((s: { field: string; index: number }) => `${s.field}${s.index}`)
    assert.deepEqual(fields, ['headline0', 'paragraph0', 'paragraph1', 'byline0', 'caption0', 'note0'])
    const bySegment = Object.fromEntries(en.comparison.map((s: { field: string; index: number }) => [`${s.field}${s.index}`, s]))
    assert.equal(bySegment.paragraph1.source, 'واتفقوا على خطة لأمن الحدود.')
    assert.equal(bySegment.paragraph1.translation, en.body[1])
    assert.equal(bySegment.paragraph1.fromMemory, false, 'the changed paragraph went to the engine')
    assert.equal(bySegment.paragraph0.fromMemory, true, 'the unchanged paragraph came from memory')
    assert.equal(bySegment.note0.fromMemory, false)
    assert.equal(bySegment.note0.translation, en.note)
    assert.match(en.note, /^\[pseudo-en\]/)
    assert.deepEqual(bySegment.headline0.glossaryTerms, [{ term: 'منظمة معاهدة الأمن الجماعي', rendering: 'CSTO' }])
    assert.match(bySegment.headline0.translation, /CSTO/)
    assert.equal(bySegment.caption0.translation, en.captions[0])
  })

  it('honours ?version and answers an unknown one with a 404 listing the versions', async () => {
    const first = await api('GET', `/v1/articles/${id}?version=1`)
    assert.equal(first.statusCode, 200)
    assert.deepEqual([first.json().version, first.json().event, first.json().original.body[1]], [1, 'new', 'وناقشوا أمن الحدود.'])
    assert.equal(first.json().original.note, undefined)
    assert.ok(first.json().translations.en.comparison.every((s: { fromMemory: boolean }) => s.fromMemory === false), 'version 1 was all new')
    const missing = await api('GET', `/v1/articles/${id}?version=7`)
    assert.equal(missing.statusCode, 404)
    assert.match(missing.headers['content-type'] as string, /^application\/problem\+json/)
    assert.match(missing.json().detail, /has no version 7; its versions are 1, 2\./)
    const bad = await api('GET', `/v1/articles/${id}?version=zero`)
    assert.equal(bad.statusCode, 400)
    assert.equal(bad.json()['invalid-params'][0].name, '/querystring/version')
  })

  it('lists the version history with events, statuses and notes', async () => {
    const res = await api('GET', `/v1/articles/${id}/versions`)
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json().versions.map((v: { version: number; event: string; status: string; note: string | null }) => [v.version, v.event, v.status, v.note]),
      [[1, 'new', 'distributed', null], [2, 'update', 'distributed', v2.note]])
    assert.deepEqual((await api('GET', `/v1/articles/${id}`)).json().versions, res.json().versions)
    assert.equal((await api('GET', '/v1/articles/00000000-0000-4000-8000-000000000000/versions')).statusCode, 404)
  })

  it('shows what the translation cost per language: sent, reused, requests, money at the configured price', async () => {
    const view = (await api('GET', `/v1/articles/${id}`)).json()
    const sent = translator.calls.filter((c) => c.targetLanguage === 'en').reduce((n, c) => n + c.contents.reduce((m, x) => m + [...x].length, 0), 0)
    const { en } = view.cost.byLanguage
    assert.equal(en.charsSent, sent, 'every character the engine was sent, over both versions')
    assert.equal(en.requests, translator.calls.filter((c) => c.targetLanguage === 'en').length)
    assert.ok(en.charsReused > 0, 'version 2 reused the unchanged segments')
    assert.equal(en.estimatedCost, Math.round(sent * 25) / 1_000_000)
    assert.deepEqual(view.cost.total, en)
    assert.deepEqual([view.cost.currency, view.cost.pricePerMillionChars], ['USD', 25])
    assert.equal(view.translations.en.charsReused, en.charsReused, 'version 1 reused nothing')
  })
})
