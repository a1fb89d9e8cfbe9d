// Fan-out on PostgreSQL: a version's outbox rows in one transaction, kills, and the pull feed.
import { randomUUID } from 'node:crypto'
import { IN_PIPELINE } from './claim-conditions.ts'
import { advanceQueues } from './pg-queue.ts'
import type { PgDb } from './pg-tx.ts'
import type { Delivery, Storage, StoryRecipient, Subscriber } from './types.ts'
import { FEED_COLUMNS, type FeedRow, toFeedItem } from './rows.ts'
import { documentHash, initialDeliveryStatus, killContent, killContentHash, newWebhookId } from './rules.ts'

type FanoutMethods = Pick<Storage, 'distribute' | 'createKillVersion' | 'listStoryRecipients' | 'readFeed'>

interface Document {
  hash: string
  contentType: string
  body: string
}

/** A page of a subscriber's feed by sequence ($1 subscriber, $2 after, $3 limit); exported for the query-plan test. */
export const READ_FEED = `SELECT ${FEED_COLUMNS}
  FROM deliveries d JOIN versions v ON v.id = d.version_id JOIN articles a ON a.id = v.article_id
    JOIN documents doc ON doc.hash = d.document_hash
  WHERE d.subscriber_id = $1 AND d.sequence > $2 AND d.status <> 'canceled' ORDER BY d.sequence LIMIT $3`

