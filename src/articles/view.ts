// What GET /v1/articles/:id shows: one version (the latest, or ?version=n) with its original
// content and each translation side by side, segment by segment; how its delivery went per
// subscriber and language; the story's version history; and what its translation cost.
import type { ArticleView } from '../../schemas/articles.ts'
import { NotFoundError } from '../errors.ts'
import type { Storage, VersionSummary } from '../storage/types.ts'
import { estimateCost, summarize } from '../translation/cost.ts'
import { compareSegments } from './compare.ts'
import type { ArticleContent } from './types.ts'

export interface ViewOptions {
  version?: number | undefined
  pricePerMillionChars: number
}

export async function articleView (storage: Storage, articleId: string, options: ViewOptions): Promise<ArticleView> {
  const version = await storage.getVersion(articleId, options.version)
  if (version === null) {
    const versions = options.version === undefined ? [] : await storage.listVersions(articleId)
    if (versions.length === 0) throw new NotFoundError('Article', `No article has the id ${articleId}.`)
    throw missingVersion(articleId, options.version!, versions)
  }
  const price = options.pricePerMillionChars
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
      ...(t.segments === undefined ? {} : { segments: t.segments, segmentsReused: t.segmentsReused ?? 0 }),
      ...(t.note === undefined ? {} : { note: t.note }),
      ...(t.charsReused === undefined ? {} : { charsReused: t.charsReused }),
      estimatedCost: estimateCost(t.charsSent, price),
      comparison: compareSegments(version.content, t)
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
    original: originalView(version.content),
    translations,
    deliveries,
    versions: await storage.listVersions(articleId),
    cost: { currency: 'USD', pricePerMillionChars: price, ...summarize(await storage.getArticleUsage(articleId), price) }
  }
}

/** GET /v1/articles/:id/versions. */
export async function versionHistory (storage: Storage, articleId: string) {
  const latest = await storage.getVersion(articleId)
  if (latest === null) throw new NotFoundError('Article', `No article has the id ${articleId}.`)
  return { id: articleId, guid: latest.guid, versions: await storage.listVersions(articleId) }
}

function missingVersion (articleId: string, asked: number, versions: VersionSummary[]) {
  const numbers = versions.map((v) => v.version)
  return new NotFoundError('Article version', `Article ${articleId} has no version ${asked}; its versions are ${numbers.join(', ')}.`,
    { versions: numbers })
}

function originalView (content: ArticleContent): ArticleView['original'] {
  const { headline, paragraphs, language: _language, ...rest } = content
  return { headline, body: paragraphs, ...rest }
}
