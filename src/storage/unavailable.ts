// When the database cannot take writes (disk full, read-only, gone), every storage call says so
// with one domain error, StorageUnavailableError, whatever the backend: the HTTP layer answers it
// as 503 with Retry-After, and /ready answers 503 while it lasts. The backend's own error is
// logged once per episode, not once per request or pipeline pass.
import type { UnavailableReason } from '../../schemas/health.ts'
import type { Storage } from './types.ts'

export class StorageUnavailableError extends Error {
  readonly reason: UnavailableReason
  /** Seconds a client should wait before trying again. */
  readonly retryAfterSeconds: number

  constructor (reason: UnavailableReason, retryAfterSeconds: number, cause: unknown) {
    super(`storage unavailable: ${reason === 'full' ? 'the database is full' : reason === 'read-only' ? 'the database is read-only' : 'the database is unreachable'}`, { cause })
    this.name = 'StorageUnavailableError'
    this.reason = reason
    this.retryAfterSeconds = retryAfterSeconds
  }
}

// SQLite primary result codes (the low byte of node:sqlite's extended `errcode`).
const SQLITE_READONLY = 8
const SQLITE_IOERR = 10
const SQLITE_FULL = 13
const SQLITE_CANTOPEN = 14

/** The reason a node:sqlite error means the database cannot be written, or null. */
export function classifySqliteError (err: unknown): UnavailableReason | null {
  const e = err as { code?: unknown; errcode?: unknown }
  if (e?.code !== 'ERR_SQLITE_ERROR' || typeof e.errcode !== 'number') return null
  switch (e.errcode & 0xff) {
    case SQLITE_FULL: return 'full'
    case SQLITE_READONLY: return 'read-only'
    case SQLITE_IOERR: case SQLITE_CANTOPEN: return 'unreachable'
    default: return null
  }
}

const PG_CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'])

/** The reason a pg error means the database cannot be written, or null. */
export function classifyPgError (err: unknown): UnavailableReason | null {
  const code = (err as { code?: unknown })?.code
  if (typeof code !== 'string') {
    // pg reports a connection the server closed as a plain Error without a code.
    return err instanceof Error && /Connection terminated/i.test(err.message) ? 'unreachable' : null
  }
  if (code.startsWith('53')) return 'full' // insufficient resources: 53100 disk_full, out of memory, too many connections
  if (code === '25006') return 'read-only' // read_only_sql_transaction: a standby, or default_transaction_read_only
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return 'unreachable'
  if (PG_CONNECTION_ERRORS.has(code)) return 'unreachable'
  return null
}

export interface StorageHealth {
  /** Why storage failed recently, or null when it has not within the last retry interval. */
  unavailable(): { reason: UnavailableReason; since: string; retryAfterSeconds: number } | null
}

export interface GuardOptions {
  classify: (err: unknown) => UnavailableReason | null
  /** Called once per episode with the backend's own error. */
  onUnavailable: (reason: UnavailableReason, err: unknown) => void
  retryAfterSeconds?: number
  now?: () => number
}

/**
 * Wraps every method of a Storage: a backend error that means "cannot write" becomes a
 * StorageUnavailableError and marks storage unavailable for retryAfterSeconds after the last such
 * error. Nothing tells reliably that a full disk has room again except a write that succeeds,
 * so the mark simply lapses and the next failing write sets it again.
 */
export function guardStorage (storage: Storage, options: GuardOptions): Storage & StorageHealth {
  const retryAfterSeconds = options.retryAfterSeconds ?? 30
  const clock = options.now ?? Date.now
  let episode: { reason: UnavailableReason; since: number; last: number } | null = null
  const current = (): typeof episode => (episode !== null && clock() - episode.last < retryAfterSeconds * 1000 ? episode : null)

  const translate = (err: unknown): unknown => {
    const reason = options.classify(err)
    if (reason === null) return err
    const at = clock()
    if (current() === null) {
      episode = { reason, since: at, last: at }
      options.onUnavailable(reason, err)
    } else {
      episode!.last = at
    }
    return new StorageUnavailableError(reason, retryAfterSeconds, err)
  }

  const unavailable = (): ReturnType<StorageHealth['unavailable']> => {
    const e = current()
    return e === null ? null : { reason: e.reason, since: new Date(e.since).toISOString(), retryAfterSeconds }
  }
  // A Proxy, not a copy: methods a Storage inherits (tests wrap one with Object.create) are
  // guarded as well as its own.
  const wrapped = new Map<PropertyKey, unknown>()
  return new Proxy(storage, {
    get (target, property, receiver) {
      if (property === 'unavailable') return unavailable
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function' || property === 'close') return value
      let guard = wrapped.get(property)
      if (guard === undefined) {
        guard = async (...args: unknown[]) => {
          try {
            // Looked up at call time: a method replaced after wrapping is the one that runs.
            const method = Reflect.get(target, property) as (...a: unknown[]) => Promise<unknown>
            return await method.apply(target, args)
          } catch (err) {
            throw translate(err)
          }
        }
        wrapped.set(property, guard)
      }
      return guard
    }
  }) as Storage & StorageHealth
}

/** Either backend's errors (node:sqlite's and pg's codes do not overlap), or their cause's. */
export function classifyStorageError (err: unknown): UnavailableReason | null {
  const direct = classifySqliteError(err) ?? classifyPgError(err)
  if (direct !== null) return direct
  const cause = (err as { cause?: unknown })?.cause
  return cause === undefined || cause === err ? null : classifySqliteError(cause) ?? classifyPgError(cause)
}
