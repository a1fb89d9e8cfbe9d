// kill -9 of the service while 1,000 deliveries are pending (32 of them in flight): after a
// restart on the same database every delivery arrives, each webhook-id at least once.
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { type Emulator, startEmulator } from '../../src/translation/emulator/server.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { ADMIN_KEY, auth, eventually, tempDir } from '../helpers/app.ts'
import { type ServiceProcess, startServiceProcess } from '../helpers/service-process.ts'
import { type Sink, startSink } from '../helpers/sink.ts'

const SUBSCRIBERS = 100
const STORIES = 10

let emulator: Emulator
let sink: Sink
let tmp: Awaited<ReturnType<typeof tempDir>>

before(async () => {
  tmp = await tempDir()
  emulator = await startEmulator()
  sink = await startSink()
})

after(async () => {
  await sink.close()
  await emulator.close()
  await tmp.remove()
})

async function call (service: ServiceProcess, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(service.base + path, {
    method,
    headers: { ...auth(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  assert.ok(res.ok, `${method} ${path}: ${res.status}`)
  return res.json()
}

it('delivers every pending webhook after a kill -9', { timeout: 120_000 }, async () => {
  const env = {
    DATABASE_PATH: `${tmp.dir}/nashra.db`,
    ADMIN_API_KEY: ADMIN_KEY,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    TRANSLATE_API_ENDPOINT: emulator.url.origin,
    DELIVERY_RETRY_SCHEDULE: '200ms,500ms,1s,2s'
  }
  // Until the crash the partner takes requests and never answers them.
  sink.respond(() => 'hang')
  const first = await startServiceProcess(env)
  const subscribers: string[] = []
  for (let i = 0; i < SUBSCRIBERS; i++) {
    subscribers.push((await call(first, 'POST', '/v1/subscribers', { name: `P${i}`, url: `${sink.url}?p=${i}`, languages: ['en'] })).id)
  }
  const articles: string[] = []
  for (let i = 0; i < STORIES; i++) {
    articles.push((await call(first, 'POST', '/v1/articles', { ...summitPost, guid: `urn:test:crash-${i}`, headline: `خبر ${i}` })).id)
  }
  await eventually(async () => {
    for (const id of articles) if ((await call(first, 'GET', `/v1/articles/${id}`)).status !== 'distributed') return undefined
    return true
  }, 60_000, 'every story to be fanned out')
  await sink.waitFor(32)
  const expected = new Set<string>()
  for (const id of subscribers) {
    for (const d of (await call(first, 'GET', `/v1/subscribers/${id}/deliveries?limit=500`)).deliveries) expected.add(d.webhookId)
  }
  assert.equal(expected.size, SUBSCRIBERS * STORIES)

  assert.equal((await first.stop('SIGKILL')).signal, 'SIGKILL')

  sink.respond(() => 204)
  const second = await startServiceProcess(env)
  try {
    const seen = new Set<string>()
    await eventually(async () => {
      for (const r of sink.received) seen.add(String(r.headers['webhook-id']))
      return [...expected].every((id) => seen.has(id)) ? true : undefined
    }, 90_000, 'every webhook-id to arrive')
    const unknown = [...seen].filter((id) => !expected.has(id))
    assert.deepEqual(unknown, [], 'nothing arrived that was not in the outbox')
    await eventually(async () => {
      for (const id of subscribers) {
        const list = (await call(second, 'GET', `/v1/subscribers/${id}/deliveries?status=pending`)).deliveries
        if (list.length > 0) return undefined
      }
      return true
    }, 30_000, 'every delivery to be recorded as delivered')
  } finally {
    assert.equal((await second.stop('SIGTERM')).code, 0, second.output())
  }
})
