// The conditions that decide which versions and deliveries are in which queue and may be
// claimed, written once for both backends: the SQL text is the same, only the placeholder of
// `now` differs (`:now` on SQLite, `$n` on PostgreSQL; an ISO string compared as text: every
// PostgreSQL timestamp column is COLLATE "C", so byte order is time order, as in SQLite). The
// migrations' partial indexes (versions_translation_queue, versions_distribution_queue) carry
// the same status predicates.

/** A column, qualified by the table's alias when the statement has one. */
const column = (alias: string | undefined, name: string): string => alias === undefined ? name : `${alias}.${name}`

/** Versions the translation stage works on. */
export const IN_TRANSLATION = (alias?: string): string => `${column(alias, 'status')} IN ('received', 'translating')`

/** Versions translated and waiting to be fanned out. */
export const IN_DISTRIBUTION = (alias?: string): string => `${column(alias, 'status')} = 'translated'`

/** Versions still in the pipeline: a kill supersedes them, a failure or a dead run may end them. */
export const IN_PIPELINE = (alias?: string): string => `${column(alias, 'status')} IN ('received', 'translating', 'translated')`

/** Rows whose lease is free or has run out (its holder died or overran). */
export const LEASE_FREE = (alias: string | undefined, now: string): string =>
  `(${column(alias, 'lease_until')} IS NULL OR ${column(alias, 'lease_until')} <= ${now})`

// A later version of a story waits until every earlier one is out (distributed, failed or
// superseded by a kill), so a partner never receives version 3 before version 2.
export const NO_EARLIER_PENDING_VERSION = `NOT EXISTS (
  SELECT 1 FROM versions e WHERE e.article_id = v.article_id AND e.version < v.version
    AND e.status NOT IN ('distributed', 'failed', 'superseded'))`

/** A version the translation stage may claim once due: in its queue, lease free. Needs v. */
export const TRANSLATION_READY = (now: string): string => `${IN_TRANSLATION('v')} AND ${LEASE_FREE('v', now)}`

/** A version the distribution stage may claim once due: translated, lease free, no earlier version pending. Needs v. */
export const DISTRIBUTION_READY = (now: string): string =>
  `${IN_DISTRIBUTION('v')} AND ${LEASE_FREE('v', now)} AND ${NO_EARLIER_PENDING_VERSION}`

/**
 * A push delivery that may leave once due: the head of its subscriber's queue (the one pending
 * row with a due time, see sqlite-queue.ts), lease free, its subscriber an active, non-deleted
 * push subscriber. Only heads have a due time, so order and one-in-flight per subscriber hold
 * without looking at the rest of the outbox. Needs d and s. (TRUE is 1 in SQLite.)
 *
 * A claimed delivery's due time is its lease's end (both backends' lease statements set both):
 * should its holder die, it is due again when the lease runs out, and a claim walking the due
 * index by time never visits the rows in flight. Before, every claim read the deliveries in
 * flight (up to DELIVERY_CONCURRENCY, all due already) first and skipped them: ~60 % of the
 * claim's cost in a fan-out. LEASE_FREE still guards the rows leased before that.
 */
export const DELIVERY_READY = (now: string): string => `d.status = 'pending' AND d.next_attempt_at IS NOT NULL
  AND ${LEASE_FREE('d', now)} AND s.active = TRUE AND s.mode = 'push' AND s.deleted_at IS NULL`

/** A push delivery that may leave now. */
export const DELIVERY_CLAIMABLE = (now: string): string => `${DELIVERY_READY(now)} AND d.next_attempt_at <= ${now}`
