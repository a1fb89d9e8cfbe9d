// A service killed with SIGKILL in the middle of translating loses nothing: the next process on
// the same database picks the version up and delivers it.
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { type Emulator, startEmulator } from '../../src/translation/emulator/server.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { ADMIN_KEY, auth, eventually, tempDir } from '../helpers/app.ts'
import { startServiceProcess } from '../helpers/service-process.ts'
import { type Sink, startSink } from '../helpers/sink.ts'

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

it('resumes a version left translating by a killed process', async () => {
  const env = {
    DATABASE_PATH: `${tmp.dir}/nashra.db`,
    ADMIN_API_KEY: ADMIN_KEY,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    TRANSLATE_API_ENDPOINT: emulator.url.origin
  }
  // The first process gets stuck inside Google's call: the emulator never answers it.
  emulator.script(() => ({ kind: 'hang' }))
  const first = await startServiceProcess(env)
  const json = { ...auth(), 'content-type': 'application/json' }
  const sub = await fetch(`${first.base}/v1/subscribers`, {
    method: 'POST', headers: json, body: JSON.stringify({ name: 'P', url: sink.url, format: 'newsml-g2', languages: ['en'] })
  })
  assert.equal(sub.status, 201)
  const posted = await fetch(`${first.base}/v1/articles`, { method: 'POST', headers: json, body: JSON.stringify(summitPost) })
  assert.equal(posted.status, 202)
  const { id } = await posted.json() as { id: string }
  await emulator.waitForRequests(1)
  const mid = await (await fetch(`${first.base}/v1/articles/${id}`, { headers: auth() })).json() as { status: string }
  assert.equal(mid.status, 'translating')

  const killed = await first.stop('SIGKILL')
  assert.equal(killed.signal, 'SIGKILL')
  assert.equal(sink.received.length, 0)

  emulator.script(undefined)
  const second = await startServiceProcess(env)
  try {
    const [delivery] = await sink.waitFor(1)
    assert.match(delivery!.body, /<newsItem /)
    const view = await eventually(async () => {
      const v = await (await fetch(`${second.base}/v1/articles/${id}`, { headers: auth() })).json() as
        { status: string; version: number; deliveries: Array<{ status: string }> }
      return v.deliveries[0]?.status === 'delivered' ? v : undefined
    }, 10_000, 'the delivery to be recorded')
    assert.equal(view.status, 'distributed')
    assert.equal(view.version, 1)
  } finally {
    const stopped = await second.stop('SIGTERM')
    assert.equal(stopped.code, 0, `graceful shutdown exits 0:\n${second.output()}`)
  }
})
