// Requests and responses of /v1/articles.
import { type Static, Type } from 'typebox'
import { DateTime, IdParams, LanguageTag, LiteralUnion, ONE_LINE, SOURCE_LANGUAGE_DEFAULT } from './common.ts'
import { DeliveryStatus } from './subscribers.ts'
import { Problem } from './problem.ts'

export const ArticleInput = Type.Object({
  guid: Type.Optional(Type.String({ minLength: 1, maxLength: 512, pattern: '^\\S+$', expected: 'an id without spaces, tabs or newlines', description: "The publisher's stable id of the story; generated when absent." })),
  headline: Type.String({ minLength: 1, maxLength: 1000 }),
  body: Type.String({ minLength: 1, maxLength: 1_000_000, description: 'Paragraphs separated by newlines.' }),
  byline: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  dateline: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  urgency: Type.Optional(Type.Integer({ minimum: 1, maximum: 9 })),
  language: Type.Optional(LanguageTag({ default: SOURCE_LANGUAGE_DEFAULT, description: 'BCP 47 language of the original.' })),
  slugline: Type.Optional(Type.String({ minLength: 1, maxLength: 200, ...ONE_LINE, description: 'One line, no tabs.' })),
  embargoedUntil: Type.Optional(DateTime('Not for publication before this time; stored in UTC.')),
  correction: Type.Optional(Type.Boolean({ description: 'This version corrects an error in the previous one.' })),
  note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: "The editor's note to partners' desks on this version (what was updated or corrected), in the story's language; translated with it." })),
  images: Type.Optional(Type.Array(Type.Object({
    href: Type.String({ minLength: 1, maxLength: 2048, format: 'uri', pattern: '^https?://', expected: 'an http:// or https:// URL', description: 'Absolute http(s) URL of the picture.' }),
    caption: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Translated with the story.' }))
  }, { additionalProperties: false }), { maxItems: 100 }))
}, { additionalProperties: false })
export type ArticleInput = Static<typeof ArticleInput>
/** The editorial fields of a post: what becomes a version's content (src/articles/normalize.ts). */
export type ArticleFields = Omit<ArticleInput, 'guid' | 'correction'>

/** Where a version is in the pipeline; `superseded`: a kill overtook it before it went out. */
export const VERSION_STATUSES = ['received', 'translating', 'translated', 'distributed', 'failed', 'superseded'] as const
export type VersionStatus = (typeof VERSION_STATUSES)[number]
export const VersionStatus = LiteralUnion(VERSION_STATUSES)

/** 409 to a post under the guid of a killed story: the problem names the kill. A kill is final. */
export const StoryKilledProblem = Type.Intersect([Problem, Type.Object({
  articleId: Type.String(),
  killedAt: Type.String({ format: 'date-time' }),
  killVersion: Type.Integer(),
  /** The editor's reason for the kill, when one was given. */
  reason: Type.Union([Type.String(), Type.Null()])
})])

export const IngestReply = Type.Object({
  id: Type.String(),
  guid: Type.String(),
  version: Type.Integer(),
  status: VersionStatus
})
export type IngestReply = Static<typeof IngestReply>

export const KillInput = Type.Object({
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: "Why the story is withdrawn, in the story's language; translated and carried to partners." }))
}, { additionalProperties: false })
export type KillInput = Static<typeof KillInput>

/**
 * Why a version exists, as partners are told (NewsML-G2 signals, the x-nashra-event header):
 * the first version, a routine update, a correction of an error, or a kill (withdrawal).
 */
export const VERSION_EVENTS = ['new', 'update', 'correction', 'kill'] as const
export type VersionEvent = (typeof VERSION_EVENTS)[number]
export const VersionEvent = LiteralUnion(VERSION_EVENTS)

export const ArticleViewQuery = Type.Object({
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'Show this version instead of the latest.' }))
}, { additionalProperties: false })

export const DeliveryView = Type.Object({
  subscriberId: Type.String(),
  subscriberName: Type.String(),
  lang: Type.String(),
  format: Type.String(),
  status: DeliveryStatus,
  attempts: Type.Integer(),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  deliveredAt: Type.Union([Type.String(), Type.Null()])
})

/** The parts of a story translated one by one, in the order a version's segments go. */
export const SEGMENT_FIELDS = ['headline', 'paragraph', 'byline', 'dateline', 'caption', 'note'] as const
export type SegmentField = (typeof SEGMENT_FIELDS)[number]

export const SegmentComparison = Type.Object({
  field: LiteralUnion(SEGMENT_FIELDS),
  index: Type.Integer(),
  source: Type.String(),
  translation: Type.Union([Type.String(), Type.Null()]),
  fromMemory: Type.Union([Type.Boolean(), Type.Null()], { description: 'Null when not recorded (translations carried by a kill, or made before Nashra recorded it).' }),
  glossaryTerms: Type.Array(Type.Object({ term: Type.String(), rendering: Type.String() }))
})

