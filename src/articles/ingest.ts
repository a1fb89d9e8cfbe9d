// Ingest: a validated article becomes version n of its story, or nothing when it is unchanged.
import { newId } from '../ids.ts'
import { ConflictError, InvalidInputError } from '../errors.ts'
import type { WorkSignal } from '../pipeline/runner.ts'
import type { IngestOutcome, Storage } from '../storage/types.ts'
import { inlineMarkupProblem } from '../translation/inline-markup.ts'
import { assertTranslatableSource } from '../translation/source-guard.ts'
import type { ArticleInput } from '../../schemas/articles.ts'
import { contentHash, normalizeArticle } from './normalize.ts'

export async function ingestArticle (
  storage: Storage,
  pipeline: WorkSignal,
  fields: ArticleInput,
  now: Date
): Promise<Exclude<IngestOutcome, { kind: 'killed' }> & { guid: string }> {
  const content = normalizeArticle(fields)
  // Schema validation sees strings; only after decoding and trimming do we know they hold text.
  if (content.headline === '') throw new InvalidInputError('/body/headline', 'is empty once whitespace is removed')
  if (content.paragraphs.length === 0) throw new InvalidInputError('/body/body', 'has no paragraph with text')
  content.paragraphs.forEach((paragraph, i) => {
    const problem = inlineMarkupProblem(paragraph)
    if (problem !== null) throw new InvalidInputError('/body/body', `paragraph ${i + 1} ${problem}`)
  })
  // 422 unless the text is mainly Arabic script or `language` names another language Google supports.
  assertTranslatableSource(content)
  const guid = fields.guid ?? `urn:uuid:${newId()}`
  const outcome = await storage.ingestVersion({ guid, contentHash: contentHash(content), content, correction: fields.correction, now: now.toISOString() })
  if (outcome.kind === 'killed') throw storyKilled(guid, outcome)
  // A new version is translation work; waking the delivery loop too cost an empty claim per post.
  if (outcome.kind === 'created') pipeline.wakeVersions()
  return { ...outcome, guid }
}

/**
 * A kill is final, as on every wire: partners were told to withdraw the story, and a CMS re-save
 * must not bring it back. The problem names the kill; the story goes out again under a new guid.
 */
function storyKilled (guid: string, kill: { articleId: string; version: number; killedAt: string }): ConflictError {
  return new ConflictError('story-killed',
    `The story ${guid} was killed at ${kill.killedAt} (version ${kill.version}); a kill is final. Publish it again under a new guid.`,
    { articleId: kill.articleId, killedAt: kill.killedAt, killVersion: kill.version, reason: null })
}
