// Kill: withdraw a story. A new version with pubStatus canceled goes, ahead of queued work, to
// everyone who ever had the story; versions still in the pipeline are superseded.
import type { IngestReply } from '../../schemas/articles.ts'
import { notFound } from '../http/errors.ts'
import type { Storage } from '../storage/types.ts'

export async function killArticle (storage: Storage, articleId: string, now: Date): Promise<IngestReply> {
  const killed = await storage.createKillVersion(articleId, now.toISOString())
  if (killed === null) throw notFound('Article', `No article has the id ${articleId}.`)
  const version = await storage.getVersion(articleId, killed.version)
  return { id: articleId, guid: version!.guid, version: killed.version, status: version!.status }
}
