// The one storage interface. SQLite (embedded default) implements it now; PostgreSQL (several
// instances sharing one database) implements the same contract later, tested by the same suite.
// Every method is async so both backends fit; every stage boundary goes through it, so a crash
// anywhere leaves work the next start picks up. Lists of values and shapes that requests carry
// too (roles, statuses, modes, filters) come from schemas/, where they are written once.
import type { VersionEvent, VersionStatus } from '../../schemas/articles.ts'
import type { Role } from '../../schemas/keys.ts'
import type { DeliveryStatus, SubscriberFilters, SubscriberMode, SubscriberPatch } from '../../schemas/subscribers.ts'
import type { ArticleContent, StoredTranslation, StoredVersion } from '../articles/types.ts'
import type { ApiKeySummary, ArticleListQuery, ArticleSummary, DailyUsage, LanguageUsage, RevokeKeyOutcome, VersionSummary } from './types-editors.ts'

export type { ApiKeySummary, ArticleListQuery, ArticleSummary, DailyUsage, LanguageUsage, RevokeKeyOutcome, VersionSummary } from './types-editors.ts'

export interface ApiKeyRecord {
  id: string
  role: Role
  label: string
  /** The subscriber a key of role `subscriber` reads the feed of; null for other roles. */
  subscriberId: string | null
  createdAt: string
}

export interface NewVersionInput {
  guid: string
  contentHash: string
  content: ArticleContent
  /** The editor marks a new version as correcting an error (else it is a routine update). */
  correction?: boolean | undefined
  now: string
}

export type IngestOutcome =
  | { kind: 'created'; articleId: string; versionId: string; version: number; status: VersionStatus }
  | { kind: 'unchanged'; articleId: string; versionId: string; version: number; status: VersionStatus }
  /** The story was killed: a kill is final, so nothing was stored. */
  | { kind: 'killed'; articleId: string; versionId: string; version: number; status: VersionStatus; killedAt: string }

/** A version claimed by a worker; attempts counts this claim too. */
/**
 * A claimed version. `unfinishedRuns` counts this run and the runs before it that were claimed
 * but never recorded any outcome (the process or its worker died): pipeline/quarantine.ts fails
 * a version whose runs keep dying instead of letting it take the service down again.
 */
export type ClaimedVersion = StoredVersion & { attempts: number; unfinishedRuns: number }

export interface Subscriber {
  id: string
  name: string
  url: string | null
  mode: SubscriberMode
  format: string
  /** A version of the format's standard (ninjs '3.1' or '2.2'); the format's default when absent. */
  formatVersion?: string
  languages: string[]
  filters: SubscriberFilters
  active: boolean
  /** Why the subscriber was disabled (410 Gone, failing for days), when it was. */
  disabledReason: string | null
  createdAt: string
  updatedAt: string
}

/** A validated PATCH as storage applies it: `url` null when a switch to pull drops the endpoint. */
export type SubscriberUpdate = Omit<SubscriberPatch, 'url'> & { url?: string | null }

export interface SubscriberEvent {
  at: string
  /** e.g. 'disabled', 'enabled', 'secret-rotated'. */
  kind: string
  detail: string
}

export interface SubscriberWithSecret extends Subscriber {
  secret: string
}

/** A rendered document ready to leave, fixed at creation so every retry sends the same bytes. */
export interface NewDelivery {
  subscriberId: string
  lang: string
  format: string
  contentType: string
  body: string
  /** Kills go ahead of queued work that has not been sent yet: > 0 becomes the queue head first. */
  priority?: number
}

export interface Delivery extends NewDelivery {
  id: string
  /** Standard Webhooks message id: stable across retries of this delivery. */
  webhookId: string
  versionId: string
  /**
   * The subscriber's sequence number, given when the message first leaves (push) or is written
   * into the feed (pull): consecutive in the order the partner gets messages. Null while a push
   * delivery waits in the queue; a delivery canceled before it was sent never takes one.
   */
  sequence: number | null
  /** Why the version exists: becomes the x-nashra-event header. */
  event: VersionEvent
  articleId: string
  version: number
  status: DeliveryStatus
  attempts: number
  nextAttemptAt: string | null
  lastStatusCode: number | null
  lastError: string | null
  createdAt: string
  deliveredAt: string | null
  /** When an admin queued it again after it was delivered or dead (retry, replay): a replay. */
  replayedAt: string | null
  /** Place in the subscriber's queue (with priority): the order rows without a sequence leave in. */
  position: number
}

