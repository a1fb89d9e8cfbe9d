// The version state machine on PostgreSQL: every move a version makes after ingest, each one
// transaction (sqlite-versions.ts walks the same moves). Claimed under a lease (translation,
// then distribution), translated or retried, postponed, failed, given back after a dead run,
// retried by an editor, overtaken by a kill, and fanned out: its outbox rows, documents and
// queue heads written with `distributed`. Row locks keep instances sharing the database apart.
import { newId } from '../ids.ts'
import type { StoredVersion } from '../articles/types.ts'
import { DISTRIBUTION_READY, IN_PIPELINE, IN_TRANSLATION, TRANSLATION_READY } from './claim-conditions.ts'
import { advanceQueues } from './pg-queue.ts'
import type { PgDb } from './pg-tx.ts'
import { newDelivery, toVersion, translationContentJson, VERSION_COLUMNS, type VersionRow } from './rows.ts'
import {
  fanOutDocuments, initialDeliveryStatus, killContent, killContentHash, killStatus, retryOutcome, STOPPED_BECAUSE
} from './rules.ts'
import type { ClaimedVersion, Delivery, Storage, Subscriber } from './types.ts'

type VersionMethods = Pick<Storage, 'claimVersionForTranslation' | 'saveTranslations' | 'scheduleTranslationRetry' |
  'postponeTranslation' | 'markVersionFailed' | 'releaseUnfinishedRun' | 'retryFailedVersion' | 'claimVersionForDistribution' |
  'distribute' | 'createKillVersion' | 'extendVersionLeases'>

interface Document {
  hash: string
  contentType: string
  body: string
}

// One statement per probe: the oldest due, unleased version of one priority ($3; kills are 1 and
// probed first). It walks the queue's partial index (versions_translation_queue /
// versions_distribution_queue) in order and stops early, whatever the backlog. SKIP LOCKED passes
// over a version another instance is claiming right now, and the UPDATE takes the lease before
// the row lock is let go. Exported for the query-plan test.
const claimSql = (ready: string): string => `
  WITH picked AS (
    SELECT v.id FROM versions v
    WHERE ${ready} AND v.priority = $3 AND v.next_attempt_at <= $1
    ORDER BY v.next_attempt_at, v.seq LIMIT 1
    FOR UPDATE OF v SKIP LOCKED)
  UPDATE versions v SET lease_until = $2, attempts = v.attempts + 1, unfinished_runs = v.unfinished_runs + 1, updated_at = $1,
    status = CASE v.status WHEN 'received' THEN 'translating' ELSE v.status END
  FROM picked, articles a WHERE v.id = picked.id AND a.id = v.article_id
  RETURNING ${VERSION_COLUMNS}, v.unfinished_runs`

export const TRANSLATION_CLAIM = claimSql(TRANSLATION_READY('$1'))
// The order gate is one probe of the (article_id, version) key per candidate.
export const DISTRIBUTION_CLAIM = claimSql(DISTRIBUTION_READY('$1'))

