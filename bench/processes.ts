// The processes the HTTP benches run: the service itself (`node src/server.ts`, as in
// production), a partner sink, and the load generator, each its own process so one side's work
// is never billed to the other. Everything listens on and talks to 127.0.0.1 only.
import { fork, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { request } from 'undici'
import { freePort, type ServiceProcess, startServiceProcess } from '../test/helpers/service-process.ts'
import type { LoadJob, LoadResult } from './load.ts'

export const ADMIN = 'bench-admin-key-0123456789abcdef'
/** How long `call` keeps retrying a request the service shed with 503. */
const SHED_RETRY_MS = 60_000
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url))

export interface SinkProcess {
  url: string
  /** Resolves with the wall-clock times of the first and the count-th request from now on. */
  expect(count: number): Promise<{ first: number; last: number }>
  stop(): Promise<void>
}

/** A partner endpoint (bench/sink.ts): 204 to every POST, or never an answer with mode 'hang'. */
export async function startSink (mode: 'ok' | 'hang'): Promise<SinkProcess> {
  const child = fork(here('./sink.ts'), [], { env: { ...process.env, SINK_MODE: mode } })
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

export interface Service extends ServiceProcess {
  /** An admin call to the service's API; throws on any status ≥ 300. */
  call<T = Record<string, unknown>>(method: 'GET' | 'POST', url: string, payload?: object): Promise<T>
  /** Peak and current resident set size of the service process, in MB (Linux /proc). */
  memory(): Promise<{ peakMb: number; rssMb: number }>
}

/**
 * The real service entry as a child process, with its own database under `dir`: the sources
 * (`npm start`) unless `entry` names a build's dist/src/server.js (what the Dockerfile runs).
 */
function nodeOptions (): { NODE_OPTIONS?: string } {
  const options = [
    ...(process.env['BENCH_PROF'] === undefined ? [] : [`--cpu-prof --cpu-prof-dir=${process.env['BENCH_PROF']}`]),
    ...(process.env['BENCH_NODE_OPTIONS'] === undefined ? [] : [process.env['BENCH_NODE_OPTIONS']])
  ]
  return options.length === 0 ? {} : { NODE_OPTIONS: options.join(' ') }
}

export async function startService (dir: string, name: string, env: Record<string, string> = {}, entry?: string): Promise<Service> {
  const proc = await startServiceProcess({
    DATABASE_PATH: path.join(dir, `${name}.db`),
    ADMIN_API_KEY: ADMIN,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    SHUTDOWN_GRACE: '2s',
    // One key posts thousands of requests a second here: the per-key policy limit is lifted so
    // the benches measure capacity (the limiter's own per-request work still runs).
    RATE_LIMIT_PER_MINUTE: '1000000',
    // The product's default load shedding (the test helper turns it off).
    MAX_EVENT_LOOP_DELAY: '1s',
    // As in production: info, one line per request and per delivery.
    LOG_LEVEL: 'info',
    // BENCH_PROF=dir writes a CPU profile of every service process into dir.
    // BENCH_NODE_OPTIONS: more node options for the service (e.g. --import of a statement timer).
    ...nodeOptions(),
    ...env
  }, 60_000, entry)
  // Log lines are read and dropped, as a log shipper would; never kept in the bench process.
  proc.child.stdout?.removeAllListeners('data').resume()
  return {
    ...proc,
    async call<T> (method: 'GET' | 'POST', url: string, payload?: object): Promise<T> {
      // A 503 is the service shedding load (MAX_EVENT_LOOP_DELAY, above) before it did anything
      // with the request: on a busy machine that is expected, so the call is made again after a
      // short pause, for up to a minute, as a well-behaved client would.
      const deadline = Date.now() + SHED_RETRY_MS
      for (;;) {
        const res = await request(`${proc.base}${url}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(payload === undefined ? {} : { body: JSON.stringify(payload) })
        })
        const text = await res.body.text()
        if (res.statusCode === 503 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 200))
          continue
        }
        if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${text}`)
        return (text === '' ? null : JSON.parse(text)) as T
      }
    },
    async memory () {
      const status = await readFile(`/proc/${proc.child.pid}/status`, 'utf8')
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
      return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 }
    }
  }
}

/**
 * The translation emulator as its own process (`npm run emulator`), as Google is to a real
 * deployment: its HTTP work is not billed to the service.
 */
export async function startEmulatorProcess (port?: number): Promise<{ endpoint: string; stop(): Promise<void> }> {
  port ??= await freePort()
  const child = spawn(process.execPath, [here('../src/translation/emulator/standalone.ts')], {
    env: { PATH: process.env['PATH'] ?? '', EMULATOR_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let seen = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      if (seen.includes('listening on')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}): ${seen}`)))
  })
  child.stdout.removeAllListeners('data').resume()
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop () {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    }
  }
}

/** Runs one job in a fresh load-generator process (bench/load.ts). */
export async function runLoad (job: LoadJob): Promise<LoadResult> {
  const child = fork(here('./load.ts'))
  const result = once(child, 'message') as Promise<[LoadResult]>
  child.send(job)
  const [figures] = await result
  await once(child, 'exit')
  return figures
}

/**
 * The 3.9 KB reference story of the samples (../shared/samples, read at run time, never copied
 * into the repository), as an ingest body with `{{n}}` in its guid; a generated Arabic story of
 * the same size when the samples are not there.
 */
export async function storyTemplate (): Promise<{ template: string; story: (n: number) => object }> {
  let fields: { headline: string; body: string }
  try {
    const sample = JSON.parse(await readFile(here('../../shared/samples/seed-csto-summit.json'), 'utf8')) as { headline: string; body: string }
    fields = { headline: sample.headline, body: sample.body }
  } catch {
    const paragraph = 'ناقش الوزراء في اجتماعهم خطة لتحسين النقل العام في المدن الكبرى خلال خمس سنوات بكلفة ثلاثمائة مليون.'
    fields = { headline: 'اجتماع وزاري لبحث خطة النقل العام', body: Array.from({ length: 18 }, () => paragraph).join('\n') }
  }
  const story = (n: number) => ({ guid: `urn:bench:${n}`, ...fields, category: 'politics', urgency: 3 })
  return { template: JSON.stringify(story(0)).replace('"urn:bench:0"', '"urn:bench:{{n}}"'), story }
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/**
 * A schema of its own in the PostgreSQL database at `url`, for one service run: the service's
 * DATABASE_URL (search_path set to it) and how to drop it afterwards.
 */
export async function pgSchema (url: string, name: string): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const schema = `bench_${name}_${process.pid}`.replace(/[^a-z0-9_]/gi, '_')
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }
  await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`)
  const databaseUrl = new URL(url)
  databaseUrl.searchParams.set('options', `-c search_path=${schema}`)
  return { databaseUrl: databaseUrl.href, drop: () => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) }
}
