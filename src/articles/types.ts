// Domain types of a story as Nashra stores it. Request/response shapes live in schemas/, and so
// do the lists of values both sides share (version statuses and events, segment fields); these
// are what the domain works with after validation and normalisation.
import type { SegmentField, VersionEvent, VersionStatus } from '../../schemas/articles.ts'

export type PubStatus = 'usable' | 'withheld' | 'canceled'

/** The editorial content of one version, normalised (body split into paragraphs). */
export interface ArticleContent {
  headline: string
  /** Paragraphs in order, already trimmed, none empty. */
  paragraphs: string[]
  byline?: string
  dateline?: string
  category?: string
  /** 1 (most urgent) … 9. */
  urgency?: number
  /** BCP 47 language of the original, "ar" by default. */
  language: string
  /** Short single-line label editors use for the story across versions. */
  slugline?: string
  /** Not for publication before this time (ISO 8601 UTC). */
  embargoedUntil?: string
  /** Pictures that go with the story, in order; their captions are translated too. */
  images?: ArticleImage[]
  /**
   * The editor's note to partners' desks on this version (why it was updated or corrected, why a
   * story was killed), in the story's language; translated like any other segment.
   */
  note?: string
}

export interface ArticleImage {
  /** Absolute http(s) URL of the picture. */
  href: string
  caption?: string
}

/** One immutable version of an article, as stored. */
export interface StoredVersion {
  id: string
  articleId: string
  /** The publisher's stable id for the story (or one Nashra generated). */
  guid: string
  version: number
  contentHash: string
  content: ArticleContent
  event: VersionEvent
  pubStatus: PubStatus
  status: VersionStatus
  statusReason: string | null
  /** When the story (version 1) was first received, ISO 8601 UTC. */
  firstCreated: string
  /** When this version was received, ISO 8601 UTC. */
  versionCreated: string
}

/** A machine translation of one version into one language. */
export interface StoredTranslation {
  versionId: string
  lang: string
  headline: string
  paragraphs: string[]
  byline?: string
  dateline?: string
  /** Engine that produced it, e.g. "google-v3" or "emulator". */
  engine: string
  /** Model as reported by the engine, e.g. "projects/p/locations/global/models/general/nmt". */
  model: string
  charsSent: number
  requests: number
  createdAt: string
  /** Translated image captions, aligned with content.images (null where an image has none). */
  captions?: Array<string | null>
  /** Segments the version has in this language (headline, paragraphs, byline, dateline, captions). */
  segments?: number
  /** Of those, how many came from the translation memory instead of the engine. */
  segmentsReused?: number
  /** The editor's note, translated (see ArticleContent.note). */
  note?: string
  /** Characters of source text taken from the translation memory instead of being sent. */
  charsReused?: number
  /** What the translation stage knew of each segment, in segmentContent order. */
  segmentDetails?: SegmentDetail[]
}

/** One segment of a translation: where it sits, whether memory supplied it, which glossary terms applied. */
export interface SegmentDetail {
  field: SegmentField
  /** Position among segments of the same field. */
  index: number
  /** The memory held it before this version's engine calls. */
  fromMemory: boolean
  /** Glossary terms found in the source segment and what the translation had to say instead. */
  glossaryTerms: Array<{ term: string; rendering: string }>
}
