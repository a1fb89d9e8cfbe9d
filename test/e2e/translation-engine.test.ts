// The translation engine end to end over HTTP, with the engine built from configuration (the
// real Google client behind retries and a circuit breaker) talking to the project's emulator:
// source guard, glossary, memory hits proven by the emulator's log, per-language statistics,
// image captions, and retrying a story whose translation failed.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { type Emulator, startEmulator } from '../../src/translation/emulator/server.ts'
import { pseudoTranslate } from '../../src/translation/pseudo.ts'
import { auth, eventually, tempDir, testConfig } from '../helpers/app.ts'
import { type Stack, startStack } from '../helpers/stack.ts'

interface TranslationView { headline: string; body: string[]; captions?: Array<string | null>; charsSent: number; requests: number; segments: number; segmentsReused: number }
interface Body { id: string; status: string; version: number; detail: string; versionStatus: string; 'invalid-params': Array<{ name: string; reason: string }> }
interface Answer { status: number; type: string | null; json: Body }
interface View { status: string; statusReason: string | null; version: number; translations: Record<string, TranslationView> }

describe('translation engine, end to end', () => {
  let stack: Stack
  let emulator: Emulator
  before(async () => {
    stack = await startStack()
    emulator = stack.emulator
  })
  after(async () => { await stack.close() })

  const api = async (method: string, path: string, body?: unknown) => (await stack.api(method, path, body)) as unknown as Answer
  const settled = (id: string, status = 'distributed') => eventually(async () => {
    const view = (await api('GET', `/v1/articles/${id}`)).json as unknown as View
    return view.status === status ? view : undefined
  }, 15_000, `article ${id} to be ${status}`)

  it('refuses with 422 a story sent as Arabic that is not, and takes it under its own language', async () => {
    const english = { headline: 'Leaders agree on a border plan', body: 'The summit ended on Thursday.' }
    const refused = await api('POST', '/v1/articles', english)
    assert.equal(refused.status, 422)
    assert.equal(refused.type, 'application/problem+json; charset=utf-8')
    assert.equal(refused.json['invalid-params'][0]?.name, '/body/body')
    assert.match(refused.json.detail, /mostly Latin script \(100% of letters/)

    const unknown = await api('POST', '/v1/articles', { ...english, language: 'xx' })
    assert.deepEqual([unknown.status, unknown.json['invalid-params'][0]?.name], [422, '/body/language'])

    const accepted = await api('POST', '/v1/articles', { ...english, language: 'en' })
    assert.equal(accepted.status, 202)
    const view = await settled(accepted.json.id)
    assert.deepEqual(Object.keys(view.translations), [], 'English wanted, English written: nothing to translate')
  })

  it('applies the glossary, reports per-language statistics, and reuses memory for updates', async () => {
    const entry = await api('POST', '/v1/glossary', { term: 'منظمة معاهدة الأمن الجماعي', translations: { en: 'Collective Security Treaty Organization (CSTO)' } })
    assert.equal(entry.status, 201)
    const story = {
      guid: 'urn:t:e2e:csto',
      headline: 'قمة منظمة معاهدة الأمن الجماعي في دوشنبه',
      body: 'اتفق القادة على خطة مشتركة.\nوقالت منظمة معاهدة الأمن الجماعي إن الخطة تبدأ العام المقبل.\nوتبلغ الميزانية 250 مليون دولار.',
      images: [{ href: 'https://images.example/summit.jpg', caption: 'قادة الدول في القمة' }],
    }
    const before = emulator.translateRequests().length
    const posted = await api('POST', '/v1/articles', story)
    const first = await settled(posted.json.id)
    const en = first.translations['en']!
    assert.match(en.headline, /Collective Security Treaty Organization \(CSTO\)/)
    assert.match(en.body[1]!, /Collective Security Treaty Organization \(CSTO\)/)
    assert.deepEqual(en.captions, [pseudoTranslate('قادة الدول في القمة', 'text/plain', 'en')])
    assert.deepEqual([en.requests, en.segments, en.segmentsReused], [1, 5, 0])
    assert.equal(emulator.translateRequests().length, before + 1)

    // An identical re-post is no new version: nothing is sent.
    const again = await api('POST', '/v1/articles', story)
    assert.deepEqual([again.status, again.json.version], [200, 1])
    assert.equal(emulator.translateRequests().length, before + 1)

    // One changed paragraph: only that paragraph goes to Google.
    const changed = 'وتبلغ الميزانية 300 مليون دولار.'
    const update = await api('POST', '/v1/articles', { ...story, body: story.body.replace('وتبلغ الميزانية 250 مليون دولار.', changed) })
    assert.deepEqual([update.status, update.json.version], [202, 2])
    const second = await settled(update.json.id)
    assert.equal(second.version, 2)
    assert.deepEqual(emulator.translateRequests().slice(before + 1).map((r) => r.contents), [[changed]])
    const en2 = second.translations['en']!
    assert.deepEqual([en2.charsSent, en2.requests, en2.segmentsReused], [[...changed].length, 1, 4])
    assert.equal(en2.body[2], pseudoTranslate(changed, 'text/plain', 'en'))
  })

  it('fails a story Google refuses, with the reason, and translates it on POST /retry', async () => {
    emulator.script((request) => JSON.stringify(request.body).includes('مرفوض')
      ? { kind: 'fail', status: 400, message: 'Invalid value at contents' }
      : undefined)
    const posted = await api('POST', '/v1/articles', { headline: 'خبر مرفوض', body: 'نص الخبر.' })
    const failed = await settled(posted.json.id, 'failed')
    assert.match(failed.statusReason ?? '', /Invalid value at contents/)

    emulator.script(undefined)
    const retried = await api('POST', `/v1/articles/${posted.json.id}/retry`)
    assert.deepEqual([retried.status, retried.json.status, retried.json.version], [202, 'received', 1])
    const view = await settled(posted.json.id)
    assert.equal(view.translations['en']?.headline, pseudoTranslate('خبر مرفوض', 'text/plain', 'en'))

    const notFailed = await api('POST', `/v1/articles/${posted.json.id}/retry`)
    assert.equal(notFailed.status, 409)
    assert.equal(notFailed.type, 'application/problem+json; charset=utf-8')
    assert.match(notFailed.json.detail, /is distributed; only a failed version can be retried/)
    assert.equal(notFailed.json.versionStatus, 'distributed')
    const missing = await api('POST', '/v1/articles/00000000-0000-4000-8000-000000000000/retry')
    assert.equal(missing.status, 404)
  })
})

describe('translation engine from configuration: per-call timeout', () => {
  it('gives up on a call that never answers after GOOGLE_TRANSLATE_TIMEOUT and retries it in the same run', async () => {
    const tmp = await tempDir()
    const emulator = await startEmulator()
    let app: FastifyInstance | undefined
    try {
      app = await buildApp(testConfig(tmp.dir, { TRANSLATE_API_ENDPOINT: emulator.url.origin, GOOGLE_TRANSLATE_TIMEOUT: '300ms' }), { logger: false })
      await app.ready()
      emulator.hangNext()
      const posted = await app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: { headline: 'خبر عاجل', body: 'نص الخبر.' } })
      const view = await eventually(async () => {
        const v = (await app!.inject({ url: `/v1/articles/${posted.json().id}`, headers: auth() })).json() as View
        return v.status === 'distributed' ? v : undefined
      }, 15_000, 'the story to be translated after the hung call')
      assert.equal(view.translations['en']?.headline, pseudoTranslate('خبر عاجل', 'text/plain', 'en'))
      const calls = emulator.translateRequests()
      assert.equal(calls.length, 2, 'the hung call, then its retry within the same run')
      assert.deepEqual(calls[1]?.contents, calls[0]?.contents)
      assert.equal(view.version, 1)
    } finally {
      await app?.close()
      await emulator.close()
      await tmp.remove()
    }
  })
})
