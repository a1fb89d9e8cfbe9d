// The original and one translation side by side, segment by segment, as the article view shows
// them: the segments are cut exactly as the translation stage cut them (segments.ts), so each
// source segment meets the text the engine or the memory gave for it, with what the stage
// recorded at the time: whether the memory supplied it and which glossary terms applied.
import type { ArticleContent, SegmentDetail, StoredTranslation } from './types.ts'
import { segmentContent, translatedSegment } from '../translation/segments.ts'

export interface SegmentComparison {
  field: SegmentDetail['field']
  index: number
  source: string
  translation: string | null
  /** Null when the stage recorded nothing (a kill's carried translations, older rows). */
  fromMemory: boolean | null
  glossaryTerms: SegmentDetail['glossaryTerms']
}

export function compareSegments (content: ArticleContent, translation: StoredTranslation): SegmentComparison[] {
  const details = new Map((translation.segmentDetails ?? []).map((d) => [`${d.field}:${d.index}`, d]))
  return segmentContent(content).map((segment) => {
    const detail = details.get(`${segment.field}:${segment.index}`)
    return {
      field: segment.field,
      index: segment.index,
      source: segment.text,
      translation: translatedSegment(translation, segment.field, segment.index) ?? null,
      fromMemory: detail?.fromMemory ?? null,
      glossaryTerms: detail?.glossaryTerms ?? []
    }
  })
}
