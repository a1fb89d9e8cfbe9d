// Subscribers (partner endpoints and pull feeds), their secrets and their event log, on PostgreSQL.
import type { PgDb, Sql } from './pg-tx.ts'
import type { Storage, Subscriber, SubscriberEvent } from './types.ts'
import { type SubscriberRow, toSubscriber } from './rows.ts'
import { deletedEvent, disabledEvent, patchSubscriber, STOPPED_BECAUSE, secretRotatedEvent, urlColumn } from './rules.ts'

const COLUMNS = 'id, name, url, mode, format, format_version, languages, filters, active, disabled_reason, created_at, updated_at'

type SubscriberMethods = Pick<Storage, 'createSubscriber' | 'listActiveSubscribers' | 'getSubscriber' |
  'listSubscribers' | 'updateSubscriber' | 'deleteSubscriber' | 'rotateSecret' | 'disableSubscriber' |
  'addSubscriberEvent' | 'listSubscriberEvents'>

const addEvent = async (sql: Sql, id: string, event: SubscriberEvent): Promise<void> => {
  await sql.run('INSERT INTO subscriber_events (subscriber_id, at, kind, detail) VALUES ($1, $2, $3, $4)',
    [id, event.at, event.kind, event.detail])
}

/** forUpdate: the row stays locked until the transaction ends (read-modify-write). */
const get = async (sql: Sql, id: string, forUpdate = false): Promise<Subscriber | null> => {
  const [row] = await sql.rows<SubscriberRow>(forUpdate
    ? `SELECT ${COLUMNS} FROM subscribers WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`
    : `SELECT ${COLUMNS} FROM subscribers WHERE id = $1 AND deleted_at IS NULL`, [id])
  return row === undefined ? null : toSubscriber(row)
}

export function createPgSubscribers (db: PgDb): SubscriberMethods {
  return {
    async createSubscriber (s) {
      await db.run(`INSERT INTO subscribers (id, name, url, mode, format, format_version, languages, filters, secret, active,
        created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [s.id, s.name, urlColumn(s), s.mode, s.format, s.formatVersion ?? null, JSON.stringify(s.languages), JSON.stringify(s.filters),
        s.secret, s.active, s.createdAt, s.updatedAt])
    },

    async listActiveSubscribers () {
      const rows = await db.rows<SubscriberRow>(`SELECT ${COLUMNS} FROM subscribers WHERE active AND deleted_at IS NULL
        ORDER BY created_at, id`)
      return rows.map(toSubscriber)
    },

    async listSubscribers () {
      const rows = await db.rows<SubscriberRow>(`SELECT ${COLUMNS} FROM subscribers WHERE deleted_at IS NULL ORDER BY created_at, id`)
      return rows.map(toSubscriber)
    },

    async getSubscriber (id) {
      return get(db, id)
    },

    async updateSubscriber (id, patch, now) {
      return db.tx(async (sql) => {
        const current = await get(sql, id, true)
        if (current === null) return null
        const { next, reenabled, event } = patchSubscriber(current, patch, now)
        await sql.run(`UPDATE subscribers SET name = $1, url = $2, mode = $3, format = $4, format_version = $5, languages = $6,
          filters = $7, active = $8, disabled_reason = CASE WHEN $9::boolean THEN NULL ELSE disabled_reason END,
          failing_since = CASE WHEN $9::boolean THEN NULL ELSE failing_since END, updated_at = $10 WHERE id = $11`,
        [next.name, urlColumn(next), next.mode, next.format, next.formatVersion ?? null,
          JSON.stringify(next.languages), JSON.stringify(next.filters), next.active, reenabled, now, id])
        if (event !== null) await addEvent(sql, id, event)
        return get(sql, id)
      })
    },

    async deleteSubscriber (id, now) {
      return db.tx(async (sql) => {
        const changed = await sql.run(`UPDATE subscribers SET deleted_at = $1, active = false, updated_at = $1
          WHERE id = $2 AND deleted_at IS NULL`, [now, id])
        if (changed === 0) return false
        await sql.run(`UPDATE deliveries SET status = 'canceled', lease_until = NULL, next_attempt_at = NULL,
          last_error = $2 WHERE subscriber_id = $1 AND status IN ('pending', 'feed')`, [id, STOPPED_BECAUSE.subscriberDeleted])
        // Its feed keys are revoked in the same transaction: nothing is left to read with them.
        await sql.run('UPDATE api_keys SET revoked_at = $1 WHERE subscriber_id = $2 AND revoked_at IS NULL', [now, id])
        await addEvent(sql, id, deletedEvent(now))
        return true
      })
    },

    async rotateSecret (id, secret, previousUntil, now) {
      return db.tx(async (sql) => {
        const changed = await sql.run(`UPDATE subscribers SET previous_secret = secret, previous_secret_until = $1, secret = $2,
          updated_at = $3 WHERE id = $4 AND deleted_at IS NULL`, [previousUntil, secret, now, id])
        if (changed === 0) return false
        await addEvent(sql, id, secretRotatedEvent(now, previousUntil))
        return true
      })
    },

    async disableSubscriber (id, reason, now) {
      await db.tx(async (sql) => {
        const changed = await sql.run('UPDATE subscribers SET active = false, disabled_reason = $1, updated_at = $2 WHERE id = $3 AND active',
          [reason, now, id])
        if (changed > 0) await addEvent(sql, id, disabledEvent(now, reason))
      })
    },

    async addSubscriberEvent (id, event) {
      await addEvent(db, id, event)
    },

    async listSubscriberEvents (id) {
      return db.rows<SubscriberEvent>('SELECT at, kind, detail FROM subscriber_events WHERE subscriber_id = $1 ORDER BY id', [id])
    }
  }
}
