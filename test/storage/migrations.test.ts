// A database from before the delivery engine (migrations 1 and 2 only, rows in it) upgrades
// without losing anything: deliveries keep their bodies, ids and sequence numbers.
import assert from 'node:assert/strict'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { it } from 'node:test'
import { sqliteMigrations } from '../../src/storage/sqlite-migrations.ts'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import { tempDir } from '../helpers/app.ts'

it('upgrades a walking-skeleton database in place', async () => {
  const tmp = await tempDir()
  const file = path.join(tmp.dir, 'old.db')
  try {
    const old = new DatabaseSync(file)
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
    for (const m of sqliteMigrations.filter((m) => m.id <= 2)) {
      old.exec(m.sql)
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(m.id, '2026-11-01T00:00:00.000Z')
    }
    const t = '2026-11-01T10:00:00.000Z'
    old.exec(`
      INSERT INTO api_keys VALUES ('k1', 'hash1', 'editor', 'CMS', '${t}');
      INSERT INTO articles VALUES ('a1', 'urn:old:1', 1, '${t}');
      INSERT INTO versions (id, article_id, version, content_hash, content, status, created_at, updated_at)
        VALUES ('v1', 'a1', 1, 'h', '{"headline":"ع","paragraphs":["ف"],"language":"ar"}', 'distributed', '${t}', '${t}');
      INSERT INTO subscribers (id, name, url, format, languages, secret, created_at) VALUES ('s1', 'P', 'http://127.0.0.1:9/', 'newsml-g2', '["en"]', 'whsec_x', '${t}');
      INSERT INTO deliveries (id, webhook_id, subscriber_id, version_id, sequence, lang, format, content_type, body, status, next_attempt_at, created_at)
        VALUES ('d1', 'msg_old', 's1', 'v1', 7, 'en', 'newsml-g2', 'application/xml', '<old/>', 'pending', '${t}', '${t}');
      INSERT INTO deliveries (id, webhook_id, subscriber_id, version_id, sequence, lang, format, content_type, body, status, next_attempt_at, created_at)
        VALUES ('d2', 'msg_old2', 's1', 'v1', 8, 'ar', 'newsml-g2', 'application/xml', '<old2/>', 'pending', '${t}', '${t}');
      INSERT INTO attempts (delivery_id, at, status_code, duration_ms) VALUES ('d1', '${t}', 503, 12);
    `)
    old.close()

    const storage = openSqliteStorage(file)
    try {
      await storage.migrate()
      const delivery = await storage.getDelivery('d1')
      assert.deepEqual([delivery?.webhookId, delivery?.sequence, delivery?.body, delivery?.contentType, delivery?.status],
        ['msg_old', 7, '<old/>', 'application/xml', 'pending'])
      assert.equal((await storage.listAttempts('d1')).length, 1)
      const subscriber = await storage.getSubscriber('s1')
      assert.deepEqual([subscriber?.mode, subscriber?.filters, subscriber?.active], ['push', {}, true])
      assert.deepEqual((await storage.findApiKeyByHash('hash1'))?.subscriberId, null)
      assert.equal((await storage.getVersion('a1'))?.event, 'new')
      const all = await storage.claimDueDeliveries('2026-11-01T11:00:00.000Z', '2026-11-01T11:01:00.000Z', 5)
      assert.equal(all.length, 1, 'one queue head per subscriber after the upgrade')
      const [claimed] = all
      assert.equal(claimed?.id, 'd1', 'the queued delivery still goes out')
      assert.equal(claimed?.sequence, 7, 'with the number it was given before the upgrade')
      await storage.recordAttempts([{
        deliveryId: 'd1',
        attempt: { at: '2026-11-01T11:00:01.000Z', statusCode: 204, durationMs: 1, error: null, responseExcerpt: null },
        outcome: { status: 'delivered' }
      }])
      const [next] = await storage.claimDueDeliveries('2026-11-01T11:00:02.000Z', '2026-11-01T11:01:00.000Z', 5)
      assert.deepEqual([next?.id, next?.sequence], ['d2', 8])
      // A message queued after the upgrade takes its place behind them and the next number (the
      // counters are read from the outbox since migration 92).
      const [queued] = await storage.distribute('v1', [{ subscriberId: 's1', lang: 'en', format: 'newsml-g2', contentType: 'application/xml', body: '<new/>' }],
        '2026-11-01T11:00:03.000Z')
      await storage.recordAttempts([{
        deliveryId: 'd2',
        attempt: { at: '2026-11-01T11:00:04.000Z', statusCode: 204, durationMs: 1, error: null, responseExcerpt: null },
        outcome: { status: 'delivered' }
      }])
      const [third] = await storage.claimDueDeliveries('2026-11-01T11:00:05.000Z', '2026-11-01T11:01:00.000Z', 5)
      assert.deepEqual([third?.id, third?.sequence], [queued?.id, 9])
    } finally {
      await storage.close()
    }
  } finally {
    await tmp.remove()
  }
})

