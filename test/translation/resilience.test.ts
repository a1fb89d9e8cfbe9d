// Fault handling around an engine: classification by gRPC code, RetryInfo, bounded retries with
// backoff, and the circuit breaker that stops calling a failing engine and probes it later.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createCircuitBreaker } from '../../src/translation/circuit-breaker.ts'
import { EngineUnavailableError, isRetryable, retryDelayMs } from '../../src/translation/errors.ts'
import { GoogleTranslateError } from '../../src/translation/google-v3.ts'
import { createFakeEngine } from '../../src/translation/fake-engine.ts'
import { withResilience } from '../../src/translation/resilient.ts'
import type { TranslateRequest } from '../../src/translation/types.ts'

const request: TranslateRequest = { contents: ['خبر'], sourceLanguage: 'ar', targetLanguage: 'en', mimeType: 'text/plain' }
const failure = (code: number, message = 'x', statusDetails?: unknown) => new GoogleTranslateError(message, { code, statusDetails })

describe('error classification', () => {
  it('retries quota, overload, timeouts and internal errors; not bad requests or auth', () => {
    for (const code of [8, 14, 4, 13]) assert.equal(isRetryable(failure(code)), true, `code ${code}`)
    for (const code of [3, 16, 5, 7]) assert.equal(isRetryable(failure(code)), false, `code ${code}`)
    assert.equal(isRetryable(failure(7, 'Rate Limit Exceeded')), true)
    assert.equal(isRetryable(failure(7, 'Quota exceeded for quota metric')), true)
    assert.equal(isRetryable(new EngineUnavailableError('e', 0)), true)
  })

  it('reads RetryInfo as the client decodes it and as JSON', () => {
    assert.equal(retryDelayMs(failure(8, 'x', [{ retryDelay: { seconds: { low: 2, high: 0, toString: () => '2' }, nanos: 500_000_000 } }])), 2500)
    assert.equal(retryDelayMs(failure(8, 'x', [{ retryDelay: { seconds: '30', nanos: 0 } }])), 30_000)
    assert.equal(retryDelayMs(failure(8, 'x', [{ retryDelay: '0.25s' }])), 250)
    assert.equal(retryDelayMs(failure(8, 'x', [{ reason: 'RATE_LIMIT_EXCEEDED' }])), undefined)
    assert.equal(retryDelayMs(failure(8)), undefined)
  })
})

describe('circuit breaker', () => {
  it('opens after consecutive failures, lets one probe through after the cool-down, closes on success', () => {
    const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, maxCooldownMs: 4000 })
    breaker.failure(0)
    breaker.success()
    breaker.failure(0)
    breaker.failure(0)
    assert.equal(breaker.state, 'closed', 'a success resets the count')
    breaker.failure(10)
    assert.equal(breaker.state, 'open')
    assert.deepEqual(breaker.admit(500), { kind: 'blocked', until: 1010 })
    assert.equal(breaker.blockedUntil(500), 1010)
    assert.deepEqual(breaker.admit(1010), { kind: 'probe' })
    assert.equal(breaker.admit(1011).kind, 'blocked', 'one probe at a time')
    breaker.success()
    assert.equal(breaker.state, 'closed')
    assert.deepEqual(breaker.admit(1012), { kind: 'call' })
  })

  it('doubles the cool-down after each failed probe, up to the cap', () => {
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1000, maxCooldownMs: 3000 })
    breaker.failure(0)
    let now = 1000
    for (const expected of [2000, 3000, 3000]) {
      assert.equal(breaker.admit(now).kind, 'probe')
      breaker.failure(now)
      assert.equal(breaker.blockedUntil(now), now + expected)
      now += expected
    }
  })
})

describe('withResilience', () => {
  it('retries transient failures with growing delays and returns the translation', async () => {
    const delays: number[] = []
    const inner = createFakeEngine({ beforeTranslate: (_r, i) => { if (i < 2) throw failure(i === 0 ? 14 : 8) } })
    const provider = withResilience(inner, { retry: { baseDelayMs: 5 }, random: () => 0.5, onRetry: (e) => delays.push(e.delayMs) })
    try {
      const result = await provider.translate(request)
      assert.equal(result.translations.length, 1)
      assert.equal(inner.calls.length, 3)
      assert.deepEqual(delays, [5, 10])
      assert.equal(provider.breaker.state, 'closed')
    } finally {
      await provider.close()
    }
  })

  it('waits at least as long as RetryInfo asks, and hands longer waits back to the caller', async () => {
    const delays: number[] = []
    const inner = createFakeEngine({
      beforeTranslate: (_r, i) => {
        if (i === 0) throw failure(8, 'quota', [{ retryDelay: '0.04s' }])
        if (i === 1) throw failure(8, 'quota', [{ retryDelay: '60s' }])
      },
    })
    const provider = withResilience(inner, { retry: { baseDelayMs: 1, maxDelayMs: 1000 }, onRetry: (e) => delays.push(e.delayMs) })
    try {
      await assert.rejects(provider.translate(request), (err: unknown) => retryDelayMs(err) === 60_000)
      assert.deepEqual(delays, [40])
      assert.equal(inner.calls.length, 2)
    } finally {
      await provider.close()
    }
  })

  it('does not retry INVALID_ARGUMENT, and an answer of any kind keeps the circuit closed', async () => {
    const inner = createFakeEngine({ beforeTranslate: () => { throw failure(3, 'Target language is invalid') } })
    const provider = withResilience(inner, { breaker: { failureThreshold: 1 } })
    try {
      await assert.rejects(provider.translate(request), { code: 3 })
      await assert.rejects(provider.translate(request), { code: 3 })
      assert.equal(inner.calls.length, 2)
      assert.equal(provider.breaker.state, 'closed')
    } finally {
      await provider.close()
    }
  })

  it('stops calling a failing engine, refuses until the cool-down, then probes it', async () => {
    let down = true
    let now = 0
    const inner = createFakeEngine({ beforeTranslate: () => { if (down) throw failure(14, 'unavailable') } })
    const provider = withResilience(inner, {
      now: () => now,
      retry: { attempts: 10, baseDelayMs: 1 },
      breaker: { failureThreshold: 3, cooldownMs: 1000 },
    })
    try {
      await assert.rejects(provider.translate(request), { code: 14 })
      assert.equal(inner.calls.length, 3, 'the breaker opened on the third failure and ended the retries')
      await assert.rejects(provider.translate(request), (err: unknown) => err instanceof EngineUnavailableError && err.until === 1000)
      assert.equal(inner.calls.length, 3, 'no call while open')
      assert.equal(provider.health.blockedUntil(now), 1000)
      now = 1000
      down = false
      assert.equal(provider.health.blockedUntil(now), undefined)
      assert.equal((await provider.translate(request)).translations.length, 1)
      assert.equal(inner.calls.length, 4, 'one probe')
      assert.equal(provider.breaker.state, 'closed')
    } finally {
      await provider.close()
    }
  })
})
