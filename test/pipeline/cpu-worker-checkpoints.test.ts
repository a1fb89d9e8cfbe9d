// The CPU pool hosting an SQLite file's WAL checkpoints (the service's setup, instead of a
// checkpoint thread of their own): one resident worker runs them with no job asked for, they go
// on after that worker dies, and stopping them runs a last one and lets the worker go.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { createCpuPool, RESIDENT_RESPAWN_PAUSE_MS, WorkerCrashedError } from '../../src/pipeline/cpu-worker.ts'
import { EMPTY_GLOSSARY } from '../../src/translation/glossary.ts'

const ctx = { sourceLanguage: 'ar', targetLanguage: 'en', engine: 'test', glossary: EMPTY_GLOSSARY, plainTextOnly: false }
const content = (paragraphs: string[]) => ({ headline: 'عنوان', paragraphs, language: 'ar' })
// ~800 KB of pages, written to the WAL only: the database file grows when they are checkpointed.
const ROWS = 200

async function until (what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within 10 s: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('CPU worker pool hosting WAL checkpoints', () => {
  let dir: string
  let file: string
  let db: DatabaseSync
  const size = (): number => statSync(file).size
  const write = (): number => {
    const before = size()
    db.exec('BEGIN')
    const insert = db.prepare('INSERT INTO t VALUES (randomblob(4000))')
    for (let i = 0; i < ROWS; i++) insert.run()
    db.exec('COMMIT')
    assert.equal(size(), before, 'the rows are in the WAL, not yet in the file')
    return before
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-checkpoints-'))
    file = path.join(dir, 'c.db')
    db = new DatabaseSync(file)
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('PRAGMA wal_autocheckpoint = 0') // as the service's connection
    db.exec('CREATE TABLE t (x BLOB)')
  })
  afterEach(async () => {
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps one worker for them, which checkpoints unasked, and replaces it when it dies', async () => {
    const pool = createCpuPool({ size: 1, maxHeapMb: 24 })
    const checkpoints = pool.hostCheckpoints(file)
    try {
      assert.equal(pool.workers, 1)
      const before = write()
      await until('a checkpoint', () => size() > before + ROWS * 3_000)
      const huge = content(Array.from({ length: 8 }, (_, i) => `جملة ${i} `.repeat(100_000)))
      await assert.rejects(pool.prepare(huge, ctx), (err: unknown) => err instanceof WorkerCrashedError)
      assert.equal(pool.deaths, 1)
      await until('a new resident worker', () => pool.workers === 1)
      const after = write()
      await until('a checkpoint by the new worker', () => size() > after + ROWS * 3_000)
    } finally {
      await checkpoints.close()
      await pool.close()
    }
  })

  it('replaces a resident that cannot even start after a pause, not in a loop', async () => {
    const pool = createCpuPool({ size: 1 })
    // No such directory: the worker's connection fails as it starts, every time.
    const checkpoints = pool.hostCheckpoints(path.join(dir, 'missing', 'c.db'))
    try {
      const deathsAt: number[] = []
      await until('two deaths', () => {
        while (deathsAt.length < pool.deaths) deathsAt.push(performance.now())
        return deathsAt.length >= 2
      })
      assert.ok(deathsAt[1]! - deathsAt[0]! >= RESIDENT_RESPAWN_PAUSE_MS * 0.9, `${deathsAt[1]! - deathsAt[0]!} ms between deaths`)
    } finally {
      await checkpoints.close()
      await pool.close()
    }
  })

  it('checkpoints once more when they stop, and the worker goes', async () => {
    const pool = createCpuPool({ size: 1 })
    const checkpoints = pool.hostCheckpoints(file)
    try {
      assert.equal((await pool.prepare(content(['نص']), ctx)).segments.length > 0, true)
      const before = write()
      await checkpoints.close()
      assert.ok(size() > before + ROWS * 3_000, 'the last checkpoint copied the WAL back')
      assert.equal(pool.workers, 0)
      assert.equal(pool.deaths, 0)
    } finally {
      await pool.close()
    }
  })
})
