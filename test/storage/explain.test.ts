// Every statement behind finding stories and reading usage walks an index: EXPLAIN QUERY PLAN on
// the real SQLite schema must show no table scanned without one, whatever filter is used.
import assert from 'node:assert/strict'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, it } from 'node:test'
import { queryTerms } from '../../src/articles/search-text.ts'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import { listArticlesSql, USAGE_BY_DAY_SQL } from '../../src/storage/sqlite-search.ts'
import type { ArticleListQuery } from '../../src/storage/types.ts'
import { tempDir } from '../helpers/app.ts'

describe('query plans of the editors\' API (SQLite)', () => {
  let db: DatabaseSync
  let remove: () => Promise<void>
  before(async () => {
    const tmp = await tempDir()
    remove = tmp.remove
    const file = path.join(tmp.dir, 'plan.db')
    const storage = openSqliteStorage(file)
    await storage.migrate()
    await storage.close()
    db = new DatabaseSync(file)
  })
  after(async () => {
    db.close()
    await remove()
  })

  const plan = (sql: string, params: Array<string | number>): string[] =>
    db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params).map((row) => String(row.detail))

  // A full scan reads "SCAN a" with no index after it.
  const unindexed = (lines: string[]): string[] => lines.filter((line) => /^SCAN \w+$/.test(line))

  const lists: Record<string, Partial<ArticleListQuery>> = {
    'no filter': {},
    guid: { guid: 'urn:x' },
    status: { status: 'failed' },
    event: { event: 'kill' },
    category: { category: 'economy' },
    'since/until': { since: '2026-11-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' },
    'headline words': { terms: queryTerms('الرئيس يزور') },
    cursor: { afterSeq: 1000 },
    'category and cursor': { category: 'economy', afterSeq: 1000 },
    'event and cursor': { event: 'correction', afterSeq: 1000 }
  }

  for (const [name, filters] of Object.entries(lists)) {
    it(`lists stories by ${name} through indexes`, () => {
      const { sql, params } = listArticlesSql({ limit: 21, ...filters })
      const lines = plan(sql, params)
      assert.deepEqual(unindexed(lines), [], lines.join('\n'))
    })
  }

  it('reads the newest page in index order, without sorting', () => {
    for (const filters of [{}, { category: 'economy' }, { event: 'kill' as const }, { afterSeq: 1000 }, { category: 'economy', afterSeq: 1000 }]) {
      const { sql, params } = listArticlesSql({ limit: 21, ...filters })
      const lines = plan(sql, params)
      assert.ok(!lines.some((line) => line.includes('TEMP B-TREE')), lines.join('\n'))
    }
  })

  it('sums usage per day through its key', () => {
    const lines = plan(USAGE_BY_DAY_SQL, ['2026-11-01', '2026-11-30'])
    assert.deepEqual(unindexed(lines), [], lines.join('\n'))
    assert.ok(lines.some((line) => line.includes('usage_daily') && /PRIMARY KEY|INDEX/.test(line)), lines.join('\n'))
  })
})
