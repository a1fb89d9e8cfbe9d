// Issue 10, end to end with the service as a child process on a real port: the hostile stories are
// refused at the door, and — written straight into the database, past the door — contained: the
// service comes back and answers /health within 5 s (see restart()), each story ends `failed` with its reason,
// and other stories still flow. A story whose runs keep dying with the process (kill -9 three
// times while its run is in flight) is quarantined on the next start. SIGTERM ends the process
// within SHUTDOWN_GRACE + 5 s even while a run waits on an engine that never answers.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { ArticleContent } from '../../src/articles/types.ts'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import { type Emulator, startEmulator } from '../../src/translation/emulator/server.ts'
import { summitPost } from '../fixtures/articles/post-bodies.ts'
import { ADMIN_KEY, auth, eventually, tempDir } from '../helpers/app.ts'
import { type ServiceProcess, startServiceProcess } from '../helpers/service-process.ts'

const plain = 'قالت الوكالة في بيانها إن المحادثات ستستمر حتى نهاية الأسبوع.'
const nested = (open: string[], depth: number): string => {
  const close = open.toReversed().map((t) => `</${t.slice(1)}`)
  return open.join('').repeat(depth / open.length) + plain + close.join('').repeat(depth / open.length)
}

/** The stories of issue 10 that crashed or stalled the service, as body paragraphs. */
const HOSTILE: Array<{ name: string; paragraphs: string[] }> = [
  { name: 'b100000', paragraphs: [plain, plain, nested(['<b>'], 100_000)] },
  { name: 'b8000', paragraphs: [plain, nested(['<b>'], 8000)] },
  { name: 'strong2500', paragraphs: [plain, nested(['<strong>'], 2500)] },
  { name: 'inline10000', paragraphs: [nested(['<b>', '<i>', '<em>', '<strong>'], 10_000)] },
]

async function article (service: ServiceProcess, id: string): Promise<{ status: string; statusReason: string | null }> {
  return (await fetch(`${service.base}/v1/articles/${id}`, { headers: auth() })).json() as Promise<{ status: string; statusReason: string | null }>
}

async function settled (service: ServiceProcess, id: string, statuses: string[], timeoutMs = 30_000) {
  return eventually(async () => {
    const view = await article(service, id)
    return statuses.includes(view.status) ? view : undefined
  }, timeoutMs, `article ${id} to reach ${statuses.join(' or ')}`)
}

