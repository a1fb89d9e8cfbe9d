import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseDurations } from '../src/config-values.ts'
import { ConfigError, loadConfig } from '../src/config.ts'

describe('loadConfig', () => {
  it('has working defaults: port 3000, ./data, in-process emulator', () => {
    const config = loadConfig({}, '/srv/nashra')
    assert.equal(config.port, 3000)
    assert.equal(config.host, '0.0.0.0')
    assert.equal(config.databasePath, '/srv/nashra/data/nashra.db')
    assert.equal(config.translation.kind, 'embedded-emulator')
    assert.equal(config.webhookAllowPrivateNetworks, false)
    assert.equal(config.adminApiKey, undefined)
  })

  it('chooses Google, or another endpoint through the same client', () => {
    const google = loadConfig({ GOOGLE_CLOUD_PROJECT: 'newsroom', GOOGLE_CLOUD_LOCATION: 'us-central1' })
    assert.deepEqual(google.translation, { kind: 'google', projectId: 'newsroom', location: 'us-central1' })
    const endpoint = loadConfig({ TRANSLATE_API_ENDPOINT: 'http://127.0.0.1:8085' })
    assert.equal(endpoint.translation.kind, 'endpoint')
    assert.equal(endpoint.translation.kind === 'endpoint' && endpoint.translation.endpoint.port, '8085')
  })

  it('prices translation at Google\'s NMT list price unless told otherwise, and refuses a price that is no number', () => {
    assert.equal(loadConfig({}).translationPricePerMillionChars, 20)
    assert.equal(loadConfig({ TRANSLATION_PRICE_PER_MILLION_CHARS: '12.5' }).translationPricePerMillionChars, 12.5)
    assert.equal(loadConfig({ TRANSLATION_PRICE_PER_MILLION_CHARS: '0' }).translationPricePerMillionChars, 0)
    for (const bad of ['-1', 'twenty', '1e3', '$20']) {
      assert.throws(() => loadConfig({ TRANSLATION_PRICE_PER_MILLION_CHARS: bad }),
        (err: unknown) => err instanceof ConfigError && /TRANSLATION_PRICE_PER_MILLION_CHARS/.test(err.problems.join('')))
    }
  })

  it('names every bad value at once', () => {
    assert.throws(() => loadConfig({
      PORT: '70000',
      LOG_LEVEL: 'loud',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'maybe',
      ADMIN_API_KEY: 'short',
      TRANSLATE_API_ENDPOINT: 'ftp://x',
      DELIVERY_RETRY_SCHEDULE: '5s,soon'
    }), (err: unknown) => {
      assert.ok(err instanceof ConfigError)
      const text = err.problems.join('\n')
      for (const name of ['PORT', 'LOG_LEVEL', 'WEBHOOK_ALLOW_PRIVATE_NETWORKS', 'ADMIN_API_KEY', 'TRANSLATE_API_ENDPOINT', 'DELIVERY_RETRY_SCHEDULE']) {
        assert.match(text, new RegExp(name))
      }
      assert.equal(err.problems.length, 6)
      return true
    })
  })

  it('takes DATABASE_URL for PostgreSQL, and names it (not its password) when it is wrong', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://nashra@127.0.0.1:5432/nashra' }).databaseUrl, 'postgres://nashra@127.0.0.1:5432/nashra')
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://u:secret@127.0.0.1/db' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError)
      assert.match(err.message, /DATABASE_URL/)
      assert.doesNotMatch(err.message, /secret/)
      return true
    })
  })

  it('bounds translation throughput: engine calls in flight, chars per minute, retry window, emulator latency', () => {
    // The back-off and minimum runs are not settable; they sit here so the pipeline's tests can shorten them.
    const retry = { retryMinAttempts: 8, retryBackoffBaseMs: 1000, retryBackoffCapMs: 300_000 }
    assert.deepEqual(loadConfig({}).throughput, { concurrency: 16, charsPerMinute: 6_000_000, retryWindowMs: 86_400_000, ...retry, emulatorLatencyMs: 0, pipelineSharePercent: 10 })
    assert.deepEqual(loadConfig({
      TRANSLATION_CONCURRENCY: '4', TRANSLATION_CHARS_PER_MINUTE: '1_000_000', TRANSLATION_RETRY_WINDOW: '2h', EMULATOR_LATENCY: '250ms', PIPELINE_SHARE_WHILE_BUSY: '100'
    }).throughput, { concurrency: 4, charsPerMinute: 1_000_000, retryWindowMs: 7_200_000, ...retry, emulatorLatencyMs: 250, pipelineSharePercent: 100 })
    assert.throws(() => loadConfig({
      TRANSLATION_CONCURRENCY: '0', TRANSLATION_CHARS_PER_MINUTE: 'lots', TRANSLATION_RETRY_WINDOW: '0s', EMULATOR_LATENCY: 'slow', PIPELINE_SHARE_WHILE_BUSY: '2'
    }), (err: unknown) => {
      assert.ok(err instanceof ConfigError)
      assert.deepEqual(err.problems.map((p) => /^[A-Z_]+/.exec(p)?.[0]),
        ['TRANSLATION_CONCURRENCY', 'TRANSLATION_CHARS_PER_MINUTE', 'TRANSLATION_RETRY_WINDOW', 'EMULATOR_LATENCY', 'PIPELINE_SHARE_WHILE_BUSY'])
      return true
    })
  })

  it('parses retry schedules with units', () => {
    assert.deepEqual(parseDurations('200ms, 0.2s,1s,5m,2h'), [200, 200, 1000, 300_000, 7_200_000])
    assert.equal(parseDurations('5'), undefined)
    assert.equal(parseDurations(''), undefined)
  })
})
