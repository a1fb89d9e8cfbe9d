// The glossary admin API: admins create, replace and delete entries (editors may read), every
// change bumps the version, and bad input is answered with problem+json naming the field.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createApiKey } from '../../src/auth/api-keys.ts'
import { auth, buildTestApp, type TestApp } from '../helpers/app.ts'

const CSTO = { term: 'منظمة معاهدة الأمن الجماعي', translations: { en: 'Collective Security Treaty Organization (CSTO)' } }

describe('/v1/glossary', () => {
  let t: TestApp
  let editor: Record<string, string>
  before(async () => {
    t = await buildTestApp({ startWorkers: false })
    editor = auth((await createApiKey(t.app.storage, 'editor', 'CMS', new Date())).key)
  })
  after(() => t.close())

  const post = (payload: object, headers = auth()) => t.app.inject({ method: 'POST', url: '/v1/glossary', headers, payload })
  const list = async (headers = auth()) => (await t.app.inject({ url: '/v1/glossary', headers })).json()

  it('creates an entry (201), replaces it when the same term comes again (200), and bumps the version', async () => {
    const before = (await list()).version
    const created = await post(CSTO)
    assert.equal(created.statusCode, 201, created.body)
    const { entry, version } = created.json()
    assert.deepEqual([entry.term, entry.sourceLanguage, entry.doNotTranslate, entry.translations, version],
      [CSTO.term, 'ar', false, CSTO.translations, before + 1])

    // The same term written with tatweel and extra spaces is the same entry.
    const replaced = await post({ term: 'منظمة معاهدة  الأمن الجماعـي', translations: { en: 'CSTO', fr: 'OTSC' } })
    assert.equal(replaced.statusCode, 200)
    assert.deepEqual([replaced.json().entry.id, replaced.json().version, replaced.json().entry.translations], [entry.id, before + 2, { en: 'CSTO', fr: 'OTSC' }])

    const dnt = await post({ term: 'نشرة', doNotTranslate: true })
    assert.equal(dnt.statusCode, 201)
    const all = await list(editor)
    assert.equal(all.version, before + 3)
    assert.deepEqual(all.entries.map((e: { term: string }) => e.term).sort(), ['منظمة معاهدة الأمن الجماعـي', 'نشرة'].sort())
  })

  it('deletes an entry, bumping the version, and answers 404 for one that is gone', async () => {
    const { entry } = (await post({ term: 'الأمم المتحدة', translations: { en: 'United Nations' } })).json()
    const version = (await list()).version
    const deleted = await t.app.inject({ method: 'DELETE', url: `/v1/glossary/${entry.id}`, headers: auth() })
    assert.deepEqual([deleted.statusCode, deleted.json()], [200, { version: version + 1 }])
    const again = await t.app.inject({ method: 'DELETE', url: `/v1/glossary/${entry.id}`, headers: auth() })
    assert.equal(again.statusCode, 404)
    assert.equal(again.headers['content-type'], 'application/problem+json; charset=utf-8')
  })

  it('lets editors read but not change the glossary', async () => {
    assert.equal((await t.app.inject({ url: '/v1/glossary', headers: editor })).statusCode, 200)
    assert.equal((await post(CSTO, editor)).statusCode, 403)
    assert.equal((await t.app.inject({ method: 'DELETE', url: '/v1/glossary/00000000-0000-4000-8000-000000000000', headers: editor })).statusCode, 403)
    assert.equal((await t.app.inject({ url: '/v1/glossary' })).statusCode, 401)
  })

  const invalid: Array<[string, object, string, RegExp]> = [
    ['a language Google does not translate into', { term: 'خبر', translations: { tlh: 'x' } }, '/body/translations/tlh', /not a language/],
    ['translations on a do-not-translate term', { term: 'خبر', doNotTranslate: true, translations: { en: 'news' } }, '/body/translations', /do-not-translate/],
    ['neither translations nor do-not-translate', { term: 'خبر' }, '/body/translations', /at least one language/],
    ['a term without letters', { term: '١٢٣ !', doNotTranslate: true }, '/body/term', /no letters/],
    ['an unknown source language', { term: 'خبر', sourceLanguage: 'xx', doNotTranslate: true }, '/body/sourceLanguage', /not a language/],
    ['a blank rendering', { term: 'خبر', translations: { en: '   ' } }, '/body/translations/en', /empty/],
    ['an unknown field', { term: 'خبر', doNotTranslate: true, note: 'x' }, '/body/note', /not a known field/],
    ['a term with a line break', { term: 'خبر\nعاجل', doNotTranslate: true }, '/body/term', /one line of text/],
  ]
  for (const [what, payload, field, reason] of invalid) {
    it(`answers 400 naming the field for ${what}`, async () => {
      const res = await post(payload)
      assert.equal(res.statusCode, 400, res.body)
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
      const param = res.json()['invalid-params'][0]
      assert.equal(param.name, field)
      assert.match(param.reason, reason)
    })
  }
})
