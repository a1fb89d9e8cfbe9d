// Articles, their immutable versions and their translations, on SQLite.
import { randomUUID } from 'node:crypto'
import type { StoredVersion } from '../articles/types.ts'
import { IN_DISTRIBUTION, IN_PIPELINE, IN_TRANSLATION, LEASE_FREE, NO_EARLIER_PENDING_VERSION } from './claim-conditions.ts'
import { versionEvent } from './rules.ts'
import { type Db, groupCommit, transaction } from './sqlite-tx.ts'
import type { ClaimedVersion, Storage } from './types.ts'
import { toTranslation, toVersion, translationContentJson, type TranslationRow, VERSION_COLUMNS, type VersionRow } from './rows.ts'
import { indexArticle, insertSearchTerms } from './sqlite-search.ts'

const SELECT_VERSION = `SELECT ${VERSION_COLUMNS} FROM versions v JOIN articles a ON a.id = v.article_id`

type ArticleMethods = Pick<Storage, 'ingestVersion' | 'getVersion' | 'claimVersionForTranslation' |
  'saveTranslations' | 'scheduleTranslationRetry' | 'markVersionFailed' | 'releaseUnfinishedRun' | 'getTranslation' |
  'listTranslations' | 'claimVersionForDistribution'>

/** Kills (priority 1) are probed before everything else (0): two index range walks, no sort. */
const PRIORITIES = [1, 0]

// One probe of a queue: the oldest due, unleased version of one priority. Each walks its partial
// index (named, so SQLite cannot pick a wider one) from the oldest entry and stops at the first
// that qualifies, or at the first not yet due: the cost does not grow with the backlog. Needs
// :priority and :now. Exported for the query-plan test (test/storage/query-plans.test.ts).
const queueProbe = (index: string, inQueue: string, extra: string): string => `
  SELECT ${VERSION_COLUMNS}, v.unfinished_runs
  FROM versions v INDEXED BY ${index} JOIN articles a ON a.id = v.article_id
  WHERE ${inQueue} AND v.priority = :priority AND v.next_attempt_at <= :now
    AND ${LEASE_FREE('v', ':now')} ${extra}
  ORDER BY v.next_attempt_at, v.rowid LIMIT 1`

export const TRANSLATION_CLAIM = queueProbe('versions_translation_queue', IN_TRANSLATION('v'), '')
// The order gate is one probe of the (article_id, version) key per candidate: the versions of
// one story, never the table.
export const DISTRIBUTION_CLAIM = queueProbe('versions_distribution_queue', IN_DISTRIBUTION('v'), `AND ${NO_EARLIER_PENDING_VERSION}`)
const TAKE_VERSION_LEASE = `UPDATE versions SET lease_until = ?, attempts = attempts + 1, unfinished_runs = unfinished_runs + 1, updated_at = ?,
  status = CASE status WHEN 'received' THEN 'translating' ELSE status END WHERE id = ?`