async function post (service: ServiceProcess, path: string, body: unknown): Promise<Response> {
  return fetch(service.base + path, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

/** Writes a story straight into the database, as if the door had let it in. */
async function insertDirectly (dbPath: string, guid: string, paragraphs: string[]): Promise<string> {
  const storage = openSqliteStorage(dbPath)
  try {
    const content: ArticleContent = { headline: 'خبر', paragraphs, language: 'ar' }
    const outcome = await storage.ingestVersion({ guid, contentHash: guid, content, now: new Date().toISOString() })
    return outcome.articleId
  } finally {
    await storage.close()
  }
}

describe('poison stories, end to end', () => {
  let emulator: Emulator
  let tmp: Awaited<ReturnType<typeof tempDir>>
  const env = (db: string): Record<string, string> => ({
    DATABASE_PATH: path.join(tmp.dir, db),
    ADMIN_API_KEY: ADMIN_KEY,
    TRANSLATE_API_ENDPOINT: emulator.url.origin,
    SHUTDOWN_GRACE: '1s',
  })

  /**
   * Restarts the service on `db` and checks /health answered within 5 s of the start — or, on a
   * machine so loaded that a clean start of the service launched at the same moment (same load,
   * empty database) takes more than half of that, within twice the clean start: booting Node and
   * loading the code cost the same with or without a poison story, and load on a shared machine
   * swings from one moment to the next. A poison story that kept the service from answering (the
   * pipeline taking it before the port was bound and crashing it, as it used to) fails any bound.
   */
  let cleanStarts = 0
  /** Every process started, so a failing test leaves none behind to hold this file open. */
  const running = new Set<ServiceProcess>()
  async function start (environment: Record<string, string>, timeoutMs?: number): Promise<ServiceProcess> {
    const service = await startServiceProcess(environment, timeoutMs)
    running.add(service)
    return service
  }

  async function restart (db: string): Promise<ServiceProcess> {
    const started = Date.now()
    const timed = async (name: string): Promise<{ service: ServiceProcess; ms: number }> => {
      const service = await start(env(name), 60_000)
      await eventually(async () => ((await fetch(`${service.base}/health`)).ok ? true : undefined), 5_000, '/health')
      return { service, ms: Date.now() - started }
    }
    const [poisoned, clean] = await Promise.all([timed(db), timed(`clean-${++cleanStarts}.db`)])
    await clean.service.stop()
    const bound = Math.max(5_000, 2 * clean.ms)
    assert.ok(poisoned.ms <= bound, `/health answered ${poisoned.ms} ms after the start (bound ${bound} ms; a clean start took ${clean.ms} ms)`)
    return poisoned.service
  }

  before(async () => {
    tmp = await tempDir()
    emulator = await startEmulator()
  })
  after(async () => {
    for (const service of running) await service.stop('SIGKILL')
    await emulator.close()
    await tmp.remove()
  })

  it('refuses the hostile stories at the door and contains them behind it', { timeout: 120_000 }, async () => {
    const first = await start(env('hostile.db'))
    try {
      for (const { name, paragraphs } of HOSTILE) {
        const res = await post(first, '/v1/articles', { guid: `urn:test:door:${name}`, headline: 'خبر', body: paragraphs.join('\n') })
        assert.equal(res.status, 400, name)
        const problem = await res.json() as { 'invalid-params': Array<{ name: string; reason: string }> }
        assert.equal(problem['invalid-params'][0]?.name, '/body/body')
        assert.match(problem['invalid-params'][0]?.reason ?? '', /inline markup nests \d+ levels deep; at most 32 are allowed/)
      }
      assert.equal((await post(first, '/v1/subscribers', { name: 'Wire', mode: 'pull', format: 'nitf', languages: ['en'] })).status, 201)
    } finally {
      assert.equal((await first.stop('SIGKILL')).signal, 'SIGKILL')
    }

    const dbPath = env('hostile.db').DATABASE_PATH!
    const ids = new Map<string, string>()
    for (const { name, paragraphs } of HOSTILE) ids.set(name, await insertDirectly(dbPath, `urn:test:past-the-door:${name}`, paragraphs))
    ids.set('deep300', await insertDirectly(dbPath, 'urn:test:past-the-door:deep300', [nested(['<b>'], 300)]))

    const second = await restart('hostile.db')
    try {
      for (const { name } of HOSTILE) {
        const view = await settled(second, ids.get(name)!, ['failed', 'distributed'])
        assert.equal(view.status, 'failed', name)
        assert.match(view.statusReason ?? '', /^translation failed: inline markup nested \d+ deep needs \d+ codepoints of tags/, name)
      }
      const deep = await settled(second, ids.get('deep300')!, ['failed', 'distributed'])
      assert.match(deep.statusReason ?? '', /^distribution failed: rendering nitf \(en\) failed: The document nests elements more than 200 deep/)
      const fine = await (await post(second, '/v1/articles', summitPost)).json() as { id: string }
      assert.equal((await settled(second, fine.id, ['distributed'])).status, 'distributed')
      assert.equal((await fetch(`${second.base}/health`)).status, 200)
    } finally {
      await second.stop()
    }
  })

  it('quarantines a story whose run died with the process three times, and comes back within 5 s each time', { timeout: 120_000 }, async () => {
    // Every call for this story hangs: its run is always in flight when the process is killed.
    emulator.script((request) => (JSON.stringify(request.body).includes('مسمومة') ? { kind: 'hang' } : undefined))
    try {
      const poisonCalls = (): number => emulator.requests.filter((r) => JSON.stringify(r.body).includes('مسمومة')).length
      const before = poisonCalls()
      let service = await start(env('crash-loop.db'))
      const { id } = await (await post(service, '/v1/articles', { ...summitPost, guid: 'urn:test:crash-loop', headline: 'قصة مسمومة' })).json() as { id: string }
      for (let run = 1; run <= 3; run++) {
        // One engine call per run (a hanging call is given up on only after 30 s).
        await eventually(async () => (poisonCalls() >= before + run ? true : undefined), 20_000, `run ${run} to reach the engine`)
        assert.equal((await service.stop('SIGKILL')).signal, 'SIGKILL')
        service = await restart('crash-loop.db')
      }
      try {
        const view = await settled(service, id, ['failed'])
        assert.match(view.statusReason ?? '', /^quarantined: translation of this version never finished in 3 runs in a row/)
        const fine = await (await post(service, '/v1/articles', { ...summitPost, guid: 'urn:test:after-crash-loop' })).json() as { id: string }
        assert.equal((await settled(service, fine.id, ['distributed'])).status, 'distributed')
      } finally {
        await service.stop()
      }
    } finally {
      emulator.script(undefined)
    }
  })

  it('ends within SHUTDOWN_GRACE + 5 s on SIGTERM while a run waits on an engine that never answers', { timeout: 60_000 }, async () => {
    emulator.script((request) => (request.path.endsWith(':translateText') ? { kind: 'hang' } : undefined))
    try {
      const service = await start(env('sigterm.db'))
      const seen = emulator.requests.length
      await post(service, '/v1/articles', { ...summitPost, guid: 'urn:test:sigterm' })
      await eventually(async () => (emulator.requests.length > seen ? true : undefined), 20_000, 'the run to reach the engine')
      const exited = once(service.child, 'exit')
      const signalled = Date.now()
      service.child.kill('SIGTERM')
      // Waits on the exit with a deadline: the bound is the behaviour under test.
      const bound = new Promise<'overran'>((resolve) => { const t = setTimeout(() => resolve('overran'), 1_000 + 5_000); void exited.finally(() => clearTimeout(t)) })
      const outcome = await Promise.race([exited.then(() => 'exited' as const), bound])
      assert.equal(outcome, 'exited', `still running ${Date.now() - signalled} ms after SIGTERM:\n${service.output()}`)
    } finally {
      emulator.script(undefined)
    }
  })
})
