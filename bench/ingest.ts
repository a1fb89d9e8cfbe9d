// npm run bench:ingest — prints figures, asserts nothing.
// 1. Ingest rate: 3.9 KB Arabic stories with distinct guids POSTed over 50 connections by a load
//    generator in its own process, to the service (its own process, `node src/server.ts`, logging
//    at info, the pipeline behind it translating every story with the emulator — its own process,
//    as Google is — rendering it and writing it to a pull subscriber's feed) and to a bare Fastify 5 route parsing the same JSON (its own process),
//    same Node, same run: 500 warm-up requests, 4,000 measured, five alternating rounds, medians.
//    Target: ratio >= 0.5. A 202 is only answered once the version is committed. Each round
//    starts with the service's pipeline idle: after its posts the bench waits until the pipeline
//    has drained what they left (GET /v1/pipeline), so the bare route is not measured while the
//    service works through a backlog on the same two cores, and every round of the service
//    starts from the same empty queue.
// 2. Outage: 20,000 stories posted over 20 connections while the translation engine refuses
//    every connection, so the backlog only grows: the slowest post (target <= 2 s), and the rate
//    of the whole run against its first 2,000 (target >= 0.7). `--only rate|outage` runs one.
// Everything runs on 127.0.0.1; every loop is bounded.
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LoadJob, LoadResult } from './load.ts'
import { ADMIN, median, runLoad, startEmulatorProcess, startService, storyTemplate } from './processes.ts'

const CONNECTIONS = 50
const ROUNDS = process.argv.includes('--rounds') ? Number(process.argv[process.argv.indexOf('--rounds') + 1]) : 5
const { template } = await storyTemplate()
let numbers = 0

const job = (url: string, requests: number, warmUp: number, connections = CONNECTIONS): LoadJob => {
  const firstNumber = numbers
  numbers += warmUp + requests
  return {
    url,
    body: template,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    connections,
    warmUp,
    requests,
    firstNumber
  }
}

async function bareFastify (): Promise<{ url: string; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./bare-fastify.ts', import.meta.url)))
  const [{ port }] = await once(child, 'message') as [{ port: number }]
  return {
    url: `http://127.0.0.1:${port}/v1/articles`,
    async stop () {
      child.send({ type: 'stop' })
      await once(child, 'exit')
    }
  }
}

const show = (r: LoadResult) => `${r.perSecond.toFixed(0)}/s, p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, max ${r.max.toFixed(0)} ms, ${JSON.stringify(r.statuses)}`

/** Waits until the service's pipeline has nothing waiting (at most two minutes). */
async function drained (waiting: () => Promise<number>): Promise<void> {
  for (const deadline = Date.now() + 120_000; await waiting() > 0;) {
    if (Date.now() > deadline) throw new Error('the pipeline did not drain within two minutes')
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function ingestRate (dir: string): Promise<void> {
  const emulator = await startEmulatorProcess()
  // INGEST_ENV (JSON) sets the service's environment, e.g. '{"PIPELINE_SHARE_WHILE_BUSY":"100"}' to turn pacing off.
  const svc = await startService(dir, 'ingest', { TRANSLATE_API_ENDPOINT: emulator.endpoint, ...JSON.parse(process.env['INGEST_ENV'] ?? '{}') })
  const bare = await bareFastify()
  try {
    await svc.call('POST', '/v1/subscribers', { name: 'Partner', mode: 'pull', languages: ['en'] })
    const service: LoadResult[] = []
    const baseline: LoadResult[] = []
    const waiting = async () => (await svc.call<{ waiting: number }>('GET', '/v1/pipeline')).waiting
    const moved: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const before = await waiting()
      const started = performance.now()
      service.push(await runLoad(job(`${svc.base}/v1/articles`, 4_000, 500)))
      // What the pipeline got through while the posts came in (it gives way to them: pacer.ts).
      const after = await waiting()
      moved.push((before + 4_500 - after) / ((performance.now() - started) / 1000))
      await drained(waiting)
      baseline.push(await runLoad(job(bare.url, 4_000, 500)))
      console.log(`round ${round + 1}: service ${show(service.at(-1)!)}, pipeline behind it ${moved.at(-1)!.toFixed(0)} stories/s, ${after} waiting; bare Fastify ${show(baseline.at(-1)!)}`)
    }
    console.log(`pipeline while the posts came in: ${median(moved).toFixed(0)} stories/s translated and distributed (median)`)
    const ours = median(service.map((r) => r.perSecond))
    const bareRate = median(baseline.map((r) => r.perSecond))
    console.log(`ingest: ${ours.toFixed(0)} stories/s (median p99 ${median(service.map((r) => r.p99)).toFixed(0)} ms) vs bare Fastify ${bareRate.toFixed(0)}/s: ratio ${(ours / bareRate).toFixed(2)} (target >= 0.5)`)
  } finally {
    await bare.stop()
    await svc.stop()
    await emulator.stop()
  }
}

async function outage (dir: string): Promise<void> {
  // Nothing listens on port 9 of loopback: every engine call is refused at once.
  const svc = await startService(dir, 'outage', { TRANSLATE_API_ENDPOINT: 'http://127.0.0.1:9', GOOGLE_CLOUD_PROJECT: 'bench' })
  try {
    const first = await runLoad(job(`${svc.base}/v1/articles`, 2_000, 0, 20))
    const rest = await runLoad(job(`${svc.base}/v1/articles`, 18_000, 0, 20))
    const overall = 20_000 / (2_000 / first.perSecond + 18_000 / rest.perSecond)
    console.log(`outage, first 2,000 posts: ${show(first)}`)
    console.log(`outage, next 18,000 posts: ${show(rest)}`)
    console.log(`outage: slowest post ${Math.max(first.max, rest.max).toFixed(0)} ms (target <= 2000); overall ${overall.toFixed(0)}/s = ${(overall / first.perSecond).toFixed(2)} × the first 2,000 (target >= 0.7)`)
  } finally {
    await svc.stop()
  }
}

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
const dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-ingest-'))
try {
  if (only !== 'outage') await ingestRate(dir)
  if (only !== 'rate') await outage(dir)
} finally {
  await rm(dir, { recursive: true, force: true })
}
