// Inline markup and glossaries through the real client and the emulator: what is sent (text/html
// only where needed, placeholders, glossaryConfig) and what comes back (markup kept, Google's
// direction styles gone, glossary terms in place).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { putGlossaryEntry } from '../../src/translation/glossary.ts'
import { createGoogleV3Provider } from '../../src/translation/google-v3.ts'
import { pseudoTranslate } from '../../src/translation/pseudo.ts'
import type { TranslateRequest, TranslationProvider } from '../../src/translation/types.ts'
import { type Harness, PROJECT, startHarness } from './harness.ts'

const CSTO_AR = 'منظمة معاهدة الأمن الجماعي'
const CSTO_EN = 'Collective Security Treaty Organization (CSTO)'

describe('inline markup', () => {
  let h: Harness
  before(async () => { h = await startHarness() })
  after(() => h.close())

  it('sends a story with markup as html, escaping plain text, and keeps the markup', async () => {
    const v = await h.publish('urn:t:markup', {
      headline: 'الأسعار & الأجور',
      body: 'قال <b>الوزير</b> إن <a href="https://news.example/plan?id=1&amp;lang=ar">الخطة</a> جديدة.\nفقرة بلا وسوم.',
    })
    const en = await h.translate(v, 'en')
    const [request] = h.sent()
    assert.equal(request?.mimeType, 'text/html')
    assert.deepEqual(request?.contents, [
      'الأسعار &amp; الأجور',
      'قال <b>الوزير</b> إن <a href="https://news.example/plan?id=1&amp;lang=ar">الخطة</a> جديدة.',
      'فقرة بلا وسوم.',
    ])
    assert.equal(en.headline, '[pseudo-en] alas`ar & alajwr')
    assert.equal(en.paragraphs[0], '[pseudo-en] qal <b>alwzyr</b> in <a href="https://news.example/plan?id=1&lang=ar">alkhTh</a> jdydh.')
    assert.doesNotMatch(JSON.stringify(en), /text-align|direction/)
  })

  it('sends a story without markup as plain text, "<" and "&" untouched', async () => {
    const v = await h.publish('urn:t:plain', { headline: 'سعر < ١٠ & أكثر', body: 'نص عادي.' })
    await h.translate(v, 'en')
    const [request] = h.sent()
    assert.equal(request?.mimeType, 'text/plain')
    assert.deepEqual(request?.contents, ['سعر < ١٠ & أكثر', 'نص عادي.'])
  })

  it('with the translation LLM sends plain text only, markup removed', async () => {
    const llm = createGoogleV3Provider({ projectId: PROJECT, location: 'global', endpoint: h.emulator.url, model: 'general/translation-llm' })
    try {
      const v = await h.publish('urn:t:llm', { headline: 'عنوان', body: 'قال <b>الوزير</b> كلاما.' })
      const en = await h.translate(v, 'en', llm)
      const [request] = h.sent()
      assert.equal(request?.mimeType, 'text/plain')
      assert.deepEqual(request?.contents, ['عنوان', 'قال الوزير كلاما.'])
      assert.equal(en.paragraphs[0], '[pseudo-en] qal alwzyr klama.')
    } finally {
      await llm.close()
    }
  })
})

describe('glossary without a Google glossary resource', () => {
  let h: Harness
  before(async () => {
    h = await startHarness()
    await putGlossaryEntry(h.storage, { term: CSTO_AR, translations: { en: CSTO_EN } }, new Date())
    await putGlossaryEntry(h.storage, { term: 'نشرة', doNotTranslate: true }, new Date())
  })
  after(() => h.close())

  it('protects terms with translate="no" placeholders and puts the target term in the output', async () => {
    const v = await h.publish('urn:t:glossary', { headline: `قمة ${CSTO_AR}`, body: `وقال مراسل نشرة إن قادة ${CSTO_AR} اتفقوا.\nفقرة عادية.`, byline: 'مراسل نشرة' })
    const en = await h.translate(v, 'en')
    const [request] = h.sent()
    assert.equal(request?.mimeType, 'text/html')
    assert.equal(request?.contents[0], 'قمة <span translate="no">g0</span>')
    assert.equal(request?.contents[1], 'وقال مراسل <span translate="no">g0</span> إن قادة <span translate="no">g1</span> اتفقوا.')
    assert.equal(en.headline, `[pseudo-en] qmh ${CSTO_EN}`)
    assert.equal(en.paragraphs[0], `[pseudo-en] wqal mrasl نشرة in qadh ${CSTO_EN} atfqwa.`)
    assert.equal(en.byline, '[pseudo-en] mrasl نشرة')
    assert.equal(en.paragraphs[1], pseudoTranslate('فقرة عادية.', 'text/plain', 'en'))
  })

  it('with the plain-text-only translation LLM, puts the target term straight into the source text', async () => {
    const llm = createGoogleV3Provider({ projectId: PROJECT, location: 'global', endpoint: h.emulator.url, model: 'general/translation-llm' })
    try {
      const v = await h.publish('urn:t:glossary-llm', { headline: `قمة ${CSTO_AR}`, body: 'مراسل نشرة.' })
      const en = await h.translate(v, 'en', llm)
      const [request] = h.sent()
      assert.equal(request?.mimeType, 'text/plain')
      assert.deepEqual(request?.contents, [`قمة ${CSTO_EN}`, 'مراسل نشرة.'])
      assert.equal(en.headline, `[pseudo-en] qmh ${CSTO_EN}`)
    } finally {
      await llm.close()
    }
  })

  it('in a language without an entry, translates the term like any other text', async () => {
    const v = await h.publish('urn:t:glossary-de', { headline: `قمة ${CSTO_AR}`, body: 'فقرة.' })
    const de = await h.translate(v, 'de')
    assert.doesNotMatch(de.headline, /CSTO/)
    assert.equal(h.sent()[0]?.mimeType, 'text/plain')
  })

  it('after a glossary change, translates again exactly the segments holding the changed term', async () => {
    const fields = { headline: `قمة ${CSTO_AR}`, body: `اتفق قادة ${CSTO_AR} على خطة.\nفقرة عن الطقس.\nمراسل نشرة.` }
    await h.translate(await h.publish('urn:t:change', fields), 'en')
    h.sent()
    const { version } = await putGlossaryEntry(h.storage, { term: CSTO_AR, translations: { en: 'CSTO' } }, new Date())
    assert.ok(version >= 3)
    const v2 = await h.publish('urn:t:change', { ...fields, category: 'politics' })
    const en = await h.translate(v2, 'en')
    assert.deepEqual(h.sent()[0]?.contents, ['قمة <span translate="no">g0</span>', 'اتفق قادة <span translate="no">g0</span> على خطة.'])
    assert.equal(en.headline, '[pseudo-en] qmh CSTO')
    assert.deepEqual([en.segments, en.segmentsReused], [4, 2])
  })
})

