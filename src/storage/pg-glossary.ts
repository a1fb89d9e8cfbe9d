// Glossary entries and do-not-translate terms on PostgreSQL. Every change bumps one version
// number in the same transaction; writers lock the glossary_state row first, so changes from
// several instances take turns and each gets its own version number.
import { newId } from '../ids.ts'
import type { PgDb, Sql } from './pg-tx.ts'
import type { Storage } from './types.ts'
import { type EntryRow, toEntry } from './rows.ts'

type GlossaryMethods = Pick<Storage, 'getGlossary' | 'putGlossaryEntry' | 'deleteGlossaryEntry'>

const COLUMNS = 'id, term, source_lang, do_not_translate, translations, created_at, updated_at'

const lockState = async (sql: Sql): Promise<void> => {
  await sql.rows('SELECT version FROM glossary_state WHERE id = 1 FOR UPDATE')
}

const bump = async (sql: Sql): Promise<number> => {
  const [row] = await sql.rows<{ version: number }>('UPDATE glossary_state SET version = version + 1 WHERE id = 1 RETURNING version')
  return row!.version
}

export function createPgGlossary (db: PgDb): GlossaryMethods {
  return {
    async getGlossary () {
      // One snapshot for both reads: entries and version belong together.
      return db.tx(async (sql) => {
        const [state] = await sql.rows<{ version: number }>('SELECT version FROM glossary_state WHERE id = 1')
        const rows = await sql.rows<EntryRow>(`SELECT ${COLUMNS} FROM glossary_entries ORDER BY source_lang, term_key`)
        return { version: state!.version, entries: rows.map(toEntry) }
      }, { snapshot: true })
    },

    async putGlossaryEntry (input, now) {
      return db.tx(async (sql) => {
        await lockState(sql)
        const [existing] = await sql.rows<{ id: string }>('SELECT id FROM glossary_entries WHERE source_lang = $1 AND term_key = $2',
          [input.sourceLanguage, input.termKey])
        const translations = JSON.stringify(input.translations)
        if (existing === undefined) {
          const [row] = await sql.rows<EntryRow>(`INSERT INTO glossary_entries (id, term, term_key, source_lang, do_not_translate,
            translations, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${COLUMNS}`,
          [newId(), input.term, input.termKey, input.sourceLanguage, input.doNotTranslate, translations, now])
          return { entry: toEntry(row!), created: true, version: await bump(sql) }
        }
        const [row] = await sql.rows<EntryRow>(`UPDATE glossary_entries SET term = $1, do_not_translate = $2, translations = $3,
          updated_at = $4 WHERE id = $5 RETURNING ${COLUMNS}`, [input.term, input.doNotTranslate, translations, now, existing.id])
        return { entry: toEntry(row!), created: false, version: await bump(sql) }
      })
    },

    async deleteGlossaryEntry (id) {
      return db.tx(async (sql) => {
        await lockState(sql)
        const deleted = await sql.run('DELETE FROM glossary_entries WHERE id = $1', [id])
        return deleted === 0 ? null : { version: await bump(sql) }
      })
    },
  }
}
