// The delivery outbox on PostgreSQL: rows written with the version's fan-out (pg-versions.ts),
// claimed under a lease, one in flight per subscriber (the queue head, pg-queue.ts), numbered as
// they first leave, every attempt logged; and the pull feed, read from the same rows. Several
// instances claim from the same table; see claimDueDeliveries for how they stay apart.
import { advanceQueue, leaseFirstSends, lockSubscribers, promoteNext } from './pg-queue.ts'
import { DELIVERY_CLAIMABLE, LEASE_FREE } from './claim-conditions.ts'
import { listPage, listPlace, unnumberedWanted } from './delivery-list.ts'
import type { PgDb, Sql } from './pg-tx.ts'
import type { AttemptResult, AttemptToRecord, ClaimedDelivery, Delivery, Storage } from './types.ts'
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
// Step 2: the leases. Heads that have left before keep their number (never sent: LEASE_FIRST_SENDS,
// pg-queue.ts). A lease also moves the due time to when it runs out (DELIVERY_READY in
// claim-conditions.ts). Exported for the query-plan test.
export const LEASE_AGAIN = 'UPDATE deliveries SET lease_until = $2, next_attempt_at = $2 WHERE id = ANY($1::text[])'
const LOAD_CLAIMED = `SELECT ${DELIVERY_COLUMNS}, s.url, s.secret, s.previous_secret, s.previous_secret_until
  FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id JOIN versions v ON v.id = d.version_id
    JOIN documents doc ON doc.hash = d.document_hash WHERE d.id = ANY($1::text[])`

// A batch's attempts and their outcomes (one per delivery, ordered as given): only a pending row
// (the queue head whose attempt this is) takes an outcome. Exported for the query-plan test.
export const RECORD_ATTEMPTS = `WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
      AS i(delivery_id, at, status_code, duration_ms, error, response_excerpt, status, next_attempt_at, delivered_at)),
  logged AS (INSERT INTO attempts (delivery_id, at, status_code, duration_ms, error, response_excerpt)
    SELECT delivery_id, at, status_code, duration_ms, error, response_excerpt FROM input)
  UPDATE deliveries d SET attempts = d.attempts + 1, status = i.status, last_status_code = i.status_code, last_error = i.error,
    lease_until = NULL, next_attempt_at = i.next_attempt_at, delivered_at = i.delivered_at
  FROM input i WHERE d.id = ANY($1::text[]) AND d.id = i.delivery_id AND d.status = 'pending'
  RETURNING d.id, d.subscriber_id`

export function createPgDeliveries (db: PgDb): DeliveryMethods {
  const getDelivery = async (sql: Sql, id: string): Promise<Delivery | null> => {
    const [row] = await sql.rows<DeliveryRow>(`${SELECT_DELIVERY} WHERE d.id = $1`, [id])
    return row === undefined ? null : toDelivery(row)
  }

  /**
   * Records a batch of finished attempts in a fixed number of round trips, whatever its size: the
   * attempts and their outcomes in one statement, then the subscribers whose queue moved (or
   * whose failing state may change) locked together in id order (the order a fan-out locks them
   * in, so the two never deadlock; one at a time, in the batch's order, they could), their next
   * heads chosen in one statement, and their failing state moved in one more.
   */
  const recordAll = async (sql: Sql, items: AttemptToRecord[]): Promise<AttemptResult[]> => {
    if (items.length === 0) return []
    const rows = await sql.rows<{ id: string; subscriber_id: string }>(RECORD_ATTEMPTS, [
      items.map((i) => i.deliveryId), items.map((i) => i.attempt.at), items.map((i) => i.attempt.statusCode),
      items.map((i) => Math.round(i.attempt.durationMs)), items.map((i) => i.attempt.error), items.map((i) => i.attempt.responseExcerpt),
      items.map((i) => i.outcome.status), items.map((i) => i.outcome.status === 'pending' ? i.outcome.nextAttemptAt : null),
      items.map((i) => i.outcome.status === 'delivered' ? i.attempt.at : null)])
    // A row that was no longer pending (canceled meanwhile, a stale second report) took no outcome.
    const subscriberOf = new Map(rows.map((r) => [r.id, r.subscriber_id]))
    const recorded = items.flatMap((i) => {
      const subscriberId = subscriberOf.get(i.deliveryId)
      return subscriberId === undefined ? [] : [{ ...i, subscriberId }]
    })
    if (recorded.length === 0) return items.map(() => ({ failingSince: null }))
    const failingSince = await lockSubscribers(sql, [...new Set(recorded.map((r) => r.subscriberId))])
    // Messages out of their queue (delivered or dead): each queue's next one becomes its head, due
    // from the batch's first attempt (they started within milliseconds; one head per queue, so
    // the due time only orders queues against each other).
    await promoteNext(sql, recorded.filter((r) => r.outcome.status !== 'pending').map((r) => r.subscriberId), recorded[0]!.attempt.at)
    // A success clears a failing subscriber; a failure keeps the first failure's time.
    const cleared = recorded.filter((r) => r.outcome.status === 'delivered' && failingSince.get(r.subscriberId) != null)
    if (cleared.length > 0) await sql.run('UPDATE subscribers SET failing_since = NULL WHERE id = ANY($1::text[])', [cleared.map((r) => r.subscriberId)])
    const failed = recorded.filter((r) => r.outcome.status !== 'delivered')
    const since = new Map<string, string | null>()
    if (failed.length > 0) {
      const marked = await sql.rows<{ id: string; failing_since: string | null }>(`UPDATE subscribers s
        SET failing_since = COALESCE(s.failing_since, f.at) FROM unnest($1::text[], $2::text[]) AS f(id, at)
        WHERE s.id = f.id RETURNING s.id, s.failing_since`, [failed.map((r) => r.subscriberId), failed.map((r) => r.attempt.at)])
      for (const m of marked) since.set(m.id, m.failing_since)
    }
    return items.map((i) => {
      const subscriberId = subscriberOf.get(i.deliveryId)
      return { failingSince: subscriberId === undefined || i.outcome.status === 'delivered' ? null : since.get(subscriberId) ?? null }
    })
  }

  /** Leases up to `limit` due queue heads (inside the caller's transaction). */
  const claim = async (sql: Sql, now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]> => {
    const candidates = await sql.rows<{ id: string; subscriber_id: string; sequence: number | null }>(FIND_CANDIDATES, [now, limit])
    // A message takes its number when it first leaves and keeps it for every retry; a
    // subscriber busy elsewhere waits a turn. Each kind is leased in one statement.
    const numbered = candidates.filter((c) => c.sequence !== null).map((c) => c.id)
    if (numbered.length > 0) await sql.run(LEASE_AGAIN, [numbered, leaseUntil])
    const leased = new Set([...numbered, ...await leaseFirstSends(sql, candidates.filter((c) => c.sequence === null)
      .map((c) => ({ id: c.id, subscriberId: c.subscriber_id })), leaseUntil)])
    const claimedIds = candidates.filter((c) => leased.has(c.id)).map((c) => c.id)
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
