// Translates one stored version into one language: headline, paragraphs, byline and dateline go
// to the engine in a single request, in a fixed order, and come back split the same way.
import type { StoredTranslation, StoredVersion } from '../articles/types.ts'
import type { TranslationProvider } from './types.ts'

export async function translateVersion (
  provider: TranslationProvider,
  version: StoredVersion,
  targetLanguage: string,
  now: Date
): Promise<StoredTranslation> {
  const { headline, paragraphs, byline, dateline, language } = version.content
  const contents = [headline, ...paragraphs]
  if (byline !== undefined) contents.push(byline)
  if (dateline !== undefined) contents.push(dateline)

  const result = await provider.translate({ contents, sourceLanguage: language, targetLanguage, mimeType: 'text/plain' })
  if (result.translations.length !== contents.length) {
    throw new Error(`engine returned ${result.translations.length} translations for ${contents.length} segments`)
  }
  const out = [...result.translations]
  const translated: StoredTranslation = {
    versionId: version.id,
    lang: targetLanguage,
    headline: out.shift()!,
    paragraphs: out.splice(0, paragraphs.length),
    engine: provider.engine,
    model: result.model,
    charsSent: result.charsSent,
    requests: result.requests,
    createdAt: now.toISOString()
  }
  if (byline !== undefined) translated.byline = out.shift()!
  if (dateline !== undefined) translated.dateline = out.shift()!
  return translated
}

/** The languages a version must be translated into: what subscribers want, English when nobody asked. */
export function targetLanguages (source: string, subscriberLanguages: string[][]): string[] {
  const wanted = new Set(subscriberLanguages.flat())
  if (wanted.size === 0) wanted.add('en')
  wanted.delete(source)
  return [...wanted].sort()
}