describe('an engine that loses a placeholder', () => {
  it('gets the segment once more with the target term inside the protected span', async () => {
    const h = await startHarness()
    const calls: TranslateRequest[] = []
    // Drops the placeholder spans the first time it sees them, as a careless engine might.
    const lossy: TranslationProvider = {
      engine: 'lossy',
      scope: 'lossy',
      async translate (request) {
        calls.push(request)
        const contents = calls.length === 1 ? request.contents.map((c) => c.replace(/<span translate="no">g\d+<\/span>/g, '')) : request.contents
        return {
          translations: contents.map((c) => pseudoTranslate(c, request.mimeType, request.targetLanguage)),
          model: 'lossy',
          charsSent: request.contents.join('').length,
          requests: 1,
        }
      },
      async close () {},
    }
    try {
      await putGlossaryEntry(h.storage, { term: CSTO_AR, translations: { en: CSTO_EN } }, new Date())
      const v = await h.publish('urn:t:lossy', { headline: `قمة ${CSTO_AR}`, body: 'فقرة عادية.' })
      const en = await h.translate(v, 'en', lossy)
      assert.equal(calls.length, 2)
      assert.deepEqual(calls[1]?.contents, [`قمة <span translate="no">${CSTO_EN}</span>`])
      assert.equal(en.headline, `[pseudo-en] qmh ${CSTO_EN}`)
      assert.equal(en.paragraphs[0], pseudoTranslate('فقرة عادية.', 'text/plain', 'en'))
      assert.equal(en.requests, 2)
    } finally {
      await h.close()
    }
  })
})

describe('glossary with a Google glossary resource', () => {
  const GLOSSARY = `projects/${PROJECT}/locations/us-central1/glossaries/ar-en`
  let h: Harness
  before(async () => {
    h = await startHarness({
      location: 'us-central1',
      emulator: { glossaries: { [GLOSSARY]: { sourceLanguage: 'ar', targetLanguage: 'en', terms: { 'الأمين العام': 'Secretary General' } } } },
      provider: { glossaries: { en: 'ar-en' } },
    })
    await putGlossaryEntry(h.storage, { term: CSTO_AR, translations: { en: CSTO_EN } }, new Date())
  })
  after(() => h.close())

  it('sends glossaryConfig, uses glossaryTranslations, and still holds the admin entries', async () => {
    const v = await h.publish('urn:t:google-glossary', { headline: 'تصريح الأمين العام', body: `قال الأمين العام إن ${CSTO_AR} قوية.` })
    const en = await h.translate(v, 'en')
    const [request] = h.sent()
    assert.deepEqual(request?.glossaryConfig, { glossary: GLOSSARY, ignoreCase: false })
    assert.equal(en.headline, '[pseudo-en] tSryH Secretary General')
    assert.equal(en.paragraphs[0], `[pseudo-en] qal Secretary General in ${CSTO_EN} qwyh.`)
  })

  it('sends no glossaryConfig for a language without a glossary resource', async () => {
    const v = await h.publish('urn:t:google-glossary-fr', { headline: 'تصريح الأمين العام', body: 'نص.' })
    const fr = await h.translate(v, 'fr')
    assert.equal(h.sent()[0]?.glossaryConfig, undefined)
    assert.doesNotMatch(fr.headline, /Secretary/)
  })
})
