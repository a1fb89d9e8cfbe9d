// Articles as written, on PostgreSQL: ingest of each new version (with its search terms), the
// versions and translations read back, and who received a story. What happens to a version
// afterwards is pg-versions.ts.
import { newId } from '../ids.ts'
import type { PgDb } from './pg-tx.ts'
import { type LatestVersion, repeatedPostOutcome, versionEvent } from './rules.ts'
import type { Storage } from './types.ts'
import { indexArticle, insertSearchTerms } from './pg-search.ts'
import { LATEST_VERSION_COLUMNS, type StoryRecipientRow, toStoryRecipient, toTranslation, toVersion, type TranslationRow, VERSION_COLUMNS, type VersionRow } from './rows.ts'

type ArticleMethods = Pick<Storage, 'ingestVersion' | 'getVersion' | 'getTranslation' | 'listTranslations' | 'listStoryRecipients'>

export function createPgArticles (db: PgDb): ArticleMethods {
  return {
    async ingestVersion ({ guid, contentHash, content, now, correction }) {
      return db.tx(async (sql) => {
        // Insert-or-lock: two instances ingesting the same guid queue on the article row.
        // Written with its search columns (category, event 'new', indexed): no second write of the row.
        const [inserted] = await sql.rows<{ id: string }>(`INSERT INTO articles (id, guid, current_version, created_at, category, event, search_indexed)
          VALUES ($1, $2, 1, $3, $4, 'new', true) ON CONFLICT (guid) DO NOTHING RETURNING id`, [newId(), guid, now, content.category ?? null])
        let articleId: string
        let version = 1
        if (inserted !== undefined) {
          articleId = inserted.id
        } else {
          const [article] = await sql.rows<{ id: string; current_version: number }>(
            'SELECT id, current_version FROM articles WHERE guid = $1 FOR UPDATE', [guid])
          if (article === undefined) throw new Error(`article ${guid} vanished while ingesting`)
          articleId = article.id
          const [latest] = await sql.rows<LatestVersion>(`SELECT ${LATEST_VERSION_COLUMNS} FROM versions
            WHERE article_id = $1 AND version = $2`, [articleId, article.current_version])
          if (latest === undefined) throw new Error(`article ${articleId} has no version ${article.current_version}`)
          const repeated = repeatedPostOutcome(articleId, latest, contentHash)
          if (repeated !== null) return repeated
          version = article.current_version + 1
          await sql.run('UPDATE articles SET current_version = $1 WHERE id = $2', [version, articleId])
        }
        const versionId = newId()
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

    async getTranslation (versionId, lang) {
      const [row] = await db.rows<TranslationRow>('SELECT * FROM translations WHERE version_id = $1 AND lang = $2', [versionId, lang])
      return row === undefined ? null : toTranslation(row)
    },

    async listTranslations (versionId) {
      const rows = await db.rows<TranslationRow>('SELECT * FROM translations WHERE version_id = $1 ORDER BY lang', [versionId])
      return rows.map(toTranslation)
    },

    async listStoryRecipients (articleId) {
      // Anyone with a delivery row of the story, whatever became of it: a timed-out attempt may
      // still have reached the partner, and a kill sent to one who never saw the story is harmless.
      const rows = await db.rows<StoryRecipientRow>(`SELECT DISTINCT d.subscriber_id,
          d.lang, d.format FROM deliveries d JOIN versions v ON v.id = d.version_id JOIN subscribers s ON s.id = d.subscriber_id
        WHERE v.article_id = $1 AND s.deleted_at IS NULL ORDER BY d.subscriber_id, d.lang`, [articleId])
      return rows.map(toStoryRecipient)
    }
  }
}