it('gives stories stored before search existed their arrival order, search terms and usage per day', async () => {
  const tmp = await tempDir()
  const file = path.join(tmp.dir, 'before-search.db')
  try {
    const old = new DatabaseSync(file)
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
    for (const m of sqliteMigrations.filter((m) => m.id <= 5)) {
      old.exec('PRAGMA foreign_keys = OFF')
      old.exec(m.sql)
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(m.id, '2026-11-01T00:00:00.000Z')
    }
    const content = (headline: string): string => JSON.stringify({ headline, paragraphs: ['ف'], language: 'ar', category: 'economy' })
    // Stored out of order: the later story first.
    old.prepare('INSERT INTO articles VALUES (?, ?, 1, ?)').run('a2', 'urn:old:2', '2026-11-02T10:00:00.000Z')
    old.prepare('INSERT INTO articles VALUES (?, ?, 1, ?)').run('a1', 'urn:old:1', '2026-11-01T10:00:00.000Z')
    for (const [id, article, headline, at] of [['v2', 'a2', 'أسعارُ الذهب ترتفع', '2026-11-02T10:00:00.000Z'], ['v1', 'a1', 'موسم الزيتون', '2026-11-01T10:00:00.000Z']]) {
      old.prepare(`INSERT INTO versions (id, article_id, version, content_hash, content, status, event, created_at, updated_at)
        VALUES (?, ?, 1, 'h', ?, 'distributed', 'new', ?, ?)`).run(id!, article!, content(headline!), at!, at!)
    }
    old.prepare('INSERT INTO translation_usage (version_id, lang, chars_sent, requests) VALUES (?, ?, ?, ?)').run('v1', 'en', 40, 1)
    old.close()

    const storage = openSqliteStorage(file)
    try {
      await storage.migrate()
      assert.deepEqual((await storage.listArticles({ limit: 10 })).map((a) => a.guid), ['urn:old:2', 'urn:old:1'], 'numbered by first received')
      assert.deepEqual((await storage.listArticles({ limit: 10, terms: ['ذهب'] })).map((a) => a.guid), ['urn:old:2'])
      assert.deepEqual((await storage.listArticles({ limit: 10, category: 'economy' })).length, 2)
      assert.deepEqual((await storage.usageByDay('2026-11-01', '2026-11-30')).map((u) => ({ ...u })),
        [{ day: '2026-11-01', lang: 'en', charsSent: 40, charsReused: 0, requests: 1 }])
      const next = await storage.ingestVersion({ guid: 'urn:new', contentHash: 'n', content: JSON.parse(content('جديد')), now: '2026-11-03T00:00:00.000Z' })
      assert.equal((await storage.listArticles({ limit: 1 }))[0]?.id, next.articleId, 'a new story comes after the numbered ones')
    } finally {
      await storage.close()
    }
  } finally {
    await tmp.remove()
  }
})

it('moves every version\'s content out of the versions row and keeps each story readable', async () => {
  const tmp = await tempDir()
  const file = path.join(tmp.dir, 'content-in-row.db')
  try {
    const old = new DatabaseSync(file)
    old.exec('PRAGMA foreign_keys = OFF')
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
    for (const m of [...sqliteMigrations].filter((m) => m.id < 90).sort((a, b) => a.id - b.id)) {
      old.exec(m.sql)
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(m.id, '2026-11-01T00:00:00.000Z')
    }
    const at = '2026-11-01T10:00:00.000Z'
    // A story in two versions (the second with a note, waiting for translation) and one distributed,
    // each with a body long enough to overflow a page as real stories do.
    const content = (headline: string, note?: string): string => JSON.stringify({
      headline, paragraphs: Array.from({ length: 30 }, (_, i) => `فقرة رقم ${i} من نص الخبر الطويل.`), language: 'ar', category: 'economy', ...(note === undefined ? {} : { note })
    })
    const versions: Array<[string, string, number, string, string]> = [
      ['v1', 'a1', 1, content('أسعار الذهب'), 'distributed'],
      ['v2', 'a1', 2, content('أسعار الذهب ترتفع', 'تصحيح الرقم'), 'received'],
      ['v3', 'a2', 1, content('موسم الزيتون'), 'distributed']
    ]
    old.prepare('INSERT INTO articles (id, guid, current_version, created_at, seq, category, search_indexed) VALUES (?, ?, ?, ?, ?, ?, 1)')
      .run('a1', 'urn:old:1', 2, at, 1, 'economy')
    old.prepare('INSERT INTO articles (id, guid, current_version, created_at, seq, category, search_indexed) VALUES (?, ?, ?, ?, ?, ?, 1)')
      .run('a2', 'urn:old:2', 1, at, 2, 'economy')
    for (const [id, article, version, text, status] of versions) {
      old.prepare(`INSERT INTO versions (id, article_id, version, content_hash, content, status, event, next_attempt_at, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(id, article, version, `h${id}`, text, status, version === 1 ? 'new' : 'update',
        status === 'received' ? at : null, at, at)
    }
    old.close()

    const storage = openSqliteStorage(file)
    try {
      await storage.migrate()
      for (const [id, article, version, text] of versions) {
        const stored = await storage.getVersion(article, version)
        assert.deepEqual([stored?.id, stored?.content], [id, JSON.parse(text)])
      }
      assert.deepEqual((await storage.listArticles({ limit: 10 })).map((a) => a.headline), ['موسم الزيتون', 'أسعار الذهب ترتفع'])
      assert.deepEqual((await storage.listVersions('a1')).map((v) => v.note), [null, 'تصحيح الرقم'])
      const claimed = await storage.claimVersionForTranslation('2026-11-01T11:00:00.000Z', '2026-11-01T11:01:00.000Z')
      assert.deepEqual([claimed?.id, claimed?.content.headline], ['v2', 'أسعار الذهب ترتفع'])
      const kill = await storage.createKillVersion('a2', '2026-11-01T12:00:00.000Z', 'خطأ')
      assert.equal((await storage.getVersion('a2', kill?.version))?.content.headline, 'موسم الزيتون', 'a kill carries the story it withdraws')
    } finally {
      await storage.close()
    }
    const after = new DatabaseSync(file)
    try {
      const columns = after.prepare('SELECT name FROM pragma_table_info(\'versions\')').all().map((r) => r.name)
      assert.ok(!columns.includes('content'), 'the versions row no longer carries the content')
      assert.equal(after.prepare('SELECT COUNT(*) AS n FROM version_contents').get()?.n, 4)
    } finally {
      after.close()
    }
  } finally {
    await tmp.remove()
  }
})
