// The real @google-cloud/translate client, pointed at the project's emulator on an ephemeral
// 127.0.0.1 port: proves the wire format, the error codes the client surfaces, and that
// everything shuts down so the test process exits on its own.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startEmulator } from '../../src/translation/emulator/server.ts'
import type { Emulator } from '../../src/translation/emulator/server.ts'
import { retryDelayMs } from '../../src/translation/errors.ts'
import { createGoogleV3Provider, GoogleTranslateError } from '../../src/translation/google-v3.ts'
import { pseudoTranslate } from '../../src/translation/pseudo.ts'
import type { TranslateRequest, TranslationProvider } from '../../src/translation/types.ts'

const PROJECT = 'nashra-test'
const PARENT = `projects/${PROJECT}/locations/global`

const article: TranslateRequest = {
  contents: [
    'الحكومة تعلن خطة جديدة للنقل العام',
    'أعلنت الحكومة، يوم الثلاثاء، عن خطة بقيمة ٣٫٥ مليار دولار.',
    'وقال الوزير: "سنبدأ في عام ٢٠٢٥".',
  ],
  sourceLanguage: 'ar',
  targetLanguage: 'en',
  mimeType: 'text/plain',
}

function sentBody (emulator: Emulator, index: number): Record<string, unknown> {
  const body = emulator.requests[index]?.body
  assert.ok(typeof body === 'object' && body !== null, `request ${index} has no JSON body`)
  return body as Record<string, unknown>
}

describe('google-v3 provider against the emulator', () => {
  let emulator: Emulator
  let provider: TranslationProvider

  before(async () => {
    emulator = await startEmulator()
    provider = createGoogleV3Provider({ projectId: PROJECT, location: 'global', endpoint: emulator.url })
  })
  after(async () => {
    await provider.close()
    await emulator.close()
  })

  it('sends headline and paragraphs in one request and gets them back in order', async () => {
    const before = emulator.requests.length
    const result = await provider.translate(article)

    assert.deepEqual(result.translations, article.contents.map((c) => pseudoTranslate(c, 'text/plain', 'en')))
    assert.match(result.translations[1] ?? '', /3\.5/)
    assert.equal(result.model, `${PARENT}/models/general/nmt`)
    assert.equal(result.requests, 1)
    assert.equal(result.charsSent, article.contents.reduce((n, c) => n + [...c].length, 0))
    assert.equal(provider.engine, 'google-v3')

    const sent = emulator.requests.slice(before)
    assert.equal(sent.length, 1)
    assert.equal(sent[0]?.path, `/v3/${PARENT}:translateText`)
    assert.deepEqual(sent[0]?.body, {
      contents: article.contents,
      labels: {},
      mimeType: 'text/plain',
      sourceLanguageCode: 'ar',
      targetLanguageCode: 'en',
    })
  })

  it('sends html as html', async () => {
    const before = emulator.requests.length
    const result = await provider.translate({ ...article, contents: ['<p>خبر &amp; <b>عاجل</b></p>'], mimeType: 'text/html' })
    // Like Google, the emulator marks up right-to-left → left-to-right html with direction styles.
    const ltr = ' style=";text-align:left;direction:ltr"'
    assert.deepEqual(result.translations, [`<p${ltr}>[pseudo-en] khbr &amp; <b${ltr}>\`ajl</b></p>`])
    assert.equal(sentBody(emulator, before)['mimeType'], 'text/html')
  })

  it('counts codepoints, not UTF-16 units', async () => {
    const result = await provider.translate({ ...article, contents: ['😀 خبر'] })
    assert.equal(result.charsSent, 5)
  })

  it('makes no request for nothing to translate', async () => {
    const before = emulator.requests.length
    const result = await provider.translate({ ...article, contents: [] })
    assert.deepEqual([result.translations, result.requests, result.charsSent], [[], 0, 0])
    assert.equal(emulator.requests.length, before)
  })

  it('surfaces a 503 as gRPC code 14 UNAVAILABLE with a readable message', async () => {
    emulator.failNext({ status: 503, message: 'The service is currently unavailable.' })
    await assert.rejects(provider.translate(article), (err: unknown) => {
      assert.ok(err instanceof GoogleTranslateError)
      assert.equal(err.code, 14)
      assert.equal(err.httpStatusCode, 503)
      assert.match(err.message, /google-v3 translateText failed .*The service is currently unavailable\./)
      return true
    })
  })

  it('surfaces a 400 as gRPC code 3 INVALID_ARGUMENT', async () => {
    emulator.failNext({ status: 400, message: 'Too many text segments.' })
    await assert.rejects(provider.translate(article), { code: 3, message: /Too many text segments/ })
  })

  it('surfaces a 429 as code 8 with RetryInfo in statusDetails', async () => {
    emulator.failNext({ status: 429, message: 'Quota exceeded.', retryDelaySeconds: 12 })
    await assert.rejects(provider.translate(article), (err: unknown) => {
      assert.ok(err instanceof GoogleTranslateError)
      assert.equal(err.code, 8)
      const details = err.statusDetails as Array<{ retryDelay?: { seconds?: unknown } }>
      assert.equal(Number(details[0]?.retryDelay?.seconds), 12)
      assert.equal(retryDelayMs(err), 12_000)
      return true
    })
    emulator.failNext({ status: 429, message: 'Quota exceeded.', retryDelaySeconds: 0.25 })
    await assert.rejects(provider.translate(article), (err: unknown) => retryDelayMs(err) === 250)
  })

  it('sends glossaryConfig only for a language with a glossary and reads glossaryTranslations', async () => {
    const name = `projects/${PROJECT}/locations/global/glossaries/terms`
    emulator.defineGlossary(name, { sourceLanguage: 'ar', targetLanguage: 'en', terms: { الحكومة: 'the Government' } })
    const withGlossary = createGoogleV3Provider({ projectId: PROJECT, location: 'global', endpoint: emulator.url, glossaries: { en: 'terms' } })
    try {
      const before = emulator.requests.length
      const en = await withGlossary.translate(article)
      assert.match(en.translations[0] ?? '', /the Government/)
      assert.deepEqual(sentBody(emulator, before)['glossaryConfig'], { glossary: name, ignoreCase: false })
      await withGlossary.translate({ ...article, targetLanguage: 'fr' })
      assert.equal(sentBody(emulator, before + 1)['glossaryConfig'], undefined)
      assert.match(withGlossary.scope, /en=projects\/nashra-test\/locations\/global\/glossaries\/terms/)
    } finally {
      await withGlossary.close()
    }
  })

  it('rejects a reply with fewer translations than segments', async () => {
    emulator.replyNext({})
    await assert.rejects(provider.translate(article), /returned 0 translations for 3 segments/)
  })

  it('keeps working after failures', async () => {
    const result = await provider.translate(article)
    assert.equal(result.translations.length, 3)
  })
})

