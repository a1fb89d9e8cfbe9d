// API keys on SQLite: stored by hash, listed without it, revoked at once, last use recorded at
// most once a minute. Every request looks its key up; the rows found are kept in memory, because
// a point read on a busy WAL database (its shared-memory locks) cost 27 µs of each post. That is
// exact, not a cache that can go stale: one process owns a SQLite file (sqlite.ts), and each
// write to api_keys (here, and a subscriber's deletion revoking its keys) drops what it changed.
// (PostgreSQL, shared by several instances, reads the row every time.)
import { type Db, transaction } from './sqlite-tx.ts'
import type { Storage } from './types.ts'
import { type ApiKeyRow, KEY_COLUMNS, toApiKey } from './rows.ts'

type KeyMethods = Pick<Storage, 'insertApiKey' | 'findApiKeyByHash' | 'countApiKeys' | 'listApiKeys' | 'revokeApiKey' | 'touchApiKey'>

/** Keys kept in memory at most: more than any newsroom has; beyond it the oldest is dropped. */
const KEPT_KEYS = 1_000

type FoundKey = NonNullable<Awaited<ReturnType<Storage['findApiKeyByHash']>>>

/** The key rows found so far, by hash; whoever writes api_keys forgets what it changed. */
export interface KeptKeys {
  kept: Map<string, FoundKey>
  forget(where: (key: FoundKey) => boolean): void
}

export function keptKeys (): KeptKeys {
  const kept = new Map<string, FoundKey>()
  return {
    kept,
    forget (where) {
      for (const [hash, key] of kept) if (where(key)) kept.delete(hash)
    }
  }
}

export function createSqliteKeys (db: Db, { kept, forget }: KeptKeys): KeyMethods {
  return {
    async insertApiKey (key) {
      db.prepare('INSERT INTO api_keys (id, hash, role, label, subscriber_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(key.id, key.hash, key.role, key.label, key.subscriberId, key.createdAt)
    },
    async findApiKeyByHash (hash) {
      const known = kept.get(hash)
      if (known !== undefined) return { ...known }
      const row = db.prepare(`SELECT ${KEY_COLUMNS}, hash FROM api_keys WHERE hash = ?`).get(hash) as (ApiKeyRow & { hash: string }) | undefined
      // Only keys that exist are kept: unknown tokens cannot fill the memory.
      if (row === undefined) return null
      const found = { ...toApiKey(row), hash: row.hash }
      if (kept.size >= KEPT_KEYS) kept.delete(kept.keys().next().value!)
      kept.set(hash, found)
      return { ...found }
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
        forget((kept) => kept.id === id)
        return 'revoked'
      })
    },
    async touchApiKey (id, now, notBefore) {
      db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)').run(now, id, notBefore)
      forget((kept) => kept.id === id)
    }
  }
}
