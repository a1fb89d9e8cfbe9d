// npm run bench:delivery — prints figures, asserts nothing.
// 1. Fan-out: 20 stories × 500 push subscribers = 10,000 deliveries from the service (its own
//    process, `node src/server.ts`, logging at info) to one loopback sink (its own process),
//    against plain undici POSTing the same body to the same sink from its own process: both
//    warmed up with 1,000 requests, 10,000 measured, 50 connections, five alternating rounds,
//    medians. Target: ratio >= 0.5.
// 2. Memory: peak RSS of the service process alone with 50,000 deliveries queued (500
//    subscribers × 100 stories) to a partner that never answers. Target: < 150 MB. Measured for
//    the build (`npm run build`, built here first: what the Dockerfile runs) and for the sources
//    (`npm start`), which also load Node's TypeScript stripper.
// `--only rate|memory|built` runs one part (built: the build's memory alone); `--rounds N`.
// BENCH_DATABASE_URL=postgres://… runs the fan-out's service on PostgreSQL (a schema of its own per
// round, dropped afterwards) instead of SQLite.
// Everything runs on 127.0.0.1; every loop is bounded.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { buildService } from '../scripts/build.ts'
import { median, pgSchema, runLoad, type Service, type SinkProcess, startService, startSink, storyTemplate } from './processes.ts'

const SUBSCRIBERS = 500
const STORIES = 20
const WARM_UP_STORIES = 2
const QUEUED_STORIES = 100
const CONNECTIONS = 50
const ROUNDS = process.argv.includes('--rounds') ? Number(process.argv[process.argv.indexOf('--rounds') + 1]) : 5
const { story } = await storyTemplate()
let guid = 0

async function subscribe (svc: Service, url: string): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < SUBSCRIBERS; i += 25) {
    const batch = Array.from({ length: Math.min(25, SUBSCRIBERS - i) }, (_, k) =>
      svc.call<{ id: string }>('POST', '/v1/subscribers', { name: `S${i + k}`, url, languages: ['en'] }))
    for (const { id } of await Promise.all(batch)) ids.push(id)
  }
  return ids
}

const postStories = (svc: Service, count: number) =>
  Promise.all(Array.from({ length: count }, () => svc.call<{ id: string }>('POST', '/v1/articles', story(guid++))))

interface FanOut { fromPost: number; firstToLast: number; body: string }

async function fanOut (dir: string, sink: SinkProcess, round: number): Promise<FanOut> {
  const database = process.env['BENCH_DATABASE_URL'] === undefined ? undefined : await pgSchema(process.env['BENCH_DATABASE_URL'], `fanout_${round}`)
  const svc = await startService(dir, `fanout-${round}`,
    { DELIVERY_CONCURRENCY: String(CONNECTIONS), ...(database === undefined ? {} : { DATABASE_URL: database.databaseUrl }) })
  try {
    await subscribe(svc, sink.url)
    // Warm-up: 1,000 deliveries through the whole path (translate, render, write, sign, send, record).
    const warm = sink.expect(WARM_UP_STORIES * SUBSCRIBERS)
    await postStories(svc, WARM_UP_STORIES)
    await warm
    const arrivals = sink.expect(STORIES * SUBSCRIBERS)
    const started = Date.now()
    const [first] = await postStories(svc, STORIES)
    const { first: firstAt, last } = await arrivals
    const res = await fetch(`${svc.base}/v1/articles/${first!.id}/renditions/newsml-g2?lang=en`, { headers: { authorization: 'Bearer bench-admin-key-0123456789abcdef' } })
    return {
      fromPost: (STORIES * SUBSCRIBERS) / ((last - started) / 1000),
      firstToLast: (STORIES * SUBSCRIBERS - 1) / (Math.max(1, last - firstAt) / 1000),
      body: await res.text()
    }
  } finally {
    await svc.stop()
    await database?.drop()
  }
}

