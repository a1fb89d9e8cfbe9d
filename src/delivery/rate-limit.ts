// A token bucket per subscriber, so one partner's backlog cannot be fired at it all at once.
// In memory: a restart merely refills the buckets.

export interface RateLimiter {
  /** 0 when a request may go now (a token is taken), else how many ms until one may. */
  take(key: string, nowMs: number): number
}

export function createRateLimiter (perSecond: number, burst = perSecond): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>()
  return {
    take (key, nowMs) {
      const bucket = buckets.get(key) ?? { tokens: burst, at: nowMs }
      bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * perSecond)
      bucket.at = nowMs
      buckets.set(key, bucket)
      // A hair under one token is one: the refill sums floating-point fractions, and a wait of 1 ms
      // for a rounding error cost a whole put-back.
      if (bucket.tokens >= 1 - 1e-9) {
        bucket.tokens = Math.max(0, bucket.tokens - 1)
        return 0
      }
      return Math.max(1, Math.ceil(((1 - bucket.tokens) / perSecond) * 1000 - 1e-6))
    }
  }
}
