// Rows as both backends read them (the same column names in SQLite and PostgreSQL) and the one
// mapping from each to its domain type. Booleans arrive as 0/1 from SQLite, as true/false from pg.
import { newId } from '../ids.ts'
import type { StoredTranslation, StoredVersion } from '../articles/types.ts'
import { newWebhookId, signingSecrets } from './rules.ts'
import type {
  ApiKeySummary, ClaimedDelivery, DailyUsage, Delivery, DeliverySummary, FeedItem, GAUGED_VERSION_STATUSES, GlossaryEntry, NewDelivery, PipelineGauges, StoredAttempt,
  StoryRecipient, Subscriber, TranslationUsage, VersionSummary
} from './types.ts'

const truthy = (value: number | boolean): boolean => value === true || value === 1

export interface VersionRow {
  id: string
  article_id: string
  guid: string
  version: number
  content_hash: string
  content: string
  event: StoredVersion['event']
  pub_status: StoredVersion['pubStatus']
  status: StoredVersion['status']
  status_reason: string | null
  attempts: number
  first_created: string
  created_at: string
}

/**
 * The columns a VersionRow needs, from versions v joined to articles a, with the story JSON taken
 * from `content`: v.content on PostgreSQL, the version_contents table on SQLite (sqlite-content.ts).
 */
export const versionColumns = (content: string): string => `v.id, v.article_id, a.guid, v.version, v.content_hash,
  ${content} AS content, v.event, v.pub_status, v.status, v.status_reason, v.attempts, a.created_at AS first_created, v.created_at`

/** PostgreSQL's: TOAST already keeps a large content out of the row its updates rewrite. */
export const VERSION_COLUMNS = versionColumns('v.content')

/** The columns of a LatestVersion (rules.ts), from versions, named as it names them. */
export const LATEST_VERSION_COLUMNS = 'id, version, content_hash AS "contentHash", status, event, created_at AS "createdAt"'

export function toVersion (row: VersionRow): StoredVersion {
  return {
    id: row.id,
    articleId: row.article_id,
    guid: row.guid,
    version: row.version,
    contentHash: row.content_hash,
    content: JSON.parse(row.content),
    event: row.event,
    pubStatus: row.pub_status,
    status: row.status,
    statusReason: row.status_reason,
    firstCreated: row.first_created,
    versionCreated: row.created_at
  }
}

export interface TranslationRow {
  version_id: string
  lang: string
  content: string
  engine: string
  model: string
  chars_sent: number
  requests: number
  created_at: string
  segments?: number | null
  segments_reused?: number | null
  chars_reused?: number | null
  segment_details?: string | null
}

export function toTranslation (row: TranslationRow): StoredTranslation {
  const content = JSON.parse(row.content) as Pick<StoredTranslation, 'headline' | 'paragraphs' | 'byline' | 'dateline' | 'captions' | 'note'>
  const stats = row.segments === null || row.segments === undefined ? {} : { segments: row.segments, segmentsReused: row.segments_reused ?? 0 }
  return {
    versionId: row.version_id,
    lang: row.lang,
    ...content,
    engine: row.engine,
    model: row.model,
    charsSent: row.chars_sent,
    requests: row.requests,
    createdAt: row.created_at,
    ...stats,
    ...(row.chars_reused === null || row.chars_reused === undefined ? {} : { charsReused: row.chars_reused }),
    ...(row.segment_details === null || row.segment_details === undefined ? {} : { segmentDetails: JSON.parse(row.segment_details) })
  }
}

/** The JSON a translation's text is stored as (the same on both backends). */
export function translationContentJson (t: StoredTranslation): string {
  return JSON.stringify({ headline: t.headline, paragraphs: t.paragraphs, byline: t.byline, dateline: t.dateline, captions: t.captions, note: t.note })
}

export interface TranslationUsageRow {
  chars_sent: number
  requests: number
  segments_translated: number
}

/** A version's cost in one language; nothing recorded yet reads as zero. */
export function toTranslationUsage (row: TranslationUsageRow | undefined): TranslationUsage {
  return row === undefined
    ? { charsSent: 0, requests: 0, segmentsTranslated: 0 }
    : { charsSent: row.chars_sent, requests: row.requests, segmentsTranslated: row.segments_translated }
}

export interface StoryRecipientRow {
  subscriber_id: string
  lang: string
  format: string
}

