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
  /** The subscriber's next sequence number (inside the caller's transaction). */
  takeSequence(subscriberId: string): number
  /** The subscriber's next queue position, and whether it pushes or is read by pull. */
  takePosition(subscriberId: string): { position: number; mode: SubscriberMode }
}

export function createSqliteQueue (db: Db): SqliteQueue {
  const findHead = preparedLater(db, `SELECT id, sequence FROM deliveries INDEXED BY deliveries_head
    WHERE subscriber_id = ? AND status = 'pending' AND next_attempt_at IS NOT NULL`)
  const firstNumbered = preparedLater(db, `SELECT id FROM deliveries INDEXED BY deliveries_numbered_queue
    WHERE subscriber_id = ? AND status = 'pending' AND sequence IS NOT NULL ORDER BY sequence LIMIT 1`)
  const firstQueued = preparedLater(db, `SELECT id FROM deliveries INDEXED BY deliveries_queue
    WHERE subscriber_id = ? AND status = 'pending' AND sequence IS NULL ORDER BY priority DESC, position LIMIT 1`)
  const setDue = preparedLater(db, 'UPDATE deliveries SET next_attempt_at = ? WHERE id = ?')
  const nextSequence = preparedLater(db, `UPDATE subscribers SET next_sequence = next_sequence + 1 WHERE id = ?
    RETURNING next_sequence - 1 AS seq`)
  const nextPosition = preparedLater(db, `UPDATE subscribers SET next_position = next_position + 1 WHERE id = ?
    RETURNING next_position - 1 AS position, mode`)

  return {
    advance (subscriberId, now, onlyIfEmpty = false) {
      const head = findHead().get(subscriberId) as { id: string; sequence: number | null } | undefined
      if (onlyIfEmpty && head !== undefined) return
      // A head with a number may already be at the partner: nothing overtakes it.
      if (head !== undefined && head.sequence !== null) return
      const next = (firstNumbered().get(subscriberId) ?? firstQueued().get(subscriberId)) as { id: string } | undefined
      if (next === undefined || next.id === head?.id) return
      if (head !== undefined) setDue().run(null, head.id)
      setDue().run(now, next.id)
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
