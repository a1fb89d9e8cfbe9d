// Finding stories and reading their history and cost, on PostgreSQL: the same statements as
// sqlite-search.ts (filters from article-list.ts), each walking the indexes of migration 85;
// headline words are looked up in article_terms here, in SQLite's FTS5 index there.
import type { ArticleContent } from '../articles/types.ts'
import { searchTerms } from '../articles/search-text.ts'
import type { PgDb, Sql } from './pg-tx.ts'
import type { Storage } from './types.ts'
import { type DailyUsageRow, toDailyUsage, toVersionSummary, type VersionSummaryRow } from './rows.ts'
import { ARTICLE_LIST_COLUMNS, type ArticleListRow, articleFilters, type HeadlineWords, mergeUsage, toArticleSummary } from './article-list.ts'

/** Each word a prefix as a range: the (term, article_id) key of article_terms answers it. */
const HEADLINE_TERMS_TABLE: HeadlineWords = (terms, next) => {
  const clauses: string[] = []
  const values: unknown[] = []
  for (const term of terms) {
    clauses.push(`a.id IN (SELECT t.article_id FROM article_terms t WHERE t.term >= ${next()} AND t.term < ${next()})`)
    values.push(term, prefixEnd(term))
  }
  return { clause: clauses.join(' AND '), values }
}

/** The smallest string greater than every string that starts with prefix (code point order). */
function prefixEnd (prefix: string): string {
  const points = [...prefix]
  const last = points.pop()?.codePointAt(0) ?? 0
  return points.join('') + String.fromCodePoint(last + 1)
}

type SearchMethods = Pick<Storage, 'listArticles' | 'listVersions' | 'getArticleUsage' | 'usageByDay'>

/**
 * Replaces the story's headline search terms (search-text.ts, the one normaliser) and its latest
 * category and event, inside the caller's transaction.
 */
export async function indexArticle (sql: Sql, articleId: string, content: ArticleContent, event: string): Promise<void> {
  await sql.run('DELETE FROM article_terms WHERE article_id = $1', [articleId])
  await insertSearchTerms(sql, articleId, content.headline)
  await sql.run('UPDATE articles SET category = $1, event = $2, search_indexed = true WHERE id = $3',
    [content.category ?? null, event, articleId])
}

/**
 * The headline's terms of a story that has none yet: a new story's article row is inserted
 * already indexed (pg-articles.ts), so ingest pays no DELETE and no second write of the row.
 */
export async function insertSearchTerms (sql: Sql, articleId: string, headline: string): Promise<void> {
  await sql.run(`INSERT INTO article_terms (term, article_id) SELECT DISTINCT t, $2 FROM unnest($1::text[]) AS t
    ON CONFLICT DO NOTHING`, [searchTerms(headline), articleId])
}

/** Stories stored before search existed get their terms (once; a partial index finds them). */
export async function indexOlderArticles (db: PgDb): Promise<void> {
  await db.tx(async (sql) => {
    const rows = await sql.rows<{ id: string; content: string; event: string }>(`SELECT a.id, v.content, v.event FROM articles a
      JOIN versions v ON v.article_id = a.id AND v.version = a.current_version WHERE NOT a.search_indexed FOR UPDATE OF a SKIP LOCKED`)
    for (const row of rows) await indexArticle(sql, row.id, JSON.parse(row.content) as ArticleContent, row.event)
  })
}

export function createPgSearch (db: PgDb): SearchMethods {
  return {
    async listArticles (query) {
      let n = 0
      const { where, params } = articleFilters(query, () => `$${++n}`, HEADLINE_TERMS_TABLE)
      const rows = await db.rows<ArticleListRow>(`SELECT ${ARTICLE_LIST_COLUMNS} FROM articles a
        JOIN versions v ON v.article_id = a.id AND v.version = a.current_version
        ${where} ORDER BY a.seq DESC LIMIT $${++n}`, [...params, query.limit])
      return rows.map(toArticleSummary)
    },

    async listVersions (articleId) {
      const rows = await db.rows<VersionSummaryRow>(`SELECT version, event, status, status_reason, created_at, content::json->>'note' AS note
        FROM versions WHERE article_id = $1 ORDER BY version`, [articleId])
      return rows.map(toVersionSummary)
    },

    async getArticleUsage (articleId) {
      const sent = await db.rows<{ lang: string; chars_sent: string; requests: string }>(`SELECT u.lang, SUM(u.chars_sent) AS chars_sent,
        SUM(u.requests) AS requests FROM versions v JOIN translation_usage u ON u.version_id = v.id WHERE v.article_id = $1 GROUP BY u.lang`, [articleId])
      const reused = await db.rows<{ lang: string; chars_reused: string }>(`SELECT t.lang, SUM(COALESCE(t.chars_reused, 0)) AS chars_reused
        FROM versions v JOIN translations t ON t.version_id = v.id WHERE v.article_id = $1 GROUP BY t.lang`, [articleId])
      return mergeUsage(sent, reused)
    },

    async usageByDay (since, until) {
      const rows = await db.rows<DailyUsageRow>(
        'SELECT day, lang, chars_sent, chars_reused, requests FROM usage_daily WHERE day >= $1 AND day <= $2 ORDER BY day, lang', [since, until])
      return rows.map(toDailyUsage)
    }
  }
}
