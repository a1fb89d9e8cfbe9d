// The delivery outbox on SQLite: rows written with the version's fan-out (sqlite-versions.ts),
// claimed under a lease, one in flight per subscriber (the queue head, sqlite-queue.ts), numbered
// as they first leave, with every attempt logged; and the pull feed, read from the same rows.
import { boundedMemo } from '../bounded-memo.ts'
import { DELIVERY_CLAIMABLE, LEASE_FREE } from './claim-conditions.ts'
import { listPage, listPlace, unnumberedWanted } from './delivery-list.ts'
import { type Db, preparedLater, transaction } from './sqlite-tx.ts'
import type { AttemptOutcome, AttemptRecord, AttemptResult, ClaimedDelivery, Delivery, Storage } from './types.ts'
import {
  ATTEMPT_COLUMNS, type AttemptRow, type ClaimRow, DELIVERY_SUMMARY_COLUMNS, type DeliveryRow, type DeliverySummaryRow, FEED_COLUMNS, type FeedRow,
  toAttempt, toClaimedDelivery, toDelivery, toDeliverySummary, toFeedItem
} from './rows.ts'
import type { SqliteQueue } from './sqlite-queue.ts'

/** Selects deliveries with their document and the version facts every caller needs. */
export const SELECT_DELIVERY = selectDelivery()

/** SELECT_DELIVERY, reading the deliveries through the index named, if any. */
function selectDelivery (index?: string): string {
  return `SELECT d.*, doc.content_type, doc.body, v.event, v.article_id, v.version
  FROM deliveries d${index === undefined ? '' : ` INDEXED BY ${index}`} JOIN versions v ON v.id = d.version_id
    JOIN documents doc ON doc.hash = d.document_hash`
}

/** A page of a subscriber's feed by sequence (subscriber, after, limit); exported for the query-plan test. */
export const READ_FEED = `SELECT ${FEED_COLUMNS}
  FROM deliveries d JOIN versions v ON v.id = d.version_id JOIN articles a ON a.id = v.article_id
    JOIN documents doc ON doc.hash = d.document_hash
  WHERE d.subscriber_id = ? AND d.sequence > ? AND d.status <> 'canceled' ORDER BY d.sequence LIMIT ?`

// A subscriber's list (LIST_ORDER: delivery-list.ts), read in index order rather than by sorting
// all its rows. The numbered rows after a sequence number, :limit at most: all of them, or those of one status
// (needs :subscriberId, :afterSequence, :limit; LIST_NUMBERED also :status, checked on the way,
// which suits delivered rows, the bulk of a history). Pending, dead and feed rows each have an
// index of their own, so a filter on them never walks the delivered ones.
const numbered = (index: string, condition: string): string => `${selectDelivery(index)}
  WHERE d.subscriber_id = :subscriberId AND d.sequence > :afterSequence AND ${condition} ORDER BY d.sequence LIMIT :limit`
export const LIST_NUMBERED = numbered('deliveries_sequence', '(:status IS NULL OR d.status = :status)')
export const LIST_NUMBERED_WAITING = numbered('deliveries_numbered_queue', "d.status = 'pending' AND d.next_attempt_at IS NULL")
export const LIST_DEAD = numbered('deliveries_dead', "d.status = 'dead'")
export const LIST_FEED = numbered('deliveries_feed', "d.status = 'feed'")
/** The queue head, when it has a number past :afterSequence (one row at most). */
export const LIST_NUMBERED_HEAD = `${selectDelivery('deliveries_head')}
  WHERE d.subscriber_id = :subscriberId AND d.status = 'pending' AND d.next_attempt_at IS NOT NULL AND d.sequence > :afterSequence`
// The unnumbered rows after a queue place (none: all of them), kills first, in queue order: the
// queue itself, and the rows canceled before they were ever sent, which keep their queue place
// in the list (migration 95). At most :limit of each; listDeliveries merges the two.
const unnumbered = (index: string, rowStatus: string): string => `${selectDelivery(index)}
  WHERE d.subscriber_id = :subscriberId AND d.status = '${rowStatus}' AND d.sequence IS NULL
    AND (:afterPriority IS NULL OR d.priority < :afterPriority OR (d.priority = :afterPriority AND d.position > :afterPosition))
  ORDER BY d.priority DESC, d.position LIMIT :limit`
export const LIST_QUEUED = unnumbered('deliveries_queue', 'pending')
export const LIST_UNSENT_CANCELED = unnumbered('deliveries_unsent_canceled', 'canceled')

type DeliveryMethods = Pick<Storage, 'claimDueDeliveries' | 'recordAttempts' | 'recordAndClaim' | 'postponeDelivery' |
  'listDeliveriesForArticle' | 'getDelivery' | 'listDeliveries' | 'listAttempts' | 'retryDelivery' | 'replayDeliveries' | 'readFeed'>

const RECENT_DOCUMENTS = 32

