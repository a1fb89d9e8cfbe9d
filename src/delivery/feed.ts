// The pull feed: the items a subscriber's push would carry, by sequence number, with long-poll.
// The database is read before every wait and after it, so a wake-up that is missed (or that
// happened in another process) costs at most one re-check interval, never an item.
import type { StoredVersion } from '../articles/types.ts'
import type { AtomFeedItem } from '../formats/atom-feed.ts'
import type { FeedItem, Storage } from '../storage/types.ts'
import type { FeedNotifier } from './feed-notifier.ts'

/** Re-read the database at least this often while waiting. */
const RECHECK_MS = 1_000

export interface FeedRequest {
  after: number
  limit: number
  waitMs: number
}

export async function readFeed (storage: Storage, notifier: FeedNotifier, subscriberId: string,
  request: FeedRequest, signal: AbortSignal): Promise<{ items: FeedItemView[]; next: number }> {
  const deadline = Date.now() + request.waitMs
  let items = await storage.readFeed(subscriberId, request.after, request.limit)
  while (items.length === 0 && !signal.aborted && !notifier.closed) {
    const left = deadline - Date.now()
    if (left <= 0) break
    await notifier.wait(subscriberId, Math.min(left, RECHECK_MS), signal)
    items = await storage.readFeed(subscriberId, request.after, request.limit)
  }
  return { items: items.map(feedItemView), next: items.at(-1)?.sequence ?? request.after }
}

/** A feed item as a reader gets it: JSON documents (ninjs) embedded as objects, XML as text. */
export type FeedItemView = Omit<FeedItem, 'body'> & { body: string | Record<string, unknown> }

export function feedItemView (item: FeedItem): FeedItemView {
  // Content types are fixed by the formatters (src/formats/registry.ts); only JSON ones parse.
  const json = /^application\/(?:[\w.+-]+\+)?json\b/.test(item.contentType)
  return json ? { ...item, body: JSON.parse(item.body) as Record<string, unknown> } : item
}

/**
 * One page of the Atom feed: the same items as the JSON feed, each with the stored version and
 * translation its entry is rendered from. `next` is the `after` of the following page, or null.
 */
export async function readAtomFeedPage (storage: Storage, subscriberId: string, after: number, limit: number):
Promise<{ items: AtomFeedItem[]; next: number | null }> {
  // One item more than asked for says whether a next page exists without a count query.
  const read = await storage.readFeed(subscriberId, after, limit + 1)
  const page = read.slice(0, limit)
  // The languages of one version are consecutive items: read each version once.
  const versions = new Map<string, StoredVersion | null>()
  const items: AtomFeedItem[] = []
  for (const item of page) {
    const key = `${item.articleId}\u0000${item.version}`
    let version = versions.get(key)
    if (version === undefined) {
      version = await storage.getVersion(item.articleId, item.version)
      versions.set(key, version)
    }
    // Versions and translations are never deleted, so these gaps mean a damaged database; one
    // unreadable item is left out of the Atom page (the JSON feed still has its document) rather
    // than blocking every later item behind it.
    if (version === null) continue
    const translation = item.lang === version.content.language ? null : await storage.getTranslation(version.id, item.lang)
    if (translation === null && item.lang !== version.content.language) continue
    items.push({ sequence: item.sequence, event: item.event, version, translation })
  }
  return { items, next: read.length > limit ? (page.at(-1)?.sequence ?? null) : null }
}
