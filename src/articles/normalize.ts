// Turns a validated request into the content Nashra stores, and the hash that decides whether a
// re-post is a no-op or a new version. Entity text a CMS leaves in its output ("&quot;", "&#39;")
// is decoded here, once, so formats neither show it literally nor escape it twice.
import { createHash } from 'node:crypto'
import { decodeHTMLStrict } from 'entities'
import type { ArticleFields } from '../../schemas/articles.ts'
import { SOURCE_LANGUAGE_DEFAULT } from '../../schemas/values.ts'
import type { ArticleContent } from './types.ts'

/**
 * Decodes HTML character references once, with the HTML standard's full table (`&eacute;`,
 * `&shy;`, `&#x627;` …) through the `entities` package. Strict: a reference needs its `;`, so
 * text such as "AT&T" or "&copy 2026" is left as written; names are case-sensitive, as in HTML;
 * a code point HTML forbids (`&#0;`, beyond U+10FFFF) becomes U+FFFD, as a browser shows it.
 */
export function decodeEntities (text: string): string {
  return decodeHTMLStrict(text)
}

function clean (text: string): string {
  return decodeEntities(text).trim()
}

/** Requests come with `language` filled in by the schema's default; other callers may leave it out. */
export function normalizeArticle (fields: ArticleFields): ArticleContent {
  const paragraphs = fields.body.split(/\r\n|\r|\n|\u2029/).map(clean).filter((p) => p.length > 0)
  const content: ArticleContent = { headline: clean(fields.headline), paragraphs, language: fields.language ?? SOURCE_LANGUAGE_DEFAULT }
  if (fields.byline !== undefined) content.byline = clean(fields.byline)
  if (fields.dateline !== undefined) content.dateline = clean(fields.dateline)
  if (fields.category !== undefined) content.category = fields.category.trim()
  if (fields.urgency !== undefined) content.urgency = fields.urgency
  if (fields.slugline !== undefined) content.slugline = clean(fields.slugline)
  if (fields.embargoedUntil !== undefined) content.embargoedUntil = new Date(fields.embargoedUntil).toISOString()
  if (fields.note !== undefined && clean(fields.note) !== '') content.note = clean(fields.note)
  if (fields.images !== undefined && fields.images.length > 0) {
    content.images = fields.images.map(({ href, caption }) => {
      const text = caption === undefined ? '' : clean(caption)
      return text === '' ? { href: href.trim() } : { href: href.trim(), caption: text }
    })
  }
  return content
}

/** A stable hash of the content: same fields, same hash, whatever the key order. */
export function contentHash (content: ArticleContent): string {
  const canonical = JSON.stringify([
    content.language, content.headline, content.paragraphs, content.byline ?? null,
    content.dateline ?? null, content.category ?? null, content.urgency ?? null,
    content.slugline ?? null, content.embargoedUntil ?? null,
    // Only when present, so stories without images keep the hash they always had.
    ...(content.images === undefined ? [] : [content.images.map((i) => [i.href, i.caption ?? null])]),
    // A new note alone is a new version (partners get it); stories without one keep their hash.
    ...(content.note === undefined ? [] : [{ note: content.note }])
  ])
  return createHash('sha256').update(canonical).digest('hex')
}