export function createPgFanout (db: PgDb): FanoutMethods {
  return {
    async distribute (versionId, deliveries, now) {
      return db.tx(async (sql) => {
        // Locked: an instance whose lease ran out and one that took it over cannot both fan out.
        const [version] = await sql.rows<{ article_id: string; version: number; event: Delivery['event']; status: string }>(
          'SELECT article_id, version, event, status FROM versions WHERE id = $1 FOR UPDATE', [versionId])
        if (version === undefined) throw new Error(`no version ${versionId}`)
        // A kill overtook the version while it was being rendered: it must never leave.
        if (version.status === 'superseded') return []

        // Queue positions (and, for pull subscribers, sequence numbers: a feed item is out the
        // moment it is written): each subscriber row is locked (in id order, so two fan-outs never
        // deadlock) and its counters moved past the block this fan-out takes: gap-free, and a
        // concurrent fan-out to the same subscriber waits for this one to commit.
        const counts = new Map<string, number>()
        for (const d of deliveries) counts.set(d.subscriberId, (counts.get(d.subscriberId) ?? 0) + 1)
        const ids = [...counts.keys()]
        const next = new Map<string, { position: number; seq: number; mode: Subscriber['mode'] }>()
        if (ids.length > 0) {
          await sql.rows('SELECT id FROM subscribers WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE', [ids])
          const taken = await sql.rows<{ id: string; position: number; seq: number; mode: Subscriber['mode'] }>(`UPDATE subscribers s
            SET next_position = s.next_position + c.n, next_sequence = s.next_sequence + CASE WHEN s.mode = 'pull' THEN c.n ELSE 0 END
            FROM unnest($1::text[], $2::int[]) AS c(id, n) WHERE s.id = c.id
            RETURNING s.id, s.next_position - c.n AS position, s.next_sequence - CASE WHEN s.mode = 'pull' THEN c.n ELSE 0 END AS seq,
              s.mode`, [ids, ids.map((id) => counts.get(id))])
          for (const t of taken) next.set(t.id, { position: t.position, seq: t.seq, mode: t.mode })
        }

        // Most subscribers share a rendering: hash it once, store it once.
        const documents = new Map<string, Document>()
        const created: Delivery[] = []
        const hashes: string[] = []
        const positions: number[] = []
        const queues = new Set<string>()
        for (const d of deliveries) {
          const key = `${d.contentType}\n${d.body}`
          let doc = documents.get(key)
          if (doc === undefined) {
            doc = { hash: documentHash(d.contentType, d.body), contentType: d.contentType, body: d.body }
            documents.set(key, doc)
          }
          const counter = next.get(d.subscriberId)
          if (counter === undefined) throw new Error(`no subscriber ${d.subscriberId}`)
          const status = initialDeliveryStatus(counter.mode)
          const sequence = status === 'feed' ? counter.seq++ : null
          if (status === 'pending') queues.add(d.subscriberId)
          created.push({
            ...d, id: randomUUID(), webhookId: newWebhookId(), nextAttemptAt: null,
            versionId, sequence, event: version.event, articleId: version.article_id, version: version.version,
            priority: d.priority ?? 0, status, attempts: 0, lastStatusCode: null, lastError: null, createdAt: now, deliveredAt: null,
            replayedAt: null
          })
          positions.push(counter.position++)
          hashes.push(doc.hash)
        }
        if (documents.size > 0) {
          // In hash order: concurrent fan-outs of the same documents queue instead of deadlocking.
          const docs = [...documents.values()].sort((a, b) => (a.hash < b.hash ? -1 : 1))
          await sql.run(`INSERT INTO documents (hash, content_type, body)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (hash) DO NOTHING`,
          [docs.map((x) => x.hash), docs.map((x) => x.contentType), docs.map((x) => x.body)])
          await sql.run(`INSERT INTO deliveries (id, webhook_id, subscriber_id, version_id, position, sequence, lang, format,
              document_hash, status, priority, next_attempt_at, created_at)
            SELECT u.id, u.webhook_id, u.subscriber_id, $1::text, u.position, u.sequence, u.lang, u.format, u.hash, u.status,
              u.priority, NULL, $2::text
            FROM unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[],
              $12::int[]) AS u(id, webhook_id, subscriber_id, position, sequence, lang, format, hash, status, priority)`,
          [versionId, now, created.map((d) => d.id), created.map((d) => d.webhookId), created.map((d) => d.subscriberId),
            positions, created.map((d) => d.sequence), created.map((d) => d.lang), created.map((d) => d.format), hashes,
            created.map((d) => d.status), created.map((d) => d.priority)])
        }
        if (version.event === 'kill') {
          // Earlier versions never sent would only resurrect a withdrawn story: they never leave.
          // They hold no sequence number, so the partner sees no gap; one already sent (numbered,
          // or being numbered by a claim this statement waits for) stays, and the kill follows it.
          const canceled = await sql.rows<{ subscriber_id: string }>(`UPDATE deliveries SET status = 'canceled', next_attempt_at = NULL,
            last_error = 'superseded by a kill' WHERE status = 'pending' AND sequence IS NULL
              AND version_id IN (SELECT id FROM versions WHERE article_id = $1 AND version < $2) RETURNING subscriber_id`,
          [version.article_id, version.version])
          for (const c of canceled) queues.add(c.subscriber_id)
        }
        // New rows, a kill that goes first, a canceled head: each touched queue gets its head.
        await advanceQueues(sql, [...queues].sort(), now, version.event === 'kill')
        await sql.run(`UPDATE versions SET status = 'distributed', status_reason = NULL, lease_until = NULL,
          unfinished_runs = 0, next_attempt_at = NULL, updated_at = $1 WHERE id = $2`, [now, versionId])
        return created
      })
    },

    async createKillVersion (articleId, now, reason) {
      return db.tx(async (sql) => {
        // The article row is locked: a kill and a new version of the same story take turns.
        const [latest] = await sql.rows<{ id: string; version: number; content: string; content_hash: string; event: string }>(
          `SELECT v.id, v.version, v.content, v.content_hash, v.event FROM articles a
           JOIN versions v ON v.article_id = a.id AND v.version = a.current_version WHERE a.id = $1 FOR UPDATE OF a`, [articleId])
        if (latest === undefined) return null
        if (latest.event === 'kill') return { versionId: latest.id, version: latest.version }
        const versionId = randomUUID()
        const version = latest.version + 1
        // Earlier versions still in the pipeline are overtaken: the kill must not wait for them.
        await sql.run(`UPDATE versions SET status = 'superseded', status_reason = 'a kill overtook this version',
          lease_until = NULL, next_attempt_at = NULL, updated_at = $1
          WHERE article_id = $2 AND ${IN_PIPELINE()}`, [now, articleId])
        // A distinct hash; ingest refuses the guid from now on (a kill is final).
        // The reason is the kill's note; it goes through translation first (see Storage.createKillVersion).
        await sql.run(`INSERT INTO versions (id, article_id, version, content_hash, content, event, priority, pub_status, status,
          next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'kill', 1, 'canceled', $7, $6, $6, $6)`,
        [versionId, articleId, version, killContentHash(latest.content_hash), killContent(latest.content, reason), now,
          reason === undefined ? 'translated' : 'received'])
        await sql.run(`UPDATE articles SET current_version = $1, event = 'kill' WHERE id = $2`, [version, articleId])
        // The kill carries the story's last translations (nothing is sent to an engine again).
        await sql.run(`INSERT INTO translations (version_id, lang, content, engine, model, chars_sent, requests, created_at)
          SELECT $1, t.lang, (t.content::jsonb - 'note')::text, t.engine, t.model, 0, 0, $2 FROM translations t
          WHERE t.version_id = (SELECT v.id FROM versions v WHERE v.article_id = $3 AND v.version < $4
            AND EXISTS (SELECT 1 FROM translations x WHERE x.version_id = v.id) ORDER BY v.version DESC LIMIT 1)`,
        [versionId, now, articleId, version])
        return { versionId, version }
      })
    },

    async listStoryRecipients (articleId) {
      // Anyone with a delivery row of the story, whatever became of it: a timed-out attempt may
      // still have reached the partner, and a kill sent to one who never saw the story is harmless.
      const rows = await db.rows<{ subscriber_id: string; lang: string; format: string }>(`SELECT DISTINCT d.subscriber_id,
          d.lang, d.format FROM deliveries d JOIN versions v ON v.id = d.version_id JOIN subscribers s ON s.id = d.subscriber_id
        WHERE v.article_id = $1 AND s.deleted_at IS NULL ORDER BY d.subscriber_id, d.lang`, [articleId])
      return rows.map((r): StoryRecipient => ({ subscriberId: r.subscriber_id, lang: r.lang, format: r.format }))
    },

    async readFeed (subscriberId, after, limit) {
      const rows = await db.rows<FeedRow>(READ_FEED, [subscriberId, after, limit])
      return rows.map(toFeedItem)
    }
  }
}
