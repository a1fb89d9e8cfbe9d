// Articles, their immutable versions and their translations, on PostgreSQL.
import { randomUUID } from 'node:crypto'
import type { StoredVersion } from '../articles/types.ts'
import { IN_DISTRIBUTION, IN_PIPELINE, IN_TRANSLATION, LEASE_FREE, NO_EARLIER_PENDING_VERSION } from './claim-conditions.ts'
import type { PgDb } from './pg-tx.ts'
import { versionEvent } from './rules.ts'
import type { ClaimedVersion, Storage } from './types.ts'
import { indexArticle, insertSearchTerms } from './pg-search.ts'
import { toTranslation, toVersion, translationContentJson, type TranslationRow, VERSION_COLUMNS, type VersionRow } from './rows.ts'

type ArticleMethods = Pick<Storage, 'ingestVersion' | 'getVersion' | 'claimVersionForTranslation' |
  'saveTranslations' | 'scheduleTranslationRetry' | 'markVersionFailed' | 'releaseUnfinishedRun' | 'getTranslation' |
  'listTranslations' | 'claimVersionForDistribution'>

// One statement per probe: the oldest due, unleased version of one priority ($3; kills are 1 and
// probed first). It walks the queue's partial index (versions_translation_queue /
// versions_distribution_queue) in order and stops early, whatever the backlog. SKIP LOCKED passes
// over a version another instance is claiming right now, and the UPDATE takes the lease before
// the row lock is let go. Exported for the query-plan test.
const claimSql = (inQueue: string, extra: string): string => `
  WITH picked AS (
    SELECT v.id FROM versions v
    WHERE ${inQueue} AND v.priority = $3 AND v.next_attempt_at <= $1 AND ${LEASE_FREE('v', '$1')} ${extra}
    ORDER BY v.next_attempt_at, v.seq LIMIT 1
    FOR UPDATE OF v SKIP LOCKED)
  UPDATE versions v SET lease_until = $2, attempts = v.attempts + 1, unfinished_runs = v.unfinished_runs + 1, updated_at = $1,
    status = CASE v.status WHEN 'received' THEN 'translating' ELSE v.status END
  FROM picked, articles a WHERE v.id = picked.id AND a.id = v.article_id
  RETURNING ${VERSION_COLUMNS}, v.unfinished_runs`

export const TRANSLATION_CLAIM = claimSql(IN_TRANSLATION('v'), '')
// The order gate is one probe of the (article_id, version) key per candidate.
export const DISTRIBUTION_CLAIM = claimSql(IN_DISTRIBUTION('v'), `AND ${NO_EARLIER_PENDING_VERSION}`)

