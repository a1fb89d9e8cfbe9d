// Fan-out on SQLite: writing a version's outbox rows in one transaction, kills, and the pull feed.
import { randomUUID } from 'node:crypto'
import { IN_PIPELINE } from './claim-conditions.ts'
import { FEED_COLUMNS, type FeedRow, toFeedItem } from './rows.ts'
import { documentHash, initialDeliveryStatus, killContent, killContentHash, newWebhookId } from './rules.ts'
import type { SqliteQueue } from './sqlite-queue.ts'
import { type Db, transaction } from './sqlite-tx.ts'
import type { Delivery, Storage, StoryRecipient } from './types.ts'

type FanoutMethods = Pick<Storage, 'distribute' | 'createKillVersion' | 'listStoryRecipients' | 'readFeed'>

/** A page of a subscriber's feed by sequence (subscriber, after, limit); exported for the query-plan test. */
export const READ_FEED = `SELECT ${FEED_COLUMNS}
  FROM deliveries d JOIN versions v ON v.id = d.version_id JOIN articles a ON a.id = v.article_id
    JOIN documents doc ON doc.hash = d.document_hash
  WHERE d.subscriber_id = ? AND d.sequence > ? AND d.status <> 'canceled' ORDER BY d.sequence LIMIT ?`

export function createSqliteFanout (db: Db, queue: SqliteQueue): FanoutMethods {
  return {
    async distribute (versionId, deliveries, now) {
      return transaction(db, () => {
        const version = db.prepare('SELECT article_id, version, event, status FROM versions WHERE id = ?').get(versionId) as
          { article_id: string; version: number; event: Delivery['event']; status: string }
        // A kill overtook the version while it was being rendered: it must never leave.
        if (version.status === 'superseded') return []
        const insert = db.prepare(`INSERT INTO deliveries (id, webhook_id, subscriber_id, version_id, position, sequence, lang, format,
          document_hash, status, priority, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`)
        const storeDocument = db.prepare('INSERT OR IGNORE INTO documents (hash, content_type, body) VALUES (?, ?, ?)')
        const hashes = new Map<string, string>()
        const created: Delivery[] = []
        const queues = new Set<string>()
        for (const d of deliveries) {
          // Most subscribers share a rendering: hash it once, store it once.
          const key = `${d.contentType}\n${d.body}`
          let hash = hashes.get(key)
          if (hash === undefined) {
            hash = documentHash(d.contentType, d.body)
            storeDocument.run(hash, d.contentType, d.body)
            hashes.set(key, hash)
          }
          const { position, mode } = queue.takePosition(d.subscriberId)
          const status = initialDeliveryStatus(mode)
          const sequence = status === 'feed' ? queue.takeSequence(d.subscriberId) : null
          if (status === 'pending') queues.add(d.subscriberId)
          const row = { id: randomUUID(), webhookId: newWebhookId(), nextAttemptAt: null }
          insert.run(row.id, row.webhookId, d.subscriberId, versionId, position, sequence, d.lang, d.format, hash,
            status, d.priority ?? 0, now)
          created.push({
            ...d, ...row, versionId, sequence, event: version.event, articleId: version.article_id, version: version.version,
            priority: d.priority ?? 0, status, attempts: 0, lastStatusCode: null, lastError: null, createdAt: now, deliveredAt: null,
            replayedAt: null
          })
        }
        if (version.event === 'kill') {
          // Earlier versions never sent would only resurrect a withdrawn story: they never leave.
          // They hold no sequence number, so the partner sees no gap; one already sent (numbered)
          // stays, and the kill follows it.
          // By version (deliveries_by_version), not by status: a big backlog is not walked.
          const canceled = db.prepare(`UPDATE deliveries INDEXED BY deliveries_by_version SET status = 'canceled', next_attempt_at = NULL,
            last_error = 'superseded by a kill' WHERE status = 'pending' AND sequence IS NULL
              AND version_id IN (SELECT id FROM versions WHERE article_id = ? AND version < ?) RETURNING subscriber_id`)
            .all(version.article_id, version.version) as Array<{ subscriber_id: string }>
          for (const c of canceled) queues.add(c.subscriber_id)
        }
        // New rows, a kill that goes first, a canceled head: each touched queue gets its head.
        for (const subscriberId of queues) queue.advance(subscriberId, now)
        db.prepare(`UPDATE versions SET status = 'distributed', status_reason = NULL, lease_until = NULL,
          unfinished_runs = 0, next_attempt_at = NULL, updated_at = ? WHERE id = ?`).run(now, versionId)
        return created
      })
    },

    async createKillVersion (articleId, now, reason) {
      return transaction(db, () => {
        const latest = db.prepare(`SELECT v.id, v.version, v.content, v.content_hash, v.event FROM versions v
          JOIN articles a ON a.id = v.article_id AND v.version = a.current_version WHERE a.id = ?`).get(articleId) as
          { id: string; version: number; content: string; content_hash: string; event: string } | undefined
        if (latest === undefined) return null
        if (latest.event === 'kill') return { versionId: latest.id, version: latest.version }
        const versionId = randomUUID()
        const version = latest.version + 1
        // Earlier versions still in the pipeline are overtaken: the kill must not wait for them.
        db.prepare(`UPDATE versions SET status = 'superseded', status_reason = 'a kill overtook this version',
          lease_until = NULL, next_attempt_at = NULL, updated_at = ?
          WHERE article_id = ? AND ${IN_PIPELINE()}`).run(now, articleId)
        // A distinct hash; ingest refuses the guid from now on (a kill is final).
        // The reason is the kill's note; it goes through translation first (see Storage.createKillVersion).
        db.prepare(`INSERT INTO versions (id, article_id, version, content_hash, content, event, priority, pub_status, status,
          next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'kill', 1, 'canceled', ?, ?, ?, ?)`)
          .run(versionId, articleId, version, killContentHash(latest.content_hash), killContent(latest.content, reason),
            reason === undefined ? 'translated' : 'received', now, now, now)
        db.prepare(`UPDATE articles SET current_version = ?, event = 'kill' WHERE id = ?`).run(version, articleId)
        // The kill carries the story's last translations (nothing is sent to an engine again).
        const source = db.prepare(`SELECT v.id FROM versions v WHERE v.article_id = ? AND v.version < ?
          AND EXISTS (SELECT 1 FROM translations t WHERE t.version_id = v.id) ORDER BY v.version DESC LIMIT 1`)
          .get(articleId, version) as { id: string } | undefined
        if (source !== undefined) {
          db.prepare(`INSERT INTO translations (version_id, lang, content, engine, model, chars_sent, requests, created_at)
            SELECT ?, lang, json_remove(content, '$.note'), engine, model, 0, 0, ? FROM translations WHERE version_id = ?`)
            .run(versionId, now, source.id)
        }
        return { versionId, version }
      })
    },

    async listStoryRecipients (articleId) {
      // Anyone with a delivery row of the story, whatever became of it: a timed-out attempt may
      // still have reached the partner, and a kill sent to one who never saw the story is harmless.
      const rows = db.prepare(`SELECT DISTINCT d.subscriber_id, d.lang, d.format FROM deliveries d
        JOIN versions v ON v.id = d.version_id JOIN subscribers s ON s.id = d.subscriber_id
        WHERE v.article_id = ? AND s.deleted_at IS NULL ORDER BY d.subscriber_id, d.lang`).all(articleId) as
        Array<{ subscriber_id: string; lang: string; format: string }>
      return rows.map((r): StoryRecipient => ({ subscriberId: r.subscriber_id, lang: r.lang, format: r.format }))
    },

    async readFeed (subscriberId, after, limit) {
      const rows = db.prepare(READ_FEED).all(subscriberId, after, limit) as unknown as FeedRow[]
      return rows.map(toFeedItem)
    }
  }
}
