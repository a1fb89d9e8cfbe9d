// The editor's note on an update or correction, and the reason on a kill: stored with the
// version, translated like any other segment (through the translation memory), and carried to
// partners in every format that has a place for it. A kill never waits for the engine: when it
// fails, the reason goes out in the story's language. Through the API with the pipeline running.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createApiKey } from '../../src/auth/api-keys.ts'
import { createFakeEngine } from '../../src/translation/fake-engine.ts'
import { auth, buildTestApp, eventually, type TestApp } from '../helpers/app.ts'

const story = { guid: 'urn:nashra:test:notes-1', headline: 'ارتفاع أسعار الخبز في عمّان', body: 'رفعت المخابز الأسعار اليوم.\nوقال التجار إن الطحين أغلى.' }
const correction = { ...story, body: 'رفعت المخابز الأسعار أمس.\nوقال التجار إن الطحين أغلى.', correction: true, note: 'صُحّح يوم القرار: أمس لا اليوم.' }
const REASON = 'سُحب الخبر لأن الأرقام لم تتأكد.'

describe('notes and kill reasons', () => {
  let t: TestApp
  let failing = false
  const translator = createFakeEngine({ beforeTranslate: () => { if (failing) throw new Error('engine down') } })
  let feedKey = ''
  const api = (method: 'GET' | 'POST', url: string, payload?: object, key?: string) =>
    t.app.inject({ method, url, headers: auth(key), ...(payload === undefined ? {} : { payload }) })
  const settled = (id: string, version: number) => eventually(async () => {
    const view = (await api('GET', `/v1/articles/${id}`)).json()
    return view.version === version && view.status === 'distributed' ? view : undefined
  }, 10_000, `version ${version} to be distributed`)
  const feed = async () => (await api('GET', '/v1/feed?limit=100', undefined, feedKey)).json().items as Array<{ version: number; lang: string; body: string; guid: string }>

  before(async () => {
    t = await buildTestApp({ translator })
    const sub = await api('POST', '/v1/subscribers', { name: 'Desk', mode: 'pull', format: 'newsml-g2', languages: ['ar', 'en'] })
    assert.equal(sub.statusCode, 201, sub.body)
    feedKey = (await createApiKey(t.app.storage, 'subscriber', 'desk', new Date(), { subscriberId: sub.json().id })).key
  })
  after(async () => {
    await t.close()
    await translator.close()
  })

  it('translates a correction note and carries it in NewsML-G2, ninjs and NITF, in both languages', async () => {
    const { id } = (await api('POST', '/v1/articles', story)).json()
    await settled(id, 1)
    const posted = await api('POST', '/v1/articles', correction)
    assert.equal(posted.statusCode, 202, posted.body)
    const view = await settled(id, 2)
    assert.equal(view.original.note, correction.note)
    const translatedNote: string = view.translations.en.note
    assert.match(translatedNote, /^\[pseudo-en\] /)

    const rendition = async (format: string, lang: string) => (await api('GET', `/v1/articles/${id}/renditions/${format}?lang=${lang}`)).body
    assert.match(await rendition('newsml-g2', 'ar'), new RegExp(`<edNote dir="rtl">${correction.note}</edNote>`))
    assert.ok((await rendition('newsml-g2', 'en')).includes(`<edNote>${translatedNote}</edNote>`))
    assert.ok(JSON.parse(await rendition('ninjs', 'en')).edNote.endsWith(`\n${translatedNote}`))
    assert.ok(JSON.parse(await rendition('ninjs', 'ar')).edNote.endsWith(`\n${correction.note}`))
    assert.ok((await rendition('nitf', 'en')).includes(`<ed-msg msg-type="editor-note" info="${translatedNote}"/>`))
    // What partners received is the same document.
    const delivered = (await feed()).filter((i) => i.version === 2)
    assert.deepEqual(delivered.map((i) => i.lang).sort(), ['ar', 'en'])
    assert.ok(delivered.find((i) => i.lang === 'en')!.body.includes(translatedNote))
    // A re-post with the same note is no new version; a new note alone is.
    assert.equal((await api('POST', '/v1/articles', correction)).statusCode, 200)
    assert.equal((await api('POST', '/v1/articles', { ...correction, note: 'ملاحظة أخرى' })).statusCode, 202)
    await settled(id, 3)
  })

  it('translates a kill reason from memory but for the reason itself, and delivers it', async () => {
    const { id } = (await api('POST', '/v1/articles', { ...story, guid: 'urn:nashra:test:notes-kill' })).json()
    await settled(id, 1)
    const callsBefore = translator.calls.length
    const killed = await api('POST', `/v1/articles/${id}/kill`, { reason: REASON })
    assert.equal(killed.statusCode, 202, killed.body)
    const view = await settled(id, 2)
    assert.equal(view.event, 'kill')
    assert.deepEqual(translator.calls.slice(callsBefore).flatMap((c) => c.contents), [REASON], 'only the reason went to the engine')
    assert.match(view.translations.en.note, /^\[pseudo-en\] /)
    assert.equal(view.versions.at(-1).note, REASON)
    const kill = (await feed()).filter((i) => i.guid.includes('notes-kill') && i.version === 2)
    assert.ok(kill.find((i) => i.lang === 'ar')!.body.includes(REASON))
    assert.ok(kill.find((i) => i.lang === 'en')!.body.includes(view.translations.en.note))
  })

  it('sends a kill at once with the reason untranslated when the engine fails', async () => {
    const { id } = (await api('POST', '/v1/articles', { ...story, guid: 'urn:nashra:test:notes-kill-down' })).json()
    await settled(id, 1)
    failing = true
    try {
      // A reason the memory has not seen: it would need the engine.
      const reason = 'سُحب الخبر بطلب من المحرر.'
      assert.equal((await api('POST', `/v1/articles/${id}/kill`, { reason })).statusCode, 202)
      const view = await settled(id, 2)
      assert.equal(view.translations.en.note, undefined)
      const english = (await feed()).find((i) => i.guid.includes('notes-kill-down') && i.version === 2 && i.lang === 'en')
      assert.ok(english?.body.includes(`<edNote xml:lang="ar" dir="rtl">${reason}</edNote>`), english?.body)
    } finally {
      failing = false
    }
  })

  it('refuses an empty or unknown kill body field with a problem naming it', async () => {
    const { id } = (await api('POST', '/v1/articles', { ...story, guid: 'urn:nashra:test:notes-bad' })).json()
    const blank = await api('POST', `/v1/articles/${id}/kill`, { reason: '   ' })
    assert.equal(blank.statusCode, 400)
    assert.equal(blank.json()['invalid-params'][0].name, '/body/reason')
    const unknown = await api('POST', `/v1/articles/${id}/kill`, { why: 'x' })
    assert.equal(unknown.statusCode, 400)
    assert.equal(unknown.json()['invalid-params'][0].name, '/body/why')
    assert.equal((await api('GET', `/v1/articles/${id}`)).json().version, 1, 'nothing was killed')
  })
})