/**
 * Where a page of a subscriber's deliveries ends: numbered rows come first, by sequence, then
 * the queued ones (no number yet), kills first, in queue order.
 */
export type DeliveryListPlace = { sequence: number } | { priority: number; position: number }

/** A delivery claimed by a worker, with what it needs to send. */
export interface ClaimedDelivery extends Delivery {
  /** Claimed deliveries always have their number: the claim gives it. */
  sequence: number
  url: string
  /** Current secret first; during a rotation's overlap the previous one too. */
  secrets: string[]
}

export interface AttemptRecord {
  at: string
  statusCode: number | null
  durationMs: number
  error: string | null
  responseExcerpt: string | null
}

export type AttemptOutcome =
  | { status: 'delivered' }
  | { status: 'pending'; nextAttemptAt: string }
  | { status: 'dead' }

/** One finished attempt to record: which delivery, what happened, and what follows. */
export interface AttemptToRecord {
  deliveryId: string
  attempt: AttemptRecord
  outcome: AttemptOutcome
}

export interface AttemptResult {
  /** Since when every attempt to this subscriber has failed; null after a success. */
  failingSince: string | null
}

export interface StoredAttempt extends AttemptRecord {
  deliveryId: string
}

/** One item of a subscriber's pull feed: the same document and sequence number as a push. */
export interface FeedItem {
  sequence: number
  webhookId: string
  event: VersionEvent
  articleId: string
  guid: string
  version: number
  lang: string
  format: string
  contentType: string
  body: string
  createdAt: string
}

/** A subscriber that received some version of a story, in some language and format. */
export interface StoryRecipient {
  subscriberId: string
  lang: string
  format: string
}

export interface DeliverySummary {
  deliveryId: string
  subscriberId: string
  subscriberName: string
  lang: string
  format: string
  status: DeliveryStatus
  attempts: number
  lastStatusCode: number | null
  lastError: string | null
  deliveredAt: string | null
}

/** One segment's key in the translation memory (normalisation: src/translation/memory-key.ts). */
export interface SegmentKey {
  /** sha256 of the normalised source text. */
  sourceHash: string
  sourceLanguage: string
  targetLanguage: string
  /** Engine, model and Google glossary resources: translations of different engines never mix. */
  engine: string
  /** Fingerprint of the glossary entries that apply to this segment in this language ('' for none). */
  glossaryVersion: string
}

export interface TranslatedSegment extends SegmentKey {
  translation: string
}

/** What one successful engine call produced for a version in one language. */
export interface TranslationBatch {
  versionId: string
  lang: string
  charsSent: number
  requests: number
  segments: TranslatedSegment[]
}

/** Engine use of a version in one language, summed over all its runs (retries included). */
export interface TranslationUsage {
  charsSent: number
  requests: number
  segmentsTranslated: number
}

export interface GlossaryEntryInput {
  /** The term as written in source text, e.g. "منظمة معاهدة الأمن الجماعي". */
  term: string
  sourceLanguage: string
  /** Keep the term as written, in every target language. */
  doNotTranslate: boolean
  /** Target language → the term to use there. */
  translations: Record<string, string>
}

export interface GlossaryEntry extends GlossaryEntryInput {
  id: string
  createdAt: string
  updatedAt: string
}

/** Every entry, and the version that every change to the glossary bumps. */
export interface GlossarySnapshot {
  version: number
  entries: GlossaryEntry[]
}

export type RetryVersionOutcome =
  | { kind: 'retried'; versionId: string; version: number }
  | { kind: 'not-failed'; version: number; status: VersionStatus }
  | { kind: 'not-found' }

export interface Storage {
  /**
   * Several instances may use the database at once (PostgreSQL): releaseAllLeases then does
   * nothing, since another live instance may hold any lease; leases only run out. False: one
   * process per database (SQLite).
   */
  readonly sharedDatabase: boolean
  migrate(): Promise<void>
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>
  close(): Promise<void>
  /** Called once at start by the only process using the database: releases leases a crash left. */
  releaseAllLeases(): Promise<void>
  /**
   * Extends the leases of versions a worker is still translating or distributing (a long wait for
   * the engine), so no one else takes them over. Versions no longer leased are left alone.
   */
  extendVersionLeases(versionIds: string[], leaseUntil: string): Promise<void>

