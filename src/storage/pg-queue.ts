// Each push subscriber's outbox is a queue with one head, as on SQLite (sqlite-queue.ts says
// how a head is chosen and why numbers are given as messages first leave). Here several
// instances share the database: whoever changes which row is a subscriber's head holds that
// subscriber's row lock, and the unique index deliveries_head refuses a second head outright.
import type { Sql } from './pg-tx.ts'

const LOCK_SUBSCRIBER = 'SELECT id FROM subscribers WHERE id = $1 FOR NO KEY UPDATE'
const FIND_HEAD = `SELECT id, sequence FROM deliveries
  WHERE subscriber_id = $1 AND status = 'pending' AND next_attempt_at IS NOT NULL`
/**
 * The row that should be `sid`'s head (an SQL expression for its id, null when its queue is
 * empty): its first numbered row waiting (a replay), else its first never sent, kills first.
 * Each part is a seek in the subscriber's part of an index. The one place the choice is made.
 */
const bestRow = (sid: string): string => `COALESCE(
    (SELECT q.id FROM deliveries q WHERE q.subscriber_id = ${sid} AND q.status = 'pending' AND q.sequence IS NOT NULL
      ORDER BY q.sequence LIMIT 1),
    (SELECT q.id FROM deliveries q WHERE q.subscriber_id = ${sid} AND q.status = 'pending' AND q.sequence IS NULL
      ORDER BY q.priority DESC, q.position LIMIT 1))`
const BEST_ROW = `SELECT ${bestRow('$1')} AS id`
// Only a head never sent gives way; a claim that numbered it meanwhile wins (0 rows).
const DEMOTE = 'UPDATE deliveries SET next_attempt_at = NULL WHERE id = $1 AND status = \'pending\' AND sequence IS NULL'
const PROMOTE = 'UPDATE deliveries SET next_attempt_at = $2 WHERE id = $1'

/** Makes the right row the subscriber's queue head, inside the caller's transaction. */
export async function advanceQueue (sql: Sql, subscriberId: string, now: string): Promise<void> {
  await sql.rows(LOCK_SUBSCRIBER, [subscriberId])
  const [head] = await sql.rows<{ id: string; sequence: number | null }>(FIND_HEAD, [subscriberId])
  // A head with a number may already be at the partner: nothing overtakes it.
  if (head !== undefined && head.sequence !== null) return
  const [next] = await sql.rows<{ id: string | null }>(BEST_ROW, [subscriberId])
  if (next?.id == null || next.id === head?.id) return
  if (head !== undefined && await sql.run(DEMOTE, [head.id]) === 0) return
  await sql.run(PROMOTE, [next.id, now])
}

/**
 * The leases of claimed heads that have never left ($1 deliveries, $2 lease until, $3 their
 * subscribers, one head each), each with its subscriber's next sequence number, in one statement
 * (a lock, a counter and a lease took three round trips a delivery). The subscribers are locked in
 * id order, and one another transaction holds (a fan-out or a queue change under way) is passed
 * over: its head is not leased now, rather than wait while holding delivery rows that
 * transaction may need. Returns the ids leased. Exported for the query-plan test.
 */
export const LEASE_FIRST_SENDS = `WITH locked AS (
    SELECT id FROM subscribers WHERE id = ANY($3::text[]) ORDER BY id FOR NO KEY UPDATE SKIP LOCKED),
  seq AS (UPDATE subscribers s SET next_sequence = s.next_sequence + 1 FROM locked WHERE s.id = locked.id
    RETURNING s.id, s.next_sequence - 1 AS n)
  UPDATE deliveries d SET lease_until = $2, next_attempt_at = $2, sequence = seq.n
  FROM unnest($1::text[], $3::text[]) AS c(id, subscriber_id) JOIN seq ON seq.id = c.subscriber_id
  WHERE d.id = ANY($1::text[]) AND d.id = c.id
  RETURNING d.id`

/** Leases claimed heads that have never left, numbering each; the ids leased (a subscriber busy elsewhere waits a turn). */
export async function leaseFirstSends (sql: Sql, heads: Array<{ id: string; subscriberId: string }>, leaseUntil: string): Promise<string[]> {
  if (heads.length === 0) return []
  const rows = await sql.rows<{ id: string }>(LEASE_FIRST_SENDS, [heads.map((h) => h.id), leaseUntil, heads.map((h) => h.subscriberId)])
  return rows.map((r) => r.id)
}

// A kill takes the place of heads never sent (a claim that numbered one meanwhile wins).
const DEMOTE_UNSENT_HEADS = `UPDATE deliveries SET next_attempt_at = NULL WHERE subscriber_id = ANY($1::text[])
  AND status = 'pending' AND next_attempt_at IS NOT NULL AND sequence IS NULL`

// The next heads of queues without one ($1 subscribers, $2 now; the caller holds their rows):
// for each, its best row (bestRow); unless it has a head (its head is still there, or another
// transaction committed one before this one took the subscriber's lock). Used after a head left
// and by a fan-out. Written so, the planner neither joins every subscriber's head nor sorts the
// batch. Exported for the query-plan test.
export const PROMOTE_NEXT = `UPDATE deliveries SET next_attempt_at = $2 WHERE id = ANY (ARRAY(
  SELECT ${bestRow('u.sid')}
  FROM unnest($1::text[]) AS u(sid)
  WHERE NOT (SELECT EXISTS (SELECT 1 FROM deliveries h WHERE h.subscriber_id = u.sid AND h.status = 'pending'
    AND h.next_attempt_at IS NOT NULL))))`

/** Exported for the query-plan test. */
export const LOCK_SUBSCRIBERS = 'SELECT id, failing_since FROM subscribers WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE'

/**
 * Locks subscribers' rows, in id order (as a fan-out does: two transactions never wait for each
 * other the wrong way round), inside the caller's transaction; when each has been failing since.
 */
export async function lockSubscribers (sql: Sql, subscriberIds: string[]): Promise<Map<string, string | null>> {
  const rows = await sql.rows<{ id: string; failing_since: string | null }>(LOCK_SUBSCRIBERS, [subscriberIds])
  return new Map(rows.map((r) => [r.id, r.failing_since]))
}

/** The heads of these subscribers' queues just left (delivered or dead); the caller holds their rows. */
export async function promoteNext (sql: Sql, subscriberIds: string[], now: string): Promise<void> {
  if (subscriberIds.length > 0) await sql.run(PROMOTE_NEXT, [[...new Set(subscriberIds)], now])
}

/**
 * advanceQueue for every subscriber of a fan-out at once, inside the fan-out's transaction, which
 * already holds their subscriber rows. Rows of an ordinary version come after everything queued,
 * so only headless queues change; a kill also takes the place of heads never sent.
 */
export async function advanceQueues (sql: Sql, subscriberIds: string[], now: string, kill: boolean): Promise<void> {
  if (subscriberIds.length === 0) return
  if (kill) await sql.run(DEMOTE_UNSENT_HEADS, [subscriberIds])
  await promoteNext(sql, subscriberIds, now)
}