// Only queue heads have a due time: walking deliveries_due visits one row per subscriber at most.
// The rows come with what sending them needs (a second statement per row cost 12 µs a delivery;
// bodies are not read here but from the documents kept below). Needs :now and :limit; exported
// for the query-plan test.
export const DELIVERY_CLAIM = `SELECT d.*, v.event, v.article_id, v.version, s.url, s.secret, s.previous_secret, s.previous_secret_until
  FROM deliveries d INDEXED BY deliveries_due JOIN subscribers s ON s.id = d.subscriber_id JOIN versions v ON v.id = d.version_id
  WHERE ${DELIVERY_CLAIMABLE(':now')} ORDER BY d.next_attempt_at LIMIT :limit`

/**
 * A claimed row's lease (lease until, sequence, id), which also moves its due time to when the
 * lease runs out (DELIVERY_READY in claim-conditions.ts). Exported for the query-plan test.
 */
export const TAKE_LEASE = 'UPDATE deliveries SET lease_until = ?1, next_attempt_at = ?1, sequence = ?2 WHERE id = ?3'

export function createSqliteDeliveries (db: Db, queue: SqliteQueue): DeliveryMethods {
  const getDelivery = (id: string): Delivery | null => {
    const row = db.prepare(`${SELECT_DELIVERY} WHERE d.id = ?`).get(id)
    return row === undefined ? null : toDelivery(row as unknown as DeliveryRow)
  }

  const insertAttempt = preparedLater(db, `INSERT INTO attempts (delivery_id, at, status_code, duration_ms, error, response_excerpt)
    VALUES (?, ?, ?, ?, ?, ?)`)
  // Only a pending row (the queue head whose attempt this is) takes an outcome: a row canceled
  // meanwhile (subscriber deleted) stays canceled, and a stale second report cannot make a
  // finished row a second head.
  const applyOutcome = preparedLater(db, `UPDATE deliveries SET attempts = attempts + 1, status = ?, last_status_code = ?, last_error = ?,
    lease_until = NULL, next_attempt_at = ?, delivered_at = ? WHERE id = ? AND status = 'pending' RETURNING subscriber_id`)
  // A success only writes when the subscriber was failing; a failure only when it was not yet.
  const clearFailing = preparedLater(db, 'UPDATE subscribers SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL')
  const markFailing = preparedLater(db, `UPDATE subscribers SET failing_since = COALESCE(failing_since, ?) WHERE id = ?
    RETURNING failing_since`)
  const record = (deliveryId: string, attempt: AttemptRecord, outcome: AttemptOutcome): AttemptResult => {
    insertAttempt().run(deliveryId, attempt.at, attempt.statusCode, Math.round(attempt.durationMs), attempt.error, attempt.responseExcerpt)
    const row = applyOutcome().get(outcome.status, attempt.statusCode, attempt.error,
      outcome.status === 'pending' ? outcome.nextAttemptAt : null,
      outcome.status === 'delivered' ? attempt.at : null, deliveryId) as { subscriber_id: string } | undefined
    if (row === undefined) return { failingSince: null }
    // The message is out of the queue (delivered or dead): the next one becomes the head.
    if (outcome.status !== 'pending') queue.headLeft(row.subscriber_id, attempt.at)
    if (outcome.status === 'delivered') {
      clearFailing().run(row.subscriber_id)
      return { failingSince: null }
    }
    const failing = markFailing().get(attempt.at, row.subscriber_id) as { failing_since: string | null }
    return { failingSince: failing.failing_since }
  }

  const findCandidates = preparedLater(db, DELIVERY_CLAIM)
  const takeLease = preparedLater(db, TAKE_LEASE)
  // A fan-out sends one document to many subscribers: keep the last few in memory instead of
  // copying the same body out of SQLite for every claim. Documents never change once written.
  const loadDocument = preparedLater(db, 'SELECT content_type, body FROM documents WHERE hash = ?')
  const documentFor = boundedMemo(RECENT_DOCUMENTS,
    (hash: string) => loadDocument().get(hash) as { content_type: string; body: string })

  /** A subscriber's numbered rows after a sequence number, in sequence order, of one status or all, from the right index. */
  const numberedRows = (status: Delivery['status'] | undefined, from: { subscriberId: string; afterSequence: number; limit: number }): DeliveryRow[] => {
    const rows = (sql: string, params: Record<string, string | number | null>) => db.prepare(sql).all(params) as unknown as DeliveryRow[]
    if (status === 'pending') {
      // The head and the numbered rows behind it may come in either order (a replay behind a later head).
      const { subscriberId, afterSequence } = from
      return [...rows(LIST_NUMBERED_WAITING, from), ...rows(LIST_NUMBERED_HEAD, { subscriberId, afterSequence })]
        .sort((x, y) => x.sequence! - y.sequence!).slice(0, from.limit)
    }
    if (status === 'dead') return rows(LIST_DEAD, from)
    if (status === 'feed') return rows(LIST_FEED, from)
    return rows(LIST_NUMBERED, { ...from, status: status ?? null })
  }

  /** Leases up to `limit` due queue heads (inside the caller's transaction). */
  const claim = (now: string, leaseUntil: string, limit: number): ClaimedDelivery[] => {
    const candidates = findCandidates().all({ now, limit }) as unknown as ClaimRow[]
    const claimed: ClaimedDelivery[] = []
    for (const candidate of candidates) {
      // A message takes its number when it first leaves, and keeps it for every retry.
      const sequence = candidate.sequence ?? queue.takeSequence(candidate.subscriber_id)
      takeLease().run(leaseUntil, sequence, candidate.id)
      claimed.push(toClaimedDelivery(candidate, sequence, documentFor(candidate.document_hash), now))
    }
    return claimed
  }

  return {
    async claimDueDeliveries (now, leaseUntil, limit) {
      return transaction(db, () => claim(now, leaseUntil, limit))
    },

    async recordAttempts (items) {
      return transaction(db, () => items.map((i) => record(i.deliveryId, i.attempt, i.outcome)))
    },

    async recordAndClaim (items, next) {
      return transaction(db, () => {
        const results = items.map((i) => record(i.deliveryId, i.attempt, i.outcome))
        return { results, claimed: next.limit > 0 ? claim(next.now, next.leaseUntil, next.limit) : [] }
      })
    },

    async postponeDelivery (deliveryId, until) {
      db.prepare('UPDATE deliveries SET lease_until = NULL, next_attempt_at = ? WHERE id = ? AND status = \'pending\'').run(until, deliveryId)
    },

    async listDeliveriesForArticle (articleId, version) {
      const rows = db.prepare(`SELECT ${DELIVERY_SUMMARY_COLUMNS}
        FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id JOIN versions v ON v.id = d.version_id
        WHERE v.article_id = ? AND v.version = ? ORDER BY s.name, d.lang`).all(articleId, version) as unknown as DeliverySummaryRow[]
      return rows.map(toDeliverySummary)
    },

    async getDelivery (id) {
      return getDelivery(id)
    },

    async listDeliveries (subscriberId, { status, limit, after }) {
      // LIST_ORDER (delivery-list.ts) in two parts, each read in the order of its indexes: the
      // numbered rows, then (when the page is not full) the unnumbered ones.
      const place = listPlace(after)
      const numbered = place.afterPriority === null
        ? numberedRows(status, { subscriberId, afterSequence: place.afterSequence, limit })
        : []
      const want = unnumberedWanted(status)
      const rest = { subscriberId, afterPriority: place.afterPriority, afterPosition: place.afterPosition, limit: limit - numbered.length }
      const unnumbered = numbered.length >= limit
        ? []
        : [
            ...want.queued ? db.prepare(LIST_QUEUED).all(rest) : [],
            ...want.canceled ? db.prepare(LIST_UNSENT_CANCELED).all(rest) : []
          ] as unknown as DeliveryRow[]
      return listPage(numbered, unnumbered, limit).map(toDelivery)
    },

    async listAttempts (deliveryId) {
      const rows = db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE delivery_id = ? ORDER BY id`).all(deliveryId)
      return rows.map((row) => toAttempt(row as unknown as AttemptRow))
    },

    async retryDelivery (id, now) {
      return transaction(db, () => {
        // The attempt log keeps the history; the counter restarts the retry schedule.
        // The queue head goes now; a row waiting in the queue keeps its place.
        db.prepare(`UPDATE deliveries SET attempts = 0, next_attempt_at = CASE WHEN next_attempt_at IS NULL THEN NULL ELSE ? END
          WHERE id = ? AND status = 'pending' AND ${LEASE_FREE(undefined, '?')}`).run(now, id, now)
        // Delivered or dead: queued again as a replay, in sequence order (it keeps its number).
        const requeued = db.prepare(`UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = NULL,
          lease_until = NULL, replayed_at = ? WHERE id = ? AND status IN ('delivered', 'dead') RETURNING subscriber_id`)
          .get(now, id) as { subscriber_id: string } | undefined
        if (requeued !== undefined) queue.advance(requeued.subscriber_id, now)
        return getDelivery(id)
      })
    },

    async replayDeliveries (subscriberId, since, now) {
      return transaction(db, () => {
        const result = db.prepare(`UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = NULL,
          lease_until = NULL, replayed_at = ? WHERE subscriber_id = ? AND created_at >= ? AND status IN ('delivered', 'dead')`)
          .run(now, subscriberId, since)
        queue.advance(subscriberId, now)
        return Number(result.changes)
      })
    },

    async readFeed (subscriberId, after, limit) {
      const rows = db.prepare(READ_FEED).all(subscriberId, after, limit) as unknown as FeedRow[]
      return rows.map(toFeedItem)
    }
  }
}
