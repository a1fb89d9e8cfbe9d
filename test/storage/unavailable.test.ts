// A database that cannot take writes: SQLite full (max_page_count) or opened read-only, and
// PostgreSQL in a read-only session, all end as the one domain error, StorageUnavailableError,
// carrying the backend's own error as its cause; the SQLite transaction helper never masks it.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import type { ArticleContent } from '../../src/articles/types.ts'
import { openPgStorage } from '../../src/storage/pg.ts'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import type { Storage } from '../../src/storage/types.ts'
import { classifyPgError, classifySqliteError, classifyStorageError, guardStorage, StorageUnavailableError } from '../../src/storage/unavailable.ts'
import { tempDir } from '../helpers/app.ts'

const at = (s: number): string => new Date(Date.UTC(2026, 10, 29, 12, 0, s)).toISOString()
// Random text does not compress into free space: a story this long needs new pages.
const bigContent = (): ArticleContent => ({ headline: 'خبر', paragraphs: [randomBytes(200_000).toString('base64')], language: 'ar' })

/** A migrated SQLite file, reopened with options (full, read-only). */
async function preparedSqlite (reopen: (file: string) => Storage): Promise<{ storage: Storage; remove(): Promise<void> }> {
  const tmp = await tempDir()
  const file = path.join(tmp.dir, 'nashra.db')
  const setup = openSqliteStorage(file)
  await setup.migrate()
  await setup.close()
  return { storage: reopen(file), remove: tmp.remove }
}

const pageCount = (file: string): number => {
  const raw = new DatabaseSync(file)
  try {
    return Number((raw.prepare('PRAGMA page_count').get() as { page_count: number }).page_count)
  } finally {
    raw.close()
  }
}

describe('storage that cannot take writes', () => {
  const cleanups: Array<() => Promise<void>> = []
  after(async () => { for (const c of cleanups) await c() })

  it('SQLite full: the real SQLITE_FULL error comes out of the transaction helper, not "cannot rollback"', async () => {
    const { storage, remove } = await preparedSqlite((file) => openSqliteStorage(file, { maxPageCount: pageCount(file) }))
    cleanups.push(async () => { await storage.close(); await remove() })
    const err = await storage.ingestVersion({ guid: 'big', contentHash: 'h', content: bigContent(), now: at(0) }).then(() => null, (e: unknown) => e)
    assert.ok(err instanceof Error, 'the write failed')
    assert.doesNotMatch(err.message, /cannot rollback/)
    assert.match(err.message, /full/i)
    assert.equal(classifySqliteError(err), 'full')
    // No transaction was left open: the next write fails for the same reason, not "within a transaction".
    await storage.ping()
    await assert.rejects(storage.ingestVersion({ guid: 'big', contentHash: 'h', content: bigContent(), now: at(1) }), (e: Error) => classifySqliteError(e) === 'full')
  })

  it('SQLite read-only and full both become StorageUnavailableError, the episode reported once', async () => {
    const { storage, remove } = await preparedSqlite((file) => openSqliteStorage(file, { readOnly: true }))
    cleanups.push(async () => { await storage.close(); await remove() })
    const reported: string[] = []
    let clock = 0
    const guarded = guardStorage(storage, { classify: classifyStorageError, onUnavailable: (reason) => reported.push(reason), retryAfterSeconds: 30, now: () => clock })
    assert.equal(guarded.unavailable(), null)
    for (let i = 0; i < 3; i++) {
      await assert.rejects(guarded.insertApiKey({ id: `k${i}`, hash: `h${i}`, role: 'editor', label: 'x', subscriberId: null, createdAt: at(i) }),
        (e: unknown) => e instanceof StorageUnavailableError && e.reason === 'read-only' && e.retryAfterSeconds === 30 && classifySqliteError(e.cause) === 'read-only')
    }
    assert.deepEqual(reported, ['read-only'], 'logged once per episode')
    assert.equal(guarded.unavailable()?.reason, 'read-only')
    assert.equal(await guarded.findApiKeyByHash('h0'), null, 'reads still work')
    clock += 31_000
    assert.equal(guarded.unavailable(), null, 'the mark lapses after Retry-After without new failures')
    await assert.rejects(guarded.insertApiKey({ id: 'k9', hash: 'h9', role: 'editor', label: 'x', subscriberId: null, createdAt: at(9) }), StorageUnavailableError)
    assert.deepEqual(reported, ['read-only', 'read-only'], 'a new episode is reported again')
  })

  it('classifies PostgreSQL SQLSTATEs: class 53 as full, 25006 as read-only, connection loss as unreachable, others not', () => {
    const withCode = (code: string) => Object.assign(new Error('x'), { code })
    assert.equal(classifyPgError(withCode('53100')), 'full')
    assert.equal(classifyPgError(withCode('53200')), 'full')
    assert.equal(classifyPgError(withCode('25006')), 'read-only')
    assert.equal(classifyPgError(withCode('57P01')), 'unreachable')
    assert.equal(classifyPgError(withCode('ECONNREFUSED')), 'unreachable')
    assert.equal(classifyPgError(withCode('23505')), null)
    assert.equal(classifyPgError(new Error('Connection terminated unexpectedly')), 'unreachable')
    assert.equal(classifyStorageError(new Error('boom')), null)
  })
})

const url = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const pgReachable = await (async () => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.end()
    return true
  } catch {
    return false
  }
})()

describe('PostgreSQL that cannot take writes', { skip: pgReachable ? false : 'PostgreSQL unreachable' }, () => {
  it('a read-only session (as on a standby): writes fail with 25006 and become StorageUnavailableError', async () => {
    const schema = `nashra_test_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`)
    try {
      const setup = openPgStorage(url, { schema })
      await setup.migrate()
      await setup.close()
      const readOnlyUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c default_transaction_read_only=on')}`
      const storage = openPgStorage(readOnlyUrl, { schema })
      const reported: unknown[] = []
      const guarded = guardStorage(storage, { classify: classifyStorageError, onUnavailable: (_reason, err) => reported.push(err) })
      try {
        await assert.rejects(guarded.ingestVersion({ guid: 'g', contentHash: 'h', content: bigContent(), now: at(0) }),
          (e: unknown) => e instanceof StorageUnavailableError && e.reason === 'read-only')
        assert.equal((reported[0] as { code?: string }).code, '25006', 'the real PostgreSQL error is what gets logged')
        assert.equal(await guarded.findApiKeyByHash('nope'), null, 'reads still work')
      } finally {
        await storage.close()
      }
    } finally {
      await admin.query(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`)
      await admin.end()
    }
  })
})