async function plainUndici (sink: SinkProcess, body: string): Promise<number> {
  const result = await runLoad({
    url: sink.url,
    body,
    headers: { 'content-type': 'application/vnd.iptc.g2.newsitem+xml' },
    connections: CONNECTIONS,
    warmUp: 1_000,
    requests: STORIES * SUBSCRIBERS,
    firstNumber: 0
  })
  return result.perSecond
}

async function queuedMemory (dir: string, name: string, entry?: string): Promise<{ peakMb: number; rssMb: number; idleMb: number; queued: number }> {
  const sink = await startSink('hang')
  // The default DELIVERY_CONCURRENCY: as many hanging requests as the product would hold.
  const svc = await startService(dir, name, {}, entry)
  try {
    // Idle: ready, nothing posted yet.
    const idle = await svc.memory()
    const subscribers = await subscribe(svc, sink.url)
    for (let i = 0; i < QUEUED_STORIES; i += 10) await postStories(svc, 10)
    // Queued once the last subscriber holds an outbox row of every story (pending, or in flight).
    const deadline = Date.now() + 300_000
    let queued = 0
    while (queued < QUEUED_STORIES) {
      if (Date.now() > deadline) throw new Error(`only ${queued} of ${QUEUED_STORIES} stories queued within 5 minutes`)
      const page = await svc.call<{ deliveries: unknown[] }>('GET', `/v1/subscribers/${subscribers.at(-1)}/deliveries?status=pending&limit=500`)
      queued = page.deliveries.length
      if (queued < QUEUED_STORIES) await new Promise((resolve) => setTimeout(resolve, 250))
    }
    return { ...await svc.memory(), idleMb: idle.rssMb, queued: queued * SUBSCRIBERS }
  } finally {
    await sink.stop() // hanging attempts fail at once, so shutdown is quick
    await svc.stop()
  }
}

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
const dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-bench-'))
try {
  if (only === undefined || only === 'rate') {
    const sink = await startSink('ok')
    try {
      // Alternating, five rounds each, medians: the machine is noisy.
      const fans: FanOut[] = []
      const plains: number[] = []
      for (let round = 0; round < ROUNDS; round++) {
        fans.push(await fanOut(dir, sink, round))
        plains.push(await plainUndici(sink, fans[0]!.body))
        console.log(`round ${round + 1}: service ${fans.at(-1)!.fromPost.toFixed(0)}/s from the first POST (${fans.at(-1)!.firstToLast.toFixed(0)}/s first to last delivery), plain undici ${plains.at(-1)!.toFixed(0)}/s`)
      }
      const fromPost = median(fans.map((f) => f.fromPost))
      const firstToLast = median(fans.map((f) => f.firstToLast))
      const plain = median(plains)
      console.log(`fan-out, ${STORIES} stories × ${SUBSCRIBERS} subscribers: ${fromPost.toFixed(0)} deliveries/s from the first POST to the last delivery (translate, render, write, sign, send, record); ${firstToLast.toFixed(0)}/s first to last delivery`)
      console.log(`plain undici, same body, same sink, ${CONNECTIONS} connections, warm: ${plain.toFixed(0)} requests/s`)
      console.log(`ratio: ${(fromPost / plain).toFixed(2)} from the first POST (target >= 0.5); ${(firstToLast / plain).toFixed(2)} first to last delivery`)
    } finally {
      await sink.stop()
    }
  }
  if (only !== 'rate') { // 'memory': both forms; 'built': the build alone
    const forms = [
      { form: 'build (dist/src/server.js, as the Dockerfile runs it)', name: 'queue-built', entry: await buildService() },
      { form: 'sources (src/server.ts, as npm start runs it)', name: 'queue-sources', entry: undefined }
    ]
    // --only built: the build alone (what the Dockerfile runs), for alternating runs.
    for (const { form, name, entry } of only === 'built' ? forms.slice(0, 1) : forms) {
      const mem = await queuedMemory(dir, name, entry)
      console.log(`service process, ${form}, with ${mem.queued} deliveries queued to a hanging partner: peak RSS ${mem.peakMb.toFixed(0)} MB, now ${mem.rssMb.toFixed(0)} MB, idle before it ${mem.idleMb.toFixed(0)} MB (target < 150 MB)`)
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}
