// Ingest: a validated article becomes version n of its story, or nothing when it is unchanged.
import { randomUUID } from 'node:crypto'
import { badRequest } from '../http/errors.ts'
import type { IngestOutcome, Storage } from '../storage/types.ts'
import { assertTranslatableSource } from '../translation/source-guard.ts'
import { type ArticleFields, contentHash, normalizeArticle } from './normalize.ts'

export async function ingestArticle (
  storage: Storage,
  fields: ArticleFields & { guid?: string | undefined; correction?: boolean | undefined },
  now: Date
): Promise<IngestOutcome & { guid: string }> {
  const content = normalizeArticle(fields)
  // Schema validation sees strings; only after decoding and trimming do we know they hold text.
  if (content.headline === '') throw badRequest('/body/headline', 'is empty once whitespace is removed')
  if (content.paragraphs.length === 0) throw badRequest('/body/body', 'has no paragraph with text')
  // 422 unless the text is mainly Arabic script or `language` names another language Google supports.
  assertTranslatableSource(content)
  const guid = fields.guid ?? `urn:uuid:${randomUUID()}`
  const outcome = await storage.ingestVersion({ guid, contentHash: contentHash(content), content, correction: fields.correction, now: now.toISOString() })
  return { ...outcome, guid }
}
