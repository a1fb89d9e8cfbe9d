import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { after, before, describe, it } from 'node:test'
import { startEmulator } from '../../src/translation/emulator/server.ts'
import type { Emulator } from '../../src/translation/emulator/server.ts'

const PARENT = 'projects/nashra-test/locations/global'

describe('translation emulator over HTTP', () => {
  let emulator: Emulator
  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(new URL(path, emulator.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })

  before(async () => {
    emulator = await startEmulator()
  })
  after(() => emulator.close())

  it('listens on an ephemeral 127.0.0.1 port', () => {
    assert.equal(emulator.url.hostname, '127.0.0.1')
    assert.ok(Number(emulator.url.port) > 0)
  })

  it('translates in order, in Google\'s camelCase shape, and logs the request', async () => {
    const before = emulator.requests.length
    const body = { contents: ['عنوان', 'فقرة ١'], mimeType: 'text/plain', sourceLanguageCode: 'ar', targetLanguageCode: 'en' }
    const res = await post(`/v3/${PARENT}:translateText?$alt=json%3Benum-encoding=int`, body)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
    assert.deepEqual(await res.json(), {
      translations: [
        { translatedText: '[pseudo-en] `nwan', model: `${PARENT}/models/general/nmt` },
        { translatedText: '[pseudo-en] fqrh 1', model: `${PARENT}/models/general/nmt` },
      ],
    })
    const logged = emulator.requests[before]
    assert.equal(logged?.method, 'POST')
    assert.equal(logged?.path, `/v3/${PARENT}:translateText`)
    assert.equal(logged?.query, '?$alt=json%3Benum-encoding=int')
    assert.deepEqual(logged?.body, body)
    assert.ok(logged?.at instanceof Date)
  })

  it('detects the language and echoes a requested model when no source is given', async () => {
    const model = `${PARENT}/models/general/translation-llm`
    const res = await post(`/v3/${PARENT}:translateText`, { contents: ['نص'], mimeType: 'text/plain', targetLanguageCode: 'en', model })
    assert.deepEqual(await res.json(), {
      translations: [{ translatedText: '[pseudo-en] nS', model, detectedLanguageCode: 'ar' }],
    })
  })

  it('treats a missing mimeType as text/html, as Google does', async () => {
    const res = await post(`/v3/${PARENT}:translateText`, { contents: ['<b>نص</b>'], targetLanguageCode: 'en' })
    const reply = await res.json() as { translations: Array<{ translatedText: string }> }
    assert.equal(reply.translations[0]?.translatedText, '<b>[pseudo-en] nS</b>')
  })

  it('answers detectLanguage by script', async () => {
    const ar = await post(`/v3/${PARENT}:detectLanguage`, { content: 'خبر عاجل', mimeType: 'text/plain' })
    assert.deepEqual(await ar.json(), { languages: [{ languageCode: 'ar', confidence: 1 }] })
    const en = await post(`/v3/${PARENT}:detectLanguage`, { content: 'Breaking news', mimeType: 'text/plain' })
    assert.deepEqual(await en.json(), { languages: [{ languageCode: 'en', confidence: 1 }] })
  })

  const badRequests: Array<[string, unknown]> = [
    ['invalid JSON', '{"contents": ['],
    ['missing contents', { targetLanguageCode: 'en' }],
    ['empty contents', { contents: [], targetLanguageCode: 'en' }],
    ['non-string contents', { contents: [1], targetLanguageCode: 'en' }],
    ['missing targetLanguageCode', { contents: ['نص'], sourceLanguageCode: 'ar' }],
    ['unsupported mimeType', { contents: ['نص'], targetLanguageCode: 'en', mimeType: 'application/pdf' }],
  ]
  for (const [name, body] of badRequests) {
    it(`answers 400 INVALID_ARGUMENT for ${name}`, async () => {
      const res = await post(`/v3/${PARENT}:translateText`, body)
      assert.equal(res.status, 400)
      const reply = await res.json() as { error: { code: number; message: string; status: string } }
      assert.equal(reply.error.code, 400)
      assert.equal(reply.error.status, 'INVALID_ARGUMENT')
      assert.ok(reply.error.message.length > 0)
    })
  }

  it('answers 400 for a body over Google\'s 10 MiB limit and keeps serving', async () => {
    const res = await post(`/v3/${PARENT}:translateText`, 'x'.repeat(10 * 1024 * 1024 + 1))
    assert.equal(res.status, 400)
    assert.match((await res.json() as { error: { message: string } }).error.message, /exceeds the limit/)
    assert.equal((await post(`/v3/${PARENT}:detectLanguage`, { content: 'x' })).status, 200)
  })

  it('answers 404 NOT_FOUND for unknown paths and methods', async () => {
    for (const res of [
      await post('/v2/translate', { q: 'x' }),
      await post(`/v3/${PARENT}:romanizeText`, {}),
      await fetch(new URL(`/v3/${PARENT}:translateText`, emulator.url)),
    ]) {
      assert.equal(res.status, 404)
      const reply = await res.json() as { error: { code: number; status: string } }
      assert.deepEqual([reply.error.code, reply.error.status], [404, 'NOT_FOUND'])
    }
  })

  it('plays scripted faults once each, in order, with RetryInfo when asked', async () => {
    emulator.failNext({ status: 503, message: 'The service is currently unavailable.' })
    emulator.failNext({ status: 429, retryDelaySeconds: 30 })
    const body = { contents: ['نص'], mimeType: 'text/plain', targetLanguageCode: 'en' }
    const first = await post(`/v3/${PARENT}:translateText`, body)
    assert.equal(first.status, 503)
    assert.deepEqual(await first.json(), {
      error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' },
    })
    const second = await post(`/v3/${PARENT}:translateText`, body)
    assert.equal(second.status, 429)
    const reply = await second.json() as { error: { status: string; details: unknown } }
    assert.equal(reply.error.status, 'RESOURCE_EXHAUSTED')
    assert.deepEqual(reply.error.details, [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '30s' }])
    assert.equal((await post(`/v3/${PARENT}:translateText`, body)).status, 200)
  })

  it('lets a script decide per request', async () => {
    emulator.script((request) =>
      JSON.stringify(request.body).includes('FAIL') ? { kind: 'fail', status: 403, message: 'Rate Limit Exceeded' } : undefined)
    try {
      assert.equal((await post(`/v3/${PARENT}:translateText`, { contents: ['FAIL'], targetLanguageCode: 'en' })).status, 403)
      assert.equal((await post(`/v3/${PARENT}:translateText`, { contents: ['ok'], targetLanguageCode: 'en' })).status, 200)
    } finally {
      emulator.script(undefined)
    }
  })
})

