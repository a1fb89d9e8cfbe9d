// Glossary entries and do-not-translate terms on SQLite. Every change bumps one version number
// in the same transaction, so a reader sees entries and version that belong together.
import { newId } from '../ids.ts'
import { type Db, transaction } from './sqlite-tx.ts'
import type { Storage } from './types.ts'
import { type EntryRow, toEntry } from './rows.ts'

type GlossaryMethods = Pick<Storage, 'getGlossary' | 'putGlossaryEntry' | 'deleteGlossaryEntry'>

export function createSqliteGlossary (db: Db): GlossaryMethods {
  const bump = (): number => {
    db.prepare('UPDATE glossary_state SET version = version + 1 WHERE id = 1').run()
    return (db.prepare('SELECT version FROM glossary_state WHERE id = 1').get() as { version: number }).version
  }

  return {
    async getGlossary () {
      // node:sqlite is synchronous: nothing can change the glossary between these two reads.
      const version = (db.prepare('SELECT version FROM glossary_state WHERE id = 1').get() as { version: number }).version
      const rows = db.prepare('SELECT * FROM glossary_entries ORDER BY source_lang, term_key').all() as unknown as EntryRow[]
      return { version, entries: rows.map(toEntry) }
    },

    async putGlossaryEntry (input, now) {
      return transaction(db, () => {
        const existing = db.prepare('SELECT * FROM glossary_entries WHERE source_lang = ? AND term_key = ?')
          .get(input.sourceLanguage, input.termKey) as EntryRow | undefined
        const translations = JSON.stringify(input.translations)
        if (existing === undefined) {
          const id = newId()
          db.prepare(`INSERT INTO glossary_entries (id, term, term_key, source_lang, do_not_translate, translations,
            created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
            .run(id, input.term, input.termKey, input.sourceLanguage, input.doNotTranslate ? 1 : 0, translations, now, now)
          const row = db.prepare('SELECT * FROM glossary_entries WHERE id = ?').get(id) as unknown as EntryRow
          return { entry: toEntry(row), created: true, version: bump() }
        }
        db.prepare(`UPDATE glossary_entries SET term = ?, do_not_translate = ?, translations = ?, updated_at = ?
          WHERE id = ?`).run(input.term, input.doNotTranslate ? 1 : 0, translations, now, existing.id)
        const row = db.prepare('SELECT * FROM glossary_entries WHERE id = ?').get(existing.id) as unknown as EntryRow
        return { entry: toEntry(row), created: false, version: bump() }
      })
    },

    async deleteGlossaryEntry (id) {
      return transaction(db, () => {
        const result = db.prepare('DELETE FROM glossary_entries WHERE id = ?').run(id)
        return result.changes === 0 ? null : { version: bump() }
      })
    },
  }
}
