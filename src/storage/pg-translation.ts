// The translation engine's tables on PostgreSQL: the segment memory and what each version cost
// per language. The version's own moves (postponed, retried) are pg-versions.ts.
import type { PgDb } from './pg-tx.ts'
import type { Storage } from './types.ts'
import { toTranslationUsage, type TranslationUsageRow } from './rows.ts'

type TranslationMethods = Pick<Storage, 'findSegments' | 'recordTranslationBatch' | 'getTranslationUsage'>

export function createPgTranslation (db: PgDb): TranslationMethods {
  return {
    async findSegments (keys) {
      if (keys.length === 0) return []
      // One round trip for the whole list; ord puts the answers back in the keys' order.
      const rows = await db.rows<{ ord: number; translation: string | null }>(`SELECT k.ord::int AS ord, m.translation
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY
          AS k(source_hash, source_lang, target_lang, engine, glossary_version, ord)
        LEFT JOIN translation_memory m ON m.source_hash = k.source_hash AND m.source_lang = k.source_lang
          AND m.target_lang = k.target_lang AND m.engine = k.engine AND m.glossary_version = k.glossary_version`,
      [keys.map((k) => k.sourceHash), keys.map((k) => k.sourceLanguage), keys.map((k) => k.targetLanguage),
        keys.map((k) => k.engine), keys.map((k) => k.glossaryVersion)])
      const found = new Array<string | null>(keys.length).fill(null)
      for (const r of rows) found[r.ord - 1] = r.translation
      return found
    },

    async recordTranslationBatch (batch, now) {
      await db.tx(async (sql) => {
        if (batch.segments.length > 0) {
          // A concurrent writer may have stored the same segment meanwhile; either translation is good.
          const s = batch.segments
          await sql.run(`INSERT INTO translation_memory (source_hash, source_lang, target_lang, engine, glossary_version,
              translation, created_at)
            SELECT u.*, $7::text FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u
            ON CONFLICT DO NOTHING`,
          [s.map((x) => x.sourceHash), s.map((x) => x.sourceLanguage), s.map((x) => x.targetLanguage), s.map((x) => x.engine),
            s.map((x) => x.glossaryVersion), s.map((x) => x.translation), now])
        }
        await sql.run(`INSERT INTO translation_usage (version_id, lang, chars_sent, requests, segments_translated)
          VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (version_id, lang) DO UPDATE SET chars_sent = translation_usage.chars_sent + excluded.chars_sent,
            requests = translation_usage.requests + excluded.requests,
            segments_translated = translation_usage.segments_translated + excluded.segments_translated`,
        [batch.versionId, batch.lang, batch.charsSent, batch.requests, batch.segments.length])
        await sql.run(`INSERT INTO usage_daily (day, lang, chars_sent, requests) VALUES ($1, $2, $3, $4)
          ON CONFLICT (day, lang) DO UPDATE SET chars_sent = usage_daily.chars_sent + excluded.chars_sent,
            requests = usage_daily.requests + excluded.requests`, [now.slice(0, 10), batch.lang, batch.charsSent, batch.requests])
      })
    },

    async getTranslationUsage (versionId, lang) {
      const [row] = await db.rows<TranslationUsageRow>(
        'SELECT chars_sent, requests, segments_translated FROM translation_usage WHERE version_id = $1 AND lang = $2', [versionId, lang])
      return toTranslationUsage(row)
    }
  }
}
