// Translates one stored version into one language, segment by segment: look every segment up in
// the translation memory, send only the misses (each distinct one once) in as few requests as
// Google's limits allow, store what comes back at once (so a failure later in the version never
// pays for it twice), then assemble the translation from memory hits and fresh output.
import type { SegmentDetail, StoredTranslation, StoredVersion } from '../articles/types.ts'
import type { Storage, TranslatedSegment } from '../storage/types.ts'
import { type CpuWork, inThreadWork } from '../pipeline/cpu-jobs.ts'
import { codepointLength, type EngineLimits, GOOGLE_LIMITS, packRequests, renderAtoms, type Seam } from './batching.ts'
import type { PreparedGlossary } from './glossary.ts'
import { engineLanguageCode } from './languages.ts'
import { keyString, type PreparedSegment } from './prepare-segment.ts'
import { assembleContent } from './segments.ts'
import type { TranslationProvider } from './types.ts'

export interface TranslateDeps {
  provider: TranslationProvider
  storage: Storage
  glossary: PreparedGlossary
  now: () => Date
  limits?: EngineLimits
  /** Where segmenting, cutting and joining run: the pipeline's worker pool; this thread when absent. */
  work?: CpuWork
}

interface Miss {
  key: string
  segment: PreparedSegment
  pieces: string[]
  seams: Seam[]
  outputs: string[]
  remaining: number
}

export async function translateVersion (deps: TranslateDeps, version: StoredVersion, targetLanguage: string): Promise<StoredTranslation> {
  const { content } = version
  const sourceLanguage = engineLanguageCode(content.language) ?? content.language
  const engineTarget = engineLanguageCode(targetLanguage) ?? targetLanguage
  const ctx = {
    sourceLanguage,
    targetLanguage: engineTarget,
    engine: deps.provider.scope,
    glossary: deps.glossary,
    plainTextOnly: deps.provider.plainTextOnly === true,
  }
  const { segments, prepared } = await (deps.work ?? inThreadWork).prepare(content, ctx)

  // Each distinct segment once: a paragraph repeated in the story is looked up and sent once.
  const distinct = new Map<string, PreparedSegment>()
  for (const p of prepared) if (!distinct.has(keyString(p.key))) distinct.set(keyString(p.key), p)
  const entries = [...distinct]
  const stored = await deps.storage.findSegments(entries.map(([, p]) => p.key))
  const translated = new Map<string, string>()
  const misses: Array<[string, PreparedSegment]> = []
  const hits = new Set<string>()
  entries.forEach(([key, p], i) => {
    const hit = stored[i]
    if (hit === null || hit === undefined) misses.push([key, p])
    else {
      translated.set(key, hit)
      hits.add(key)
    }
  })

  let model = deps.provider.model ?? deps.provider.engine
  if (misses.length > 0) {
    model = await translateMisses(deps, version.id, targetLanguage, { sourceLanguage, engineTarget }, misses, translated) ?? model
  }

  const usage = await deps.storage.getTranslationUsage(version.id, targetLanguage)
  const text = assembleContent(content, segments, prepared.map((p) => translated.get(keyString(p.key))!))
  // What this run knew of each segment: the article view shows it beside source and translation.
  const segmentDetails: SegmentDetail[] = segments.map((segment, i) => ({
    field: segment.field,
    index: segment.index,
    fromMemory: hits.has(keyString(prepared[i]!.key)),
    glossaryTerms: prepared[i]!.terms,
  }))
  // Characters the memory saved: what the hits would have cost, each distinct segment once.
  const charsReused = entries.reduce((n, [key, p]) => hits.has(key) ? n + codepointLength(renderAtoms(p.atoms, p.needsHtml)) : n, 0)
  return {
    versionId: version.id,
    lang: targetLanguage,
    ...text,
    engine: deps.provider.engine,
    model,
    charsSent: usage.charsSent,
    requests: usage.requests,
    createdAt: deps.now().toISOString(),
    segments: segments.length,
    segmentsReused: Math.max(0, segments.length - usage.segmentsTranslated),
    charsReused,
    segmentDetails,
  }
}

