// Domain decisions both backends apply inside their transactions, written once: a backend calls
// these and stores what they return, so SQLite and PostgreSQL cannot drift apart on a rule.
import { createHash } from 'node:crypto'
import { newId } from '../ids.ts'
import type { VersionEvent, VersionStatus } from '../../schemas/articles.ts'
import type { DeliveryStatus, SubscriberMode } from '../../schemas/subscribers.ts'
import type { ArticleContent } from '../articles/types.ts'
import type { IngestOutcome, RetryVersionOutcome, Subscriber, SubscriberEvent, SubscriberUpdate } from './types.ts'

/** The story's latest version, as ingest reads it before deciding. */
export interface LatestVersion {
  id: string
  version: number
  contentHash: string
  status: VersionStatus
  event: string
  createdAt: string
}

/**
 * What a post for a story already stored comes to, before anything is written: a kill is final
 * (the same guid never carries the story again; publish under a new guid), and the same content
 * is no new version. Null: the post is version latest.version + 1.
 */
export function repeatedPostOutcome (articleId: string, latest: LatestVersion, contentHash: string): IngestOutcome | null {
  const found = { articleId, versionId: latest.id, version: latest.version, status: latest.status }
  if (latest.event === 'kill') return { kind: 'killed', ...found, killedAt: latest.createdAt }
  if (latest.contentHash === contentHash) return { kind: 'unchanged', ...found }
  return null
}

/** Why a new version exists: the first is `new`; later ones are updates unless marked a correction. */
export function versionEvent (version: number, correction: boolean | undefined): VersionEvent {
  if (version === 1) return 'new'
  return correction === true ? 'correction' : 'update'
}

/** A kill's content hash: distinct from any content's, so the kill is never taken for a repeat. */
export function killContentHash (latestContentHash: string): string {
  return `kill:${latestContentHash}`
}

/** An editor's retry of a story: only a latest version that failed goes back to `received`. */
export function retryOutcome (latest: { id: string; version: number; status: VersionStatus } | undefined): RetryVersionOutcome {
  if (latest === undefined) return { kind: 'not-found' }
  if (latest.status !== 'failed') return { kind: 'not-failed', version: latest.version, status: latest.status }
  return { kind: 'retried', versionId: latest.id, version: latest.version }
}

/** Why a version or delivery stopped, as its status reason or last error says. */
export const STOPPED_BECAUSE = {
  /** A version still in the pipeline when its story was killed. */
  overtakenByKill: 'a kill overtook this version',
  /** A delivery of an earlier version never sent when the story was killed. */
  supersededByKill: 'superseded by a kill',
  /** A delivery still queued (or in the feed) when its subscriber was deleted. */
  subscriberDeleted: 'subscriber deleted'
} as const

/** A kill with a reason is translated first (the reason is its note); without one it goes out at once. */
export function killStatus (reason: string | undefined): Extract<VersionStatus, 'received' | 'translated'> {
  return reason === undefined ? 'translated' : 'received'
}

/** The latest content with the kill's reason as its note (an earlier version's note does not carry over). */
export function killContent (latestContent: string, reason: string | undefined): string {
  const { note: _earlier, ...content } = JSON.parse(latestContent) as ArticleContent
  return JSON.stringify(reason === undefined ? content : { ...content, note: reason })
}

/**
 * Where a new delivery starts: pull subscribers read their items from the feed, numbered as they
 * are written; a push delivery waits in its subscriber's queue and is numbered when it first leaves.
 */
export function initialDeliveryStatus (mode: SubscriberMode): Extract<DeliveryStatus, 'feed' | 'pending'> {
  return mode === 'pull' ? 'feed' : 'pending'
}

/** The id a partner sees on every attempt of one message (the webhook-id header): msg_ and a UUID. */
export function newWebhookId (): string {
  return `msg_${newId()}`
}

/**
 * A fan-out's documents, each hashed once: most subscribers share a rendering. Keyed by the body
 * string itself, whose hash V8 keeps in the string, then by content type: a key made by joining
 * the two (as before) was a new 10 KB string per subscriber, flattened by every Map lookup:
 * 100 MB of garbage in a 10,000-delivery fan-out.
 */
export function fanOutDocuments (): (contentType: string, body: string) => { hash: string; isNew: boolean } {
  const byBody = new Map<string, Map<string, string>>()
  return (contentType, body) => {
    let byType = byBody.get(body)
    if (byType === undefined) {
      byType = new Map()
      byBody.set(body, byType)
    }
    const known = byType.get(contentType)
    if (known !== undefined) return { hash: known, isNew: false }
    const hash = documentHash(contentType, body)
    byType.set(contentType, hash)
    return { hash, isNew: true }
  }
}

/** Documents are stored once by this hash: most subscribers share a rendering. */
export function documentHash (contentType: string, body: string): string {
  return createHash('sha256').update(contentType).update('\n').update(body).digest('hex')
}

/**
 * The secrets that sign a message sent at `now`: the current one and, during a rotation's
 * overlap (until previousUntil), the previous one as well.
 */
export function signingSecrets (secret: string, previous: string | null, previousUntil: string | null, now: string): string[] {
  return previous !== null && previousUntil !== null && previousUntil > now ? [secret, previous] : [secret]
}

/** What an admin's change makes of a subscriber, and the event to log for it (null: none). */
export function patchSubscriber (current: Subscriber, patch: SubscriberUpdate, now: string): {
  next: Subscriber
  /** Enabled again: the reason it was disabled and its failing streak are cleared. */
  reenabled: boolean
  event: SubscriberEvent | null
} {
  const next = { ...current, ...patch }
  // A new format without a version of its own starts at that format's default version.
  if (patch.format !== undefined && patch.format !== current.format && patch.formatVersion === undefined) delete next.formatVersion
  const changed = patch.active !== undefined && patch.active !== current.active
  return {
    next,
    reenabled: patch.active === true && !current.active,
    event: changed ? { at: now, kind: patch.active ? 'enabled' : 'disabled', detail: 'changed by an admin' } : null
  }
}

/** The url column of a subscriber: pull subscribers have no endpoint; the column predates them and holds ''. */
export function urlColumn (subscriber: Pick<Subscriber, 'mode' | 'url'>): string {
  return subscriber.mode === 'pull' ? '' : subscriber.url ?? ''
}

export const deletedEvent = (now: string): SubscriberEvent => ({ at: now, kind: 'deleted', detail: 'deleted by an admin' })

export const secretRotatedEvent = (now: string, previousUntil: string): SubscriberEvent =>
  ({ at: now, kind: 'secret-rotated', detail: `the previous secret also signs until ${previousUntil}` })

export const disabledEvent = (now: string, reason: string): SubscriberEvent => ({ at: now, kind: 'disabled', detail: reason })
