// Retry: the latest version of a story that failed for good goes back to `received`, and the
// translation stage takes it up again. Beside kill.ts: both are editors' actions on a stored story.
import { ConflictError, NotFoundError } from '../errors.ts'
import type { WorkSignal } from '../pipeline/runner.ts'
import type { Storage } from '../storage/types.ts'

// Only the latest version: retrying an older one could deliver it after a newer version
// partners already have. Memory hits make the second run cheap.
export interface RetriedArticle {
  id: string
  guid: string
  version: number
  status: 'received'
}

export async function retryArticle (storage: Storage, pipeline: WorkSignal, articleId: string, now: Date): Promise<RetriedArticle> {
  const outcome = await storage.retryFailedVersion(articleId, now.toISOString())
  if (outcome.kind === 'not-found') throw new NotFoundError('Article', `No article has the id ${articleId}.`)
  if (outcome.kind === 'not-failed') {
    throw new ConflictError('not-failed',
      `Version ${outcome.version} of article ${articleId} is ${outcome.status}; only a failed version can be retried.`,
      { versionStatus: outcome.status, version: outcome.version })
  }
  pipeline.wake()
  const version = await storage.getVersion(articleId, outcome.version)
  return { id: articleId, guid: version?.guid ?? '', version: outcome.version, status: 'received' }
}
