// An article version as translation segments, and back. Segments are the unit of the translation
// memory: a paragraph changed in an update is one new segment, the rest are hits. Only paragraphs
// may carry inline markup (see inline-markup.ts); headline, byline, dateline and captions are
// plain text wherever they are rendered, so they are always translated as plain text.
import type { SegmentField } from '../../schemas/articles.ts'
import type { ArticleContent, StoredTranslation } from '../articles/types.ts'
import { hasInlineMarkup } from './inline-markup.ts'

export interface Segment {
  field: SegmentField
  /** Position among segments of the same field (paragraph 0, 1…; caption of image i). */
  index: number
  text: string
  /** Carries inline markup, so it must go to the engine as text/html to survive. */
  markup: boolean
}

export type TranslatedText = Pick<StoredTranslation, 'headline' | 'paragraphs' | 'byline' | 'dateline' | 'captions' | 'note'>

/** Headline, paragraphs, byline, dateline, image captions, then the editor's note: the order requests carry them in. */
export function segmentContent (content: ArticleContent): Segment[] {
  const segments: Segment[] = [{ field: 'headline', index: 0, text: content.headline, markup: false }]
  content.paragraphs.forEach((text, index) => {
    segments.push({ field: 'paragraph', index, text, markup: hasInlineMarkup(text) })
  })
  if (content.byline !== undefined && content.byline !== '') {
    segments.push({ field: 'byline', index: 0, text: content.byline, markup: false })
  }
  if (content.dateline !== undefined && content.dateline !== '') {
    segments.push({ field: 'dateline', index: 0, text: content.dateline, markup: false })
  }
  content.images?.forEach((image, index) => {
    if (image.caption !== undefined && image.caption !== '') {
      segments.push({ field: 'caption', index, text: image.caption, markup: false })
    }
  })
  if (content.note !== undefined && content.note !== '') {
    segments.push({ field: 'note', index: 0, text: content.note, markup: false })
  }
  return segments
}

/** The text of a translated segment, found by field and index (undefined when the translation lacks it). */
export function translatedSegment (translation: TranslatedText, field: SegmentField, index: number): string | undefined {
  switch (field) {
    case 'headline': return translation.headline
    case 'paragraph': return translation.paragraphs[index]
    case 'byline': return translation.byline
    case 'dateline': return translation.dateline
    case 'caption': return translation.captions?.[index] ?? undefined
    case 'note': return translation.note
  }
}

/** Puts translated segments (same order as segmentContent's) back into the content's shape. */
export function assembleContent (content: ArticleContent, segments: Segment[], translated: string[]): TranslatedText {
  if (translated.length !== segments.length) {
    throw new Error(`assembling ${segments.length} segments from ${translated.length} translations`)
  }
  const out: TranslatedText = { headline: '', paragraphs: new Array<string>(content.paragraphs.length).fill('') }
  const captions: Array<string | null> | undefined = content.images?.map(() => null)
  segments.forEach((segment, i) => {
    const text = translated[i]!
    if (segment.field === 'headline') out.headline = text
    else if (segment.field === 'paragraph') out.paragraphs[segment.index] = text
    else if (segment.field === 'byline') out.byline = text
    else if (segment.field === 'dateline') out.dateline = text
    else if (segment.field === 'note') out.note = text
    else if (captions !== undefined) captions[segment.index] = text
  })
  if (captions !== undefined) out.captions = captions
  return out
}
