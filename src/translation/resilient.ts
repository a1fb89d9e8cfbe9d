// Retries and a circuit breaker around any engine. translateText has no retries of its own in
// the Google client, so transient failures (quota, overload, timeouts) are retried here, a few
// times with exponential backoff and jitter, waiting at least as long as Google's RetryInfo asks.
// Waits longer than a stage should block for are left to the stage, which reschedules the version.
import { type BreakerOptions, type CircuitBreaker, createCircuitBreaker, DEFAULT_BREAKER } from './circuit-breaker.ts'
import { backoffWithJitter, type RandomSource } from '../jitter.ts'
import { EngineUnavailableError, isRetryable, retryDelayMs } from './errors.ts'
import type { EngineHealth, TranslateRequest, TranslateResult, TranslationProvider } from './types.ts'

export interface RetryPolicy {
  /** Calls per request, the first included. */
  attempts: number
  baseDelayMs: number
  /** Longest wait between two calls; a longer RetryInfo hands the request back to the stage. */
  maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 5_000 }

export interface RetryEvent {
  attempt: number
  delayMs: number
  error: unknown
}

export interface ResilienceOptions {
  retry?: Partial<RetryPolicy>
  breaker?: Partial<BreakerOptions>
  now?: () => number
  random?: RandomSource
  /** Told about every retry, e.g. to log it. */
  onRetry?: (event: RetryEvent) => void
}

export interface ResilientProvider extends TranslationProvider {
  readonly breaker: CircuitBreaker
  readonly health: EngineHealth
}

export function withResilience (inner: TranslationProvider, options: ResilienceOptions = {}): ResilientProvider {
  const retry = { ...DEFAULT_RETRY, ...options.retry }
  const breaker = createCircuitBreaker({ ...DEFAULT_BREAKER, ...options.breaker })
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  // Pending waits, so close() can end them instead of leaving timers behind.
  const waits = new Set<{ timer: NodeJS.Timeout; reject: (err: Error) => void }>()
  let closed = false

  const sleep = (ms: number): Promise<void> => new Promise((resolve, reject) => {
    const wait = {
      timer: setTimeout(() => {
        waits.delete(wait)
        resolve()
      }, ms),
      reject,
    }
    waits.add(wait)
  })

  async function translate (request: TranslateRequest): Promise<TranslateResult> {
    for (let attempt = 1; ; attempt++) {
      if (closed) throw new Error(`${inner.engine} translation provider is closed`)
      const admission = breaker.admit(now())
      if (admission.kind === 'blocked') throw new EngineUnavailableError(inner.engine, admission.until)
      let error: unknown
      try {
        const result = await inner.translate(request)
        breaker.success()
        return result
      } catch (err) {
        error = err
      }
      if (!isRetryable(error)) {
        // The engine answered, it just refused this request: that says nothing against the engine.
        breaker.success()
        throw error
      }
      breaker.failure(now())
      if (attempt >= retry.attempts || breaker.state === 'open') throw error
      const delayMs = Math.max(retryDelayMs(error) ?? 0, backoffWithJitter(attempt, retry.baseDelayMs, retry.maxDelayMs, random))
      if (delayMs > retry.maxDelayMs) throw error
      options.onRetry?.({ attempt, delayMs, error })
      await sleep(delayMs)
    }
  }

  return {
    engine: inner.engine,
    scope: inner.scope,
    ...(inner.model === undefined ? {} : { model: inner.model }),
    ...(inner.plainTextOnly === undefined ? {} : { plainTextOnly: inner.plainTextOnly }),
    breaker,
    health: { blockedUntil: (at) => breaker.blockedUntil(at), onProbation: () => breaker.state !== 'closed' },
    translate,
    async close () {
      closed = true
      for (const wait of waits) {
        clearTimeout(wait.timer)
        wait.reject(new Error(`${inner.engine} translation provider closed while waiting to retry`))
      }
      waits.clear()
      await inner.close()
    },
  }
}
