// Kill: withdraw a story. A new version with pubStatus canceled goes, ahead of queued work, to
// everyone who ever had the story; versions still in the pipeline are superseded. The editor's
// reason becomes the version's note, translated (from memory but for the reason itself) first.
import type { IngestReply } from '../../schemas/articles.ts'
import { InvalidInputError, NotFoundError } from '../errors.ts'
import type { WorkSignal } from '../pipeline/runner.ts'
import type { Storage } from '../storage/types.ts'
import { decodeEntities } from './normalize.ts'

export async function killArticle (storage: Storage, pipeline: WorkSignal, articleId: string, now: Date, reason?: string): Promise<IngestReply> {
  const cleaned = reason === undefined ? undefined : decodeEntities(reason).trim()
  if (cleaned === '') throw new InvalidInputError('/body/reason', 'is empty once whitespace is removed')
  const killed = await storage.createKillVersion(articleId, now.toISOString(), cleaned)
  if (killed === null) throw new NotFoundError('Article', `No article has the id ${articleId}.`)
  pipeline.wake()
  const version = await storage.getVersion(articleId, killed.version)
  return { id: articleId, guid: version!.guid, version: killed.version, status: version!.status }
}
