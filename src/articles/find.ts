// GET /v1/articles: stories newest first (by when they were first received), filtered, a page at
// a time. The cursor is the last item's order key (first-received time and id), opaque to
// clients: a story received while someone pages lands before the first page, never shifting or
// repeating what later pages hold.
import type { ArticleList, ArticleListQuery } from '../../schemas/articles.ts'
import { badRequest } from '../http/errors.ts'
import type { Storage } from '../storage/types.ts'
import { queryTerms } from './search-text.ts'

interface CursorKey {
  createdAt: string
  id: string
}

export function encodeCursor (key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.createdAt, key.id])).toString('base64url')
}

function decodeCursor (cursor: string): CursorKey {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' &&
      !Number.isNaN(Date.parse(value[0]))) {
      return { createdAt: value[0], id: value[1] }
    }
  } catch {}
  throw badRequest('/querystring/cursor', 'is not a cursor this API returned (pass nextCursor of the previous page as it is)')
}

const iso = (value: string | undefined): string | undefined => value === undefined ? undefined : new Date(value).toISOString()

export async function findArticles (storage: Storage, query: ArticleListQuery): Promise<ArticleList> {
  let terms: string[] | undefined
  if (query.q !== undefined) {
    terms = queryTerms(query.q)
    if (terms.length === 0) throw badRequest('/querystring/q', 'has no letters or digits to search for')
    if (terms.length > 10) throw badRequest('/querystring/q', 'has more than 10 words; search for fewer')
  }
  const items = await storage.listArticles({
    ...(query.guid === undefined ? {} : { guid: query.guid }),
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.event === undefined ? {} : { event: query.event }),
    ...(query.category === undefined ? {} : { category: query.category.trim() }),
    ...(query.since === undefined ? {} : { since: iso(query.since)! }),
    ...(query.until === undefined ? {} : { until: iso(query.until)! }),
    ...(terms === undefined ? {} : { terms }),
    ...(query.cursor === undefined ? {} : { after: decodeCursor(query.cursor) }),
    // One more than asked tells whether there is a next page.
    limit: query.limit + 1
  })
  const page = items.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page,
    nextCursor: items.length > query.limit && last !== undefined ? encodeCursor({ createdAt: last.firstCreated, id: last.id }) : null
  }
}
