// Articles as written: ingest of each new version (with its search terms), the versions and
// translations read back, and who received a story. What happens to a version afterwards is
// sqlite-versions.ts.
import { newId } from '../ids.ts'
import { type LatestVersion, repeatedPostOutcome, versionEvent } from './rules.ts'
import { type Db, groupCommit } from './sqlite-tx.ts'
import type { Storage } from './types.ts'
import { LATEST_VERSION_COLUMNS, type StoryRecipientRow, toStoryRecipient, toTranslation, toVersion, type TranslationRow, type VersionRow } from './rows.ts'
import { CONTENT_JOIN, insertContent, SQLITE_VERSION_COLUMNS } from './sqlite-content.ts'
import { indexArticle, insertSearchTerms } from './sqlite-search.ts'

const SELECT_VERSION = `SELECT ${SQLITE_VERSION_COLUMNS} FROM versions v JOIN articles a ON a.id = v.article_id ${CONTENT_JOIN}`
const LATEST_VERSION = `SELECT ${LATEST_VERSION_COLUMNS} FROM versions WHERE article_id = ? AND version = ?`

type ArticleMethods = Pick<Storage, 'ingestVersion' | 'getVersion' | 'getTranslation' | 'listTranslations' | 'listStoryRecipients'>

export function createSqliteArticles (db: Db): ArticleMethods {
  const ingestTogether = groupCommit(db)

  return {
    async ingestVersion ({ guid, contentHash, content, now, correction }) {
      // Posts arriving together share one transaction (sqlite-tx.ts); each still commits before it resolves.
      return ingestTogether(() => {
        const article = db.prepare('SELECT id, current_version FROM articles WHERE guid = ?').get(guid) as
          { id: string; current_version: number } | undefined
        let articleId: string
        let version = 1
        if (article === undefined) {
          articleId = newId()
          // seq: arrival order for GET /v1/articles; this transaction holds the write lock, so MAX + 1 is unique.
          // Written with its search columns (category, event 'new', indexed): no second write of the row.
          db.prepare(`INSERT INTO articles (id, guid, current_version, created_at, seq, category, event, search_indexed)
            VALUES (?, ?, 1, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM articles), ?, 'new', 1)`)
            .run(articleId, guid, now, content.category ?? null)
        } else {
          articleId = article.id
          const latest = db.prepare(LATEST_VERSION).get(articleId, article.current_version) as unknown as LatestVersion
          const repeated = repeatedPostOutcome(articleId, latest, contentHash)
          if (repeated !== null) return repeated
          version = article.current_version + 1
          db.prepare('UPDATE articles SET current_version = ? WHERE id = ?').run(version, articleId)
        }
        const versionId = newId()
        const event = versionEvent(version, correction)
        db.prepare(`INSERT INTO versions (id, article_id, version, content_hash, event, status, next_attempt_at,
          created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'received', ?, ?, ?)`)
          .run(versionId, articleId, version, contentHash, event, now, now, now)
        insertContent(db, versionId, JSON.stringify(content))
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

    async getTranslation (versionId, lang) {
      const row = db.prepare('SELECT * FROM translations WHERE version_id = ? AND lang = ?').get(versionId, lang)
      return row === undefined ? null : toTranslation(row as unknown as TranslationRow)
    },

    async listTranslations (versionId) {
      const rows = db.prepare('SELECT * FROM translations WHERE version_id = ? ORDER BY lang').all(versionId)
      return rows.map((row) => toTranslation(row as unknown as TranslationRow))
    },

    async listStoryRecipients (articleId) {
      // Anyone with a delivery row of the story, whatever became of it: a timed-out attempt may
      // still have reached the partner, and a kill sent to one who never saw the story is harmless.
      const rows = db.prepare(`SELECT DISTINCT d.subscriber_id, d.lang, d.format FROM deliveries d
        JOIN versions v ON v.id = d.version_id JOIN subscribers s ON s.id = d.subscriber_id
        WHERE v.article_id = ? AND s.deleted_at IS NULL ORDER BY d.subscriber_id, d.lang`).all(articleId) as unknown as StoryRecipientRow[]
      return rows.map(toStoryRecipient)
    }
  }
}
