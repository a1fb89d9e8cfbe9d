// The metrics registry: outbox gauges label at most the configured number of subscribers, deepest
// first, and sum the rest; each app has its own registry; the strict parser refuses bad lines.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createMetrics, OTHER_SUBSCRIBERS } from '../../src/metrics/registry.ts'
import { parsePrometheus, sampleValue } from '../helpers/prometheus.ts'

const now = new Date('2026-12-03T10:00:00Z')
const ago = (s: number): string => new Date(now.getTime() - s * 1000).toISOString()

describe('metrics registry', () => {
  it('labels the deepest subscribers and sums the rest into one series', async () => {
    const metrics = createMetrics({ subscriberLabels: 2, breakerState: () => 'open' })
    metrics.setPipelineGauges({
      versions: { translating: 3 },
      oldestVersions: { translating: ago(42) },
      outbox: [
        { subscriberId: 'a', depth: 1, oldestCreatedAt: ago(600) },
        { subscriberId: 'b', depth: 50, oldestCreatedAt: ago(10) },
        { subscriberId: 'c', depth: 7, oldestCreatedAt: ago(20) },
        { subscriberId: 'd', depth: 2, oldestCreatedAt: ago(30) }
      ]
    }, now)
    const samples = parsePrometheus(await metrics.registry.metrics())
    const depth = samples.filter((s) => s.name === 'nashra_outbox_depth').map((s) => [s.labels['subscriber'], s.value])
    assert.deepEqual(depth.sort(), [[OTHER_SUBSCRIBERS, 3], ['b', 50], ['c', 7]])
    assert.equal(sampleValue(samples, 'nashra_outbox_oldest_pending_age_seconds', { subscriber: OTHER_SUBSCRIBERS }), 600)
    assert.equal(sampleValue(samples, 'nashra_outbox_oldest_pending_age_seconds', { subscriber: 'b' }), 10)
    assert.equal(sampleValue(samples, 'nashra_versions', { status: 'translating' }), 3)
    assert.equal(sampleValue(samples, 'nashra_versions', { status: 'received' }), 0)
    assert.equal(sampleValue(samples, 'nashra_versions_oldest_age_seconds', { status: 'translating' }), 42)
    assert.equal(sampleValue(samples, 'nashra_versions_oldest_age_seconds', { status: 'received' }), 0)
    assert.equal(sampleValue(samples, 'nashra_translation_circuit_state', { state: 'open' }), 1)

    // A subscriber whose backlog cleared leaves the gauges at the next scrape.
    metrics.setPipelineGauges({ versions: {}, oldestVersions: {}, outbox: [{ subscriberId: 'a', depth: 1, oldestCreatedAt: ago(5) }] }, now)
    const later = parsePrometheus(await metrics.registry.metrics())
    assert.deepEqual(later.filter((s) => s.name === 'nashra_outbox_depth').map((s) => s.labels['subscriber']), ['a'])
  })

  it('keeps apps apart: two registries in one process', async () => {
    const one = createMetrics({ subscriberLabels: 5 })
    const two = createMetrics({ subscriberLabels: 5 })
    one.deliveryAttempts.inc({ outcome: 'delivered' })
    assert.equal(sampleValue(parsePrometheus(await one.registry.metrics()), 'nashra_delivery_attempts_total', { outcome: 'delivered' }), 1)
    assert.equal(sampleValue(parsePrometheus(await two.registry.metrics()), 'nashra_delivery_attempts_total', { outcome: 'delivered' }), undefined)
  })

  it('the strict parser refuses what Prometheus would', () => {
    assert.throws(() => parsePrometheus('# TYPE x counter\nx{a="1"} one\n'), /not a number/)
    assert.throws(() => parsePrometheus('y 1\n'), /undeclared family/)
    assert.throws(() => parsePrometheus('# TYPE x counter\nx{a=1} 1\n'), /malformed sample/)
    assert.deepEqual(parsePrometheus('# TYPE x counter\nx{a="q\\"z"} 2\n'), [{ name: 'x', labels: { a: 'q"z' }, value: 2 }])
  })
})
