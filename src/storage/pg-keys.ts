// API keys on PostgreSQL: stored by hash, listed without it, revoked at once (the auth path reads
// the row on every request), last use recorded at most once a minute. Revoking locks every live
// admin key first, so two instances revoking the last two admins cannot both succeed.
import type { PgDb } from './pg-tx.ts'
import type { Storage } from './types.ts'
import { type ApiKeyRow, KEY_COLUMNS, toApiKey } from './rows.ts'

type KeyMethods = Pick<Storage, 'insertApiKey' | 'findApiKeyByHash' | 'countApiKeys' | 'listApiKeys' | 'revokeApiKey' | 'touchApiKey'>

export function createPgKeys (db: PgDb): KeyMethods {
  return {
    async insertApiKey (key) {
      await db.run('INSERT INTO api_keys (id, hash, role, label, subscriber_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [key.id, key.hash, key.role, key.label, key.subscriberId, key.createdAt])
    },
    async findApiKeyByHash (hash) {
      const [row] = await db.rows<ApiKeyRow & { hash: string }>(`SELECT ${KEY_COLUMNS}, hash FROM api_keys WHERE hash = $1`, [hash])
      return row === undefined ? null : { ...toApiKey(row), hash: row.hash }
    },
    async countApiKeys (role) {
      const [row] = await db.rows<{ n: number }>('SELECT COUNT(*)::int AS n FROM api_keys WHERE role = $1 AND revoked_at IS NULL', [role])
      return row?.n ?? 0
    },
    async listApiKeys () {
      return (await db.rows<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at, id`)).map(toApiKey)
    },
    async revokeApiKey (id, now) {
      return db.tx(async (sql) => {
        const [key] = await sql.rows<{ role: string; revoked_at: string | null }>('SELECT role, revoked_at FROM api_keys WHERE id = $1 FOR UPDATE', [id])
        if (key === undefined) return 'not-found'
        if (key.revoked_at !== null) return 'revoked'
        if (key.role === 'admin') {
          const admins = await sql.rows('SELECT id FROM api_keys WHERE role = \'admin\' AND revoked_at IS NULL ORDER BY id FOR UPDATE')
          if (admins.length <= 1) return 'last-admin'
        }
        await sql.run('UPDATE api_keys SET revoked_at = $1 WHERE id = $2', [now, id])
        return 'revoked'
      })
    },
    async touchApiKey (id, now, notBefore) {
      await db.run('UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)', [now, id, notBefore])
    }
  }
}
