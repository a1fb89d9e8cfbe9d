// Requests and responses of /v1/articles.
import { type Static, Type } from 'typebox'
import { DeliveryStatus } from './subscribers.ts'
import { Problem } from './problem.ts'

export const ArticleInput = Type.Object({
  guid: Type.Optional(Type.String({ minLength: 1, maxLength: 512, pattern: '^\\S+$', description: "The publisher's stable id of the story; generated when absent." })),
  headline: Type.String({ minLength: 1, maxLength: 1000 }),
  body: Type.String({ minLength: 1, maxLength: 1_000_000, description: 'Paragraphs separated by newlines.' }),
  byline: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  dateline: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  urgency: Type.Optional(Type.Integer({ minimum: 1, maximum: 9 })),
  language: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', default: 'ar', description: 'BCP 47 language of the original.' })),
  slugline: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\n\\r\\t]+$', description: 'One line, no tabs.' })),
  embargoedUntil: Type.Optional(Type.String({ format: 'date-time', description: 'Not for publication before this time.' })),
  correction: Type.Optional(Type.Boolean({ description: 'This version corrects an error in the previous one.' })),
  images: Type.Optional(Type.Array(Type.Object({
    href: Type.String({ minLength: 1, maxLength: 2048, format: 'uri', pattern: '^https?://', description: 'Absolute http(s) URL of the picture.' }),
    caption: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Translated with the story.' }))
  }, { additionalProperties: false }), { maxItems: 100 }))
}, { additionalProperties: false })
export type ArticleInput = Static<typeof ArticleInput>

export const VersionStatus = Type.Union([
  Type.Literal('received'), Type.Literal('translating'), Type.Literal('translated'),
  Type.Literal('distributed'), Type.Literal('failed'), Type.Literal('superseded')
])

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

export const ArticleParams = Type.Object({
  id: Type.String({ format: 'uuid' })
})

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
  segments: Type.Optional(Type.Integer({ description: 'Segments of this version: headline, paragraphs, byline, dateline, captions.' })),
  segmentsReused: Type.Optional(Type.Integer({ description: 'Segments taken from the translation memory, not sent to the engine.' }))
})

export const ArticleView = Type.Object({
  id: Type.String(),
  guid: Type.String(),
  version: Type.Integer(),
  status: VersionStatus,
  statusReason: Type.Union([Type.String(), Type.Null()]),
  pubStatus: Type.String(),
  event: Type.Union([Type.Literal('new'), Type.Literal('update'), Type.Literal('correction'), Type.Literal('kill')]),
  language: Type.String(),
  headline: Type.String(),
  firstCreated: Type.String(),
  versionCreated: Type.String(),
  translations: Type.Record(Type.String(), TranslationView),
  deliveries: Type.Array(DeliveryView)
})
export type ArticleView = Static<typeof ArticleView>

export const RenditionParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  format: Type.String({ minLength: 1, maxLength: 64 })
})

export const RenditionQuery = Type.Object({
  lang: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' })),
  version: Type.Optional(Type.Integer({ minimum: 1 })),
  formatVersion: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}(\\.[0-9]{1,3}){0,2}$', description: 'A version of the format\'s standard, e.g. ninjs 2.2; the newest when absent.' }))
}, { additionalProperties: false })