export const Usage = Type.Object({
  charsSent: Type.Integer({ description: 'Characters sent to the engine (what Google bills).' }),
  charsReused: Type.Integer({ description: 'Characters the translation memory supplied instead.' }),
  requests: Type.Integer({ description: 'Engine requests.' }),
  estimatedCost: Type.Number({ description: 'charsSent at TRANSLATION_PRICE_PER_MILLION_CHARS, in US dollars.' })
})

export const VersionSummary = Type.Object({
  version: Type.Integer(),
  event: VersionEvent,
  status: VersionStatus,
  statusReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  note: Type.Union([Type.String(), Type.Null()])
})

export const VersionList = Type.Object({
  id: Type.String(),
  guid: Type.String(),
  versions: Type.Array(VersionSummary)
})

export const OriginalView = Type.Object({
  headline: Type.String(),
  body: Type.Array(Type.String()),
  byline: Type.Optional(Type.String()),
  dateline: Type.Optional(Type.String()),
  category: Type.Optional(Type.String()),
  urgency: Type.Optional(Type.Integer()),
  slugline: Type.Optional(Type.String()),
  embargoedUntil: Type.Optional(Type.String()),
  images: Type.Optional(Type.Array(Type.Object({ href: Type.String(), caption: Type.Optional(Type.String()) }))),
  note: Type.Optional(Type.String())
})

export const TranslationView = Type.Object({
  headline: Type.String(),
  body: Type.Array(Type.String()),
  engine: Type.String(),
  model: Type.String(),
  charsSent: Type.Integer(),
  requests: Type.Integer(),
  byline: Type.Optional(Type.String()),
  dateline: Type.Optional(Type.String()),
  captions: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Null()]))),
  segments: Type.Optional(Type.Integer({ description: 'Segments of this version: headline, paragraphs, byline, dateline, captions, note.' })),
  segmentsReused: Type.Optional(Type.Integer({ description: 'Segments taken from the translation memory, not sent to the engine.' })),
  note: Type.Optional(Type.String({ description: "The editor's note, translated." })),
  charsReused: Type.Optional(Type.Integer({ description: 'Characters taken from the translation memory instead of being sent.' })),
  estimatedCost: Type.Number({ description: 'charsSent at TRANSLATION_PRICE_PER_MILLION_CHARS, in US dollars.' }),
  comparison: Type.Array(SegmentComparison, { description: 'The original and this translation, segment by segment.' })
})

export const ArticleView = Type.Object({
  id: Type.String(),
  guid: Type.String(),
  version: Type.Integer(),
  status: VersionStatus,
  statusReason: Type.Union([Type.String(), Type.Null()]),
  pubStatus: Type.String(),
  event: VersionEvent,
  language: Type.String(),
  headline: Type.String(),
  firstCreated: Type.String(),
  versionCreated: Type.String(),
  original: OriginalView,
  translations: Type.Record(Type.String(), TranslationView),
  deliveries: Type.Array(DeliveryView),
  versions: Type.Array(VersionSummary),
  cost: Type.Object({
    currency: Type.Literal('USD'),
    pricePerMillionChars: Type.Number(),
    total: Usage,
    byLanguage: Type.Record(Type.String(), Usage, { description: 'Every version of the story, retries included.' })
  })
})
export type ArticleView = Static<typeof ArticleView>

export const ArticleListQuery = Type.Object({
  guid: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: "The publisher's id of the story." })),
  status: Type.Optional(VersionStatus),
  event: Type.Optional(VersionEvent),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'First received at or after this time.' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'First received at or before this time.' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Words of the headline; Arabic matching ignores tashkeel and tatweel and folds alef, yaa and taa marbuta forms.' })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9_-]+$', expected: 'the nextCursor of the previous page, as given', description: 'nextCursor of the previous page.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Stories per page.' }))
}, { additionalProperties: false })
export type ArticleListQuery = Static<typeof ArticleListQuery>

export const ArticleSummary = Type.Object({
  id: Type.String(),
  guid: Type.String(),
  version: Type.Integer(),
  status: VersionStatus,
  event: VersionEvent,
  headline: Type.String(),
  category: Type.Union([Type.String(), Type.Null()]),
  language: Type.String(),
  urgency: Type.Union([Type.Integer(), Type.Null()]),
  firstCreated: Type.String(),
  versionCreated: Type.String()
})

export const ArticleList = Type.Object({
  items: Type.Array(ArticleSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last.' })
})
export type ArticleList = Static<typeof ArticleList>

export const RenditionParams = Type.Object({
  ...IdParams.properties,
  format: Type.String({ minLength: 1, maxLength: 64 })
})

export const RenditionQuery = Type.Object({
  lang: Type.Optional(LanguageTag()),
  version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  formatVersion: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}(\\.[0-9]{1,3}){0,2}$', expected: 'a version number such as 3.1 or 2.35', description: 'A version of the format\'s standard, e.g. ninjs 2.2; the newest when absent.' }))
}, { additionalProperties: false })
