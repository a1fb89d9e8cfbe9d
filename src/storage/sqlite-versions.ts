// The version state machine on SQLite: every move a version makes after ingest, each one
// transaction. Claimed under a lease (translation, then distribution), translated or retried,
// postponed, failed, given back after a dead run, retried by an editor, overtaken by a kill, and
// fanned out: its outbox rows, documents and queue heads written with `distributed`.
import { newId } from '../ids.ts'
import type { StoredVersion } from '../articles/types.ts'
import { DISTRIBUTION_READY, IN_PIPELINE, IN_TRANSLATION, TRANSLATION_READY } from './claim-conditions.ts'
import { newDelivery, toVersion, translationContentJson, type VersionRow } from './rows.ts'
import {
  fanOutDocuments, initialDeliveryStatus, killContent, killContentHash, killStatus, retryOutcome, STOPPED_BECAUSE
} from './rules.ts'
import { CONTENT_JOIN, insertContent, SQLITE_VERSION_COLUMNS } from './sqlite-content.ts'
import type { SqliteQueue } from './sqlite-queue.ts'
import { type Db, transaction } from './sqlite-tx.ts'
import type { ClaimedVersion, Delivery, Storage } from './types.ts'

type VersionMethods = Pick<Storage, 'claimVersionForTranslation' | 'saveTranslations' | 'scheduleTranslationRetry' |
  'postponeTranslation' | 'markVersionFailed' | 'releaseUnfinishedRun' | 'retryFailedVersion' | 'claimVersionForDistribution' |
  'distribute' | 'createKillVersion' | 'extendVersionLeases'>

/** Kills (priority 1) are probed before everything else (0): two index range walks, no sort. */
const PRIORITIES = [1, 0]

// One probe of a queue: the oldest due, unleased version of one priority. Each walks its partial
// index (named, so SQLite cannot pick a wider one) from the oldest entry and stops at the first
// that qualifies, or at the first not yet due: the cost does not grow with the backlog. Needs
// :priority and :now. Exported for the query-plan test (test/storage/query-plans.test.ts).
const queueProbe = (index: string, ready: string): string => `
  SELECT ${SQLITE_VERSION_COLUMNS}, v.unfinished_runs
  FROM versions v INDEXED BY ${index} JOIN articles a ON a.id = v.article_id ${CONTENT_JOIN}
  WHERE ${ready} AND v.priority = :priority AND v.next_attempt_at <= :now
  ORDER BY v.next_attempt_at, v.rowid LIMIT 1`

export const TRANSLATION_CLAIM = queueProbe('versions_translation_queue', TRANSLATION_READY(':now'))
// The order gate is one probe of the (article_id, version) key per candidate: the versions of
// one story, never the table.
export const DISTRIBUTION_CLAIM = queueProbe('versions_distribution_queue', DISTRIBUTION_READY(':now'))
const TAKE_VERSION_LEASE = `UPDATE versions SET lease_until = ?, attempts = attempts + 1, unfinished_runs = unfinished_runs + 1, updated_at = ?,
  status = CASE status WHEN 'received' THEN 'translating' ELSE status END WHERE id = ?`

