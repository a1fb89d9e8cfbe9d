// GET /v1/articles: stories newest first (in the order they arrived), filtered, a page at a time.
// The cursor is the last item's arrival number, opaque to clients: a story that arrives while
// someone pages lands before the first page, never shifting or repeating what later pages hold.
import type { ArticleList, ArticleListQuery } from '../../schemas/articles.ts'
import type { WithDefaults } from '../../schemas/common.ts'
import { InvalidInputError } from '../errors.ts'
import type { Storage } from '../storage/types.ts'
import { queryTerms } from './search-text.ts'

// Opaque to clients: base64url of "n:<seq>". Only what this API handed out decodes.
export function encodeCursor (seq: number): string {
  return Buffer.from(`n:${seq}`).toString('base64url')
}

function decodeCursor (cursor: string): number {
  const match = /^n:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (match === null) throw new InvalidInputError('/querystring/cursor', 'is not a cursor this API returned (pass nextCursor of the previous page as it is)')
  return Number(match[1])
}

const iso = (value: string | undefined): string | undefined => value === undefined ? undefined : new Date(value).toISOString()

/** `limit` comes from the request, or from the schema's default, which ajv fills in. */
export async function findArticles (storage: Storage, query: WithDefaults<ArticleListQuery, 'limit'>): Promise<ArticleList> {
  const { limit } = query
  let terms: string[] | undefined
  if (query.q !== undefined) {
    terms = queryTerms(query.q)
    if (terms.length === 0) throw new InvalidInputError('/querystring/q', 'has no letters or digits to search for')
    if (terms.length > 10) throw new InvalidInputError('/querystring/q', 'has more than 10 words; search for fewer')
  }
  const items = await storage.listArticles({
    ...(query.guid === undefined ? {} : { guid: query.guid }),
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.event === undefined ? {} : { event: query.event }),
    ...(query.category === undefined ? {} : { category: query.category.trim() }),
    ...(query.since === undefined ? {} : { since: iso(query.since)! }),
    ...(query.until === undefined ? {} : { until: iso(query.until)! }),
    ...(terms === undefined ? {} : { terms }),
    ...(query.cursor === undefined ? {} : { afterSeq: decodeCursor(query.cursor) }),
    // One more than asked tells whether there is a next page.
    limit: limit + 1
  })
  const page = items.slice(0, limit)
  const last = page.at(-1)
  return {
    items: page.map(({ seq: _seq, ...item }) => item),
    nextCursor: items.length > limit && last !== undefined ? encodeCursor(last.seq) : null
  }
}
