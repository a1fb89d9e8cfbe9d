// Telling engine failures apart by the gRPC code the Google client reports: which are worth
// another try (quota, overload, timeouts, Google's own errors), which never will be (a request
// Google refuses, missing credentials), and how long Google asked us to wait (RetryInfo).

/** Retryable codes: RESOURCE_EXHAUSTED, UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL. */
const RETRYABLE_CODES = new Set([8, 14, 4, 13])

/** The circuit breaker refused the call: the engine failed repeatedly and is cooling down. */
export class EngineUnavailableError extends Error {
  /** UNAVAILABLE, so everything that classifies by code treats it as transient. */
  readonly code = 14
  /** When calls resume (ms since epoch). */
  readonly until: number

  constructor (engine: string, until: number, options: { cause?: unknown } = {}) {
    super(`${engine} is unavailable: it failed repeatedly, so calls are paused until ${new Date(until).toISOString()}`, options)
    this.name = 'EngineUnavailableError'
    this.until = until
  }
}

export function grpcCode (err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'number' ? code : undefined
}

export function isRetryable (err: unknown): boolean {
  const code = grpcCode(err)
  if (code === undefined) return true // network trouble without a gRPC status
  if (RETRYABLE_CODES.has(code)) return true
  // Google also reports quota overruns as 403 PERMISSION_DENIED "Rate Limit Exceeded".
  return code === 7 && /quota|rate limit/i.test(String((err as Error).message))
}

/** Protobuf Duration as the client decodes it ({seconds: Long|string|number, nanos}) or as JSON ("2.5s"). */
function durationMs (value: unknown): number | undefined {
  if (typeof value === 'string') {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim())
    return match === null ? undefined : Math.round(Number(match[1]) * 1000)
  }
  if (typeof value !== 'object' || value === null) return undefined
  const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown }
  const s = Number(String(seconds ?? 0))
  const n = typeof nanos === 'number' ? nanos : 0
  return Number.isFinite(s) ? Math.round(s * 1000 + n / 1e6) : undefined
}

/** The delay a google.rpc.RetryInfo detail asks for, in ms, if the error carries one. */
export function retryDelayMs (err: unknown): number | undefined {
  const details = (err as { statusDetails?: unknown } | null)?.statusDetails
  if (!Array.isArray(details)) return undefined
  for (const detail of details) {
    const delay = durationMs((detail as { retryDelay?: unknown } | null)?.retryDelay)
    if (delay !== undefined) return delay
  }
  return undefined
}
