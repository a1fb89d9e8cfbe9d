// Domain decisions both backends apply inside their transactions, written once: a backend calls
// these and stores what they return, so SQLite and PostgreSQL cannot drift apart on a rule.
import { createHash, randomUUID } from 'node:crypto'
import type { VersionEvent } from '../../schemas/articles.ts'
import type { DeliveryStatus, SubscriberMode } from '../../schemas/subscribers.ts'
import type { ArticleContent } from '../articles/types.ts'

/** Why a new version exists: the first is `new`; later ones are updates unless marked a correction. */
export function versionEvent (version: number, correction: boolean | undefined): VersionEvent {
  if (version === 1) return 'new'
  return correction === true ? 'correction' : 'update'
}

/** A kill's content hash: distinct from any content's, so the kill is never taken for a repeat. */
export function killContentHash (latestContentHash: string): string {
  return `kill:${latestContentHash}`
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
  return `msg_${randomUUID()}`
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
