// What the editors' and operators' API reads from storage: story lists, version history,
// translation cost, and keys as admins see them. Part of the Storage interface (types.ts).
import type { VersionEvent, VersionStatus } from '../../schemas/articles.ts'
import type { ApiKeyRecord } from './types.ts'

/** A key as admins see it: never the key or its hash. */
export interface ApiKeySummary extends ApiKeyRecord {
  /** Last authenticated request, to the minute (recorded at most once a minute per key). */
  lastUsedAt: string | null
  /** When it was revoked; a revoked key authenticates nothing. */
  revokedAt: string | null
}

export type RevokeKeyOutcome = 'revoked' | 'not-found' | 'last-admin'

/** Filters of GET /v1/articles; all optional, combined with AND. Newest (last to arrive) first. */
export interface ArticleListQuery {
  guid?: string
  /** Of the latest version. */
  status?: VersionStatus
  /** Of the latest version. */
  event?: VersionEvent
  category?: string
  /** First received at or after / before (ISO 8601). */
  since?: string
  until?: string
  /** Every term must begin one of the headline's search terms (both from search-text.ts). */
  terms?: string[]
  /** Continue after the story with this arrival number (the order key: ArticleSummary.seq). */
  afterSeq?: number
  limit: number
}

/** One story in a list: its latest version. */
export interface ArticleSummary {
  /** Arrival order of the story (newest first = descending): what a list cursor holds. */
  seq: number
  id: string
  guid: string
  version: number
  status: VersionStatus
  event: VersionEvent
  headline: string
  category: string | null
  language: string
  urgency: number | null
  firstCreated: string
  versionCreated: string
}

/** One version in a story's history. */
export interface VersionSummary {
  version: number
  event: VersionEvent
  status: VersionStatus
  statusReason: string | null
  createdAt: string
  note: string | null
}

/** Translation cost of one language, summed over what was asked of storage. */
export interface LanguageUsage {
  lang: string
  charsSent: number
  charsReused: number
  requests: number
}

export interface DailyUsage extends LanguageUsage {
  /** UTC day, YYYY-MM-DD. */
  day: string
}
