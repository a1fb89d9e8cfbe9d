// npm run bench:burst — prints figures, asserts nothing.
// A breaking-news burst: 40 stories posted at once, three push partners (en, fr, es) on a loopback
// sink in its own process, the real Google client against the emulator answering every call after
// 250 ms (EMULATOR_LATENCY, Google's order of magnitude). Prints the seconds from the first post
// to the last of the 120 deliveries and the most translateText calls the emulator saw in flight at
// once, with TRANSLATION_CONCURRENCY at its default and at 1 (the baseline: one call at a time),
// alternating, five rounds each (BURST_ROUNDS), medians. Target: <= 6 s (goal <= 3 s).
//
// The Arabic text comes from ../shared/samples when it is there (read, never copied into the
// repository); each story's paragraphs are numbered so no two stories share a segment (the
// translation memory would otherwise answer the baseline's later stories for free).
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { startEmulator } from '../src/translation/emulator/server.ts'
import { createGoogleV3Provider } from '../src/translation/google-v3.ts'
import { withResilience } from '../src/translation/resilient.ts'
import { storyFixture } from '../test/fixtures/articles/stories.ts'

const STORIES = 40
const LANGUAGES = ['en', 'fr', 'es']
const LATENCY = '250ms'
const ROUNDS = Number(process.env['BURST_ROUNDS'] ?? 5)
const ADMIN = 'bench-admin-key-0123456789abcdef'
const samplesDir = path.resolve(import.meta.dirname, '..', '..', 'shared', 'samples')

interface Sample { headline: string; paragraphs: string[] }

async function samples (): Promise<{ pool: Sample[]; source: string }> {
  const files = (await readdir(samplesDir).catch(() => [])).filter((f) => f.endsWith('.json')).sort()
  const pool: Sample[] = []
  for (const file of files) {
    const s = JSON.parse(await readFile(path.join(samplesDir, file), 'utf8')) as { headline?: unknown; body?: unknown }
    if (typeof s.headline !== 'string' || typeof s.body !== 'string') continue
    const paragraphs = s.body.split('\n').map((p) => p.trim()).filter((p) => p !== '').slice(0, 6)
    if (paragraphs.length > 0) pool.push({ headline: s.headline, paragraphs })
  }
  if (pool.length > 0) return { pool, source: `${pool.length} sample articles in ../shared/samples` }
  const { content } = storyFixture('jerash-olives-v1').version
  return { pool: [{ headline: content.headline, paragraphs: content.paragraphs }], source: 'a fixture story' }
}

function story (pool: Sample[], round: string, i: number) {
  const sample = pool[i % pool.length]!
  return {
    guid: `urn:bench:burst:${round}:${i}`,
    headline: `${sample.headline} (${i})`,
    body: sample.paragraphs.map((p) => `(${i}) ${p}`).join('\n'),
  }
}

async function sink () {
  const child = fork(fileURLToPath(new URL('./sink.ts', import.meta.url)), [], { env: { ...process.env, SINK_MODE: 'ok' } })
  const [ready] = await once(child, 'message') as [{ port: number }]
  let reached: ((at: number) => void) | null = null
  child.on('message', (msg: { type: string; at: number }) => {
    if (msg.type === 'reached') reached?.(msg.at)
  })
  return {
    url: `http://127.0.0.1:${ready.port}/hook`,
    /** Resolves with the wall-clock time the count-th request from now on arrived. */
    expect: (count: number) => new Promise<number>((resolve) => {
      reached = resolve
      child.send({ type: 'expect', target: count })
    }),
    async stop () {
      child.send({ type: 'stop' })
      await once(child, 'exit')
    },
  }
}

async function burst (pool: Sample[], sinkUrl: string, expect: (n: number) => Promise<number>, concurrency: string | undefined, round: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-burst-'))
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, 'burst.db'),
    ADMIN_API_KEY: ADMIN,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    TRANSLATE_API_ENDPOINT: 'http://127.0.0.1:9',
    EMULATOR_LATENCY: LATENCY,
    LOG_LEVEL: 'silent',
    ...(concurrency === undefined ? {} : { TRANSLATION_CONCURRENCY: concurrency }),
  })
  const emulator = await startEmulator({ delayMs: config.throughput.emulatorLatencyMs })
  const translator = withResilience(createGoogleV3Provider({ projectId: 'nashra-bench', location: 'global', endpoint: emulator.url }))
  const app = await buildApp(config, { translator, logger: false })
  try {
    await app.ready()
    const post = async (url: string, payload: object) => {
      const res = await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${ADMIN}` }, payload })
      if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    }
    for (const lang of LANGUAGES) await post('/v1/subscribers', { name: `Partner ${lang}`, url: sinkUrl, languages: [lang] })
    // Warm-up: one story through every stage, connections to the emulator and the sink open.
    let done = expect(LANGUAGES.length)
    await post('/v1/articles', story(pool, `${round}-warm`, 0))
    await done
    emulator.resetPeak()

    done = expect(STORIES * LANGUAGES.length)
    const start = Date.now()
    await Promise.all(Array.from({ length: STORIES }, (_, i) => post('/v1/articles', story(pool, round, i))))
    const last = await done
    return { seconds: (last - start) / 1000, peak: emulator.concurrency().peak }
  } finally {
    await app.close()
    await translator.close()
    await emulator.close()
    await rm(dir, { recursive: true, force: true })
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main (): Promise<void> {
  const { pool, source } = await samples()
  const partner = await sink()
  const defaultConcurrency = loadConfig({}).throughput.concurrency
  console.log(`bench:burst — ${STORIES} stories x ${LANGUAGES.join(', ')}, emulator latency ${LATENCY}, ${ROUNDS} alternating rounds; text: ${source}`)
  const results: Record<'limited' | 'baseline', Array<{ seconds: number; peak: number }>> = { limited: [], baseline: [] }
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order: Array<'limited' | 'baseline'> = round % 2 === 0 ? ['limited', 'baseline'] : ['baseline', 'limited']
      for (const mode of order) {
        const r = await burst(pool, partner.url, partner.expect, mode === 'baseline' ? '1' : undefined, `${round}-${mode}`)
        results[mode].push(r)
        console.log(`  round ${round + 1} ${mode === 'baseline' ? 'TRANSLATION_CONCURRENCY=1 ' : `TRANSLATION_CONCURRENCY=${defaultConcurrency}`}: ${r.seconds.toFixed(2)} s, peak engine concurrency ${r.peak}`)
      }
    }
  } finally {
    await partner.stop()
  }
  const line = (mode: 'limited' | 'baseline', label: string) => {
    const seconds = median(results[mode].map((r) => r.seconds))
    console.log(`${label.padEnd(30)} ${seconds.toFixed(2).padStart(6)} s first post → last delivery   peak engine concurrency ${Math.max(...results[mode].map((r) => r.peak))}`)
    return seconds
  }
  console.log('medians:')
  const limited = line('limited', `TRANSLATION_CONCURRENCY=${defaultConcurrency}`)
  const baseline = line('baseline', 'TRANSLATION_CONCURRENCY=1')
  console.log(`speed-up ${(baseline / limited).toFixed(1)}x   target <= 6 s (goal <= 3 s): ${limited <= 3 ? 'goal met' : limited <= 6 ? 'target met' : 'MISSED'}`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
