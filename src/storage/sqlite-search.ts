// Finding stories and reading their history and cost, on SQLite. Every filter of listArticles
// walks an index (migration 85; test/storage/explain.test.ts checks the plans). The newest page,
// the cursor, guid, category and event keep the list's order, so a page stops after `limit`
// rows; status, since/until and headline words sort what matches (bench/find.ts measures both).
import type { ArticleContent } from '../articles/types.ts'
import { searchTerms } from '../articles/search-text.ts'
import type { Db } from './sqlite-tx.ts'
import type { ArticleListQuery, ArticleSummary, Storage } from './types.ts'
import { type DailyUsageRow, toDailyUsage, toVersionSummary, type VersionSummaryRow } from './rows.ts'
import { type ArticleListRow, articleFilters, type HeadlineWords, mergeUsage, toArticleSummary } from './article-list.ts'
import { CONTENT_JOIN, SQLITE_ARTICLE_LIST_COLUMNS } from './sqlite-content.ts'

type SearchMethods = Pick<Storage, 'listArticles' | 'listVersions' | 'getArticleUsage' | 'usageByDay'>

/**
 * Replaces the story's headline search terms (search-text.ts, the one normaliser) and its latest
 * category and event, inside the caller's transaction.
 */
export function indexArticle (db: Db, articleId: string, content: ArticleContent, event: string): void {
  db.prepare('DELETE FROM article_search WHERE rowid = (SELECT seq FROM articles WHERE id = ?)').run(articleId)
  insertSearchTerms(db, articleId, content.headline)
  db.prepare('UPDATE articles SET category = ?, event = ?, search_indexed = 1 WHERE id = ?')
    .run(content.category ?? null, event, articleId)
}

/**
 * The headline's terms of a story that has none yet, in one statement: a new story's article row
 * is inserted already indexed (sqlite-articles.ts), so ingest pays no DELETE and no UPDATE of a
 * row it has just written — those, and the index entries they moved, were a third of its cost.
 * The terms go into an FTS5 index (migration 91), one document per story keyed by its `seq`:
 * FTS5 gathers a transaction's terms and writes them as one segment, where a B-tree of
 * (term, story) rows took a page per term per post, on random pages once headlines differ
 * (455 µs a story against 33 µs for FTS5, 20 words from 300, ten stories a transaction).
 */
export function insertSearchTerms (db: Db, articleId: string, headline: string): void {
  db.prepare('INSERT INTO article_search (rowid, terms) SELECT seq, ? FROM articles WHERE id = ?')
    .run(searchTerms(headline).join(' '), articleId)
}

/**
 * Stories whose headline has every word, each as a prefix of one of its terms: one FTS5 MATCH.
 * Terms are letters and digits only (search-text.ts), the tokenizer's own token characters, so
 * each stored term is one token; quoting keeps a word from ever being read as FTS5 syntax.
 */
export const HEADLINE_FTS: HeadlineWords = (terms, next) => ({
  clause: `a.seq IN (SELECT rowid FROM article_search WHERE article_search MATCH ${next()})`,
  values: [terms.map((term) => `"${term.replaceAll('"', '""')}"*`).join(' AND ')]
})

/** Stories stored before search existed get their terms (once; a partial index finds them). */
export function indexOlderArticles (db: Db): void {
  const rows = db.prepare(`SELECT a.id, c.content, v.event FROM articles a
    JOIN versions v ON v.article_id = a.id AND v.version = a.current_version ${CONTENT_JOIN} WHERE a.search_indexed = 0`).all() as
    Array<{ id: string; content: string; event: string }>
  for (const row of rows) {
    const content = JSON.parse(row.content) as ArticleContent
    indexArticle(db, row.id, content, row.event)
  }
}

/** The statement of one story list, and its parameters (exported for the EXPLAIN test). */
export function listArticlesSql (query: ArticleListQuery): { sql: string; params: Array<string | number> } {
  const { where, params } = articleFilters(query, () => '?', HEADLINE_FTS)
  return {
    sql: `SELECT ${SQLITE_ARTICLE_LIST_COLUMNS} FROM articles a
      JOIN versions v ON v.article_id = a.id AND v.version = a.current_version ${CONTENT_JOIN}
      ${where} ORDER BY a.seq DESC LIMIT ?`,
    params: [...params as Array<string | number>, query.limit]
  }
}

/** The statement behind usageByDay (exported for the EXPLAIN test). */
export const USAGE_BY_DAY_SQL = `SELECT day, lang, chars_sent, chars_reused, requests FROM usage_daily
  WHERE day >= ? AND day <= ? ORDER BY day, lang`

export function createSqliteSearch (db: Db): SearchMethods {
  return {
    async listArticles (query) {
      const { sql, params } = listArticlesSql(query)
      const rows = db.prepare(sql).all(...params) as unknown as ArticleListRow[]
      return rows.map(toArticleSummary) satisfies ArticleSummary[]
    },

    async listVersions (articleId) {
      const rows = db.prepare(`SELECT v.version, v.event, v.status, v.status_reason, v.created_at, json_extract(c.content, '$.note') AS note
        FROM versions v ${CONTENT_JOIN} WHERE v.article_id = ? ORDER BY v.version`).all(articleId) as unknown as VersionSummaryRow[]
      return rows.map(toVersionSummary)
    },

    async getArticleUsage (articleId) {
      const sent = db.prepare(`SELECT u.lang, SUM(u.chars_sent) AS chars_sent, SUM(u.requests) AS requests
        FROM versions v JOIN translation_usage u ON u.version_id = v.id WHERE v.article_id = ? GROUP BY u.lang`).all(articleId) as
        Array<{ lang: string; chars_sent: number; requests: number }>
      const reused = db.prepare(`SELECT t.lang, SUM(COALESCE(t.chars_reused, 0)) AS chars_reused
        FROM versions v JOIN translations t ON t.version_id = v.id WHERE v.article_id = ? GROUP BY t.lang`).all(articleId) as
        Array<{ lang: string; chars_reused: number }>
      return mergeUsage(sent, reused)
    },

    async usageByDay (since, until) {
      const rows = db.prepare(USAGE_BY_DAY_SQL).all(since, until) as unknown as DailyUsageRow[]
      return rows.map(toDailyUsage)
    }
  }
}
