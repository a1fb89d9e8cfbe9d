// Requests and responses of /v1/subscribers, /v1/deliveries, /v1/feed and /v1/feed.atom.
import { type Static, Type } from 'typebox'
import { ALL_FORMAT_VERSIONS, formatNames, formatVersions } from '../src/formats/registry.ts'
import { DateTime, LanguageTag, LiteralUnion, SEQUENCE_MAX } from './common.ts'

export const SubscriberFilters = Type.Object({
  /** Only stories in these categories (as editors send them); all when absent. */
  categories: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100, uniqueItems: true })),
  minUrgency: Type.Optional(Type.Integer({ minimum: 1, maximum: 9, description: 'Only stories at least this urgent (1 = flash … 9); a story without urgency counts as 5.' }))
}, { additionalProperties: false })
export type SubscriberFilters = Static<typeof SubscriberFilters>

/** push: Nashra POSTs each item to url. pull: items wait in the subscriber's feed (url is null). */
export const SUBSCRIBER_MODES = ['push', 'pull'] as const
export type SubscriberMode = (typeof SUBSCRIBER_MODES)[number]
export const SubscriberMode = LiteralUnion(SUBSCRIBER_MODES, {
  description: 'push: Nashra POSTs signed webhooks to url. pull: items wait in GET /v1/feed.'
})

export const FormatName = LiteralUnion(formatNames())

export const FormatVersion = LiteralUnion(ALL_FORMAT_VERSIONS, {
  description: "A version of the format's standard (ninjs: 3.1, the default, or 2.2); the format's default when absent."
})

// A formatVersion needs its format in the same request, and must be one of that format's versions.
const formatVersionRules = {
  dependencies: { formatVersion: ['format'] },
  allOf: formatNames().map((name) => ({
    if: { properties: { format: { const: name } }, required: ['format'] },
    // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a thenable.
    then: { properties: { formatVersion: { enum: [...formatVersions(name)] } } }
  }))
}

const subscriberFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  mode: SubscriberMode,
  url: Type.String({ minLength: 1, maxLength: 2048, format: 'uri', description: 'Required for push subscribers.' }),
  format: FormatName,
  formatVersion: FormatVersion,
  languages: Type.Array(LanguageTag(), { minItems: 1, maxItems: 50, uniqueItems: true }),
  filters: SubscriberFilters,
  active: Type.Boolean()
}

export const SubscriberInput = Type.Object({
  name: subscriberFields.name,
  mode: Type.Optional(subscriberFields.mode),
  url: Type.Optional(subscriberFields.url),
  format: Type.Optional(subscriberFields.format),
  formatVersion: Type.Optional(subscriberFields.formatVersion),
  languages: Type.Optional(subscriberFields.languages),
  filters: Type.Optional(subscriberFields.filters),
  active: Type.Optional(subscriberFields.active)
}, { additionalProperties: false, ...formatVersionRules })
export type SubscriberInput = Static<typeof SubscriberInput>

// Type.Partial drops the object's options: additionalProperties is given again here.
export const SubscriberPatch = Type.Partial(Type.Object(subscriberFields), { additionalProperties: false, minProperties: 1, ...formatVersionRules })
export type SubscriberPatch = Static<typeof SubscriberPatch>

export const SubscriberView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  mode: SubscriberMode,
  url: Type.Union([Type.String(), Type.Null()]),
  format: Type.String(),
  formatVersion: Type.Optional(Type.String()),
  languages: Type.Array(Type.String()),
  filters: SubscriberFilters,
  active: Type.Boolean(),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String()
})

export const SubscriberCreated = Type.Object({
  ...SubscriberView.properties,
  secret: Type.String({ description: 'Standard Webhooks signing secret (whsec_…). Shown once.' })
})

export const SecretRotated = Type.Object({
  secret: Type.String({ description: 'The new signing secret. Shown once.' }),
  previousSecretValidUntil: Type.String({ description: 'Until then deliveries carry both signatures.' })
})

export const SubscriberList = Type.Object({ subscribers: Type.Array(SubscriberView) })

export const SubscriberEventView = Type.Object({ at: Type.String(), kind: Type.String(), detail: Type.String() })

export const SubscriberEventList = Type.Object({ events: Type.Array(SubscriberEventView) })

/**
 * pending: queued or being retried · delivered: a 2xx came back · dead: the retry schedule ran out
 * canceled: a kill of the story superseded it before it left · feed: held for a pull subscriber.
 */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead', 'canceled', 'feed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]
export const DeliveryStatus = LiteralUnion(DELIVERY_STATUSES)

export const DeliveryListQuery = Type.Object({
  status: Type.Optional(DeliveryStatus),
  after: Type.Optional(Type.Integer({
    minimum: 0, maximum: SEQUENCE_MAX, description: 'Only deliveries with a higher sequence number; queued ones, not sent yet and without a number, come last.'
  })),
  cursor: Type.Optional(Type.String({
    minLength: 1, maxLength: 100, description: 'nextCursor of the previous page, as it was given: the page after it (queued rows included). Not with `after`.'
  })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 }))
}, { additionalProperties: false })

export const AttemptView = Type.Object({
  at: Type.String(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  responseExcerpt: Type.Union([Type.String(), Type.Null()])
})

export const DeliveryRecord = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  subscriberId: Type.String(),
  articleId: Type.String(),
  version: Type.Integer(),
  event: Type.String(),
  sequence: Type.Union([Type.Integer(), Type.Null()], { description: 'Given when the message first leaves; null while it waits in the queue.' }),
  lang: Type.String(),
  format: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
  replayedAt: Type.Union([Type.String({ description: 'When an admin queued it again after delivery or death: it goes out as a replay.' }), Type.Null()]),
  attemptLog: Type.Optional(Type.Array(AttemptView))
})

export const DeliveryPage = Type.Object({
  deliveries: Type.Array(DeliveryRecord),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last one.' })
})

export const ReplayInput = Type.Object({
  since: DateTime('Re-send every delivery created at or after this time, in order.')
}, { additionalProperties: false })

export const ReplayReply = Type.Object({ replayed: Type.Integer() })

export const FeedQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0, maximum: SEQUENCE_MAX, default: 0, description: 'The last sequence number already read.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  wait: Type.Optional(Type.Number({ minimum: 0, maximum: 30, default: 0, description: 'Seconds to wait for a new item when there is none.' }))
}, { additionalProperties: false })

/** GET /v1/feed.atom: the same paging as the JSON feed, without long-poll (feed readers poll). */
export const AtomFeedQuery = Type.Object({
  after: FeedQuery.properties.after,
  limit: FeedQuery.properties.limit
}, { additionalProperties: false })

export const FeedItemView = Type.Object({
  sequence: Type.Integer(),
  webhookId: Type.String(),
  event: Type.String(),
  articleId: Type.String(),
  guid: Type.String(),
  version: Type.Integer(),
  lang: Type.String(),
  format: Type.String(),
  contentType: Type.String(),
  /** The document: a JSON format (ninjs) as an object, an XML one as its text. */
  body: Type.Union([Type.String(), Type.Record(Type.String(), Type.Unknown())]),
  createdAt: Type.String()
})

export const FeedReply = Type.Object({
  items: Type.Array(FeedItemView),
  /** Pass as `after` next time. */
  next: Type.Integer()
})
