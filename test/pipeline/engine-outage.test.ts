// An engine outage loses nothing and needs no hands: stories posted while the engine answers 503,
// refuses connections, resets them or never answers all go out by themselves, in version order,
// once it is back; none fails; and while the circuit is open the stage claims one version per
// probe instead of churning through the backlog. A permanent error still fails at once.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Behaviour } from '../../src/translation/emulator/server.ts'
import { startEmulator } from '../../src/translation/emulator/server.ts'
import { createGoogleV3Provider } from '../../src/translation/google-v3.ts'
import { withResilience } from '../../src/translation/resilient.ts'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import type { Storage } from '../../src/storage/types.ts'
import { auth, buildTestApp, eventually, tempDir, type TestApp } from '../helpers/app.ts'
import { startSink } from '../helpers/sink.ts'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

interface Fault {
  name: string
  start(emulator: Emulator): Promise<void>
  stop(emulator: Emulator): Promise<void>
}

const scripted = (behaviour: Behaviour, name: string): Fault => ({
  name,
  async start (emulator) { emulator.script((r) => (r.path.endsWith(':translateText') ? behaviour : undefined)) },
  async stop (emulator) { emulator.script(undefined) },
})

const FAULTS: Fault[] = [
  scripted({ kind: 'fail', status: 503, message: 'The service is currently unavailable.' }, '503 UNAVAILABLE'),
  { name: 'connection refused', start: (e) => e.refuse(), stop: (e) => e.accept() },
  scripted({ kind: 'reset' }, 'connection reset'),
  scripted({ kind: 'hang' }, 'a call that never answers'),
]

/** Counts translation claims, to see whether the stage churns while the engine is out. */
function countingClaims (storage: Storage): { storage: Storage; claims: () => number } {
  let claims = 0
  const counted = Object.create(storage) as Storage
  counted.claimVersionForTranslation = (now, leaseUntil) => {
    claims++
    return storage.claimVersionForTranslation(now, leaseUntil)
  }
  return { storage: counted, claims: () => claims }
}

const story = (i: number, headline = `خبر رقم ${i} عن انقطاع الخدمة`) => ({ guid: `urn:t:outage:${i}`, headline, body: `نص الخبر رقم ${i}.` })