export function toStoryRecipient (r: StoryRecipientRow): StoryRecipient {
  return { subscriberId: r.subscriber_id, lang: r.lang, format: r.format }
}

export interface VersionGaugeRow {
  status: (typeof GAUGED_VERSION_STATUSES)[number]
  n: number
  oldest: string
}

/** Versions counted per status, and the oldest of each, from one row per status. */
export function toVersionGauges (rows: VersionGaugeRow[]): Pick<PipelineGauges, 'versions' | 'oldestVersions'> {
  const versions: PipelineGauges['versions'] = {}
  const oldestVersions: PipelineGauges['oldestVersions'] = {}
  for (const row of rows) {
    versions[row.status] = row.n
    oldestVersions[row.status] = row.oldest
  }
  return { versions, oldestVersions }
}

export interface OutboxGaugeRow {
  subscriber_id: string
  depth: number
  oldest: string
}

export function toOutboxGauge (r: OutboxGaugeRow): PipelineGauges['outbox'][number] {
  return { subscriberId: r.subscriber_id, depth: r.depth, oldestCreatedAt: r.oldest }
}

export interface SubscriberRow {
  id: string
  name: string
  url: string
  mode: Subscriber['mode']
  format: string
  format_version: string | null
  languages: string
  filters: string
  active: number | boolean
  disabled_reason: string | null
  created_at: string
  updated_at: string | null
}

export function toSubscriber (row: SubscriberRow): Subscriber {
  return {
    id: row.id,
    name: row.name,
    // Pull subscribers have no endpoint; the column predates them and holds ''.
    url: row.mode === 'pull' ? null : row.url,
    mode: row.mode,
    format: row.format,
    // Absent rather than undefined: the format's default version applies.
    ...(row.format_version === null || row.format_version === undefined ? {} : { formatVersion: row.format_version }),
    languages: JSON.parse(row.languages),
    filters: JSON.parse(row.filters),
    active: truthy(row.active),
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at ?? row.created_at
  }
}

export interface DeliveryRow {
  id: string
  webhook_id: string
  subscriber_id: string
  version_id: string
  sequence: number | null
  lang: string
  format: string
  content_type: string
  body: string
  status: Delivery['status']
  priority: number
  position: number
  attempts: number
  next_attempt_at: string | null
  last_status_code: number | null
  last_error: string | null
  created_at: string
  delivered_at: string | null
  replayed_at: string | null
  event: Delivery['event']
  article_id: string
  version: number
}

export function toDelivery (row: DeliveryRow): Delivery {
  return deliveryOf(row, row)
}

/** What a claim reads of a due row: the row (its document apart, by hash) and its subscriber's address and secrets. */
export interface ClaimRow extends Omit<DeliveryRow, 'content_type' | 'body'> {
  document_hash: string
  url: string
  secret: string
  previous_secret: string | null
  previous_secret_until: string | null
}

/**
 * A claimed row as the delivery loop sends it, with the number it leaves under. Built in one
 * step: a fan-out claims thousands of rows a second, and copying each into two more objects on
 * the way was a tenth of the service's garbage in bench:delivery.
 */
export function toClaimedDelivery (row: ClaimRow, sequence: number, document: Pick<DeliveryRow, 'content_type' | 'body'>,
  now: string): ClaimedDelivery {
  const secrets = signingSecrets(row.secret, row.previous_secret, row.previous_secret_until, now)
  return Object.assign(deliveryOf(row, document), { sequence, url: row.url, secrets })
}

function deliveryOf (row: Omit<DeliveryRow, 'content_type' | 'body'>, document: Pick<DeliveryRow, 'content_type' | 'body'>): Delivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    subscriberId: row.subscriber_id,
    versionId: row.version_id,
    sequence: row.sequence,
    event: row.event,
    articleId: row.article_id,
    version: row.version,
    lang: row.lang,
    format: row.format,
    contentType: document.content_type,
    body: document.body,
    priority: row.priority,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    replayedAt: row.replayed_at,
    position: row.position
  }
}

export interface DeliverySummaryRow {
  id: string
  subscriber_id: string
  name: string
  lang: string
  format: string
  status: Delivery['status']
  attempts: number
  last_status_code: number | null
  last_error: string | null
  delivered_at: string | null
}