/**
 * Sends the misses and stores each segment as soon as its last piece is back; returns the model.
 * Segments whose glossary placeholders the engine lost go once more with the target terms inline.
 */
async function translateMisses (
  deps: TranslateDeps,
  versionId: string,
  lang: string,
  languages: { sourceLanguage: string; engineTarget: string },
  missed: Array<[string, PreparedSegment]>,
  translated: Map<string, string>
): Promise<string | undefined> {
  // One mime type per request: markup anywhere makes the whole batch html (plain segments are
  // escaped for it), so an article still goes out as one request per language.
  const html = missed.some(([, p]) => p.needsHtml)
  const first = await sendRound(deps, versionId, lang, languages, missed, translated, html, false)
  if (first.lost.length === 0) return first.model
  const second = await sendRound(deps, versionId, lang, languages, first.lost, translated, html, true)
  return second.model ?? first.model
}

async function sendRound (
  deps: TranslateDeps,
  versionId: string,
  lang: string,
  languages: { sourceLanguage: string; engineTarget: string },
  missed: Array<[string, PreparedSegment]>,
  translated: Map<string, string>,
  html: boolean,
  withTargets: boolean
): Promise<{ model: string | undefined; lost: Array<[string, PreparedSegment]> }> {
  const limits = deps.limits ?? GOOGLE_LIMITS
  const work = deps.work ?? inThreadWork
  const cuts = await work.cut(missed.map(([, segment]) => (withTargets ? segment.atomsWithTargets : segment.atoms)), html, limits.maxCodepoints)
  const misses: Miss[] = missed.map(([key, segment], i) => {
    const { pieces, seams } = cuts[i]!
    return { key, segment, pieces, seams, outputs: [], remaining: pieces.length }
  })
  const items = misses.flatMap((miss, owner) => miss.pieces.map((text, part) => ({ text, owner, part })))
  const lost: Array<[string, PreparedSegment]> = []
  let model: string | undefined
  for (const batch of packRequests(items, limits)) {
    const result = await deps.provider.translate({
      contents: batch.map((item) => item.text),
      sourceLanguage: languages.sourceLanguage,
      targetLanguage: languages.engineTarget,
      mimeType: html ? 'text/html' : 'text/plain',
    })
    if (result.translations.length !== batch.length) {
      throw new Error(`engine returned ${result.translations.length} translations for ${batch.length} segments`)
    }
    model = result.model
    const done: Miss[] = []
    batch.forEach((item, j) => {
      const miss = misses[item.owner]!
      miss.outputs[item.part] = result.translations[j]!
      if (--miss.remaining === 0) done.push(miss)
    })
    const texts = await work.finish(done.map((miss) => ({
      outputs: miss.outputs, seams: miss.seams, segment: { placeholders: miss.segment.placeholders, keepMarkup: miss.segment.keepMarkup },
    })), html, withTargets)
    const completed: TranslatedSegment[] = []
    done.forEach((miss, i) => {
      const text = texts[i]
      if (text === undefined) {
        lost.push([miss.key, miss.segment])
        return
      }
      translated.set(miss.key, text)
      completed.push({ ...miss.segment.key, translation: text })
    })
    await deps.storage.recordTranslationBatch({
      versionId, lang, charsSent: result.charsSent, requests: result.requests, segments: completed,
    }, deps.now().toISOString())
  }
  return { model, lost }
}

/**
 * The languages a version must be translated into: the union of what subscribers want (English
 * when nobody asked), each once whatever its letter case, never the source language itself.
 */
export function targetLanguages (source: string, subscriberLanguages: string[][]): string[] {
  const wanted = new Map<string, string>()
  for (const lang of subscriberLanguages.flat()) if (!wanted.has(lang.toLowerCase())) wanted.set(lang.toLowerCase(), lang)
  if (wanted.size === 0) wanted.set('en', 'en')
  wanted.delete(source.toLowerCase())
  return [...wanted.values()].sort()
}