export function createSqliteArticles (db: Db): ArticleMethods {
  const ingestTogether = groupCommit(db)
  const claim = (probe: string, now: string, leaseUntil: string): ClaimedVersion | null =>
    transaction(db, () => {
      let row: (VersionRow & { unfinished_runs: number }) | undefined
      for (const priority of PRIORITIES) {
        row = db.prepare(probe).get({ now, priority }) as (VersionRow & { unfinished_runs: number }) | undefined
        if (row !== undefined) break
      }
      if (row === undefined) return null
      // Counted as unfinished until the run records an outcome: a run that kills the process never does.
      db.prepare(TAKE_VERSION_LEASE).run(leaseUntil, now, row.id)
      return {
        ...toVersion({ ...row, status: row.status === 'received' ? 'translating' : row.status }),
        attempts: row.attempts + 1,
        unfinishedRuns: row.unfinished_runs + 1
      }
    })

  return {
    async ingestVersion ({ guid, contentHash, content, now, correction }) {
      // Posts arriving together share one transaction (sqlite-tx.ts); each still commits before it resolves.
      return ingestTogether(() => {
        const article = db.prepare('SELECT id, current_version FROM articles WHERE guid = ?').get(guid) as
          { id: string; current_version: number } | undefined
        let articleId: string
        let version = 1
        if (article === undefined) {
          articleId = randomUUID()
          // seq: arrival order for GET /v1/articles; this transaction holds the write lock, so MAX + 1 is unique.
          // Written with its search columns (category, event 'new', indexed): no second write of the row.
          db.prepare(`INSERT INTO articles (id, guid, current_version, created_at, seq, category, event, search_indexed)
            VALUES (?, ?, 1, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM articles), ?, 'new', 1)`)
            .run(articleId, guid, now, content.category ?? null)
        } else {
          articleId = article.id
          const latest = db.prepare('SELECT id, content_hash, status, event, created_at FROM versions WHERE article_id = ? AND version = ?')
            .get(articleId, article.current_version) as { id: string; content_hash: string; status: StoredVersion['status'];
              event: string; created_at: string }
          // A kill is final: the same guid never carries the story again (publish under a new guid).
          if (latest.event === 'kill') return {
            kind: 'killed', articleId, versionId: latest.id, version: article.current_version, status: latest.status, killedAt: latest.created_at
          }
          if (latest.content_hash === contentHash) {
            return { kind: 'unchanged', articleId, versionId: latest.id, version: article.current_version, status: latest.status }
          }
          version = article.current_version + 1
          db.prepare('UPDATE articles SET current_version = ? WHERE id = ?').run(version, articleId)
        }
        const versionId = randomUUID()
        const event = versionEvent(version, correction)
        db.prepare(`INSERT INTO versions (id, article_id, version, content_hash, content, event, status, next_attempt_at,
          created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'received', ?, ?, ?)`)
          .run(versionId, articleId, version, contentHash, JSON.stringify(content), event, now, now, now)
        if (version === 1) insertSearchTerms(db, articleId, content.headline)
        else indexArticle(db, articleId, content, event)
        return { kind: 'created', articleId, versionId, version, status: 'received' }
      })
    },

    async getVersion (articleId, version) {
      const row = version === undefined
        ? db.prepare(`${SELECT_VERSION} WHERE v.article_id = ? AND v.version = a.current_version`).get(articleId)
        : db.prepare(`${SELECT_VERSION} WHERE v.article_id = ? AND v.version = ?`).get(articleId, version)
      return row === undefined ? null : toVersion(row as unknown as VersionRow)
    },

    async claimVersionForTranslation (now, leaseUntil) {
      return claim(TRANSLATION_CLAIM, now, leaseUntil)
    },

    async saveTranslations (versionId, translations, now) {
      transaction(db, () => {
        const insert = db.prepare(`INSERT OR REPLACE INTO translations (version_id, lang, content, engine, model,
          chars_sent, requests, created_at, segments, segments_reused, chars_reused, segment_details)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        // What the memory saved counts on the day the translation was made, beside what was sent.
        const reused = db.prepare(`INSERT INTO usage_daily (day, lang, chars_reused) VALUES (?, ?, ?)
          ON CONFLICT (day, lang) DO UPDATE SET chars_reused = chars_reused + excluded.chars_reused`)
        for (const t of translations) {
          insert.run(versionId, t.lang, translationContentJson(t), t.engine, t.model, t.charsSent, t.requests, t.createdAt,
            t.segments ?? null, t.segments === undefined ? null : t.segmentsReused ?? 0, t.charsReused ?? null,
            t.segmentDetails === undefined ? null : JSON.stringify(t.segmentDetails))
          if ((t.charsReused ?? 0) > 0) reused.run(now.slice(0, 10), t.lang, t.charsReused!)
        }
        // Only a version still in translation moves on: a kill may have superseded it meanwhile.
        db.prepare(`UPDATE versions SET status = 'translated', status_reason = NULL, lease_until = NULL,
          attempts = 0, unfinished_runs = 0, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'translating'`).run(now, now, versionId)
      })
    },

    async scheduleTranslationRetry (versionId, reason, retryAt, now) {
      db.prepare(`UPDATE versions SET status_reason = ?, lease_until = NULL, next_attempt_at = ?, unfinished_runs = 0, updated_at = ?
        WHERE id = ? AND ${IN_TRANSLATION()}`).run(reason, retryAt, now, versionId)
    },

    async releaseUnfinishedRun (versionId, reason, retryAt, now) {
      db.prepare(`UPDATE versions SET status_reason = ?, lease_until = NULL, next_attempt_at = ?, updated_at = ?
        WHERE id = ? AND ${IN_PIPELINE()}`).run(reason, retryAt, now, versionId)
    },

    async markVersionFailed (versionId, reason, now) {
      db.prepare(`UPDATE versions SET status = 'failed', status_reason = ?, lease_until = NULL, unfinished_runs = 0,
        next_attempt_at = NULL, updated_at = ? WHERE id = ? AND ${IN_PIPELINE()}`).run(reason, now, versionId)
    },

    async getTranslation (versionId, lang) {
      const row = db.prepare('SELECT * FROM translations WHERE version_id = ? AND lang = ?').get(versionId, lang)
      return row === undefined ? null : toTranslation(row as unknown as TranslationRow)
    },

    async listTranslations (versionId) {
      const rows = db.prepare('SELECT * FROM translations WHERE version_id = ? ORDER BY lang').all(versionId)
      return rows.map((row) => toTranslation(row as unknown as TranslationRow))
    },

    async claimVersionForDistribution (now, leaseUntil) {
      return claim(DISTRIBUTION_CLAIM, now, leaseUntil)
    }
  }
}
