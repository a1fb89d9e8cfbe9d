// Each push subscriber's outbox is a queue with one head: the one pending row that has a due
// time. Only heads are claimed, so at most one message per subscriber is ever in flight, and a
// claim never has to look behind a head (issue 11: every hot statement walks an index).
//
// A head is chosen, in order, from (1) rows that already hold a sequence number, lowest first —
// a message that went out once (or an admin queued again) keeps its number and its place; then
// (2) rows never sent, kills first, in the order they were queued. A head without a number has
// never been sent, so a kill or a replay may take its place; a head with a number is never
// overtaken. Sequence numbers are given when a head is first claimed (sqlite-deliveries.ts), so
// they follow the order in which the partner receives messages, and a row canceled before it was
// sent never takes one: the partner sees no gap it cannot explain.
import { type Db, preparedLater } from './sqlite-tx.ts'
import type { SubscriberMode } from '../../schemas/subscribers.ts'

export interface SqliteQueue {
  /**
   * Makes the right row the subscriber's head (inside the caller's transaction). `onlyIfEmpty`:
   * the caller only added rows that queue behind the others (priority 0, no number), so a queue
   * that has a head keeps it, and is not searched again: a fan-out asked this for every row.
   */
  advance(subscriberId: string, now: string, onlyIfEmpty?: boolean): void
  /**
   * The head just left the queue (delivered or dead): the next row becomes the head. There is
   * none now (one head per subscriber, deliveries_head), so none is looked for.
   */
  headLeft(subscriberId: string, now: string): void
  /** The subscriber's next sequence number (inside the caller's transaction). */
  takeSequence(subscriberId: string): number
  /** The subscriber's next queue position, and whether it pushes or is read by pull. */
  takePosition(subscriberId: string): { position: number; mode: SubscriberMode }
}

// A subscriber's next sequence number and queue place: one past its highest, the last entry of its
// part of a unique index, one seek (deliveries_sequence holds numbered rows only, migration 93).
// Outbox rows are never deleted, so this is what the counters in the subscriber's
// row held (migration 92 dropped them): updating a counter wrote the subscriber's row for every
// delivery, a WAL page each, since a fan-out's rows belong to different subscribers. Exported
// for the query-plan test.
export const NEXT_SEQUENCE = `SELECT COALESCE((SELECT d.sequence FROM deliveries d INDEXED BY deliveries_sequence
  WHERE d.subscriber_id = ? AND d.sequence IS NOT NULL ORDER BY d.sequence DESC LIMIT 1), 0) + 1 AS seq`
export const NEXT_POSITION = `SELECT s.mode, COALESCE((SELECT d.position FROM deliveries d
  WHERE d.subscriber_id = s.id ORDER BY d.position DESC LIMIT 1), 0) + 1 AS position FROM subscribers s WHERE s.id = ?`

/**
 * Every pending row of the outbox, each once, as a UNION ALL of the queue's three indexes: the
 * heads, numbered rows waiting behind a head (a replay), and rows never sent behind it. They are
 * as many as the backlog, never the history. `columns` are selected; `where` (e.g.
 * 'subscriber_id = :id AND ') narrows each part. For the /metrics gauge and a subscriber's deletion.
 */
export const PENDING_ROWS = (columns: string, where = ''): string => `
  SELECT ${columns} FROM deliveries INDEXED BY deliveries_head WHERE ${where}status = 'pending' AND next_attempt_at IS NOT NULL
  UNION ALL SELECT ${columns} FROM deliveries INDEXED BY deliveries_numbered_queue
    WHERE ${where}status = 'pending' AND sequence IS NOT NULL AND next_attempt_at IS NULL
  UNION ALL SELECT ${columns} FROM deliveries INDEXED BY deliveries_queue
    WHERE ${where}status = 'pending' AND sequence IS NULL AND next_attempt_at IS NULL`

export function createSqliteQueue (db: Db): SqliteQueue {
  const findHead = preparedLater(db, `SELECT id, sequence FROM deliveries INDEXED BY deliveries_head
    WHERE subscriber_id = ? AND status = 'pending' AND next_attempt_at IS NOT NULL`)
  // Numbered rows waiting behind the head (deliveries_numbered_queue holds no head, migration 93).
  const firstNumbered = preparedLater(db, `SELECT id FROM deliveries INDEXED BY deliveries_numbered_queue
    WHERE subscriber_id = ? AND status = 'pending' AND sequence IS NOT NULL AND next_attempt_at IS NULL ORDER BY sequence LIMIT 1`)
  const firstQueued = preparedLater(db, `SELECT id FROM deliveries INDEXED BY deliveries_queue
    WHERE subscriber_id = ? AND status = 'pending' AND sequence IS NULL ORDER BY priority DESC, position LIMIT 1`)
  const setDue = preparedLater(db, 'UPDATE deliveries SET next_attempt_at = ? WHERE id = ?')
  const nextSequence = preparedLater(db, NEXT_SEQUENCE)
  const nextPosition = preparedLater(db, NEXT_POSITION)

  const nextHead = (subscriberId: string): { id: string } | undefined =>
    (firstNumbered().get(subscriberId) ?? firstQueued().get(subscriberId)) as { id: string } | undefined

  return {
    advance (subscriberId, now, onlyIfEmpty = false) {
      const head = findHead().get(subscriberId) as { id: string; sequence: number | null } | undefined
      if (onlyIfEmpty && head !== undefined) return
      // A head with a number may already be at the partner: nothing overtakes it.
      if (head !== undefined && head.sequence !== null) return
      const next = nextHead(subscriberId)
      if (next === undefined || next.id === head?.id) return
      if (head !== undefined) setDue().run(null, head.id)
      setDue().run(now, next.id)
    },
    headLeft (subscriberId, now) {
      const next = nextHead(subscriberId)
      if (next !== undefined) setDue().run(now, next.id)
    },
    takeSequence (subscriberId) {
      return (nextSequence().get(subscriberId) as { seq: number }).seq
    },
    takePosition (subscriberId) {
      const row = nextPosition().get(subscriberId) as { position: number; mode: SubscriberMode } | undefined
      if (row === undefined) throw new Error(`no subscriber ${subscriberId}`)
      return row
    }
  }
}