describe('google-v3 provider options and lifecycle', () => {
  it('sends the configured model as a full resource name and reports it', async () => {
    const emulator = await startEmulator()
    const provider = createGoogleV3Provider({
      projectId: PROJECT, location: 'us-central1', endpoint: emulator.url, model: 'general/translation-llm',
    })
    try {
      const result = await provider.translate(article)
      const model = `projects/${PROJECT}/locations/us-central1/models/general/translation-llm`
      assert.equal(result.model, model)
      assert.equal(sentBody(emulator, 0)['model'], model)
      assert.equal(emulator.requests[0]?.path, `/v3/projects/${PROJECT}/locations/us-central1:translateText`)
    } finally {
      await provider.close()
      await emulator.close()
    }
  })

  it('gives up on a hanging engine after timeoutMs with code 4 DEADLINE_EXCEEDED', async () => {
    const emulator = await startEmulator()
    const provider = createGoogleV3Provider({ projectId: PROJECT, location: 'global', endpoint: emulator.url, timeoutMs: 200 })
    try {
      emulator.hangNext()
      await assert.rejects(provider.translate(article), { code: 4 })
    } finally {
      await provider.close()
      await emulator.close()
    }
  })

  it('reports an unreachable endpoint as code 14 UNAVAILABLE', async () => {
    const emulator = await startEmulator()
    const endpoint = emulator.url
    await emulator.close()
    const provider = createGoogleV3Provider({ projectId: PROJECT, location: 'global', endpoint })
    try {
      await assert.rejects(provider.translate(article), { code: 14 })
    } finally {
      await provider.close()
    }
  })

  it('refuses work after close() and tolerates closing twice or never used', async () => {
    const emulator = await startEmulator()
    const provider = createGoogleV3Provider({ projectId: PROJECT, location: 'global', endpoint: emulator.url })
    const unused = createGoogleV3Provider({ projectId: PROJECT, location: 'global', endpoint: emulator.url })
    try {
      await provider.translate(article)
    } finally {
      await provider.close()
      await provider.close()
      await unused.close()
      await emulator.close()
    }
    await assert.rejects(provider.translate(article), /closed/)
  })
})
