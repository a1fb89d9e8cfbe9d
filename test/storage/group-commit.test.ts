// Group commit on SQLite: work queued in one turn of the event loop shares one transaction, a
// piece that throws is undone alone (the group runs again with savepoints), and nothing resolves
// before its COMMIT.
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

  /** A raw WAL database with a table t, and a group-commit runner that records every statement. */
  function recorded (name: string) {
    const file = path.join(dir, name)
    const raw = new DatabaseSync(file)
    raw.exec('PRAGMA journal_mode = WAL')
    raw.exec('CREATE TABLE t (k TEXT PRIMARY KEY)')
    const reader = new DatabaseSync(file)
    const db = cachingStatements(raw)
    const executed: string[] = []
    const grouped = groupCommit({
      prepare: (sql) => { executed.push(sql); return db.prepare(sql) },
      exec: (sql) => { executed.push(sql); db.exec(sql) },
      inTransaction: () => db.inTransaction()
    })
    const count = (sql: string) => executed.filter((s) => s === sql).length
    const keys = () => reader.prepare('SELECT k FROM t ORDER BY k').all().map((r) => String(r.k))
    const close = () => { reader.close(); raw.close() }
    return { db, reader, grouped, executed, count, keys, close }
  }

  it('runs what arrives together in one transaction, without a savepoint while no piece fails', async () => {
    const { db, reader, grouped, executed, count, keys, close } = recorded('whole.db')
    const seenAtResolve: number[] = []
    const values = await Promise.all(Array.from({ length: 20 }, (_, i) => grouped(() => {
      db.prepare('INSERT INTO t (k) VALUES (?)').run(`k${i}`)
      return i
    }).then((value) => {
      // Another connection sees the row the moment the promise resolves: committed, not pending.
      seenAtResolve.push(Number((reader.prepare('SELECT COUNT(*) AS n FROM t WHERE k = ?').get(`k${value}`) as { n: number }).n))
      return value
    })))
    assert.deepEqual(values, Array.from({ length: 20 }, (_, i) => i))
    assert.deepEqual(seenAtResolve, Array.from({ length: 20 }, () => 1))
    assert.equal(count('BEGIN IMMEDIATE'), 1, executed.join(', '))
    assert.equal(count('COMMIT'), 1)
    assert.equal(count('SAVEPOINT grouped'), 0)
    assert.equal(keys().length, 20)
    close()
  })

  it('undoes a piece that throws alone: the group runs again, each piece in its own savepoint', async () => {
    const { db, reader, grouped, executed, count, keys, close } = recorded('piece.db')
    const seenAtResolve: number[] = []
    const pieces = Array.from({ length: 20 }, (_, i) => grouped(() => {
      // Piece 7 inserts, then fails: its row must not survive, nor take the others with it.
      db.prepare('INSERT INTO t (k) VALUES (?)').run(`k${i}`)
      if (i === 7) throw new Error('piece 7 failed')
      return i
    }).then((value) => {
      seenAtResolve.push(Number((reader.prepare('SELECT COUNT(*) AS n FROM t WHERE k = ?').get(`k${value}`) as { n: number }).n))
      return value
    }))
    const settled = await Promise.allSettled(pieces)
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 19)
    const failed = settled[7]
    assert.ok(failed?.status === 'rejected' && /piece 7 failed/.test(String(failed.reason)))
    assert.deepEqual(seenAtResolve, Array.from({ length: 19 }, () => 1))
    // The first try rolled back whole; the second committed the 19 others.
    assert.deepEqual([count('BEGIN IMMEDIATE'), count('ROLLBACK'), count('COMMIT')], [2, 1, 1], executed.join(', '))
    assert.deepEqual([count('SAVEPOINT grouped'), count('ROLLBACK TO grouped')], [20, 1])
    assert.equal(keys().length, 19)
    assert.ok(!keys().includes('k7'))
    close()
  })

  it('fails a piece alone in its group at once, with its own error, and keeps nothing of it', async () => {
    const { db, grouped, executed, count, keys, close } = recorded('single.db')
    await assert.rejects(grouped(() => {
      db.prepare('INSERT INTO t (k) VALUES (?)').run('lonely')
      throw new Error('the only piece failed')
    }), /the only piece failed/)
    assert.deepEqual([count('BEGIN IMMEDIATE'), count('ROLLBACK'), count('COMMIT'), count('SAVEPOINT grouped')], [1, 1, 0, 0], executed.join(', '))
    assert.deepEqual(keys(), [])
    close()
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
