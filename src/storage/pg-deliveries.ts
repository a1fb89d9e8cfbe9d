// The delivery outbox on PostgreSQL: rows written with the version's fan-out (pg-versions.ts),
// claimed under a lease, one in flight per subscriber (the queue head, pg-queue.ts), numbered as
// they first leave, every attempt logged; and the pull feed, read from the same rows. Several
// instances claim from the same table; see claimDueDeliveries for how they stay apart.
import { advanceQueue, headLeft, leaseFirstSend } from './pg-queue.ts'
import { DELIVERY_CLAIMABLE, LEASE_FREE } from './claim-conditions.ts'
import { listPage, listPlace, unnumberedWanted } from './delivery-list.ts'
import type { PgDb, Sql } from './pg-tx.ts'
import type { AttemptOutcome, AttemptRecord, AttemptResult, AttemptToRecord, ClaimedDelivery, Delivery, Storage } from './types.ts'
import {
  ATTEMPT_COLUMNS, type AttemptRow, type ClaimRow, DELIVERY_SUMMARY_COLUMNS, type DeliveryRow, type DeliverySummaryRow, FEED_COLUMNS, type FeedRow,
  toAttempt, toClaimedDelivery, toDelivery, toDeliverySummary, toFeedItem
} from './rows.ts'

const DELIVERY_COLUMNS = `d.id, d.webhook_id, d.subscriber_id, d.version_id, d.sequence, d.lang, d.format, d.status, d.priority, d.position,
  d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at, d.replayed_at,
  doc.content_type, doc.body, v.event, v.article_id, v.version`

/** Selects deliveries with their document and the version facts every caller needs. */
const SELECT_DELIVERY = `SELECT ${DELIVERY_COLUMNS}
  FROM deliveries d JOIN versions v ON v.id = d.version_id JOIN documents doc ON doc.hash = d.document_hash`

/** A page of a subscriber's feed by sequence ($1 subscriber, $2 after, $3 limit); exported for the query-plan test. */
export const READ_FEED = `SELECT ${FEED_COLUMNS}
  FROM deliveries d JOIN versions v ON v.id = d.version_id JOIN articles a ON a.id = v.article_id
    JOIN documents doc ON doc.hash = d.document_hash
  WHERE d.subscriber_id = $1 AND d.sequence > $2 AND d.status <> 'canceled' ORDER BY d.sequence LIMIT $3`

// A subscriber's list (LIST_ORDER: delivery-list.ts), read in index order rather than by sorting
// all its rows. Its numbered rows after a sequence number ($1 subscriber, $2 after, $3 limit): all
// of them (deliveries_sequence), or of one status ($4; deliveries_by_subscriber). Exported for
// the query-plan test.
export const LIST_NUMBERED = `${SELECT_DELIVERY} WHERE d.subscriber_id = $1 AND d.sequence > $2 ORDER BY d.sequence LIMIT $3`
export const LIST_NUMBERED_BY_STATUS = `${SELECT_DELIVERY}
  WHERE d.subscriber_id = $1 AND d.status = $4 AND d.sequence > $2 ORDER BY d.sequence LIMIT $3`
// The unnumbered rows after a queue place ($2 priority and $3 position, or none: all), kills
// first, in queue order, $4 at most: the queue (deliveries_queue; over a short queue the planner
// may sort it instead), and the rows canceled before they were ever sent (deliveries_unsent_canceled).
const unnumbered = (status: string): string => `${SELECT_DELIVERY}
  WHERE d.subscriber_id = $1 AND d.status = '${status}' AND d.sequence IS NULL
    AND ($2::int IS NULL OR d.priority < $2 OR (d.priority = $2 AND d.position > $3::bigint))
  ORDER BY d.priority DESC, d.position LIMIT $4`
export const LIST_QUEUED = unnumbered('pending')
export const LIST_UNSENT_CANCELED = unnumbered('canceled')

type DeliveryMethods = Pick<Storage, 'claimDueDeliveries' | 'recordAttempts' | 'recordAndClaim' | 'postponeDelivery' |
  'listDeliveriesForArticle' | 'getDelivery' | 'listDeliveries' | 'listAttempts' | 'retryDelivery' | 'replayDeliveries' | 'readFeed'>

