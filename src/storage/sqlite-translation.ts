// The translation engine's tables on SQLite: the segment memory and what each version cost per
// language. The version's own moves (postponed, retried) are sqlite-versions.ts.
import { type Db, transaction } from './sqlite-tx.ts'
import type { Storage } from './types.ts'
import { toTranslationUsage, type TranslationUsageRow } from './rows.ts'

type TranslationMethods = Pick<Storage, 'findSegments' | 'recordTranslationBatch' | 'getTranslationUsage'>

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
        .get(versionId, lang) as TranslationUsageRow | undefined
      return toTranslationUsage(row)
    }
  }
}
