// A circuit breaker per engine instance: after several failures in a row it stops calls for a
// cool-down, then lets one probe through; the probe's outcome closes it again or reopens it
// for a longer cool-down. Only transient failures count; a refused request proves the engine is up.

export interface BreakerOptions {
  /** Consecutive transient failures that open the circuit. */
  failureThreshold: number
  /** First cool-down; each failed probe doubles it up to maxCooldownMs. */
  cooldownMs: number
  maxCooldownMs: number
}

// Probes at most 20 s apart however long the outage lasts, so a returning engine is noticed
// within a probe's timeout plus 20 s (issue 11: recovery within a minute), at one call per probe.
export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, cooldownMs: 5_000, maxCooldownMs: 20_000 }

export type BreakerState = 'closed' | 'open' | 'half-open'

export type Admission = { kind: 'call' } | { kind: 'probe' } | { kind: 'blocked'; until: number }

export interface CircuitBreaker {
  readonly state: BreakerState
  /** Asks to make a call at `now`. A 'probe' must be followed by success() or failure(). */
  admit(now: number): Admission
  /** undefined when admit() would let a call through; else when it will. */
  blockedUntil(now: number): number | undefined
  success(): void
  failure(now: number): void
}

export function createCircuitBreaker (options: BreakerOptions = DEFAULT_BREAKER): CircuitBreaker {
  let state: BreakerState = 'closed'
  let failures = 0
  let cooldown = options.cooldownMs
  let openUntil = 0
  let probing = false

  const open = (now: number): void => {
    state = 'open'
    openUntil = now + cooldown
    probing = false
  }

  return {
    get state () {
      return state
    },
    admit (now) {
      if (state === 'closed') return { kind: 'call' }
      if (state === 'open' && now < openUntil) return { kind: 'blocked', until: openUntil }
      // Cool-down over: exactly one probe at a time; others wait for its outcome.
      if (probing) return { kind: 'blocked', until: now + Math.min(cooldown, 1_000) }
      state = 'half-open'
      probing = true
      return { kind: 'probe' }
    },
    blockedUntil (now) {
      if (state === 'closed') return undefined
      if (state === 'open' && now < openUntil) return openUntil
      return probing ? now + Math.min(cooldown, 1_000) : undefined
    },
    success () {
      state = 'closed'
      failures = 0
      cooldown = options.cooldownMs
      probing = false
    },
    failure (now) {
      if (state === 'half-open') {
        cooldown = Math.min(cooldown * 2, options.maxCooldownMs)
        open(now)
        return
      }
      failures++
      if (state === 'closed' && failures >= options.failureThreshold) open(now)
    },
  }
}
