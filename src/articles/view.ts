// What GET /v1/articles/:id shows: the latest version's state, its translations and, per
// subscriber and language, how its delivery went.
import type { ArticleView } from '../../schemas/articles.ts'
import { notFound } from '../http/errors.ts'
import type { Storage } from '../storage/types.ts'

export async function articleView (storage: Storage, articleId: string): Promise<ArticleView> {
  const version = await storage.getVersion(articleId)
  if (version === null) throw notFound('Article', `No article has the id ${articleId}.`)
  const translations: ArticleView['translations'] = {}
  for (const t of await storage.listTranslations(version.id)) {
    translations[t.lang] = {
      headline: t.headline,
      body: t.paragraphs,
      engine: t.engine,
      model: t.model,
      charsSent: t.charsSent,
      requests: t.requests,
      ...(t.byline === undefined ? {} : { byline: t.byline }),
      ...(t.dateline === undefined ? {} : { dateline: t.dateline }),
      ...(t.captions === undefined ? {} : { captions: t.captions }),
      ...(t.segments === undefined ? {} : { segments: t.segments, segmentsReused: t.segmentsReused ?? 0 })
    }
  }
  const deliveries = (await storage.listDeliveriesForArticle(articleId, version.version))
    .map(({ deliveryId: _id, ...rest }) => rest)
  return {
    id: version.articleId,
    guid: version.guid,
    version: version.version,
    status: version.status,
    statusReason: version.statusReason,
    pubStatus: version.pubStatus,
    event: version.event,
    language: version.content.language,
    headline: version.content.headline,
    firstCreated: version.firstCreated,
    versionCreated: version.versionCreated,
    translations,
    deliveries
  }
}
