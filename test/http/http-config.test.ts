// The HTTP front's settings: defaults a newsroom can run with, every bad value named at once.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.ts'

describe('HTTP front configuration', () => {
  it('has defaults: timeouts above the longest long-poll, a per-key rate, load shedding at 1 s of lag', () => {
    const { http } = loadConfig({})
    assert.deepEqual(http, {
      connectionTimeoutMs: 120_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
      rateLimitPerMinute: 1200,
      maxEventLoopDelayMs: 1000,
      metricsSubscriberLabels: 20
    })
  })

  it('reads every setting', () => {
    const { http } = loadConfig({
      HTTP_CONNECTION_TIMEOUT: '5m',
      HTTP_REQUEST_TIMEOUT: '10s',
      HTTP_KEEP_ALIVE_TIMEOUT: '65s',
      RATE_LIMIT_PER_MINUTE: '60',
      MAX_EVENT_LOOP_DELAY: '250ms',
      METRICS_TOKEN: 'a-metrics-token-of-24-chars',
      METRICS_SUBSCRIBER_LABELS: '5',
      PUBLIC_BASE_URL: 'https://news.example.org/wire/'
    })
    assert.deepEqual(http, {
      connectionTimeoutMs: 300_000,
      requestTimeoutMs: 10_000,
      keepAliveTimeoutMs: 65_000,
      rateLimitPerMinute: 60,
      maxEventLoopDelayMs: 250,
      metricsToken: 'a-metrics-token-of-24-chars',
      metricsSubscriberLabels: 5,
      publicBaseUrl: 'https://news.example.org/wire'
    })
  })

  it('turns load shedding off with `off`, and only then', () => {
    assert.equal(loadConfig({ MAX_EVENT_LOOP_DELAY: 'off' }).http.maxEventLoopDelayMs, 0)
    assert.throws(() => loadConfig({ MAX_EVENT_LOOP_DELAY: '0s' }), ConfigError)
  })

  it('names every bad value at once', () => {
    let error: unknown
    try {
      loadConfig({ HTTP_REQUEST_TIMEOUT: '0s', RATE_LIMIT_PER_MINUTE: 'lots', METRICS_TOKEN: 'short', METRICS_SUBSCRIBER_LABELS: '0', PUBLIC_BASE_URL: 'nashra' })
    } catch (err) {
      error = err
    }
    assert.ok(error instanceof ConfigError)
    assert.deepEqual(error.problems.map((p) => p.split(' ')[0]).sort(),
      ['HTTP_REQUEST_TIMEOUT', 'METRICS_SUBSCRIBER_LABELS', 'METRICS_TOKEN', 'PUBLIC_BASE_URL', 'RATE_LIMIT_PER_MINUTE'])
  })
})