  insertApiKey(key: ApiKeyRecord & { hash: string }): Promise<void>
  /** Revoked keys too (revokedAt set): start-up must not bring a revoked ADMIN_API_KEY back. */
  findApiKeyByHash(hash: string): Promise<(ApiKeySummary & { hash: string }) | null>
  /** Keys of the role that are not revoked. */
  countApiKeys(role: Role): Promise<number>
  /** Every key, oldest first. */
  listApiKeys(): Promise<ApiKeySummary[]>
  /** Revokes at once; refuses to revoke the last admin key that is not revoked. Idempotent. */
  revokeApiKey(id: string, now: string): Promise<RevokeKeyOutcome>
  /** Records use unless already recorded at or after notBefore (cheap: at most one write a minute). */
  touchApiKey(id: string, now: string, notBefore: string): Promise<void>

  /** Creates version n+1 of the story, or reports the latest one when its content is identical. */
  ingestVersion(input: NewVersionInput): Promise<IngestOutcome>
  getVersion(articleId: string, version?: number): Promise<StoredVersion | null>
  /** Stories matching every filter, newest first, at most limit; walks an index per filter. */
  listArticles(query: ArticleListQuery): Promise<ArticleSummary[]>
  /** The story's versions, oldest first; empty when there is no such story. */
  listVersions(articleId: string): Promise<VersionSummary[]>
  /** Translation cost per language over every version of the story. */
  getArticleUsage(articleId: string): Promise<LanguageUsage[]>
  /** Translation cost per UTC day and language, days from since to until (YYYY-MM-DD, inclusive). */
  usageByDay(since: string, until: string): Promise<DailyUsage[]>

  /** Claims the oldest due version that needs translating and marks it `translating`. */
  claimVersionForTranslation(now: string, leaseUntil: string): Promise<ClaimedVersion | null>
  saveTranslations(versionId: string, translations: StoredTranslation[], now: string): Promise<void>
  /** Leaves the version `translating` with a due time for another try. */
  scheduleTranslationRetry(versionId: string, reason: string, retryAt: string, now: string): Promise<void>
  /** Fails a version still in the pipeline (`received`, `translating` or `translated`) for good. */
  markVersionFailed(versionId: string, reason: string, now: string): Promise<void>
  /**
   * Gives back the lease of a run that died without an outcome (its worker crashed): due again
   * at retryAt, and the run still counts as unfinished (every other outcome resets that count).
   */
  releaseUnfinishedRun(versionId: string, reason: string, retryAt: string, now: string): Promise<void>
  getTranslation(versionId: string, lang: string): Promise<StoredTranslation | null>
  listTranslations(versionId: string): Promise<StoredTranslation[]>

  /** Claims the oldest `translated` version, to be rendered and fanned out. */
  claimVersionForDistribution(now: string, leaseUntil: string): Promise<ClaimedVersion | null>
  /**
   * One transaction: the outbox rows (with sequence numbers and webhook ids) and `distributed`.
   * Nothing, and [], for a version a kill superseded meanwhile (distributions run concurrently).
   */
  distribute(versionId: string, deliveries: NewDelivery[], now: string): Promise<Delivery[]>

  createSubscriber(subscriber: SubscriberWithSecret): Promise<void>
  listActiveSubscribers(): Promise<Subscriber[]>
  getSubscriber(id: string): Promise<Subscriber | null>

  /** Every subscriber not deleted, oldest first. */
  listSubscribers(): Promise<Subscriber[]>
  updateSubscriber(id: string, patch: SubscriberUpdate, now: string): Promise<Subscriber | null>
  /** Soft delete: the subscriber stops receiving; its queued deliveries are canceled. */
  deleteSubscriber(id: string, now: string): Promise<boolean>
  /** The old secret keeps signing (beside the new one) until previousUntil. */
  rotateSecret(id: string, secret: string, previousUntil: string, now: string): Promise<boolean>
  disableSubscriber(id: string, reason: string, now: string): Promise<void>
  addSubscriberEvent(id: string, event: SubscriberEvent): Promise<void>
  listSubscriberEvents(id: string): Promise<SubscriberEvent[]>

