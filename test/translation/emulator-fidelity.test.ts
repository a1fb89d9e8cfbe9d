// The emulator as faithful as the translation engine's tests need: Google's request limits,
// glossaryConfig → glossaryTranslations, translate="no", the RTL→LTR direction styles, the
// LLM's text-only rule, and seeded fault plans.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { randomFaults, seededRandom } from '../../src/translation/emulator/faults.ts'
import { type Emulator, type LoggedRequest, startEmulator } from '../../src/translation/emulator/server.ts'
import { pseudoTranslate } from '../../src/translation/pseudo.ts'

const PARENT = 'projects/nashra-test/locations/us-central1'

interface Reply {
  error: { code: number; status: string; message: string }
  translations: Array<{ translatedText: string }>
  glossaryTranslations: Array<{ translatedText: string }>
}
const GLOSSARY = `${PARENT}/glossaries/ar-en`

describe('emulator fidelity', () => {
  let emulator: Emulator
  const translate = async (body: Record<string, unknown>, parent = PARENT) => {
    const res = await fetch(new URL(`/v3/${parent}:translateText`, emulator.url), { method: 'POST', body: JSON.stringify(body) })
    return { status: res.status, body: await res.json() as Reply }
  }
  const base = { sourceLanguageCode: 'ar', targetLanguageCode: 'en', mimeType: 'text/plain' }

  before(async () => {
    emulator = await startEmulator({ glossaries: { [GLOSSARY]: { sourceLanguage: 'ar', targetLanguage: 'en', terms: { 'منظمة معاهدة الأمن الجماعي': 'CSTO' } } } })
  })
  after(() => emulator.close())

  it('answers 400 INVALID_ARGUMENT past 1024 entries or 30,000 codepoints, and takes exactly the limits', async () => {
    const tooMany = await translate({ ...base, contents: Array.from({ length: 1025 }, () => 'x') })
    assert.deepEqual([tooMany.status, tooMany.body.error.status], [400, 'INVALID_ARGUMENT'])
    assert.match(tooMany.body.error.message, /1025.*1024/)
    assert.equal((await translate({ ...base, contents: Array.from({ length: 1024 }, () => 'x') })).status, 200)

    // 15,001 emoji are 30,002 UTF-16 units but 15,001 codepoints: counted as codepoints.
    assert.equal((await translate({ ...base, contents: ['😀'.repeat(15_001), 'x'.repeat(14_999)] })).status, 200)
    const tooLong = await translate({ ...base, contents: ['😀'.repeat(15_001), 'x'.repeat(15_000)] })
    assert.equal(tooLong.status, 400)
    assert.match(tooLong.body.error.message, /30001 codepoints.*30000/)
  })

  it('applies a glossary resource in glossaryTranslations, beside the plain translations', async () => {
    const reply = await translate({ ...base, contents: ['قمة منظمة معاهدة الأمن الجماعي'], glossaryConfig: { glossary: GLOSSARY, ignoreCase: false } })
    assert.equal(reply.status, 200)
    assert.equal(reply.body.translations[0]?.translatedText, '[pseudo-en] qmh mnZmh m`ahdh alamn aljma`y')
    assert.equal(reply.body.glossaryTranslations[0]?.translatedText, '[pseudo-en] qmh CSTO')
  })

  it('refuses an unknown glossary, one from another location, or for another language pair', async () => {
    const unknown = await translate({ ...base, contents: ['x'], glossaryConfig: { glossary: `${PARENT}/glossaries/none` } })
    assert.deepEqual([unknown.status, unknown.body.error.status], [404, 'NOT_FOUND'])
    const global = await translate({ ...base, contents: ['x'], glossaryConfig: { glossary: GLOSSARY } }, 'projects/nashra-test/locations/global')
    assert.equal(global.status, 400)
    const french = await translate({ ...base, targetLanguageCode: 'fr', contents: ['x'], glossaryConfig: { glossary: GLOSSARY } })
    assert.match(french.body.error.message, /ar→en, not ar→fr/)
  })

  it('leaves translate="no" text alone and adds Google\'s direction styles from RTL to LTR', async () => {
    const reply = await translate({ ...base, mimeType: 'text/html', contents: ['قال <span translate="no">نشرة</span> <b>خبر</b>'] })
    const ltr = ' style=";text-align:left;direction:ltr"'
    assert.equal(reply.body.translations[0]?.translatedText, `[pseudo-en] qal <span translate="no"${ltr}>نشرة</span> <b${ltr}>khbr</b>`)
    const toArabic = await translate({ ...base, sourceLanguageCode: 'en', targetLanguageCode: 'ar', mimeType: 'text/html', contents: ['<b>x</b>'] })
    assert.equal(toArabic.body.translations[0]?.translatedText, '<b>[pseudo-ar] x</b>')
  })

  it('takes text/plain only for the translation LLM', async () => {
    const model = `${PARENT}/models/general/translation-llm`
    const html = await translate({ ...base, mimeType: 'text/html', model, contents: ['<b>خبر</b>'] })
    assert.equal(html.status, 400)
    assert.match(html.body.error.message, /text\/plain only/)
    assert.equal((await translate({ ...base, model, contents: ['خبر'] })).status, 200)
  })

  it('keeps a typed log of translateText bodies', async () => {
    const before = emulator.translateRequests().length
    await translate({ ...base, contents: ['سطر'] })
    assert.deepEqual(emulator.translateRequests().slice(before), [{ ...base, contents: ['سطر'] }])
  })
})

describe('pseudo translation', () => {
  it('protects elements inside translate="no" and class="notranslate" at any depth', () => {
    assert.equal(pseudoTranslate('<p>قال <span class="x notranslate">نص <b>مهم</b></span> هنا</p>', 'text/html', 'en'),
      '<p>[pseudo-en] qal <span class="x notranslate">نص <b>مهم</b></span> hna</p>')
  })
})

describe('fault plans', () => {
  const request = (path: string): LoggedRequest => ({ method: 'POST', path, query: '', body: {}, at: new Date() })

  it('fails about the requested share of translateText calls, the same way for the same seed', () => {
    const pick = (seed: number) => {
      const plan = randomFaults({ rate: 0.3, seed })
      return Array.from({ length: 1000 }, () => plan(request('/v3/p:translateText'))?.kind ?? 'ok')
    }
    const run = pick(7)
    assert.deepEqual(pick(7), run)
    assert.notDeepEqual(pick(8), run)
    const failed = run.filter((k) => k !== 'ok').length
    assert.ok(failed > 240 && failed < 360, `${failed} of 1000`)
    assert.ok(run.includes('hang') && run.includes('fail'))
  })

  it('leaves other methods alone', () => {
    const plan = randomFaults({ rate: 1 })
    assert.equal(plan(request('/v3/p:detectLanguage')), undefined)
    assert.ok(plan(request('/v3/p:translateText')) !== undefined)
  })

  it('draws numbers in [0, 1)', () => {
    const random = seededRandom(42)
    for (let i = 0; i < 1000; i++) {
      const x = random()
      assert.ok(x >= 0 && x < 1)
    }
  })
})
