// The pull feed: the items a subscriber's push would carry, by sequence number, with long-poll.
// The database is read before every wait and after it, so a wake-up that is missed (or that
// happened in another process) costs at most one re-check interval, never an item.
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
  request: FeedRequest, signal: AbortSignal): Promise<{ items: FeedItem[]; next: number }> {
  const deadline = Date.now() + request.waitMs
  let items = await storage.readFeed(subscriberId, request.after, request.limit)
  while (items.length === 0 && !signal.aborted && !notifier.closed) {
    const left = deadline - Date.now()
    if (left <= 0) break
    await notifier.wait(subscriberId, Math.min(left, RECHECK_MS), signal)
    items = await storage.readFeed(subscriberId, request.after, request.limit)
  }
  return { items, next: items.at(-1)?.sequence ?? request.after }
}
