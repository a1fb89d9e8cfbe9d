// The order of a subscriber's delivery list and where a page of it resumes, written once for both
// backends: numbered rows by sequence, then the queued ones (no number yet), kills first, in
// queue order. A page that ends among the queued rows resumes after the last one's place in the
// queue; before, a page could only resume after a sequence number, so queued rows past the first
// page were out of reach.
import type { DeliveryListPlace } from './types.ts'

export const LIST_ORDER = 'd.sequence IS NULL, d.sequence, d.priority DESC, d.position'

/**
 * Rows after a place, given the placeholders of its three parts: a sequence (numbered rows after
 * it, then every queued row), or a queued row's priority and position (queued rows after it).
 */
export const AFTER_PLACE = (sequence: string, priority: string, position: string): string =>
  `((${priority} IS NULL AND (d.sequence > ${sequence} OR d.sequence IS NULL))
    OR (d.sequence IS NULL AND (d.priority < ${priority} OR (d.priority = ${priority} AND d.position > ${position}))))`

/** The values for AFTER_PLACE's placeholders; no place is the start of the list. */
export function listPlace (after: DeliveryListPlace | undefined): { afterSequence: number; afterPriority: number | null; afterPosition: number | null } {
  if (after === undefined) return { afterSequence: 0, afterPriority: null, afterPosition: null }
  if ('sequence' in after) return { afterSequence: after.sequence, afterPriority: null, afterPosition: null }
  return { afterSequence: 0, afterPriority: after.priority, afterPosition: after.position }
}
