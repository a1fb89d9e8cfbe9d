// Renders any stored version of an article in any format, format version and language on demand.
// Unknown formats, format versions or languages are answered with what does exist, so a partner
// can correct the request.
import { NotFoundError } from '../errors.ts'
import type { Storage } from '../storage/types.ts'
import { formatNames, formatVersions, getFormat, type RenderedDocument } from './registry.ts'

export interface RenditionRequest {
  articleId: string
  format: string
  formatVersion?: string | undefined
  lang?: string | undefined
  version?: number | undefined
  providerName: string
}

export async function renderRendition (storage: Storage, req: RenditionRequest): Promise<RenderedDocument> {
  const formatter = getFormat(req.format, req.formatVersion)
  if (formatter === undefined) {
    const versions = formatVersions(req.format)
    if (versions.length === 0) {
      throw new NotFoundError('Format', `There is no format "${req.format}". Formats: ${formatNames().join(', ')}.`, { formats: formatNames() })
    }
    throw new NotFoundError('Format version', `${req.format} has no version "${req.formatVersion}". Versions: ${versions.join(', ')}.`,
      { formatVersions: versions })
  }
  const version = await storage.getVersion(req.articleId, req.version)
  if (version === null) {
    const latest = req.version === undefined ? null : await storage.getVersion(req.articleId)
    if (latest === null) throw new NotFoundError('Article', `No article has the id ${req.articleId}.`)
    throw new NotFoundError('Version', `Article ${req.articleId} has versions 1 to ${latest.version}.`, { versions: latest.version })
  }
  const source = version.content.language
  const translations = await storage.listTranslations(version.id)
  const languages = [source, ...translations.map((t) => t.lang)]
  const lang = req.lang ?? source
  const translation = lang === source ? null : translations.find((t) => t.lang === lang)
  if (translation === undefined) {
    throw new NotFoundError('Language', `Version ${version.version} exists in ${languages.join(', ')}, not "${lang}".`, { languages })
  }
  return formatter({ version, translation, translations, provider: { name: req.providerName } })
}
