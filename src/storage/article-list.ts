// The story list and cost statements both backends share: the columns and their mapping, the
// filters (each answered by an index of migration 85), and merging engine use with memory reuse.
import type { StoredVersion } from '../articles/types.ts'
import type { ArticleListQuery, ArticleSummary, LanguageUsage } from './types.ts'

export interface ArticleListRow {
  seq: number | string
  id: string
  guid: string
  version: number
  status: ArticleSummary['status']
  event: ArticleSummary['event']
  content: string
  category: string | null
  first_created: string
  created_at: string
}

/**
 * The columns an ArticleListRow needs, from articles a and its current version v, with the story
 * JSON taken from `content` (as rows.ts versionColumns).
 */
export const articleListColumns = (content: string): string => `a.seq, a.id, a.guid, v.version, v.status, v.event,
  ${content} AS content, a.category, a.created_at AS first_created, v.created_at`

/** PostgreSQL's. */
export const ARTICLE_LIST_COLUMNS = articleListColumns('v.content')

export function toArticleSummary (row: ArticleListRow): ArticleSummary {
  const content = JSON.parse(row.content) as StoredVersion['content']
  return {
    // A BIGINT arrives as a string from pg.
    seq: Number(row.seq),
    id: row.id,
    guid: row.guid,
    version: row.version,
    status: row.status,
    event: row.event,
    headline: content.headline,
    category: row.category,
    language: content.language,
    urgency: content.urgency ?? null,
    firstCreated: row.first_created,
    versionCreated: row.created_at
  }
}

/**
 * The WHERE clause of a story list (articles a, current version v) and its parameters, in order;
 * `next` gives each parameter's placeholder (? or $n). Each filter is one an index answers.
 */
/** How a backend finds the stories whose headline has every word of `terms` (as prefixes). */
export type HeadlineWords = (terms: string[], next: () => string) => { clause: string; values: unknown[] }

export function articleFilters (query: ArticleListQuery, next: () => string,
  headlineWords: HeadlineWords): { where: string; params: unknown[] } {
  const clauses: string[] = []
  const params: unknown[] = []
  const add = (clause: (p: () => string) => string, ...values: unknown[]): void => {
    clauses.push(clause(next))
    params.push(...values)
  }
  if (query.guid !== undefined) add((p) => `a.guid = ${p()}`, query.guid)
  if (query.status !== undefined) add((p) => `v.status = ${p()}`, query.status)
  if (query.event !== undefined) add((p) => `a.event = ${p()}`, query.event)
  if (query.category !== undefined) add((p) => `a.category = ${p()}`, query.category)
  if (query.since !== undefined) add((p) => `a.created_at >= ${p()}`, query.since)
  if (query.until !== undefined) add((p) => `a.created_at <= ${p()}`, query.until)
  if (query.terms !== undefined && query.terms.length > 0) {
    const { clause, values } = headlineWords(query.terms, next)
    add(() => clause, ...values)
  }
  if (query.afterSeq !== undefined) add((p) => `a.seq < ${p()}`, query.afterSeq)
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params }
}

/** Engine use (translation_usage) and memory reuse (translations) per language, as one list. */
export function mergeUsage (sent: Array<{ lang: string; chars_sent: number | string; requests: number | string }>,
  reused: Array<{ lang: string; chars_reused: number | string }>): LanguageUsage[] {
  const byLang = new Map<string, LanguageUsage>()
  const get = (lang: string): LanguageUsage => {
    const u = byLang.get(lang) ?? { lang, charsSent: 0, charsReused: 0, requests: 0 }
    byLang.set(lang, u)
    return u
  }
  for (const r of sent) Object.assign(get(r.lang), { charsSent: Number(r.chars_sent), requests: Number(r.requests) })
  for (const r of reused) get(r.lang).charsReused = Number(r.chars_reused)
  return [...byLang.values()].sort((a, b) => a.lang < b.lang ? -1 : a.lang > b.lang ? 1 : 0)
}
