// API keys: random, shown once, stored only as a SHA-256 hash (they carry 256 bits of entropy, so
// a fast hash is enough), looked up by hash and compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { newId } from '../ids.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts'
import type { Role } from '../../schemas/keys.ts'
import type { ApiKeyRecord, ApiKeySummary, Storage } from '../storage/types.ts'

/** Last use is written at most this often per key: one write a minute, not one per request. */
const LAST_USED_RESOLUTION_MS = 60_000

export function generateApiKey (): string {
  return `nsk_${randomBytes(32).toString('base64url')}`
}

export function hashApiKey (key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** The key's record when the presented key is known and not revoked, else null. Notes its use. */
export async function verifyApiKey (storage: Storage, presented: string, now = new Date()): Promise<ApiKeyRecord | null> {
  const hash = hashApiKey(presented)
  const found = await storage.findApiKeyByHash(hash)
  if (found === null) return null
  if (!timingSafeEqual(Buffer.from(found.hash, 'hex'), Buffer.from(hash, 'hex'))) return null
  // Read on every request, never cached: a revocation holds from the next request on.
  if (found.revokedAt !== null) return null
  const notBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString()
  if (found.lastUsedAt === null || found.lastUsedAt < notBefore) await storage.touchApiKey(found.id, now.toISOString(), notBefore)
  const { hash: _hash, lastUsedAt: _used, revokedAt: _revoked, ...record } = found
  return record
}

/** GET /v1/keys: every key, never the key or its hash (storage does not have the key). */
export async function listApiKeys (storage: Storage): Promise<ApiKeySummary[]> {
  return storage.listApiKeys()
}

/** DELETE /v1/keys/:id: revoked at once; the last admin key stays, or nobody could administer Nashra. */
export async function revokeApiKey (storage: Storage, id: string, now: Date): Promise<void> {
  const outcome = await storage.revokeApiKey(id, now.toISOString())
  if (outcome === 'not-found') throw new NotFoundError('API key', `No API key has the id ${id}.`)
  if (outcome === 'last-admin') {
    throw new ConflictError('last-admin-key', `Key ${id} is the only admin key left; create another admin key before revoking this one.`)
  }
}

/**
 * POST /v1/keys. A subscriber key is bound to one existing subscriber (it reads that feed and
 * nothing else); admin and editor keys are bound to none.
 */
export async function createApiKey (storage: Storage, role: Role, label: string, now: Date,
  options: { key?: string; subscriberId?: string | undefined } = {}): Promise<ApiKeyRecord & { key: string }> {
  if (role === 'subscriber') {
    if (options.subscriberId === undefined) throw new InvalidInputError('/body/subscriberId', 'is required for role subscriber')
    if (await storage.getSubscriber(options.subscriberId) === null) throw new InvalidInputError('/body/subscriberId', 'names no subscriber')
  } else if (options.subscriberId !== undefined) {
    throw new InvalidInputError('/body/subscriberId', 'is only for role subscriber')
  }
  const key = options.key ?? generateApiKey()
  const record: ApiKeyRecord = { id: newId(), role, label, subscriberId: options.subscriberId ?? null, createdAt: now.toISOString() }
  await storage.insertApiKey({ ...record, hash: hashApiKey(key) })
  return { ...record, key }
}

/**
 * Makes sure an admin can get in. ADMIN_API_KEY is registered (hashed) when it is new; without it,
 * and with no admin key stored yet, one is generated and returned so the caller prints it once.
 */
export async function bootstrapAdminKey (storage: Storage, configured: string | undefined, now: Date):
Promise<{ generated: string | null; configuredRevoked?: boolean }> {
  if (configured !== undefined) {
    const existing = await storage.findApiKeyByHash(hashApiKey(configured))
    if (existing === null) {
      await createApiKey(storage, 'admin', 'ADMIN_API_KEY', now, { key: configured })
    }
    // A revoked key stays revoked: a restart must not bring a leaked key back.
    return { generated: null, configuredRevoked: existing?.revokedAt != null }
  }
  if (await storage.countApiKeys('admin') > 0) return { generated: null }
  const created = await createApiKey(storage, 'admin', 'generated at first start', now)
  return { generated: created.key }
}
