// The order of a subscriber's delivery list and where a page of it resumes, written once for both
// backends: numbered rows by sequence, then the queued ones (no number yet), kills first, in
// queue order. A page that ends among the queued rows resumes after the last one's place in the
// queue; before, a page could only resume after a sequence number, so queued rows past the first
// page were out of reach.
import type { DeliveryStatus } from '../../schemas/subscribers.ts'
import type { DeliveryListPlace } from './types.ts'

// The list's order, LIST_ORDER in the backends' comments: numbered rows by sequence, then the
// unnumbered ones by priority, kills first, then queue position. Each backend reads it in index
// order, numbered and unnumbered rows apart (sqlite-deliveries.ts, pg-deliveries.ts), rather than
// by sorting all of a subscriber's rows for every page, which grew with its history.

/** Where a page resumes: after a sequence number, or after a queued row's priority and position; none is the start. */
export function listPlace (after: DeliveryListPlace | undefined): { afterSequence: number; afterPriority: number | null; afterPosition: number | null } {
  if (after === undefined) return { afterSequence: 0, afterPriority: null, afterPosition: null }
  if ('sequence' in after) return { afterSequence: after.sequence, afterPriority: null, afterPosition: null }
  return { afterSequence: 0, afterPriority: after.priority, afterPosition: after.position }
}

/** Which unnumbered rows a list of `status` (none: all) shows: only pending and canceled rows are ever unnumbered. */
export function unnumberedWanted (status: DeliveryStatus | undefined): { queued: boolean; canceled: boolean } {
  return { queued: status === undefined || status === 'pending', canceled: status === undefined || status === 'canceled' }
}

/**
 * A page: the numbered rows (in sequence order already), then the unnumbered ones, the queue's and
 * those canceled before they were sent read apart, merged in queue order (kills first), `limit` in all.
 */
export function listPage<R extends { priority: number | string; position: number | string }> (numbered: R[], unnumbered: R[], limit: number): R[] {
  const queued = [...unnumbered].sort((a, b) => Number(b.priority) - Number(a.priority) || Number(a.position) - Number(b.position))
  return [...numbered, ...queued].slice(0, limit)
}