// Step 1: candidate heads in due order (only queue heads have a due time, so at most one per
// subscriber). FOR UPDATE SKIP LOCKED passes over rows another instance is claiming (or another
// transaction is changing) right now instead of waiting for them; a row updated meanwhile is
// checked again against the WHERE before it is returned.
export const FIND_CANDIDATES = `SELECT d.id, d.subscriber_id, d.sequence FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
  WHERE ${DELIVERY_CLAIMABLE('$1')} ORDER BY d.next_attempt_at LIMIT $2
  FOR UPDATE OF d SKIP LOCKED`
// Step 2: the lease, and the number the message keeps for every retry.
// The lease also moves the due time to when it runs out (DELIVERY_READY in claim-conditions.ts).
const TAKE_LEASE = 'UPDATE deliveries SET lease_until = $2, next_attempt_at = $2, sequence = $3 WHERE id = $1'
const LOAD_CLAIMED = `SELECT ${DELIVERY_COLUMNS}, s.url, s.secret, s.previous_secret, s.previous_secret_until
  FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id JOIN versions v ON v.id = d.version_id
    JOIN documents doc ON doc.hash = d.document_hash WHERE d.id = ANY($1::text[])`

export function createPgDeliveries (db: PgDb): DeliveryMethods {
  const getDelivery = async (sql: Sql, id: string): Promise<Delivery | null> => {
    const [row] = await sql.rows<DeliveryRow>(`${SELECT_DELIVERY} WHERE d.id = $1`, [id])
    return row === undefined ? null : toDelivery(row)
  }

  const record = async (sql: Sql, deliveryId: string, attempt: AttemptRecord, outcome: AttemptOutcome): Promise<AttemptResult> => {
    // The attempt and its outcome in one round trip: with one subscriber, deliveries follow one
    // another, so every round trip of this chain is paid once per message (bench:drain).
    const [row] = await sql.rows<{ subscriber_id: string }>(`WITH attempt AS (
        INSERT INTO attempts (delivery_id, at, status_code, duration_ms, error, response_excerpt) VALUES ($6, $7, $2, $8, $3, $9))
      UPDATE deliveries SET attempts = attempts + 1, status = $1,
      last_status_code = $2, last_error = $3, lease_until = NULL, next_attempt_at = $4, delivered_at = $5
      WHERE id = $6 AND status = 'pending'
      RETURNING subscriber_id`,
    [outcome.status, attempt.statusCode, attempt.error, outcome.status === 'pending' ? outcome.nextAttemptAt : null,
      outcome.status === 'delivered' ? attempt.at : null, deliveryId, attempt.at, Math.round(attempt.durationMs), attempt.responseExcerpt])
    if (row === undefined) return { failingSince: null }
    if (outcome.status !== 'pending') {
      // The message is out of the queue (delivered or dead): the next one becomes the head.
      const failingSince = await headLeft(sql, row.subscriber_id, attempt.at)
      // A success only writes when the subscriber was failing; a failure keeps the first failure's time.
      if (outcome.status === 'delivered') {
        if (failingSince !== null) await sql.run('UPDATE subscribers SET failing_since = NULL WHERE id = $1', [row.subscriber_id])
        return { failingSince: null }
      }
    }
    const [failing] = await sql.rows<{ failing_since: string | null }>(`UPDATE subscribers
      SET failing_since = COALESCE(failing_since, $1) WHERE id = $2 RETURNING failing_since`, [attempt.at, row.subscriber_id])
    return { failingSince: failing?.failing_since ?? null }
  }

  const recordAll = async (sql: Sql, items: AttemptToRecord[]): Promise<AttemptResult[]> => {
    const results: AttemptResult[] = []
    for (const i of items) results.push(await record(sql, i.deliveryId, i.attempt, i.outcome))
    return results
  }

  /** Leases up to `limit` due queue heads (inside the caller's transaction). */
  const claim = async (sql: Sql, now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]> => {
    const candidates = await sql.rows<{ id: string; subscriber_id: string; sequence: number | null }>(FIND_CANDIDATES, [now, limit])
    const claimedIds: string[] = []
    for (const { id, subscriber_id: subscriberId, sequence } of candidates) {
      // A message takes its number when it first leaves and keeps it for every retry; a
      // subscriber busy elsewhere waits a turn.
      if (sequence !== null) await sql.run(TAKE_LEASE, [id, leaseUntil, sequence])
      else if (await leaseFirstSend(sql, id, leaseUntil, subscriberId) === null) continue
      claimedIds.push(id)
    }
    if (claimedIds.length === 0) return []
    // Bodies are read for the chosen few only, not for every candidate.
    const rows = await sql.rows<ClaimRow & Pick<DeliveryRow, 'content_type' | 'body'>>(LOAD_CLAIMED, [claimedIds])
    const byId = new Map(rows.map((row) => [row.id, row]))
    return claimedIds.map((id): ClaimedDelivery => {
      const row = byId.get(id)!
      return toClaimedDelivery(row, row.sequence!, row, now)
    })
  }

  return {
    async claimDueDeliveries (now, leaseUntil, limit) {
      return db.tx((sql) => claim(sql, now, leaseUntil, limit))
    },

    async recordAttempts (items) {
      return db.tx((sql) => recordAll(sql, items))
    },

    async recordAndClaim (items, next) {
      return db.tx(async (sql) => {
        const results = await recordAll(sql, items)
        return { results, claimed: next.limit > 0 ? await claim(sql, next.now, next.leaseUntil, next.limit) : [] }
      })
    },

    async postponeDelivery (deliveryId, until) {
      await db.run('UPDATE deliveries SET lease_until = NULL, next_attempt_at = $1 WHERE id = $2 AND status = \'pending\'', [until, deliveryId])
    },

    async listDeliveriesForArticle (articleId, version) {
      const rows = await db.rows<DeliverySummaryRow>(`SELECT ${DELIVERY_SUMMARY_COLUMNS}
        FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id JOIN versions v ON v.id = d.version_id
        WHERE v.article_id = $1 AND v.version = $2 ORDER BY s.name, d.lang`, [articleId, version])
      return rows.map(toDeliverySummary)
    },

    async getDelivery (id) {
      return getDelivery(db, id)
    },

    async listDeliveries (subscriberId, { status, limit, after }) {
      // Numbered rows first, then (when the page is not full) the unnumbered ones (delivery-list.ts).
      const place = listPlace(after)
      const numbered = place.afterPriority !== null
        ? []
        : status === undefined
          ? await db.rows<DeliveryRow>(LIST_NUMBERED, [subscriberId, place.afterSequence, limit])
          : await db.rows<DeliveryRow>(LIST_NUMBERED_BY_STATUS, [subscriberId, place.afterSequence, limit, status])
      const want = unnumberedWanted(status)
      const rest = [subscriberId, place.afterPriority, place.afterPosition, limit - numbered.length]
      const unnumbered = numbered.length >= limit
        ? []
        : [
            ...want.queued ? await db.rows<DeliveryRow>(LIST_QUEUED, rest) : [],
            ...want.canceled ? await db.rows<DeliveryRow>(LIST_UNSENT_CANCELED, rest) : []
          ]
      return listPage(numbered, unnumbered, limit).map(toDelivery)
    },

    async listAttempts (deliveryId) {
      const rows = await db.rows<AttemptRow>(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE delivery_id = $1 ORDER BY id`, [deliveryId])
      return rows.map(toAttempt)
    },

    async retryDelivery (id, now) {
      return db.tx(async (sql) => {
        // The attempt log keeps the history; the counter restarts the retry schedule.
        // The queue head goes now; a row waiting in the queue keeps its place.
        await sql.run(`UPDATE deliveries SET attempts = 0, next_attempt_at = CASE WHEN next_attempt_at IS NULL THEN NULL ELSE $1 END
          WHERE id = $2 AND status = 'pending' AND ${LEASE_FREE(undefined, '$1')}`, [now, id])
        // Delivered or dead: queued again as a replay, in sequence order (it keeps its number).
        const [requeued] = await sql.rows<{ subscriber_id: string }>(`UPDATE deliveries SET status = 'pending', attempts = 0,
          next_attempt_at = NULL, lease_until = NULL, replayed_at = $1 WHERE id = $2 AND status IN ('delivered', 'dead')
          RETURNING subscriber_id`, [now, id])
        if (requeued !== undefined) await advanceQueue(sql, requeued.subscriber_id, now)
        return getDelivery(sql, id)
      })
    },

    async replayDeliveries (subscriberId, since, now) {
      return db.tx(async (sql) => {
        const count = await sql.run(`UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = NULL,
          lease_until = NULL, replayed_at = $1 WHERE subscriber_id = $2 AND created_at >= $3 AND status IN ('delivered', 'dead')`,
        [now, subscriberId, since])
        await advanceQueue(sql, subscriberId, now)
        return count
      })
    },

    async readFeed (subscriberId, after, limit) {
      const rows = await db.rows<FeedRow>(READ_FEED, [subscriberId, after, limit])
      return rows.map(toFeedItem)
    }
  }
}
