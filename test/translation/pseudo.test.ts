import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createFakeEngine } from '../../src/translation/fake-engine.ts'
import { detectLanguage, pseudoMarker, pseudoTranslate, transliterate } from '../../src/translation/pseudo.ts'

describe('pseudoTranslate', () => {
  it('marks the text and transliterates Arabic to Latin', () => {
    const out = pseudoTranslate('مرحبا بالعالم', 'text/plain', 'en')
    assert.equal(out, '[pseudo-en] mrHba bal`alm')
    assert.ok(out.startsWith(pseudoMarker('en')))
    assert.doesNotMatch(out, /[\u0600-\u06FF]/u)
  })

  it('keeps numbers, converting Arabic-Indic and Persian digits to ASCII', () => {
    assert.equal(transliterate('٢٠٢٤ و ۱۲ و 42'), '2024 w 12 w 42')
    assert.equal(transliterate('٣٫٥٪'), '3.5%')
  })

  it('maps Arabic punctuation and drops diacritics and tatweel', () => {
    assert.equal(transliterate('نعم، لا؛ لماذا؟'), 'n`m, la; lmadha?')
    assert.equal(transliterate('كَتَبَ'), 'ktb')
    assert.equal(transliterate('عـــربي'), '`rby')
  })

  it('keeps structure: line breaks, spacing, Latin text and quotes pass through', () => {
    const out = pseudoTranslate('  قال "BBC":\nنعم  ', 'text/plain', 'en')
    assert.equal(out, '  [pseudo-en] qal "BBC":\nn`m  ')
  })

  it('leaves markup-only, empty and blank segments alone', () => {
    assert.equal(pseudoTranslate('', 'text/plain', 'en'), '')
    assert.equal(pseudoTranslate('   ', 'text/plain', 'en'), '   ')
    assert.equal(pseudoTranslate('<br/>', 'text/html', 'en'), '<br/>')
  })

  it('in html mode, transforms only text between tags and keeps entities', () => {
    const html = '<p class="lead" title="عنوان">خبر &amp; <b>عاجل</b>&nbsp;&#1633;</p><!-- تعليق -->'
    const out = pseudoTranslate(html, 'text/html', 'en')
    assert.equal(out, '<p class="lead" title="عنوان">[pseudo-en] khbr &amp; <b>`ajl</b>&nbsp;&#1633;</p><!-- تعليق -->')
  })

  it('in html mode, escapes nothing new: a bare < or & stays as it was', () => {
    assert.equal(pseudoTranslate('أ < ب & ج', 'text/html', 'en'), '[pseudo-en] a < b & j')
  })

  it('in plain mode, treats markup as ordinary text', () => {
    assert.equal(pseudoTranslate('<b>نص</b>', 'text/plain', 'en'), '[pseudo-en] <b>nS</b>')
  })

  it('names the target language in the marker', () => {
    assert.equal(pseudoTranslate('سلام', 'text/plain', 'fr'), '[pseudo-fr] slam')
  })

  it('is deterministic', () => {
    const text = 'الرئيس يلتقي ٣ وزراء، اليوم.'
    assert.equal(pseudoTranslate(text, 'text/plain', 'en'), pseudoTranslate(text, 'text/plain', 'en'))
  })
})

describe('detectLanguage', () => {
  it('answers ar for Arabic script and en otherwise', () => {
    assert.equal(detectLanguage('Breaking: مرحبا'), 'ar')
    assert.equal(detectLanguage('Breaking news 2024'), 'en')
    assert.equal(detectLanguage('٢٠٢٤'), 'en')
  })
})

describe('createFakeEngine', () => {
  it('translates with the shared pseudo transform, in order, and counts codepoints', async () => {
    const provider = createFakeEngine()
    const contents = ['عنوان', 'فقرة أولى', '😀']
    const result = await provider.translate({ contents, sourceLanguage: 'ar', targetLanguage: 'en', mimeType: 'text/plain' })
    assert.deepEqual(result.translations, contents.map((c) => pseudoTranslate(c, 'text/plain', 'en')))
    assert.equal(result.charsSent, 5 + 9 + 1)
    assert.equal(result.requests, 1)
    assert.equal(result.model, 'fake/pseudo')
    assert.equal(provider.engine, 'fake')
    await provider.close()
  })

  it('records calls as copies and refuses work once closed', async () => {
    const provider = createFakeEngine({ model: 'test-model' })
    const contents = ['نص']
    await provider.translate({ contents, sourceLanguage: 'ar', targetLanguage: 'de', mimeType: 'text/html' })
    contents.push('later')
    assert.deepEqual(provider.calls, [{ contents: ['نص'], sourceLanguage: 'ar', targetLanguage: 'de', mimeType: 'text/html' }])
    await provider.close()
    assert.equal(provider.closed, true)
    await assert.rejects(
      provider.translate({ contents: ['x'], sourceLanguage: 'ar', targetLanguage: 'en', mimeType: 'text/plain' }),
      /closed/)
  })

  it('lets a test script failures through beforeTranslate', async () => {
    const provider = createFakeEngine({
      beforeTranslate: (_request, index) => {
        if (index === 0) throw Object.assign(new Error('scripted outage'), { code: 14 })
      },
    })
    const request = { contents: ['نص'], sourceLanguage: 'ar', targetLanguage: 'en', mimeType: 'text/plain' as const }
    await assert.rejects(provider.translate(request), { code: 14, message: 'scripted outage' })
    assert.equal((await provider.translate(request)).translations.length, 1)
    assert.equal(provider.calls.length, 2)
    await provider.close()
  })
})
