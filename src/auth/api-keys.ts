// API keys: random, shown once, stored only as a SHA-256 hash (they carry 256 bits of entropy, so
// a fast hash is enough), looked up by hash and compared in constant time.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { ApiKeyRecord, Role, Storage } from '../storage/types.ts'

export function generateApiKey (): string {
  return `nsk_${randomBytes(32).toString('base64url')}`
}

export function hashApiKey (key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** The key's record when the presented key is known, else null. */
export async function verifyApiKey (storage: Storage, presented: string): Promise<ApiKeyRecord | null> {
  const hash = hashApiKey(presented)
  const found = await storage.findApiKeyByHash(hash)
  if (found === null) return null
  if (!timingSafeEqual(Buffer.from(found.hash, 'hex'), Buffer.from(hash, 'hex'))) return null
  const { hash: _hash, ...record } = found
  return record
}

export async function createApiKey (storage: Storage, role: Role, label: string, now: Date,
  options: { key?: string; subscriberId?: string } = {}): Promise<ApiKeyRecord & { key: string }> {
  const key = options.key ?? generateApiKey()
  const record: ApiKeyRecord = { id: randomUUID(), role, label, subscriberId: options.subscriberId ?? null, createdAt: now.toISOString() }
  await storage.insertApiKey({ ...record, hash: hashApiKey(key) })
  return { ...record, key }
}

/**
 * Makes sure an admin can get in. ADMIN_API_KEY is registered (hashed) when it is new; without it,
 * and with no admin key stored yet, one is generated and returned so the caller prints it once.
 */
export async function bootstrapAdminKey (storage: Storage, configured: string | undefined, now: Date):
Promise<{ generated: string | null }> {
  if (configured !== undefined) {
    if (await storage.findApiKeyByHash(hashApiKey(configured)) === null) {
      await createApiKey(storage, 'admin', 'ADMIN_API_KEY', now, { key: configured })
    }
    return { generated: null }
  }
  if (await storage.countApiKeys('admin') > 0) return { generated: null }
  const created = await createApiKey(storage, 'admin', 'generated at first start', now)
  return { generated: created.key }
}
