// npm run bench:delivery — prints figures, asserts nothing.
// 1. One story fanned out to 500 subscribers on a local sink (its own process): deliveries per
//    second, against plain undici POSTs of the same body to the same sink, same concurrency,
//    same run, five alternating rounds, medians. Target: ratio >= 0.5.
// 2. Peak RSS of the service process with 50,000 deliveries queued (500 subscribers x 100
//    stories, the partner endpoint never answering). Target: < 250 MB.
// Everything runs on 127.0.0.1; every loop is bounded.
import { mkdtemp, rm } from 'node:fs/promises'
import { fork } from 'node:child_process'
import { once } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Agent, request } from 'undici'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createMemoryProvider } from '../src/translation/memory.ts'

const SUBSCRIBERS = 500
const QUEUED_STORIES = 100
const CONCURRENCY = 32
const ADMIN = 'bench-admin-key-0123456789abcdef'

interface SinkProcess {
  url: string
  /** Resolves with the wall-clock times of the first and the count-th request from now on. */
  expect(count: number): Promise<{ first: number; last: number }>
  stop(): Promise<void>
}

async function sink (mode: 'ok' | 'hang'): Promise<SinkProcess> {
  const child = fork(fileURLToPath(new URL('./sink.ts', import.meta.url)), [], { env: { ...process.env, SINK_MODE: mode } })
  const [ready] = await once(child, 'message') as [{ port: number }]
  let first = 0
  let reached: ((last: number) => void) | null = null
  child.on('message', (msg: { type: string; at: number }) => {
    if (msg.type === 'first') first = msg.at
    if (msg.type === 'reached') reached?.(msg.at)
  })
  return {
    url: `http://127.0.0.1:${ready.port}/hook`,
    expect (count) {
      return new Promise((resolve) => {
        reached = (last) => resolve({ first, last })
        child.send({ type: 'expect', target: count })
      })
    },
    async stop () {
      child.send({ type: 'stop' })
      await once(child, 'exit')
    }
  }
}

async function service (dir: string, name: string) {
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, `${name}.db`),
    ADMIN_API_KEY: ADMIN,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    TRANSLATE_API_ENDPOINT: 'http://127.0.0.1:9',
    DELIVERY_CONCURRENCY: String(CONCURRENCY),
    LOG_LEVEL: 'silent'
  })
  const translator = createMemoryProvider()
  const app = await buildApp(config, { translator, logger: false })
  await app.ready()
  const call = async (method: string, url: string, payload?: object) => {
    const res = await app.inject({ method: method as 'POST', url, headers: { authorization: `Bearer ${ADMIN}` }, ...(payload === undefined ? {} : { payload }) })
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  return { app, call, close: async () => { await app.close(); await translator.close() } }
}

const story = (i: number) => ({
  guid: `urn:bench:${i}`,
  headline: `اجتماع وزاري لبحث خطة النقل العام رقم ${i}`,
  body: Array.from({ length: 8 }, (_, p) => `فقرة ${p} من الخبر: ناقش الوزراء خطة لتحسين النقل العام في المدن الكبرى خلال ٥ سنوات بكلفة 300 مليون.`).join('\n'),
  category: 'politics',
  urgency: 4
})

async function fanOutRate (dir: string, round: number): Promise<{ rate: number; prepMs: number; totalRate: number; body: string }> {
  const target = await sink('ok')
  const svc = await service(dir, `fanout-${round}`)
  try {
    for (let i = 0; i < SUBSCRIBERS; i++) await svc.call('POST', '/v1/subscribers', { name: `S${i}`, url: target.url, languages: ['en'] })
    const arrivals = target.expect(SUBSCRIBERS)
    const started = Date.now()
    const { id } = await svc.call('POST', '/v1/articles', story(0))
    const { first, last } = await arrivals
    const body = (await svc.app.inject({ url: `/v1/articles/${id}/renditions/newsml-g2?lang=en`, headers: { authorization: `Bearer ${ADMIN}` } })).body
    return {
      rate: (SUBSCRIBERS - 1) / (Math.max(1, last - first) / 1000),
      prepMs: first - started,
      totalRate: SUBSCRIBERS / ((last - started) / 1000),
      body
    }
  } finally {
    await svc.close()
    await target.stop()
  }
}

