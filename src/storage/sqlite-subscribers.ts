// Subscribers (partner endpoints and pull feeds), their secrets and their event log, on SQLite.
import type { KeptKeys } from './sqlite-keys.ts'
import { PENDING_ROWS } from './sqlite-queue.ts'
import { type Db, transaction } from './sqlite-tx.ts'
import type { Storage, Subscriber, SubscriberEvent } from './types.ts'
import { type SubscriberRow, toSubscriber } from './rows.ts'
import { deletedEvent, disabledEvent, patchSubscriber, STOPPED_BECAUSE, secretRotatedEvent, urlColumn } from './rules.ts'

type SubscriberMethods = Pick<Storage, 'createSubscriber' | 'listActiveSubscribers' | 'getSubscriber' |
  'listSubscribers' | 'updateSubscriber' | 'deleteSubscriber' | 'rotateSecret' | 'disableSubscriber' |
  'addSubscriberEvent' | 'listSubscriberEvents'>

/**
 * Cancels what a deleted subscriber still had coming (needs :reason, :id): its pending rows, found
 * through the queue's indexes (PENDING_ROWS), and its feed rows, through deliveries_feed (a
 * subscriber may have been switched from pull to push). Not by walking the subscriber's whole
 * history: migration 94 dropped the index by status. Exported for the query-plan test.
 */
export const CANCEL_SUBSCRIBER_OUTBOX = `UPDATE deliveries SET status = 'canceled', lease_until = NULL, next_attempt_at = NULL,
  last_error = :reason WHERE id IN (${PENDING_ROWS('id', 'subscriber_id = :id AND ')}
    UNION ALL SELECT id FROM deliveries INDEXED BY deliveries_feed WHERE subscriber_id = :id AND status = 'feed')`

export function createSqliteSubscribers (db: Db, keys: KeptKeys): SubscriberMethods {
  const addEvent = (id: string, event: SubscriberEvent): void => {
    db.prepare('INSERT INTO subscriber_events (subscriber_id, at, kind, detail) VALUES (?, ?, ?, ?)')
      .run(id, event.at, event.kind, event.detail)
  }
  const get = (id: string): Subscriber | null => {
    const row = db.prepare('SELECT * FROM subscribers WHERE id = ? AND deleted_at IS NULL').get(id)
    return row === undefined ? null : toSubscriber(row as unknown as SubscriberRow)
  }

  // The active subscribers, as last read: each version's fan-out asks for them twice (languages to
  // translate, then recipients), and reading and parsing 500 rows took ~2 ms each time. Exact: one
  // process owns the file (sqlite.ts), and every write to what a Subscriber holds goes through
  // this module and drops the list first (failing_since, written by deliveries, is not in it).
  let active: Subscriber[] | null = null
  const changing = <T>(write: () => T): T => {
    active = null
    return write()
  }

  return {
    async createSubscriber (s) {
      active = null
      db.prepare(`INSERT INTO subscribers (id, name, url, mode, format, format_version, languages, filters, secret, active, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(s.id, s.name, urlColumn(s), s.mode, s.format, s.formatVersion ?? null, JSON.stringify(s.languages), JSON.stringify(s.filters),
          s.secret, s.active ? 1 : 0, s.createdAt, s.updatedAt)
    },

    async listActiveSubscribers () {
      active ??= db.prepare('SELECT * FROM subscribers WHERE active = 1 AND deleted_at IS NULL ORDER BY created_at, id').all()
        .map((row) => toSubscriber(row as unknown as SubscriberRow))
      return [...active]
    },

    async listSubscribers () {
      const rows = db.prepare('SELECT * FROM subscribers WHERE deleted_at IS NULL ORDER BY created_at, id').all()
      return rows.map((row) => toSubscriber(row as unknown as SubscriberRow))
    },

    async getSubscriber (id) {
      return get(id)
    },

    async updateSubscriber (id, patch, now) {
      return changing(() => transaction(db, () => {
        const current = get(id)
        if (current === null) return null
        const { next, reenabled, event } = patchSubscriber(current, patch, now)
        db.prepare(`UPDATE subscribers SET name = ?, url = ?, mode = ?, format = ?, format_version = ?, languages = ?, filters = ?, active = ?,
          disabled_reason = CASE WHEN ? THEN NULL ELSE disabled_reason END,
          failing_since = CASE WHEN ? THEN NULL ELSE failing_since END, updated_at = ? WHERE id = ?`)
          .run(next.name, urlColumn(next), next.mode, next.format, next.formatVersion ?? null, JSON.stringify(next.languages),
            JSON.stringify(next.filters), next.active ? 1 : 0, reenabled ? 1 : 0, reenabled ? 1 : 0, now, id)
        if (event !== null) addEvent(id, event)
        return get(id)
      }))
    },

    async deleteSubscriber (id, now) {
      return changing(() => transaction(db, () => {
        const result = db.prepare('UPDATE subscribers SET deleted_at = ?, active = 0, updated_at = ? WHERE id = ? AND deleted_at IS NULL')
          .run(now, now, id)
        if (result.changes === 0) return false
        db.prepare(CANCEL_SUBSCRIBER_OUTBOX).run({ reason: STOPPED_BECAUSE.subscriberDeleted, id })
        // Its feed keys are revoked in the same transaction: nothing is left to read with them.
        db.prepare('UPDATE api_keys SET revoked_at = ? WHERE subscriber_id = ? AND revoked_at IS NULL').run(now, id)
        keys.forget((key) => key.subscriberId === id)
        addEvent(id, deletedEvent(now))
        return true
      }))
    },

    async rotateSecret (id, secret, previousUntil, now) {
      return changing(() => transaction(db, () => {
        const result = db.prepare(`UPDATE subscribers SET previous_secret = secret, previous_secret_until = ?, secret = ?,
          updated_at = ? WHERE id = ? AND deleted_at IS NULL`).run(previousUntil, secret, now, id)
        if (result.changes === 0) return false
        addEvent(id, secretRotatedEvent(now, previousUntil))
        return true
      }))
    },

    async disableSubscriber (id, reason, now) {
      changing(() => transaction(db, () => {
        const result = db.prepare('UPDATE subscribers SET active = 0, disabled_reason = ?, updated_at = ? WHERE id = ? AND active = 1')
          .run(reason, now, id)
        if (result.changes > 0) addEvent(id, disabledEvent(now, reason))
      }))
    },

    async addSubscriberEvent (id, event) {
      addEvent(id, event)
    },

    async listSubscriberEvents (id) {
      const rows = db.prepare('SELECT at, kind, detail FROM subscriber_events WHERE subscriber_id = ? ORDER BY id').all(id)
      return rows.map((r) => ({ ...r }) as unknown as SubscriberEvent)
    }
  }
}
