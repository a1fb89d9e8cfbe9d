// Subscribers and the delivery outbox on SQLite.
import { randomUUID } from 'node:crypto'
import { type Db, LEASE_FREE, NO_EARLIER_PENDING_DELIVERY, transaction } from './sqlite-tx.ts'
import type { ClaimedDelivery, Delivery, DeliverySummary, Storage, Subscriber } from './types.ts'

interface SubscriberRow {
  id: string
  name: string
  url: string
  format: string
  languages: string
  active: number
  created_at: string
}

function toSubscriber (row: SubscriberRow): Subscriber {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    format: row.format,
    languages: JSON.parse(row.languages),
    active: row.active === 1,
    createdAt: row.created_at
  }
}

interface DeliveryRow {
  id: string
  webhook_id: string
  subscriber_id: string
  version_id: string
  sequence: number
  lang: string
  format: string
  content_type: string
  body: string
  status: Delivery['status']
  attempts: number
  next_attempt_at: string | null
  last_status_code: number | null
  last_error: string | null
  created_at: string
  delivered_at: string | null
}

function toDelivery (row: DeliveryRow): Delivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    subscriberId: row.subscriber_id,
    versionId: row.version_id,
    sequence: row.sequence,
    lang: row.lang,
    format: row.format,
    contentType: row.content_type,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at
  }
}

type DeliveryMethods = Pick<Storage, 'distribute' | 'createSubscriber' | 'listActiveSubscribers' | 'getSubscriber' |
  'claimDueDeliveries' | 'recordAttempt' | 'listDeliveriesForArticle'>

export function createSqliteDeliveries (db: Db): DeliveryMethods {
  return {
    async distribute (versionId, deliveries, now) {
      return transaction(db, () => {
        const created: Delivery[] = []
        const nextSequence = db.prepare('UPDATE subscribers SET next_sequence = next_sequence + 1 WHERE id = ? RETURNING next_sequence - 1 AS seq')
        const insert = db.prepare(`INSERT INTO deliveries (id, webhook_id, subscriber_id, version_id, sequence, lang, format,
          content_type, body, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING *`)
        for (const d of deliveries) {
          const { seq } = nextSequence.get(d.subscriberId) as { seq: number }
          const row = insert.get(randomUUID(), `msg_${randomUUID()}`, d.subscriberId, versionId, seq, d.lang, d.format,
            d.contentType, d.body, now, now) as unknown as DeliveryRow
          created.push(toDelivery(row))
        }
        db.prepare(`UPDATE versions SET status = 'distributed', status_reason = NULL, lease_until = NULL,
          next_attempt_at = NULL, updated_at = ? WHERE id = ?`).run(now, versionId)
        return created
      })
    },

    async createSubscriber (s) {
      db.prepare(`INSERT INTO subscribers (id, name, url, format, languages, secret, active, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(s.id, s.name, s.url, s.format, JSON.stringify(s.languages), s.secret, s.active ? 1 : 0, s.createdAt)
    },

    async listActiveSubscribers () {
      const rows = db.prepare('SELECT * FROM subscribers WHERE active = 1 ORDER BY created_at, id').all()
      return rows.map((row) => toSubscriber(row as unknown as SubscriberRow))
    },

    async getSubscriber (id) {
      const row = db.prepare('SELECT * FROM subscribers WHERE id = ?').get(id)
      return row === undefined ? null : toSubscriber(row as unknown as SubscriberRow)
    },

    async claimDueDeliveries (now, leaseUntil, limit) {
      return transaction(db, () => {
        const rows = db.prepare(`
          SELECT d.*, s.url, s.secret FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
          WHERE d.status = 'pending' AND s.active = 1 AND d.next_attempt_at <= :now
            AND ${LEASE_FREE('d')} AND ${NO_EARLIER_PENDING_DELIVERY}
          ORDER BY d.next_attempt_at, d.sequence LIMIT :limit`).all({ now, limit }) as unknown as
          Array<DeliveryRow & { url: string; secret: string }>
        const lease = db.prepare('UPDATE deliveries SET lease_until = ? WHERE id = ?')
        return rows.map((row): ClaimedDelivery => {
          lease.run(leaseUntil, row.id)
          return { ...toDelivery(row), url: row.url, secret: row.secret }
        })
      })
    },

    async recordAttempt (deliveryId, attempt, outcome) {
      transaction(db, () => {
        db.prepare(`INSERT INTO attempts (delivery_id, at, status_code, duration_ms, error, response_excerpt)
          VALUES (?, ?, ?, ?, ?, ?)`)
          .run(deliveryId, attempt.at, attempt.statusCode, Math.round(attempt.durationMs), attempt.error, attempt.responseExcerpt)
        db.prepare(`UPDATE deliveries SET attempts = attempts + 1, status = ?, last_status_code = ?, last_error = ?,
          lease_until = NULL, next_attempt_at = ?, delivered_at = ? WHERE id = ?`)
          .run(outcome.status, attempt.statusCode, attempt.error,
            outcome.status === 'pending' ? outcome.nextAttemptAt : null,
            outcome.status === 'delivered' ? attempt.at : null, deliveryId)
      })
    },

    async listDeliveriesForArticle (articleId, version) {
      const rows = db.prepare(`
        SELECT d.id, d.subscriber_id, s.name, d.lang, d.format, d.status, d.attempts, d.last_status_code,
               d.last_error, d.delivered_at
        FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id JOIN versions v ON v.id = d.version_id
        WHERE v.article_id = ? AND v.version = ? ORDER BY s.name, d.lang`).all(articleId, version) as Array<{
          id: string; subscriber_id: string; name: string; lang: string; format: string; status: Delivery['status'];
          attempts: number; last_status_code: number | null; last_error: string | null; delivered_at: string | null
        }>
      return rows.map((r): DeliverySummary => ({
        deliveryId: r.id,
        subscriberId: r.subscriber_id,
        subscriberName: r.name,
        lang: r.lang,
        format: r.format,
        status: r.status,
        attempts: r.attempts,
        lastStatusCode: r.last_status_code,
        lastError: r.last_error,
        deliveredAt: r.delivered_at
      }))
    }
  }
}