/** The columns a DeliverySummaryRow needs, from deliveries d and subscribers s. */
export const DELIVERY_SUMMARY_COLUMNS = `d.id, d.subscriber_id, s.name, d.lang, d.format, d.status, d.attempts, d.last_status_code,
  d.last_error, d.delivered_at`

export function toDeliverySummary (r: DeliverySummaryRow): DeliverySummary {
  return {
    deliveryId: r.id,
    subscriberId: r.subscriber_id,
    subscriberName: r.name,
    lang: r.lang,
    format: r.format,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    deliveredAt: r.delivered_at
  }
}

export interface AttemptRow {
  delivery_id: string
  at: string
  status_code: number | null
  duration_ms: number
  error: string | null
  response_excerpt: string | null
}

export const ATTEMPT_COLUMNS = 'delivery_id, at, status_code, duration_ms, error, response_excerpt'

export function toAttempt (r: AttemptRow): StoredAttempt {
  return {
    deliveryId: r.delivery_id,
    at: r.at,
    statusCode: r.status_code,
    durationMs: r.duration_ms,
    error: r.error,
    responseExcerpt: r.response_excerpt
  }
}

export interface FeedRow {
  sequence: number
  webhook_id: string
  event: FeedItem['event']
  article_id: string
  guid: string
  version: number
  lang: string
  format: string
  content_type: string
  body: string
  created_at: string
}

/** The columns a FeedRow needs, from deliveries d, versions v, articles a, documents doc. */
export const FEED_COLUMNS = `d.sequence, d.webhook_id, v.event, v.article_id, a.guid, v.version, d.lang, d.format,
  doc.content_type, doc.body, d.created_at`

export function toFeedItem (r: FeedRow): FeedItem {
  return {
    sequence: r.sequence,
    webhookId: r.webhook_id,
    event: r.event,
    articleId: r.article_id,
    guid: r.guid,
    version: r.version,
    lang: r.lang,
    format: r.format,
    contentType: r.content_type,
    body: r.body,
    createdAt: r.created_at
  }
}

export interface VersionSummaryRow {
  version: number
  event: VersionSummary['event']
  status: VersionSummary['status']
  status_reason: string | null
  created_at: string
  note: string | null
}

export function toVersionSummary (r: VersionSummaryRow): VersionSummary {
  return { version: r.version, event: r.event, status: r.status, statusReason: r.status_reason, createdAt: r.created_at, note: r.note }
}

export interface DailyUsageRow {
  day: string
  lang: string
  chars_sent: number
  chars_reused: number
  requests: number
}

export function toDailyUsage (r: DailyUsageRow): DailyUsage {
  return { day: r.day, lang: r.lang, charsSent: r.chars_sent, charsReused: r.chars_reused, requests: r.requests }
}

export interface EntryRow {
  id: string
  term: string
  source_lang: string
  do_not_translate: number | boolean
  translations: string
  created_at: string
  updated_at: string
}

export function toEntry (row: EntryRow): GlossaryEntry {
  return {
    id: row.id,
    term: row.term,
    sourceLanguage: row.source_lang,
    doNotTranslate: truthy(row.do_not_translate),
    translations: JSON.parse(row.translations) as Record<string, string>,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export interface ApiKeyRow {
  id: string
  role: ApiKeySummary['role']
  label: string
  subscriber_id: string | null
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

export const KEY_COLUMNS = 'id, role, label, subscriber_id, created_at, last_used_at, revoked_at'

export function toApiKey (row: ApiKeyRow): ApiKeySummary {
  return {
    id: row.id,
    role: row.role,
    label: row.label,
    subscriberId: row.subscriber_id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at
  }
}

/** The delivery a distribution writes: new ids, nothing attempted yet, its place in the queue. */
export function newDelivery (d: NewDelivery, version: { id: string; event: Delivery['event']; article_id: string; version: number },
  place: { status: Delivery['status']; sequence: number | null; position: number }, now: string): Delivery {
  return {
    ...d,
    id: newId(),
    webhookId: newWebhookId(),
    nextAttemptAt: null,
    versionId: version.id,
    event: version.event,
    articleId: version.article_id,
    version: version.version,
    priority: d.priority ?? 0,
    attempts: 0,
    lastStatusCode: null,
    lastError: null,
    createdAt: now,
    deliveredAt: null,
    replayedAt: null,
    ...place
  }
}