async function plainUndiciRate (body: string): Promise<number> {
  const target = await sink('ok')
  const agent = new Agent({ keepAliveTimeout: 4_000 })
  try {
    let next = 0
    const all = target.expect(SUBSCRIBERS)
    const started = Date.now()
    const worker = async (): Promise<void> => {
      while (next < SUBSCRIBERS) {
        next++
        const res = await request(target.url, { dispatcher: agent, method: 'POST', body, headers: { 'content-type': 'application/vnd.iptc.g2.newsitem+xml' } })
        await res.body.dump()
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    const { last } = await all
    return SUBSCRIBERS / ((last - started) / 1000)
  } finally {
    await agent.close()
    await target.stop()
  }
}

async function queuedMemory (dir: string): Promise<{ peakMb: number; queued: number }> {
  const target = await sink('hang')
  const svc = await service(dir, 'queue')
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 50)
  try {
    const subs: string[] = []
    for (let i = 0; i < SUBSCRIBERS; i++) subs.push((await svc.call('POST', '/v1/subscribers', { name: `Q${i}`, url: target.url, languages: ['en'] })).id)
    const ids: string[] = []
    for (let i = 0; i < QUEUED_STORIES; i++) ids.push((await svc.call('POST', '/v1/articles', story(i))).id)
    const deadline = Date.now() + 300_000
    for (const id of ids) {
      // Polled through storage: the article view lists 500 deliveries, too heavy to fetch in a loop.
      while ((await svc.app.storage.getVersion(id))?.status !== 'distributed') {
        if (Date.now() > deadline) throw new Error('fan-out did not finish within 5 minutes')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    const queued = (await svc.call('GET', `/v1/subscribers/${subs[0]}/deliveries?status=pending&limit=500`)).deliveries.length * SUBSCRIBERS
    peak = Math.max(peak, process.memoryUsage().rss)
    return { peakMb: peak / 1024 / 1024, queued }
  } finally {
    clearInterval(sampler)
    await target.stop() // hanging attempts fail at once, so shutdown is quick
    await svc.close()
  }
}

// `--only rate` or `--only memory` runs one half (for profiling).
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
const dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-bench-'))
try {
  if (only !== 'memory') {
    // Alternate the two, five rounds each, and compare medians: the machine is noisy.
    const fans: Array<Awaited<ReturnType<typeof fanOutRate>>> = []
    const plains: number[] = []
    for (let round = 0; round < 5; round++) {
      fans.push(await fanOutRate(dir, round))
      plains.push(await plainUndiciRate(fans[0]!.body))
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    const rate = median(fans.map((f) => f.rate))
    const plain = median(plains)
    console.log(`fan-out to ${SUBSCRIBERS} subscribers: ${rate.toFixed(0)} deliveries/s, first to last (signed, sent, recorded)`)
    console.log(`  from the POST of the story: ${median(fans.map((f) => f.prepMs)).toFixed(0)} ms to the first delivery (translate, render, write ${SUBSCRIBERS} outbox rows); ${median(fans.map((f) => f.totalRate)).toFixed(0)} deliveries/s overall`)
    console.log(`plain undici, same body, same sink, concurrency ${CONCURRENCY}: ${plain.toFixed(0)} requests/s`)
    console.log(`ratio: ${(rate / plain).toFixed(2)} (target >= 0.5); overall incl. fan-out preparation: ${(median(fans.map((f) => f.totalRate)) / plain).toFixed(2)}`)
  }
  if (only === undefined) {
    // A fresh process, so the rounds above do not inflate the figure: RSS never shrinks much.
    const child = fork(fileURLToPath(import.meta.url), ['--only', 'memory'])
    await once(child, 'exit')
  } else if (only === 'memory') {
    const mem = await queuedMemory(dir)
    console.log(`peak RSS with ~${mem.queued} deliveries queued: ${mem.peakMb.toFixed(0)} MB (target < 250 MB; whole bench process)`)
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}
