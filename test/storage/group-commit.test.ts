// Group commit on SQLite: work queued in one turn of the event loop shares one transaction, a
// piece that throws is undone alone, and nothing resolves before its COMMIT.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, it } from 'node:test'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import { cachingStatements, groupCommit } from '../../src/storage/sqlite-tx.ts'

describe('sqlite group commit', () => {
  let dir: string
  before(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-group-')) })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('runs what arrives together in one transaction, each piece in its own savepoint', async () => {
    const file = path.join(dir, 'raw.db')
    const raw = new DatabaseSync(file)
    raw.exec('PRAGMA journal_mode = WAL')
    raw.exec('CREATE TABLE t (k TEXT PRIMARY KEY)')
    const reader = new DatabaseSync(file)
    const db = cachingStatements(raw)
    const executed: string[] = []
    const grouped = groupCommit({ prepare: (sql) => db.prepare(sql), exec: (sql) => { executed.push(sql); db.exec(sql) }, inTransaction: () => db.inTransaction() })
    const seenAtResolve: number[] = []
    const pieces = Array.from({ length: 20 }, (_, i) => grouped(() => {
      // Piece 7 inserts, then fails: its row must not survive, nor take the others with it.
      db.prepare('INSERT INTO t (k) VALUES (?)').run(`k${i}`)
      if (i === 7) throw new Error('piece 7 failed')
      return i
    }).then((value) => {
      // Another connection sees the row the moment the promise resolves: committed, not pending.
      seenAtResolve.push(Number((reader.prepare('SELECT COUNT(*) AS n FROM t WHERE k = ?').get(`k${value}`) as { n: number }).n))
      return value
    }))
    const settled = await Promise.allSettled(pieces)
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 19)
    const failed = settled[7]
    assert.ok(failed?.status === 'rejected' && /piece 7 failed/.test(String(failed.reason)))
    assert.deepEqual(seenAtResolve, Array.from({ length: 19 }, () => 1))
    assert.equal(executed.filter((s) => s === 'BEGIN IMMEDIATE').length, 1, executed.join(', '))
    assert.equal(executed.filter((s) => s === 'COMMIT').length, 1)
    assert.equal(executed.filter((s) => s === 'ROLLBACK TO grouped').length, 1)
    const keys = reader.prepare('SELECT k FROM t ORDER BY k').all().map((r) => r.k)
    assert.equal(keys.length, 19)
    assert.ok(!keys.includes('k7'))
    reader.close()
    raw.close()
  })

  it('ingests posts of the same story arriving together in order: the second sees the first', async () => {
    const storage = openSqliteStorage(path.join(dir, 'ingest.db'))
    await storage.migrate()
    const content = { headline: 'خبر', paragraphs: ['فقرة.'], language: 'ar' }
    const now = '2026-06-01T00:00:00.000Z'
    const [first, same, changed] = await Promise.all([
      storage.ingestVersion({ guid: 'urn:g:1', contentHash: 'h1', content, now }),
      storage.ingestVersion({ guid: 'urn:g:1', contentHash: 'h1', content, now }),
      storage.ingestVersion({ guid: 'urn:g:1', contentHash: 'h2', content, now })
    ])
    assert.deepEqual([first.kind, first.version], ['created', 1])
    assert.deepEqual([same.kind, same.version], ['unchanged', 1])
    assert.deepEqual([changed.kind, changed.version], ['created', 2])
    await storage.close()
  })
})
