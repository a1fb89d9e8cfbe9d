// The pipeline translates several versions, and all their languages, at once — through the real
// Google client against the emulator answering after a latency — and order still holds: versions
// of a story reach the partner in version order even when the engine answers them out of order,
// and a kill posted mid-burst overtakes the updates queued before it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startEmulator } from '../../src/translation/emulator/server.ts'
import { createGoogleV3Provider } from '../../src/translation/google-v3.ts'
import { withResilience } from '../../src/translation/resilient.ts'
import { auth, buildTestApp, type TestApp } from '../helpers/app.ts'
import { type Received, startSink } from '../helpers/sink.ts'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

async function stack (emulatorLatencyMs: number, env: Record<string, string>) {
  const emulator = await startEmulator({ delayMs: emulatorLatencyMs })
  const translator = withResilience(createGoogleV3Provider({ projectId: 'nashra-test', location: 'global', endpoint: emulator.url, timeoutMs: 10_000 }))
  const sink = await startSink()
  let t: TestApp | undefined
  try {
    t = await buildTestApp({ translator, env })
    await t.app.ready()
  } catch (err) {
    await Promise.all([sink.close(), translator.close(), emulator.close()])
    throw err
  }
  const app = t.app
  const post = async (url: string, payload?: object): Promise<{ id: string }> => {
    const res = await app.inject({ method: 'POST', url, headers: auth(), ...(payload === undefined ? {} : { payload }) })
    assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  return {
    app,
    emulator,
    sink,
    post,
    async close () {
      await t?.close()
      await translator.close()
      await emulator.close()
      await sink.close()
    },
  }
}

const story = (i: number, headline = `خبر عاجل رقم ${i} عن اجتماع الوزراء`) => ({
  guid: `urn:t:burst:${i}`, headline, body: `فقرة أولى من الخبر رقم ${i}.\nفقرة ثانية من الخبر رقم ${i}.`,
})

const header = (r: Received, name: string): string => String(r.headers[name])

describe('concurrent translation', () => {
  it('keeps several engine calls in flight, never more than TRANSLATION_CONCURRENCY', async () => {
    const s = await stack(100, { TRANSLATION_CONCURRENCY: '4' })
    try {
      await s.post('/v1/subscribers', { name: 'Wire', url: s.sink.url, languages: ['en', 'fr', 'es'] })
      for (let i = 0; i < 8; i++) await s.post('/v1/articles', story(i))
      const received = await s.sink.waitFor(24, 30_000)
      const { peak } = s.emulator.concurrency()
      assert.ok(peak > 1, `the engine saw ${peak} call(s) at a time`)
      assert.ok(peak <= 4, `the engine saw ${peak} calls at once, over the limit of 4`)
      assert.equal(new Set(received.map((r) => `${header(r, 'x-nashra-article-id')} ${header(r, 'content-language')}`)).size, 24)
      // Operators see the engine's load in /metrics: nothing in flight now, the burst's characters.
      const metrics = (await s.app.inject({ url: '/metrics', headers: auth() })).body
      assert.match(metrics, /^nashra_translation_engine_in_flight 0$/m)
      const chars = Number(/^nashra_translation_characters_last_minute (\d+)$/m.exec(metrics)?.[1])
      const sent = s.emulator.translateRequests().reduce((n, r) => n + r.contents.reduce((m, c) => m + [...c].length, 0), 0)
      assert.equal(chars, sent, 'every codepoint the emulator received is counted against the budget')
    } finally {
      await s.close()
    }
  })

  it('delivers version 1 before version 2 when the engine answers version 2 first', async () => {
    const s = await stack(0, {})
    try {
      await s.post('/v1/subscribers', { name: 'Wire', url: s.sink.url, languages: ['en', 'fr'] })
      const first = story(1, 'الإصدار الأول من الخبر')
      const slowUntilSecondAnswered = (emulator: Emulator) => {
        emulator.script((request) => JSON.stringify(request.body).includes('الإصدار الأول') ? { kind: 'delay', ms: 1500 } : undefined)
      }
      slowUntilSecondAnswered(s.emulator)
      const { id } = await s.post('/v1/articles', first)
      await s.emulator.waitForRequests(2)
      await s.post('/v1/articles', { ...first, headline: 'الإصدار الثاني من الخبر' })
      const received = await s.sink.waitFor(4, 20_000)
      const versions = received.map((r) => `${header(r, 'x-nashra-version')}`)
      assert.deepEqual(versions, ['1', '1', '2', '2'], 'every version 1 before any version 2')
      assert.ok(received.every((r) => header(r, 'x-nashra-article-id') === id))
      // Version 2 really was translated while version 1 was still at the engine.
      const calls = s.emulator.requests.filter((r) => r.path.endsWith(':translateText'))
      const firstCall = calls.find((r) => JSON.stringify(r.body).includes('الإصدار الأول'))!
      const secondCalls = calls.filter((r) => JSON.stringify(r.body).includes('الإصدار الثاني'))
      assert.equal(secondCalls.length, 2)
      assert.ok(secondCalls.every((r) => r.at.getTime() < firstCall.at.getTime() + 1500), 'version 2 went to the engine while version 1 waited')
    } finally {
      await s.close()
    }
  })

  it('delivers a kill posted mid-burst before the updates queued ahead of it', async () => {
    const s = await stack(50, { DELIVERY_RETRY_SCHEDULE: '300ms,300ms,300ms' })
    try {
      await s.post('/v1/subscribers', { name: 'Wire', url: s.sink.url, languages: ['en'] })
      const killed = await s.post('/v1/articles', story(0))
      await s.sink.waitFor(1, 15_000)
      // The partner turns the next delivery away for 2 s; the burst queues up behind it.
      s.sink.respond((index) => (index === 1 ? { status: 503, headers: { 'retry-after': '2' } } : undefined))
      for (let i = 1; i <= 8; i++) await s.post('/v1/articles', story(i))
      await s.sink.waitFor(2, 15_000)
      await s.post(`/v1/articles/${killed.id}/kill`)
      const received = await s.sink.waitFor(11, 30_000)
      const events = received.map((r) => header(r, 'x-nashra-event'))
      // The refused message already left (it holds its number): the kill comes right after its
      // retry, ahead of everything queued that had not left yet (issue 12: numbers in order).
      assert.equal(header(received[2]!, 'webhook-id'), header(received[1]!, 'webhook-id'), 'the refused message, retried')
      const killAt = events.indexOf('kill')
      assert.equal(killAt, 3, `the kill right after the refused delivery: ${events.join(', ')}`)
      assert.ok(received.slice(killAt + 1).length >= 1, 'stories queued before the kill went after it')
      const accepted = received.filter((_, i) => i !== 1)
      assert.deepEqual(accepted.map((r) => Number(header(r, 'x-nashra-sequence'))), accepted.map((_, i) => i + 1),
        'numbered in the order they arrived, without a gap')
    } finally {
      await s.close()
    }
  })
})
