// The translation engine's tables on SQLite: the segment memory, what each version cost per
// language, postponing work while the engine is down, and retrying a failed story.
import type { StoredVersion } from '../articles/types.ts'
import { type Db, transaction } from './sqlite-tx.ts'
import type { Storage } from './types.ts'

type TranslationMethods = Pick<Storage, 'findSegments' | 'recordTranslationBatch' | 'getTranslationUsage' |
  'postponeTranslation' | 'retryFailedVersion'>

const KEY_WHERE = 'source_hash = ? AND source_lang = ? AND target_lang = ? AND engine = ? AND glossary_version = ?'

export function createSqliteTranslation (db: Db): TranslationMethods {
  return {
    async findSegments (keys) {
      const find = db.prepare(`SELECT translation FROM translation_memory WHERE ${KEY_WHERE}`)
      return keys.map((k) => {
        const row = find.get(k.sourceHash, k.sourceLanguage, k.targetLanguage, k.engine, k.glossaryVersion) as
          { translation: string } | undefined
        return row === undefined ? null : row.translation
      })
    },

    async recordTranslationBatch (batch, now) {
      transaction(db, () => {
        // A concurrent writer may have stored the same segment meanwhile; either translation is good.
        const insert = db.prepare(`INSERT OR IGNORE INTO translation_memory (source_hash, source_lang, target_lang,
          engine, glossary_version, translation, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        for (const s of batch.segments) {
          insert.run(s.sourceHash, s.sourceLanguage, s.targetLanguage, s.engine, s.glossaryVersion, s.translation, now)
        }
        db.prepare(`INSERT INTO translation_usage (version_id, lang, chars_sent, requests, segments_translated)
          VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (version_id, lang) DO UPDATE SET chars_sent = chars_sent + excluded.chars_sent,
            requests = requests + excluded.requests, segments_translated = segments_translated + excluded.segments_translated`)
          .run(batch.versionId, batch.lang, batch.charsSent, batch.requests, batch.segments.length)
        db.prepare(`INSERT INTO usage_daily (day, lang, chars_sent, requests) VALUES (?, ?, ?, ?)
          ON CONFLICT (day, lang) DO UPDATE SET chars_sent = chars_sent + excluded.chars_sent, requests = requests + excluded.requests`)
          .run(now.slice(0, 10), batch.lang, batch.charsSent, batch.requests)
      })
    },

    async getTranslationUsage (versionId, lang) {
      const row = db.prepare('SELECT chars_sent, requests, segments_translated FROM translation_usage WHERE version_id = ? AND lang = ?')
        .get(versionId, lang) as { chars_sent: number; requests: number; segments_translated: number } | undefined
      return row === undefined
        ? { charsSent: 0, requests: 0, segmentsTranslated: 0 }
        : { charsSent: row.chars_sent, requests: row.requests, segmentsTranslated: row.segments_translated }
    },

    async postponeTranslation (versionId, reason, until, now) {
      // The claim that led here counted an attempt; nothing was tried, so it is given back.
      db.prepare(`UPDATE versions SET status_reason = ?, lease_until = NULL, next_attempt_at = ?,
        attempts = MAX(attempts - 1, 0), unfinished_runs = 0, updated_at = ? WHERE id = ?`).run(reason, until, now, versionId)
    },

    async retryFailedVersion (articleId, now) {
      return transaction(db, () => {
        const latest = db.prepare(`SELECT v.id, v.version, v.status FROM versions v JOIN articles a
          ON a.id = v.article_id AND v.version = a.current_version WHERE a.id = ?`).get(articleId) as
          { id: string; version: number; status: StoredVersion['status'] } | undefined
        if (latest === undefined) return { kind: 'not-found' as const }
        if (latest.status !== 'failed') return { kind: 'not-failed' as const, version: latest.version, status: latest.status }
        db.prepare(`UPDATE versions SET status = 'received', status_reason = NULL, attempts = 0, unfinished_runs = 0, lease_until = NULL,
          next_attempt_at = ?, updated_at = ? WHERE id = ?`).run(now, now, latest.id)
        return { kind: 'retried' as const, versionId: latest.id, version: latest.version }
      })
    },
  }
}