export function createPgArticles (db: PgDb): ArticleMethods {
  const claim = async (sql: string, now: string, leaseUntil: string): Promise<ClaimedVersion | null> => {
    for (const priority of [1, 0]) {
      const [row] = await db.rows<VersionRow & { unfinished_runs: number }>(sql, [now, leaseUntil, priority])
      if (row !== undefined) return { ...toVersion(row), attempts: row.attempts, unfinishedRuns: row.unfinished_runs }
    }
    return null
  }

  return {
    async ingestVersion ({ guid, contentHash, content, now, correction }) {
      return db.tx(async (sql) => {
        // Insert-or-lock: two instances ingesting the same guid queue on the article row.
        // Written with its search columns (category, event 'new', indexed): no second write of the row.
        const [inserted] = await sql.rows<{ id: string }>(`INSERT INTO articles (id, guid, current_version, created_at, category, event, search_indexed)
          VALUES ($1, $2, 1, $3, $4, 'new', true) ON CONFLICT (guid) DO NOTHING RETURNING id`, [randomUUID(), guid, now, content.category ?? null])
        let articleId: string
        let version = 1
        if (inserted !== undefined) {
          articleId = inserted.id
        } else {
          const [article] = await sql.rows<{ id: string; current_version: number }>(
            'SELECT id, current_version FROM articles WHERE guid = $1 FOR UPDATE', [guid])
          if (article === undefined) throw new Error(`article ${guid} vanished while ingesting`)
          articleId = article.id
          const [latest] = await sql.rows<{ id: string; content_hash: string; status: StoredVersion['status']; event: string;
            created_at: string }>('SELECT id, content_hash, status, event, created_at FROM versions WHERE article_id = $1 AND version = $2',
          [articleId, article.current_version])
          if (latest === undefined) throw new Error(`article ${articleId} has no version ${article.current_version}`)
          // A kill is final: the same guid never carries the story again (publish under a new guid).
          if (latest.event === 'kill') return {
            kind: 'killed', articleId, versionId: latest.id, version: article.current_version, status: latest.status, killedAt: latest.created_at
          }
          if (latest.content_hash === contentHash) {
            return { kind: 'unchanged', articleId, versionId: latest.id, version: article.current_version, status: latest.status }
          }
          version = article.current_version + 1
          await sql.run('UPDATE articles SET current_version = $1 WHERE id = $2', [version, articleId])
        }
        const versionId = randomUUID()
        const event = versionEvent(version, correction)
        await sql.run(`INSERT INTO versions (id, article_id, version, content_hash, content, event, status, next_attempt_at,
          created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, $7, $7)`,
        [versionId, articleId, version, contentHash, JSON.stringify(content), event, now])
        if (version === 1) await insertSearchTerms(sql, articleId, content.headline)
        else await indexArticle(sql, articleId, content, event)
        return { kind: 'created', articleId, versionId, version, status: 'received' }
      })
    },

    async getVersion (articleId, version) {
      const [row] = version === undefined
        ? await db.rows<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM versions v JOIN articles a ON a.id = v.article_id
            WHERE v.article_id = $1 AND v.version = a.current_version`, [articleId])
        : await db.rows<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM versions v JOIN articles a ON a.id = v.article_id
            WHERE v.article_id = $1 AND v.version = $2`, [articleId, version])
      return row === undefined ? null : toVersion(row)
    },

    async claimVersionForTranslation (now, leaseUntil) {
      return claim(TRANSLATION_CLAIM, now, leaseUntil)
    },

    async saveTranslations (versionId, translations, now) {
      await db.tx(async (sql) => {
        for (const t of translations) {
          await sql.run(`INSERT INTO translations (version_id, lang, content, engine, model, chars_sent, requests, created_at,
            segments, segments_reused, chars_reused, segment_details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (version_id, lang) DO UPDATE SET content = excluded.content, engine = excluded.engine,
              model = excluded.model, chars_sent = excluded.chars_sent, requests = excluded.requests,
              created_at = excluded.created_at, segments = excluded.segments, segments_reused = excluded.segments_reused,
              chars_reused = excluded.chars_reused, segment_details = excluded.segment_details`,
          [versionId, t.lang, translationContentJson(t), t.engine, t.model, t.charsSent, t.requests, t.createdAt,
            t.segments ?? null, t.segments === undefined ? null : t.segmentsReused ?? 0, t.charsReused ?? null,
            t.segmentDetails === undefined ? null : JSON.stringify(t.segmentDetails)])
          // What the memory saved counts on the day the translation was made, beside what was sent.
          if ((t.charsReused ?? 0) > 0) {
            await sql.run(`INSERT INTO usage_daily (day, lang, chars_reused) VALUES ($1, $2, $3)
              ON CONFLICT (day, lang) DO UPDATE SET chars_reused = usage_daily.chars_reused + excluded.chars_reused`,
            [now.slice(0, 10), t.lang, t.charsReused])
          }
        }
        // Only a version still in translation moves on: a kill may have superseded it meanwhile.
        await sql.run(`UPDATE versions SET status = 'translated', status_reason = NULL, lease_until = NULL,
          attempts = 0, unfinished_runs = 0, next_attempt_at = $1, updated_at = $1 WHERE id = $2 AND status = 'translating'`, [now, versionId])
      })
    },

    async scheduleTranslationRetry (versionId, reason, retryAt, now) {
      await db.run(`UPDATE versions SET status_reason = $1, lease_until = NULL, next_attempt_at = $2, unfinished_runs = 0,
        updated_at = $3 WHERE id = $4 AND ${IN_TRANSLATION()}`, [reason, retryAt, now, versionId])
    },

    async releaseUnfinishedRun (versionId, reason, retryAt, now) {
      await db.run(`UPDATE versions SET status_reason = $1, lease_until = NULL, next_attempt_at = $2, updated_at = $3
        WHERE id = $4 AND ${IN_PIPELINE()}`, [reason, retryAt, now, versionId])
    },

    async markVersionFailed (versionId, reason, now) {
      await db.run(`UPDATE versions SET status = 'failed', status_reason = $1, lease_until = NULL, unfinished_runs = 0,
        next_attempt_at = NULL, updated_at = $2 WHERE id = $3 AND ${IN_PIPELINE()}`, [reason, now, versionId])
    },

    async getTranslation (versionId, lang) {
      const [row] = await db.rows<TranslationRow>('SELECT * FROM translations WHERE version_id = $1 AND lang = $2', [versionId, lang])
      return row === undefined ? null : toTranslation(row)
    },

    async listTranslations (versionId) {
      const rows = await db.rows<TranslationRow>('SELECT * FROM translations WHERE version_id = $1 ORDER BY lang', [versionId])
      return rows.map(toTranslation)
    },

    async claimVersionForDistribution (now, leaseUntil) {
      return claim(DISTRIBUTION_CLAIM, now, leaseUntil)
    }
  }
}