  /**
   * Claims due push deliveries: only a subscriber's queue head can be due, so at most one per
   * subscriber is ever in flight. A head without a sequence number takes the subscriber's next
   * one here, so numbers follow the order messages leave in.
   */
  claimDueDeliveries(now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]>
  /**
   * Per item: records the attempt, applies the outcome, and tracks since when the subscriber has
   * failed; all in one transaction (the delivery loop batches what finishes together).
   */
  recordAttempts(items: AttemptToRecord[]): Promise<AttemptResult[]>
  /**
   * recordAttempts, then claimDueDeliveries for the slots that frees, in one transaction: the
   * delivery loop's usual step. A head the record just made due is leased in the same
   * transaction, so its pages are written once (issue 11: fan-out).
   */
  recordAndClaim(items: AttemptToRecord[],
    next: { now: string; leaseUntil: string; limit: number }): Promise<{ results: AttemptResult[]; claimed: ClaimedDelivery[] }>
  /** Puts a claimed delivery back without counting an attempt (rate limit, shutdown). */
  postponeDelivery(deliveryId: string, until: string): Promise<void>
  listDeliveriesForArticle(articleId: string, version: number): Promise<DeliverySummary[]>
  getDelivery(id: string): Promise<Delivery | null>
  listDeliveries(subscriberId: string, options: { status?: DeliveryStatus; limit: number; after?: DeliveryListPlace }): Promise<Delivery[]>
  listAttempts(deliveryId: string): Promise<StoredAttempt[]>
  /**
   * Queues one delivery again (same webhook id, body and sequence; marked as a replay when it was
   * delivered or dead): now when it is the queue head, else in sequence order behind the head.
   * Null when it does not exist.
   */
  retryDelivery(id: string, now: string): Promise<Delivery | null>
  /**
   * Queues again, marked as replays and in sequence order, every delivered or dead delivery to
   * the subscriber created at or after since; returns how many.
   */
  replayDeliveries(subscriberId: string, since: string, now: string): Promise<number>
  /** Items of a subscriber's feed with sequence > after, oldest first. */
  readFeed(subscriberId: string, after: number, limit: number): Promise<FeedItem[]>

  /**
   * A kill: version n+1 with pubStatus canceled, the latest content and translations, ready to
   * fan out at once; earlier versions still in the pipeline are superseded. Null: no such story.
   * With a reason, it becomes the version's note and the version starts `received`, so the
   * translation stage translates the reason (kills are claimed first) before it goes out.
   */
  createKillVersion(articleId: string, now: string, reason?: string): Promise<{ versionId: string; version: number } | null>
  /** Who received any version of the story (delivered or in their feed), and how. */
  listStoryRecipients(articleId: string): Promise<StoryRecipient[]>

  /** Translation memory: the stored translation for each key, or null, in the keys' order. */
  findSegments(keys: SegmentKey[]): Promise<Array<string | null>>
  /** One transaction: the segments into the memory, the call's cost onto the version's usage. */
  recordTranslationBatch(batch: TranslationBatch, now: string): Promise<void>
  getTranslationUsage(versionId: string, lang: string): Promise<TranslationUsage>
  /** Puts a claimed version back until `until` without counting the claim as an attempt. */
  postponeTranslation(versionId: string, reason: string, until: string, now: string): Promise<void>
  /** The story's latest version, when it failed, goes back to `received` with attempts reset. */
  retryFailedVersion(articleId: string, now: string): Promise<RetryVersionOutcome>

  getGlossary(): Promise<GlossarySnapshot>
  /** Creates the entry, or replaces the one with the same termKey (normalised term) and source language. */
  putGlossaryEntry(input: GlossaryEntryInput & { termKey: string }, now: string): Promise<{ entry: GlossaryEntry; created: boolean; version: number }>
  /** Null when there is no such entry. */
  deleteGlossaryEntry(id: string): Promise<{ version: number } | null>

  /**
   * When the loop of one kind should look again, if anything is scheduled. Versions: the earliest
   * time claimable work becomes due (work under a live lease or waiting behind an earlier version
   * is left out: finishing that work wakes the loop). Deliveries: the earliest future due time of
   * any pending delivery (one index seek; deliveries due already but held back by their
   * subscriber's queue are released, and the loop woken, by the attempt that holds them back).
   */
  nextDueTime(kind: 'versions' | 'deliveries', now: string): Promise<string | null>

  /** What /metrics shows about the work waiting, read at scrape time through indexes. */
  pipelineGauges(): Promise<PipelineGauges>
}

/** Statuses a version can still leave (and `failed`, which waits for a person): each counted at scrape. */
export const GAUGED_VERSION_STATUSES = ['received', 'translating', 'translated', 'failed'] as const satisfies readonly VersionStatus[]

export interface PipelineGauges {
  /** Versions per status in GAUGED_VERSION_STATUSES (absent: none). `distributed` grows forever and is not counted. */
  versions: Partial<Record<(typeof GAUGED_VERSION_STATUSES)[number], number>>
  /** When the oldest version in each of those statuses was received (absent: none). */
  oldestVersions: Partial<Record<(typeof GAUGED_VERSION_STATUSES)[number], string>>
  /** One entry per subscriber with pending push deliveries. */
  outbox: Array<{ subscriberId: string; depth: number; oldestCreatedAt: string }>
}