export function createSqliteVersions (db: Db, queue: SqliteQueue): VersionMethods {
  const claim = (probe: string, now: string, leaseUntil: string): ClaimedVersion | null =>
    transaction(db, () => {
      let row: (VersionRow & { unfinished_runs: number }) | undefined
      for (const priority of PRIORITIES) {
        row = db.prepare(probe).get({ now, priority }) as (VersionRow & { unfinished_runs: number }) | undefined
        if (row !== undefined) break
      }
      if (row === undefined) return null
      // Counted as unfinished until the run records an outcome: a run that kills the process never does.
      db.prepare(TAKE_VERSION_LEASE).run(leaseUntil, now, row.id)
      return {
        ...toVersion({ ...row, status: row.status === 'received' ? 'translating' : row.status }),
        attempts: row.attempts + 1,
        unfinishedRuns: row.unfinished_runs + 1
      }
    })

  return {
    async claimVersionForTranslation (now, leaseUntil) {
      return claim(TRANSLATION_CLAIM, now, leaseUntil)
    },

    async saveTranslations (versionId, translations, now) {
      transaction(db, () => {
        const insert = db.prepare(`INSERT OR REPLACE INTO translations (version_id, lang, content, engine, model,
          chars_sent, requests, created_at, segments, segments_reused, chars_reused, segment_details)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        // What the memory saved counts on the day the translation was made, beside what was sent.
        const reused = db.prepare(`INSERT INTO usage_daily (day, lang, chars_reused) VALUES (?, ?, ?)
          ON CONFLICT (day, lang) DO UPDATE SET chars_reused = chars_reused + excluded.chars_reused`)
        for (const t of translations) {
          insert.run(versionId, t.lang, translationContentJson(t), t.engine, t.model, t.charsSent, t.requests, t.createdAt,
            t.segments ?? null, t.segments === undefined ? null : t.segmentsReused ?? 0, t.charsReused ?? null,
            t.segmentDetails === undefined ? null : JSON.stringify(t.segmentDetails))
          if ((t.charsReused ?? 0) > 0) reused.run(now.slice(0, 10), t.lang, t.charsReused!)
        }
        // Only a version still in translation moves on: a kill may have superseded it meanwhile.
        db.prepare(`UPDATE versions SET status = 'translated', status_reason = NULL, lease_until = NULL,
          attempts = 0, unfinished_runs = 0, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'translating'`).run(now, now, versionId)
      })
    },

    async scheduleTranslationRetry (versionId, reason, retryAt, now) {
      db.prepare(`UPDATE versions SET status_reason = ?, lease_until = NULL, next_attempt_at = ?, unfinished_runs = 0, updated_at = ?
        WHERE id = ? AND ${IN_TRANSLATION()}`).run(reason, retryAt, now, versionId)
    },

    async postponeTranslation (versionId, reason, until, now) {
      // The claim that led here counted an attempt; nothing was tried, so it is given back.
      db.prepare(`UPDATE versions SET status_reason = ?, lease_until = NULL, next_attempt_at = ?,
        attempts = MAX(attempts - 1, 0), unfinished_runs = 0, updated_at = ? WHERE id = ?`).run(reason, until, now, versionId)
    },

    async markVersionFailed (versionId, reason, now) {
      db.prepare(`UPDATE versions SET status = 'failed', status_reason = ?, lease_until = NULL, unfinished_runs = 0,
        next_attempt_at = NULL, updated_at = ? WHERE id = ? AND ${IN_PIPELINE()}`).run(reason, now, versionId)
    },

    async releaseUnfinishedRun (versionId, reason, retryAt, now) {
      db.prepare(`UPDATE versions SET status_reason = ?, lease_until = NULL, next_attempt_at = ?, updated_at = ?
        WHERE id = ? AND ${IN_PIPELINE()}`).run(reason, retryAt, now, versionId)
    },

    async retryFailedVersion (articleId, now) {
      return transaction(db, () => {
        const latest = db.prepare(`SELECT v.id, v.version, v.status FROM versions v JOIN articles a
          ON a.id = v.article_id AND v.version = a.current_version WHERE a.id = ?`).get(articleId) as
          { id: string; version: number; status: StoredVersion['status'] } | undefined
        const outcome = retryOutcome(latest)
        if (outcome.kind !== 'retried') return outcome
        db.prepare(`UPDATE versions SET status = 'received', status_reason = NULL, attempts = 0, unfinished_runs = 0, lease_until = NULL,
          next_attempt_at = ?, updated_at = ? WHERE id = ?`).run(now, now, outcome.versionId)
        return outcome
      })
    },

    async claimVersionForDistribution (now, leaseUntil) {
      return claim(DISTRIBUTION_CLAIM, now, leaseUntil)
    },

    async distribute (versionId, deliveries, now) {
      return transaction(db, () => {
        const version = db.prepare('SELECT article_id, version, event, status FROM versions WHERE id = ?').get(versionId) as
          { article_id: string; version: number; event: Delivery['event']; status: string }
        // A kill overtook the version while it was being rendered: it must never leave.
        if (version.status === 'superseded') return []
        const insert = db.prepare(`INSERT INTO deliveries (id, webhook_id, subscriber_id, version_id, position, sequence, lang, format,
          document_hash, status, priority, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`)
        const storeDocument = db.prepare('INSERT OR IGNORE INTO documents (hash, content_type, body) VALUES (?, ?, ?)')
        const documentOf = fanOutDocuments()
        const created: Delivery[] = []
        // Subscribers whose queue may need a new head: every one that got a row (false: only
        // if it has no head yet) and, for a kill or a canceled head, a full look (true).
        const queues = new Map<string, boolean>()
        for (const d of deliveries) {
          // Most subscribers share a rendering: hash it once, store it once.
          const { hash, isNew } = documentOf(d.contentType, d.body)
          if (isNew) storeDocument.run(hash, d.contentType, d.body)
          const { position, mode } = queue.takePosition(d.subscriberId)
          const status = initialDeliveryStatus(mode)
          const sequence = status === 'feed' ? queue.takeSequence(d.subscriberId) : null
          // A row of priority 0 queues behind whatever is there: it only becomes the head of an empty queue.
          if (status === 'pending') queues.set(d.subscriberId, queues.get(d.subscriberId) === true || (d.priority ?? 0) > 0)
          const delivery = newDelivery(d, { ...version, id: versionId }, { status, sequence, position }, now)
          insert.run(delivery.id, delivery.webhookId, d.subscriberId, versionId, position, sequence, d.lang, d.format, hash,
            status, d.priority ?? 0, now)
          created.push(delivery)
        }
        if (version.event === 'kill') {
          // Earlier versions never sent would only resurrect a withdrawn story: they never leave.
          // They hold no sequence number, so the partner sees no gap; one already sent (numbered)
          // stays, and the kill follows it.
          // By version (deliveries_by_version), not by status: a big backlog is not walked.
          const canceled = db.prepare(`UPDATE deliveries INDEXED BY deliveries_by_version SET status = 'canceled', next_attempt_at = NULL,
            last_error = ? WHERE status = 'pending' AND sequence IS NULL
              AND version_id IN (SELECT id FROM versions WHERE article_id = ? AND version < ?) RETURNING subscriber_id`)
            .all(STOPPED_BECAUSE.supersededByKill, version.article_id, version.version) as Array<{ subscriber_id: string }>
          for (const c of canceled) queues.set(c.subscriber_id, true)
        }
        // New rows, a kill that goes first, a canceled head: each touched queue gets its head.
        for (const [subscriberId, fullLook] of queues) queue.advance(subscriberId, now, !fullLook)
        db.prepare(`UPDATE versions SET status = 'distributed', status_reason = NULL, lease_until = NULL,
          unfinished_runs = 0, next_attempt_at = NULL, updated_at = ? WHERE id = ?`).run(now, versionId)
        return created
      })
    },

    async createKillVersion (articleId, now, reason) {
      return transaction(db, () => {
        const latest = db.prepare(`SELECT v.id, v.version, c.content, v.content_hash, v.event FROM versions v
          JOIN articles a ON a.id = v.article_id AND v.version = a.current_version ${CONTENT_JOIN} WHERE a.id = ?`).get(articleId) as
          { id: string; version: number; content: string; content_hash: string; event: string } | undefined
        if (latest === undefined) return null
        if (latest.event === 'kill') return { versionId: latest.id, version: latest.version }
        const versionId = newId()
        const version = latest.version + 1
        // Earlier versions still in the pipeline are overtaken: the kill must not wait for them.
        db.prepare(`UPDATE versions SET status = 'superseded', status_reason = ?, lease_until = NULL, next_attempt_at = NULL,
          updated_at = ? WHERE article_id = ? AND ${IN_PIPELINE()}`).run(STOPPED_BECAUSE.overtakenByKill, now, articleId)
        // A distinct hash; ingest refuses the guid from now on (a kill is final).
        // The reason is the kill's note; it goes through translation first (see Storage.createKillVersion).
        db.prepare(`INSERT INTO versions (id, article_id, version, content_hash, event, priority, pub_status, status,
          next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'kill', 1, 'canceled', ?, ?, ?, ?)`)
          .run(versionId, articleId, version, killContentHash(latest.content_hash), killStatus(reason), now, now, now)
        insertContent(db, versionId, killContent(latest.content, reason))
        db.prepare('UPDATE articles SET current_version = ?, event = \'kill\' WHERE id = ?').run(version, articleId)
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

    async extendVersionLeases (versionIds, leaseUntil) {
      if (versionIds.length === 0) return
      db.prepare(`UPDATE versions SET lease_until = ? WHERE lease_until IS NOT NULL
        AND id IN (SELECT value FROM json_each(?))`).run(leaseUntil, JSON.stringify(versionIds))
    }
  }
}
