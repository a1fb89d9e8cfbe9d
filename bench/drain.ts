// npm run bench:drain — prints figures, asserts nothing (issue 11: recovery after an engine outage).
// The service (its own process, as in production) has one push subscriber in one language (en) at
// a loopback sink (its own process). While nothing listens at the engine's address, 20,000 stories
// are posted over 20 connections: every engine call is refused and the backlog only grows. Then
// the emulator (its own process, no added latency) starts at that address, and the bench reports:
// - how far behind GET /v1/pipeline says the service is, before and during the drain;
// - the pipeline's drain rate: stories translated and distributed per second from the engine's
//   return until none waits (target >= 200/s with 20,000 waiting);
// - seconds from the engine's return to the first and to the 20,000th delivery (target: all
//   within 180 s), which DELIVERY_RATE_LIMIT (one subscriber) also bounds.
// Bounded: gives up after DRAIN_LIMIT_S (default 600 s) and prints how far it got.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freePort } from '../test/helpers/service-process.ts'
import { ADMIN, runLoad, startEmulatorProcess, startService, startSink, storyTemplate } from './processes.ts'

const STORIES = Number(process.env['DRAIN_STORIES'] ?? 20_000)
const LIMIT_MS = Number(process.env['DRAIN_LIMIT_S'] ?? 600) * 1000
interface Backlog { waiting: number; oldestWaitingSeconds: number; outbox: { pending: number } }

const { template } = await storyTemplate()
const dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-drain-'))
const enginePort = await freePort()
const sink = await startSink('ok')
const svc = await startService(dir, 'drain', { TRANSLATE_API_ENDPOINT: `http://127.0.0.1:${enginePort}`, GOOGLE_CLOUD_PROJECT: 'bench', ...JSON.parse(process.env['DRAIN_ENV'] ?? '{}') })
let emulator: { stop(): Promise<void> } | undefined
try {
  await svc.call('POST', '/v1/subscribers', { name: 'Partner', mode: 'push', url: sink.url, languages: ['en'] })
  const posted = await runLoad({
    url: `${svc.base}/v1/articles`,
    body: template,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    connections: 20,
    warmUp: 0,
    requests: STORIES,
    firstNumber: 0
  })
  console.log(`posted ${STORIES} stories during the outage: ${posted.perSecond.toFixed(0)}/s, max ${posted.max.toFixed(0)} ms, ${JSON.stringify(posted.statuses)}`)
  const before = await svc.call<Backlog>('GET', '/v1/pipeline')
  console.log(`before recovery: /v1/pipeline waiting ${before.waiting}, oldest ${before.oldestWaitingSeconds.toFixed(0)} s; rss ${(await svc.memory()).rssMb.toFixed(0)} MB`)

  const reached = sink.expect(STORIES)
  emulator = await startEmulatorProcess(enginePort)
  const recovered = Date.now()
  const deadline = recovered + LIMIT_MS
  let done: { first: number; last: number } | undefined
  void reached.then((r) => { done = r })
  // /v1/pipeline once a second: when translation and distribution had taken every story.
  let pipelineEmpty: number | undefined
  let pipelineMoved: number | undefined
  let lastPrint = recovered
  while (done === undefined && Date.now() < deadline) {
    await Promise.race([reached, new Promise((resolve) => setTimeout(resolve, 1_000))])
    if (done !== undefined) break
    const now = await svc.call<Backlog>('GET', '/v1/pipeline')
    if (pipelineMoved === undefined && now.waiting < STORIES) pipelineMoved = Date.now()
    if (pipelineEmpty === undefined && now.waiting === 0) pipelineEmpty = Date.now()
    if (Date.now() - lastPrint >= 5_000) {
      lastPrint = Date.now()
      console.log(`  +${((Date.now() - recovered) / 1000).toFixed(0)} s: waiting ${now.waiting}, oldest ${now.oldestWaitingSeconds.toFixed(0)} s, outbox ${now.outbox.pending}`)
    }
  }
  if (pipelineEmpty !== undefined && pipelineMoved !== undefined) {
    const s = (pipelineEmpty - recovered) / 1000
    const draining = Math.max(1, (pipelineEmpty - pipelineMoved) / 1000)
    console.log(`pipeline: moving ${((pipelineMoved - recovered) / 1000).toFixed(0)} s after the engine came back (the breaker's probe); all ${STORIES} translated and distributed after ${s.toFixed(1)} s: ` +
      `${(STORIES / draining).toFixed(0)} stories/s once moving (target >= 200/s), ${(STORIES / s).toFixed(0)}/s counting from the return (polled once a second)`)
  }
  if (done === undefined) {
    const now = await svc.call<Backlog>('GET', '/v1/pipeline')
    console.log(`drain: NOT finished within ${LIMIT_MS / 1000} s; still waiting ${now.waiting}, outbox ${now.outbox.pending}`)
  } else {
    const { first, last } = done
    const total = (last - recovered) / 1000
    console.log(`drain: first delivery ${((first - recovered) / 1000).toFixed(1)} s after the engine came back, all ${STORIES} delivered after ${total.toFixed(1)} s (target <= 180 s)`)
    console.log(`drain: ${(STORIES / ((last - first) / 1000)).toFixed(0)} deliveries/s from first to last, ${(STORIES / total).toFixed(0)}/s counting from recovery; peak rss ${(await svc.memory()).peakMb.toFixed(0)} MB`)
  }
} finally {
  await svc.stop()
  await emulator?.stop()
  await sink.stop()
  await rm(dir, { recursive: true, force: true })
}
