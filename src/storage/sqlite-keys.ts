// API keys on SQLite: stored by hash, listed without it, revoked at once (the auth path reads the
// row on every request, so there is no cache to go stale), last use recorded at most once a minute.
import { type Db, transaction } from './sqlite-tx.ts'
import type { Storage } from './types.ts'
import { type ApiKeyRow, KEY_COLUMNS, toApiKey } from './rows.ts'

type KeyMethods = Pick<Storage, 'insertApiKey' | 'findApiKeyByHash' | 'countApiKeys' | 'listApiKeys' | 'revokeApiKey' | 'touchApiKey'>

export function createSqliteKeys (db: Db): KeyMethods {
  return {
    async insertApiKey (key) {
      db.prepare('INSERT INTO api_keys (id, hash, role, label, subscriber_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(key.id, key.hash, key.role, key.label, key.subscriberId, key.createdAt)
    },
    async findApiKeyByHash (hash) {
      const row = db.prepare(`SELECT ${KEY_COLUMNS}, hash FROM api_keys WHERE hash = ?`).get(hash) as (ApiKeyRow & { hash: string }) | undefined
      return row === undefined ? null : { ...toApiKey(row), hash: row.hash }
    },
    async countApiKeys (role) {
      return (db.prepare('SELECT COUNT(*) AS n FROM api_keys WHERE role = ? AND revoked_at IS NULL').get(role) as { n: number }).n
    },
    async listApiKeys () {
      const rows = db.prepare(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at, id`).all() as unknown as ApiKeyRow[]
      return rows.map(toApiKey)
    },
    async revokeApiKey (id, now) {
      return transaction(db, () => {
        const key = db.prepare('SELECT role, revoked_at FROM api_keys WHERE id = ?').get(id) as { role: string; revoked_at: string | null } | undefined
        if (key === undefined) return 'not-found'
        if (key.revoked_at !== null) return 'revoked'
        if (key.role === 'admin') {
          const admins = (db.prepare('SELECT COUNT(*) AS n FROM api_keys WHERE role = \'admin\' AND revoked_at IS NULL').get() as { n: number }).n
          if (admins <= 1) return 'last-admin'
        }
        db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(now, id)
        return 'revoked'
      })
    },
    async touchApiKey (id, now, notBefore) {
      db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)').run(now, id, notBefore)
    }
  }
}
