// The one storage interface. SQLite (embedded default) implements it now; PostgreSQL (several
// instances sharing one database) implements the same contract later, tested by the same suite.
// Every method is async so both backends fit; every stage boundary goes through it, so a crash
// anywhere leaves work the next start picks up.
import type { ArticleContent, StoredTranslation, StoredVersion, VersionStatus } from '../articles/types.ts'

export type Role = 'admin' | 'editor'

export interface ApiKeyRecord {
  id: string
  role: Role
  label: string
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

/** A version claimed by a worker; attempts counts this claim too. */
export type ClaimedVersion = StoredVersion & { attempts: number }

export interface Subscriber {
  id: string
  name: string
  url: string
  format: string
  languages: string[]
  active: boolean
  createdAt: string
}

export interface SubscriberWithSecret extends Subscriber {
  secret: string
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead'

/** A rendered document ready to leave, fixed at creation so every retry sends the same bytes. */
export interface NewDelivery {
  subscriberId: string
  lang: string
  format: string
  contentType: string
  body: string
}

export interface Delivery extends NewDelivery {
  id: string
  /** Standard Webhooks message id: stable across retries of this delivery. */
  webhookId: string
  versionId: string
  sequence: number
  status: DeliveryStatus
  attempts: number
  nextAttemptAt: string | null
  lastStatusCode: number | null
  lastError: string | null
  createdAt: string
  deliveredAt: string | null
}

/** A delivery claimed by a worker, with what it needs to send. */
export interface ClaimedDelivery extends Delivery {
  url: string
  secret: string
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

export interface Storage {
  migrate(): Promise<void>
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>
  close(): Promise<void>
  /** Called once at start by the only process using the database: releases leases a crash left. */
  releaseAllLeases(): Promise<void>

  insertApiKey(key: ApiKeyRecord & { hash: string }): Promise<void>
  findApiKeyByHash(hash: string): Promise<(ApiKeyRecord & { hash: string }) | null>
  countApiKeys(role: Role): Promise<number>

  /** Creates version n+1 of the story, or reports the latest one when its content is identical. */
  ingestVersion(input: NewVersionInput): Promise<IngestOutcome>
  getVersion(articleId: string, version?: number): Promise<StoredVersion | null>

  /** Claims the oldest due version that needs translating and marks it `translating`. */
  claimVersionForTranslation(now: string, leaseUntil: string): Promise<ClaimedVersion | null>
  saveTranslations(versionId: string, translations: StoredTranslation[], now: string): Promise<void>
  /** Leaves the version `translating` with a due time for another try. */
  scheduleTranslationRetry(versionId: string, reason: string, retryAt: string): Promise<void>
  markVersionFailed(versionId: string, reason: string, now: string): Promise<void>
  getTranslation(versionId: string, lang: string): Promise<StoredTranslation | null>
  listTranslations(versionId: string): Promise<StoredTranslation[]>

  /** Claims the oldest `translated` version, to be rendered and fanned out. */
  claimVersionForDistribution(now: string, leaseUntil: string): Promise<ClaimedVersion | null>
  /** One transaction: the outbox rows (with sequence numbers and webhook ids) and `distributed`. */
  distribute(versionId: string, deliveries: NewDelivery[], now: string): Promise<Delivery[]>

  createSubscriber(subscriber: SubscriberWithSecret): Promise<void>
  listActiveSubscribers(): Promise<Subscriber[]>
  getSubscriber(id: string): Promise<Subscriber | null>

  claimDueDeliveries(now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]>
  recordAttempt(deliveryId: string, attempt: AttemptRecord, outcome: AttemptOutcome): Promise<void>
  listDeliveriesForArticle(articleId: string, version: number): Promise<DeliverySummary[]>

  /**
   * Earliest time claimable work of one kind becomes due, if any. Work held under a live lease or
   * waiting behind an earlier version/sequence is left out: finishing that work wakes the loops.
   */
  nextDueTime(kind: 'versions' | 'deliveries', now: string): Promise<string | null>
}