describe('translation emulator lifecycle', () => {
  it('close() ends a hanging request and resolves', async () => {
    const emulator = await startEmulator()
    emulator.hangNext()
    const pending = fetch(new URL(`/v3/${PARENT}:translateText`, emulator.url), {
      method: 'POST',
      body: JSON.stringify({ contents: ['x'], targetLanguageCode: 'en' }),
    })
    await emulator.waitForRequests(1)
    await emulator.close()
    await assert.rejects(pending, TypeError)
    await assert.rejects(emulator.waitForRequests(2), /closed/)
  })

  it('delayMs holds every answer back at least that long', async () => {
    const emulator = await startEmulator({ delayMs: 150 })
    try {
      const started = performance.now()
      const res = await fetch(new URL(`/v3/${PARENT}:detectLanguage`, emulator.url), {
        method: 'POST',
        body: JSON.stringify({ content: 'نص' }),
      })
      assert.equal(res.status, 200)
      await res.arrayBuffer()
      assert.ok(performance.now() - started >= 145)
    } finally {
      await emulator.close()
    }
  })

  it('runs standalone: prints where it listens and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['src/translation/emulator/standalone.ts'], {
      env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = once(child, 'exit')
    try {
      const lines = createInterface({ input: child.stdout })
      // Raced with exit so a child that dies before printing fails the test instead of hanging it.
      const [first] = await Promise.race([
        once(lines, 'line') as Promise<[string]>,
        exited.then(([code]) => { throw new Error(`emulator exited early with code ${code}`) }),
      ])
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+) .*TRANSLATE_API_ENDPOINT=(\S+)/u.exec(first)
      assert.ok(match, `unexpected banner: ${first}`)
      assert.equal(match[2], match[1])
      const res = await fetch(`${match[1]}/v3/${PARENT}:detectLanguage`, {
        method: 'POST',
        body: JSON.stringify({ content: 'نص' }),
      })
      assert.equal(res.status, 200)
      await res.arrayBuffer()
    } finally {
      child.kill('SIGTERM')
    }
    const [code] = await exited
    assert.equal(code, 0)
  })

  it('runs standalone with a share of translateText calls failing like Google under load', async () => {
    const child = spawn(process.execPath, ['src/translation/emulator/standalone.ts'], {
      env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_FAULT_RATE: '1', EMULATOR_FAULT_SEED: '3' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = once(child, 'exit')
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
      const banner = (await lines.next()).value as string
      const faults = (await lines.next()).value as string
      assert.match(faults, /Failing 100% of translateText calls/)
      const url = /listening on (\S+)/.exec(banner)?.[1]
      assert.ok(url !== undefined, banner)
      // Seed 3 starts with a 429 carrying RetryInfo (the sequence is fixed by the seed).
      const res = await fetch(`${url}/v3/${PARENT}:translateText`, { method: 'POST', body: JSON.stringify({ contents: ['نص'], targetLanguageCode: 'en' }) })
      assert.equal(res.status, 429)
      const reply = await res.json() as { error: { status: string; details: Array<{ retryDelay: string }> } }
      assert.deepEqual([reply.error.status, reply.error.details[0]?.retryDelay], ['RESOURCE_EXHAUSTED', '0.05s'])
    } finally {
      child.kill('SIGTERM')
    }
    const [code] = await exited
    assert.equal(code, 0)
  })
})
