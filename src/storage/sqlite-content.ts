// Where SQLite keeps a version's story JSON: version_contents (migration 90), not the versions
// row. Every pipeline step updates that row; with a ~4 KB content in it the record overflowed its
// page, and SQLite rewrote the overflow chain on each update. Content is written once, with its
// version, and only read afterwards. Every SQLite statement that reads or writes it goes through
// these (PostgreSQL keeps versions.content: TOAST already stores it out of the row).
import { articleListColumns } from './article-list.ts'
import { versionColumns } from './rows.ts'
import type { Db } from './sqlite-tx.ts'

/** Joins a version v to its content c. Each version has one, so an inner join keeps every row. */
export const CONTENT_JOIN = 'JOIN version_contents c ON c.version_id = v.id'

/** rows.ts VERSION_COLUMNS for SQLite: needs CONTENT_JOIN. */
export const SQLITE_VERSION_COLUMNS = versionColumns('c.content')

/** article-list.ts ARTICLE_LIST_COLUMNS for SQLite: needs CONTENT_JOIN. */
export const SQLITE_ARTICLE_LIST_COLUMNS = articleListColumns('c.content')

/** Stores a new version's content (JSON text), inside the caller's transaction. */
export function insertContent (db: Db, versionId: string, json: string): void {
  db.prepare('INSERT INTO version_contents (version_id, content) VALUES (?, ?)').run(versionId, json)
}