describe('engine outage', () => {
  for (const fault of FAULTS) {
    it(`recovers from ${fault.name} by itself, in order, without churning`, async () => {
      const emulator = await startEmulator()
      // Calls counted at the client: a refused connection never reaches the emulator's log.
      const google = createGoogleV3Provider({ projectId: 'nashra-test', location: 'global', endpoint: emulator.url, timeoutMs: 300 })
      let engineCalls = 0
      const counted = { ...google, translate: (request: Parameters<typeof google.translate>[0]) => { engineCalls++; return google.translate(request) } }
      const translator = withResilience(counted,
        { retry: { attempts: 2, baseDelayMs: 5 }, breaker: { failureThreshold: 2, cooldownMs: 100, maxCooldownMs: 300 } })
      const sink = await startSink()
      const tmp = await tempDir()
      const raw = openSqliteStorage(`${tmp.dir}/outage.db`)
      const { storage, claims } = countingClaims(raw)
      let t: TestApp | undefined
      try {
        // A retry window far shorter than the outage would fail versions; 24 h (the default) must not.
        t = await buildTestApp({ translator, storage })
        const { app } = t
        await app.ready()
        const post = async (url: string, payload: object) => {
          const res = await app.inject({ method: 'POST', url, headers: auth(), payload })
          assert.ok(res.statusCode < 300, res.body)
          return res.json() as { id: string }
        }
        await post('/v1/subscribers', { name: 'Wire', url: sink.url, languages: ['en'] })
        await fault.start(emulator)
        const ids: string[] = []
        for (let i = 0; i < 5; i++) ids.push((await post('/v1/articles', story(i))).id)
        await post('/v1/articles', story(0, 'تحديث: خبر رقم 0 عن انقطاع الخدمة'))

        await eventually(async () => (translator.breaker.state === 'closed' ? undefined : true), 15_000, 'the circuit to open')
        // Watch a stretch of the outage: every claim is a probe that reaches the engine (or one
        // racing the breaker), not a claim-and-postpone of each waiting version per cool-down.
        const calls = () => engineCalls
        const [claims0, calls0] = [claims(), calls()]
        await eventually(async () => (calls() >= calls0 + 4 ? true : undefined), 20_000, 'four probes')
        const [claims1, calls1] = [claims(), calls()]
        assert.ok(claims1 - claims0 <= calls1 - calls0 + 2, `${claims1 - claims0} claims for ${calls1 - calls0} engine calls while the circuit was open`)

        const versions = await Promise.all(ids.map(async (id) => (await app.inject({ url: `/v1/articles/${id}`, headers: auth() })).json() as { status: string }))
        assert.ok(versions.every((v) => v.status === 'translating' || v.status === 'received'), JSON.stringify(versions.map((v) => v.status)))
        assert.equal(sink.received.length, 0)

        await fault.stop(emulator)
        const received = await sink.waitFor(6, 20_000)
        const seen = received.map((r) => `${r.headers['x-nashra-article-id']}@${r.headers['x-nashra-version']}`)
        assert.equal(new Set(seen).size, 6, seen.join(' '))
        const story0 = seen.filter((s) => s.startsWith(`${ids[0]}@`))
        assert.deepEqual(story0, [`${ids[0]}@1`, `${ids[0]}@2`], 'the update after the first version')
        const failed = await Promise.all(ids.map(async (id) => (await app.inject({ url: `/v1/articles/${id}`, headers: auth() })).json() as { status: string }))
        assert.deepEqual(failed.map((v) => v.status), ids.map(() => 'distributed'))
      } finally {
        await fault.stop(emulator)
        await t?.close()
        await raw.close()
        await translator.close()
        await emulator.close()
        await sink.close()
        await tmp.remove()
      }
    })
  }

  for (const window of ['24h', '1ms']) {
    it(`retries a transient failure past ${window === '24h' ? 'eight runs inside the retry window' : 'eight runs only inside the window: a 1 ms window fails it'}`, async () => {
      const emulator = await startEmulator()
      emulator.script(() => ({ kind: 'fail', status: 503, message: 'The service is currently unavailable.' }))
      const translator = withResilience(createGoogleV3Provider({ projectId: 'nashra-test', location: 'global', endpoint: emulator.url, timeoutMs: 1000 }),
        { retry: { attempts: 1 }, breaker: { failureThreshold: 1, cooldownMs: 50, maxCooldownMs: 50 } })
      const tmp = await tempDir()
      const raw = openSqliteStorage(`${tmp.dir}/window.db`)
      const { storage, claims } = countingClaims(raw)
      let t: TestApp | undefined
      try {
        t = await buildTestApp({ translator, storage, env: { TRANSLATION_RETRY_WINDOW: window } })
        await t.app.ready()
        const { id } = (await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: story(7) })).json() as { id: string }
        const view = async () => (await t!.app.inject({ url: `/v1/articles/${id}`, headers: auth() })).json() as { status: string; statusReason: string | null }
        if (window === '1ms') {
          const failed = await eventually(async () => ((await view()).status === 'failed' ? view() : undefined), 15_000, 'the version to fail')
          assert.match(failed.statusReason ?? '', /unavailable/)
          assert.equal(emulator.translateRequests().length, 8, 'eight runs, then failed')
          return
        }
        await eventually(async () => (claims() >= 12 ? true : undefined), 15_000, 'twelve runs')
        assert.notEqual((await view()).status, 'failed')
        emulator.script(undefined)
        await eventually(async () => ((await view()).status === 'distributed' ? true : undefined), 10_000, 'the version to go out')
      } finally {
        await t?.close()
        await raw.close()
        await translator.close()
        await emulator.close()
        await tmp.remove()
      }
    })
  }

  it('fails a version at once, with the reason, when the engine refuses a request (400), even if another language only met a 503', async () => {
    const emulator = await startEmulator()
    emulator.script((r) => ((r.body as { targetLanguageCode?: string }).targetLanguageCode === 'fr'
      ? { kind: 'fail', status: 400, message: 'Target language is invalid.' }
      : { kind: 'fail', status: 503, message: 'The service is currently unavailable.' }))
    const translator = withResilience(createGoogleV3Provider({ projectId: 'nashra-test', location: 'global', endpoint: emulator.url, timeoutMs: 1000 }),
      { retry: { attempts: 1 } })
    let t: TestApp | undefined
    try {
      t = await buildTestApp({ translator })
      await t.app.ready()
      await t.app.inject({ method: 'POST', url: '/v1/subscribers', headers: auth(), payload: { name: 'Wire', mode: 'pull', languages: ['en', 'fr'] } })
      const res = await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: story(9) })
      const { id } = res.json() as { id: string }
      const view = await eventually(async () => {
        const v = (await t!.app.inject({ url: `/v1/articles/${id}`, headers: auth() })).json() as { status: string; statusReason: string | null }
        return v.status === 'failed' ? v : undefined
      }, 10_000, 'the version to fail')
      assert.match(view.statusReason ?? '', /Target language is invalid/)
      assert.equal(emulator.translateRequests().length, 2, 'one run: no retry of a refused request')
    } finally {
      await t?.close()
      await translator.close()
      await emulator.close()
    }
  })
})