export function createPgVersions (db: PgDb): VersionMethods {
  const claim = async (sql: string, now: string, leaseUntil: string): Promise<ClaimedVersion | null> => {
    for (const priority of [1, 0]) {
      const [row] = await db.rows<VersionRow & { unfinished_runs: number }>(sql, [now, leaseUntil, priority])
      if (row !== undefined) return { ...toVersion(row), attempts: row.attempts, unfinishedRuns: row.unfinished_runs }
    }
    return null
  }

  return {
    async claimVersionForTranslation (now, leaseUntil) {
      return claim(TRANSLATION_CLAIM, now, leaseUntil)
    },

    async saveTranslations (versionId, translations, now) {
      await db.tx(async (sql) => {
        for (const t of translations) {
          await sql.run(`INSERT INTO translations (version_id, lang, content, engine, model, chars_sent, requests, created_at,
            segments, segments_reused, chars_reused, segment_details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (version_id, lang) DO UPDATE SET content = excluded.content, engine = excluded.engine,
              model = excluded.model, chars_sent = excluded.chars_sent, requests = excluded.requests,
              created_at = excluded.created_at, segments = excluded.segments, segments_reused = excluded.segments_reused,
              chars_reused = excluded.chars_reused, segment_details = excluded.segment_details`,
          [versionId, t.lang, translationContentJson(t), t.engine, t.model, t.charsSent, t.requests, t.createdAt,
            t.segments ?? null, t.segments === undefined ? null : t.segmentsReused ?? 0, t.charsReused ?? null,
            t.segmentDetails === undefined ? null : JSON.stringify(t.segmentDetails)])
        }
        // Only a version still in translation moves on: a kill may have superseded it meanwhile.
        await sql.run(`UPDATE versions SET status = 'translated', status_reason = NULL, lease_until = NULL,
          attempts = 0, unfinished_runs = 0, next_attempt_at = $1, updated_at = $1 WHERE id = $2 AND status = 'translating'`, [now, versionId])
        // What the memory saved counts on the day the translation was made, beside what was sent.
        // Last, in one statement: every translation's save updates the day's row of its language,
        // and holds it until this transaction commits.
        const reused = translations.filter((t) => (t.charsReused ?? 0) > 0)
        if (reused.length > 0) {
          await sql.run(`INSERT INTO usage_daily (day, lang, chars_reused) SELECT $1, u.lang, u.chars FROM unnest($2::text[], $3::int[]) AS u(lang, chars)
            ORDER BY u.lang ON CONFLICT (day, lang) DO UPDATE SET chars_reused = usage_daily.chars_reused + excluded.chars_reused`,
          [now.slice(0, 10), reused.map((t) => t.lang), reused.map((t) => t.charsReused)])
        }
      })
    },

    async scheduleTranslationRetry (versionId, reason, retryAt, now) {
      await db.run(`UPDATE versions SET status_reason = $1, lease_until = NULL, next_attempt_at = $2, unfinished_runs = 0,
        updated_at = $3 WHERE id = $4 AND ${IN_TRANSLATION()}`, [reason, retryAt, now, versionId])
    },

    async postponeTranslation (versionId, reason, until, now) {
      // The claim that led here counted an attempt; nothing was tried, so it is given back.
      await db.run(`UPDATE versions SET status_reason = $1, lease_until = NULL, next_attempt_at = $2,
        attempts = GREATEST(attempts - 1, 0), unfinished_runs = 0, updated_at = $3 WHERE id = $4`, [reason, until, now, versionId])
    },

    async markVersionFailed (versionId, reason, now) {
      await db.run(`UPDATE versions SET status = 'failed', status_reason = $1, lease_until = NULL, unfinished_runs = 0,
        next_attempt_at = NULL, updated_at = $2 WHERE id = $3 AND ${IN_PIPELINE()}`, [reason, now, versionId])
    },

    async releaseUnfinishedRun (versionId, reason, retryAt, now) {
      await db.run(`UPDATE versions SET status_reason = $1, lease_until = NULL, next_attempt_at = $2, updated_at = $3
        WHERE id = $4 AND ${IN_PIPELINE()}`, [reason, retryAt, now, versionId])
    },

    async retryFailedVersion (articleId, now) {
      return db.tx(async (sql) => {
        const [latest] = await sql.rows<{ id: string; version: number; status: StoredVersion['status'] }>(`SELECT v.id, v.version,
          v.status FROM versions v JOIN articles a ON a.id = v.article_id AND v.version = a.current_version WHERE a.id = $1
          FOR UPDATE OF v`, [articleId])
        const outcome = retryOutcome(latest)
        if (outcome.kind !== 'retried') return outcome
        await sql.run(`UPDATE versions SET status = 'received', status_reason = NULL, attempts = 0, unfinished_runs = 0, lease_until = NULL,
          next_attempt_at = $1, updated_at = $1 WHERE id = $2`, [now, outcome.versionId])
        return outcome
      })
    },

    async claimVersionForDistribution (now, leaseUntil) {
      return claim(DISTRIBUTION_CLAIM, now, leaseUntil)
    },

    async distribute (versionId, deliveries, now) {
      return db.tx(async (sql) => {
        // Locked: an instance whose lease ran out and one that took it over cannot both fan out.
        // Marked distributed at once (the transaction makes it so only with its rows): what
        // follows the subscriber locks below is kept short, since every delivery to those
        // subscribers waits for them (with one subscriber, the drain's whole chain did).
        const [version] = await sql.rows<{ article_id: string; version: number; event: Delivery['event'] }>(`UPDATE versions
          SET status = 'distributed', status_reason = NULL, lease_until = NULL, unfinished_runs = 0, next_attempt_at = NULL, updated_at = $1
          WHERE id = $2 AND status <> 'superseded' RETURNING article_id, version, event`, [now, versionId])
        if (version === undefined) {
          // A kill overtook the version while it was being rendered: it must never leave.
          if ((await sql.rows('SELECT 1 FROM versions WHERE id = $1', [versionId])).length > 0) return []
          throw new Error(`no version ${versionId}`)
        }

        // Most subscribers share a rendering: hash it once, store it once, before the locks.
        const documentOf = fanOutDocuments()
        const documents = new Map<string, Document>()
        const hashes = deliveries.map((d) => {
          const { hash, isNew } = documentOf(d.contentType, d.body)
          if (isNew) documents.set(hash, { hash, contentType: d.contentType, body: d.body })
          return hash
        })
        if (documents.size > 0) {
          // In hash order: concurrent fan-outs of the same documents queue instead of deadlocking.
          const docs = [...documents.values()].sort((a, b) => (a.hash < b.hash ? -1 : 1))
          await sql.run(`INSERT INTO documents (hash, content_type, body)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (hash) DO NOTHING`,
          [docs.map((x) => x.hash), docs.map((x) => x.contentType), docs.map((x) => x.body)])
        }

        // Queue positions (and, for pull subscribers, sequence numbers: a feed item is out the
        // moment it is written): each subscriber row is locked (in id order, so two fan-outs never
        // deadlock) and its counters moved past the block this fan-out takes, in one statement:
        // gap-free, and a concurrent fan-out to the same subscriber waits for this one to commit.
        const counts = new Map<string, number>()
        for (const d of deliveries) counts.set(d.subscriberId, (counts.get(d.subscriberId) ?? 0) + 1)
        const ids = [...counts.keys()]
        const next = new Map<string, { position: number; seq: number; mode: Subscriber['mode'] }>()
        // Queues that have a head keep it (what this fan-out adds queues behind it), which is read
        // here under the lock that any change of head needs: only the others are looked at below.
        const headless = new Set<string>()
        if (ids.length > 0) {
          const taken = await sql.rows<{ id: string; position: number; seq: number; mode: Subscriber['mode']; has_head: boolean }>(`UPDATE subscribers s
            SET next_position = s.next_position + c.n, next_sequence = s.next_sequence + CASE WHEN s.mode = 'pull' THEN c.n ELSE 0 END
            FROM (SELECT id FROM subscribers WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE) AS locked,
              unnest($1::text[], $2::int[]) AS c(id, n)
            WHERE s.id = locked.id AND c.id = locked.id
            RETURNING s.id, s.next_position - c.n AS position, s.next_sequence - CASE WHEN s.mode = 'pull' THEN c.n ELSE 0 END AS seq,
              s.mode, EXISTS (SELECT 1 FROM deliveries h WHERE h.subscriber_id = s.id AND h.status = 'pending'
                AND h.next_attempt_at IS NOT NULL) AS has_head`, [ids, ids.map((id) => counts.get(id))])
          for (const t of taken) {
            next.set(t.id, { position: t.position, seq: t.seq, mode: t.mode })
            if (!t.has_head) headless.add(t.id)
          }
        }

        const created: Delivery[] = []
        const positions: number[] = []
        const queues = new Set<string>()
        for (const d of deliveries) {
          const counter = next.get(d.subscriberId)
          if (counter === undefined) throw new Error(`no subscriber ${d.subscriberId}`)
          const status = initialDeliveryStatus(counter.mode)
          const sequence = status === 'feed' ? counter.seq++ : null
          // A kill may take the place of a head never sent: its queues are all looked at.
          if (status === 'pending' && (version.event === 'kill' || headless.has(d.subscriberId))) queues.add(d.subscriberId)
          const position = counter.position++
          created.push(newDelivery(d, { ...version, id: versionId }, { status, sequence, position }, now))
          positions.push(position)
        }
        if (created.length > 0) {
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
            last_error = $3 WHERE status = 'pending' AND sequence IS NULL
              AND version_id IN (SELECT id FROM versions WHERE article_id = $1 AND version < $2) RETURNING subscriber_id`,
          [version.article_id, version.version, STOPPED_BECAUSE.supersededByKill])
          for (const c of canceled) queues.add(c.subscriber_id)
        }
        // New rows, a kill that goes first, a canceled head: each touched queue gets its head.
        await advanceQueues(sql, [...queues].sort(), now, version.event === 'kill')
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
        const versionId = newId()
        const version = latest.version + 1
        // Earlier versions still in the pipeline are overtaken: the kill must not wait for them.
        await sql.run(`UPDATE versions SET status = 'superseded', status_reason = $3, lease_until = NULL, next_attempt_at = NULL,
          updated_at = $1 WHERE article_id = $2 AND ${IN_PIPELINE()}`, [now, articleId, STOPPED_BECAUSE.overtakenByKill])
        // A distinct hash; ingest refuses the guid from now on (a kill is final).
        // The reason is the kill's note; it goes through translation first (see Storage.createKillVersion).
        await sql.run(`INSERT INTO versions (id, article_id, version, content_hash, content, event, priority, pub_status, status,
          next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'kill', 1, 'canceled', $7, $6, $6, $6)`,
        [versionId, articleId, version, killContentHash(latest.content_hash), killContent(latest.content, reason), now,
          killStatus(reason)])
        await sql.run('UPDATE articles SET current_version = $1, event = \'kill\' WHERE id = $2', [version, articleId])
        // The kill carries the story's last translations (nothing is sent to an engine again).
        await sql.run(`INSERT INTO translations (version_id, lang, content, engine, model, chars_sent, requests, created_at)
          SELECT $1, t.lang, (t.content::jsonb - 'note')::text, t.engine, t.model, 0, 0, $2 FROM translations t
          WHERE t.version_id = (SELECT v.id FROM versions v WHERE v.article_id = $3 AND v.version < $4
            AND EXISTS (SELECT 1 FROM translations x WHERE x.version_id = v.id) ORDER BY v.version DESC LIMIT 1)`,
        [versionId, now, articleId, version])
        return { versionId, version }
      })
    },

    async extendVersionLeases (versionIds, leaseUntil) {
      if (versionIds.length === 0) return
      await db.run('UPDATE versions SET lease_until = $1 WHERE lease_until IS NOT NULL AND id = ANY($2::text[])', [leaseUntil, versionIds])
    }
  }
}
