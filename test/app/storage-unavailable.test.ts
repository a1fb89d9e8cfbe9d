// Through the API: a full or read-only database answers 503 problem+json with Retry-After,
// /ready says 503 while it lasts, reads keep working, and the real SQLite error is logged once.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { openSqliteStorage, type SqliteStorageOptions } from '../../src/storage/sqlite.ts'
import type { Storage } from '../../src/storage/types.ts'
import { createFakeEngine } from '../../src/translation/fake-engine.ts'
import { auth, eventually, tempDir, testConfig } from '../helpers/app.ts'
import { captureLogs, type LogCapture } from '../helpers/logs.ts'

interface Degraded { app: FastifyInstance; storage: Storage; logs: LogCapture; articleId: string | undefined; close(): Promise<void> }

/** An app whose database was set up normally, then reopened full or read-only. */
async function degradedApp (options: (file: string) => SqliteStorageOptions,
  setup: { story?: object; startWorkers?: boolean } = {}): Promise<Degraded> {
  const tmp = await tempDir()
  const config = testConfig(tmp.dir, { LOG_LEVEL: 'debug' })
  const translator = createFakeEngine()
  const first = await buildApp(config, { logger: false, translator, startWorkers: false })
  let articleId: string | undefined
  if (setup.story !== undefined) {
    const res = await first.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: setup.story })
    assert.equal(res.statusCode, 202, res.body)
    articleId = res.json().id
  }
  await first.close()
  const storage = openSqliteStorage(config.databasePath, options(config.databasePath))
  const logs = captureLogs()
  const app = await buildApp(config, { logger: true, logStream: logs.stream, translator, storage, startWorkers: setup.startWorkers === true })
  return {
    app,
    storage,
    logs,
    articleId,
    async close () {
      await app.close()
      await storage.close()
      await translator.close()
      await tmp.remove()
    }
  }
}

const pages = (file: string): number => {
  const raw = new DatabaseSync(file)
  try { return Number((raw.prepare('PRAGMA page_count').get() as { page_count: number }).page_count) } finally { raw.close() }
}

// Random Arabic letters: a body that needs new pages whatever free space the file has.
const randomArabic = (n: number): string => Array.from(randomBytes(n), (b) => String.fromCharCode(0x0628 + (b % 20))).join('')
const bigStory = () => ({ headline: 'خبر عاجل', body: `نص الخبر ${randomArabic(100_000)}` })

describe('a full database', () => {
  let t: Degraded
  before(async () => { t = await degradedApp((file) => ({ maxPageCount: pages(file) })) })
  after(async () => { await t.close() })

  it('answers every write 503 problem+json with Retry-After, logs the SQLite error once, and /ready says 503', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/articles', headers: auth(), payload: bigStory() })
      assert.equal(res.statusCode, 503, res.body)
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
      assert.equal(res.headers['retry-after'], '30')
      const problem = res.json()
      assert.equal(problem.type, 'urn:nashra:problem:storage-unavailable')
      assert.equal(problem.code, 'NASHRA_STORAGE_UNAVAILABLE')
      assert.match(problem.detail, /full/)
      assert.doesNotMatch(res.body, /SQLITE|sqlite|rollback/i, 'no backend internals in the answer')
    }
    const ready = await t.app.inject({ url: '/ready' })
    assert.equal(ready.statusCode, 503)
    assert.equal(ready.headers['retry-after'], '30')
    assert.equal(ready.json().database, 'full')
    assert.equal((await t.app.inject({ url: '/health' })).statusCode, 200)
    // Reads still work.
    assert.equal((await t.app.inject({ url: '/v1/subscribers', headers: auth() })).statusCode, 200)

    const entries = t.logs.entries()
    const outage = entries.filter((e) => e.msg === 'storage cannot take writes; answering 503 until it can')
    assert.equal(outage.length, 1, 'logged once for three failing requests')
    assert.match(String((outage[0]!.err as { message?: string }).message), /full/)
    assert.ok(!t.logs.text().includes('cannot rollback'), 'the transaction helper did not mask the error')
    assert.ok(!entries.some((e) => e.msg === 'request failed'), 'no 500s')
  })
})

describe('a read-only database', () => {
  let t: Degraded
  before(async () => { t = await degradedApp(() => ({ readOnly: true })) })
  after(async () => { await t.close() })

  it('answers writes 503 problem+json naming read-only, and /ready says 503', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/keys', headers: auth(), payload: { role: 'editor', label: 'CMS' } })
    assert.equal(res.statusCode, 503, res.body)
    assert.equal(res.json().code, 'NASHRA_STORAGE_UNAVAILABLE')
    assert.match(res.json().detail, /read-only/)
    const ready = await t.app.inject({ url: '/ready' })
    assert.deepEqual([ready.statusCode, ready.json().database], [503, 'read-only'])
  })
})

describe('a database that fills up under the pipeline', () => {
  let t: Degraded
  before(async () => { t = await degradedApp((file) => ({ maxPageCount: pages(file) }), { story: bigStory(), startWorkers: true }) })
  after(async () => { await t.close() })

  it('pauses the story (not failed: the outage is not its fault) and logs the outage once', async () => {
    await t.app.ready()
    // Whichever write first needs a new page meets the full file: the claim (pipeline), or since
    // the claim's update no longer rewrites the story text (migration 90), the translation's.
    const logged = await eventually(async () => {
      const entries = t.logs.entries()
      return entries.some((e) => /^(pipeline|translation) paused: storage unavailable$/.test(String(e.msg))) ? entries : undefined
    }, 10_000, 'the pipeline to meet the full database').catch((err: Error) => { throw new Error(`${err.message}\n${t.logs.text().slice(0, 3000)}`) })
    assert.equal(logged.filter((e) => e.msg === 'storage cannot take writes; answering 503 until it can').length, 1)
    assert.ok(!logged.some((e) => e.level === 50 && e.msg !== 'storage cannot take writes; answering 503 until it can'), 'no other errors logged')
    const view = await t.app.inject({ url: `/v1/articles/${t.articleId}`, headers: auth() })
    assert.equal(view.statusCode, 200, 'reads still work')
    assert.notEqual(view.json().status, 'failed')
  })
})
