// The service's Prometheus metrics, in a Registry of this app's own: tests run several apps in
// one process, and prom-client's global default registry would mix them. Counters and histograms
// are fed as things happen; gauges about waiting work are read from storage at scrape time.
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { GAUGED_VERSION_STATUSES, type PipelineGauges } from '../storage/types.ts'
import type { BreakerState } from '../translation/circuit-breaker.ts'
import type { EngineLoad } from '../translation/engine-limits.ts'

/** Where subscribers past the label cap are summed, so the label set stays bounded. */
export const OTHER_SUBSCRIBERS = '_other'

const BREAKER_STATES: BreakerState[] = ['closed', 'open', 'half-open']

export interface Metrics {
  registry: Registry
  httpDuration: Histogram<'method' | 'route' | 'status_code'>
  translationChars: Counter<'target_language' | 'outcome'>
  translationRequests: Counter<'target_language' | 'outcome'>
  engineDuration: Histogram<'target_language' | 'outcome'>
  deliveryAttempts: Counter<'outcome'>
  deliveryDuration: Histogram<'outcome'>
  /** Sets the scrape-time gauges: pipeline state from storage, the breaker's state. */
  setPipelineGauges(gauges: PipelineGauges, now: Date): void
}

export interface MetricsOptions {
  /** Subscribers labelled in outbox gauges, deepest first; the rest are summed. */
  subscriberLabels: number
  /** The translation engine's circuit breaker, when it has one. */
  breakerState?: () => BreakerState
  /** Calls in flight and codepoints sent in the last minute (translation/engine-limits.ts). */
  engineLoad?: () => EngineLoad
}

export function createMetrics ({ subscriberLabels, breakerState: readBreaker, engineLoad }: MetricsOptions): Metrics {
  const registry = new Registry()
  const registers = [registry]
  const versions = new Gauge({ name: 'nashra_versions', help: 'Story versions still in the pipeline, by status (failed ones wait for a person).', labelNames: ['status'], registers })
  const versionAge = new Gauge({ name: 'nashra_versions_oldest_age_seconds', help: 'Seconds since the oldest version in each pipeline status was received: how far behind the pipeline is.', labelNames: ['status'], registers })
  const outboxDepth = new Gauge({ name: 'nashra_outbox_depth', help: `Pending push deliveries per subscriber (the ${subscriberLabels} deepest; the rest summed as "${OTHER_SUBSCRIBERS}").`, labelNames: ['subscriber'], registers })
  const outboxAge = new Gauge({ name: 'nashra_outbox_oldest_pending_age_seconds', help: 'Age of the oldest pending push delivery per subscriber (the rest: the oldest among them).', labelNames: ['subscriber'], registers })
  const breakerState = new Gauge({ name: 'nashra_translation_circuit_state', help: 'The translation engine\'s circuit breaker: 1 for the state it is in.', labelNames: ['state'], registers })
  const engineInFlight = new Gauge({ name: 'nashra_translation_engine_in_flight', help: 'translateText calls in flight (at most TRANSLATION_CONCURRENCY).', registers })
  const engineChars = new Gauge({ name: 'nashra_translation_characters_last_minute', help: 'Codepoints sent to the engine in the last minute (at most TRANSLATION_CHARS_PER_MINUTE).', registers })

  return {
    registry,
    httpDuration: new Histogram({
      name: 'nashra_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers
    }),
    translationChars: new Counter({ name: 'nashra_translation_characters_total', help: 'Characters sent to the translation engine (on errors: those that were to be sent).', labelNames: ['target_language', 'outcome'], registers }),
    translationRequests: new Counter({ name: 'nashra_translation_requests_total', help: 'translateText requests, by target language and outcome.', labelNames: ['target_language', 'outcome'], registers }),
    engineDuration: new Histogram({
      name: 'nashra_translation_engine_duration_seconds',
      help: 'Time one batch spent with the engine, retries included.',
      labelNames: ['target_language', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers
    }),
    deliveryAttempts: new Counter({ name: 'nashra_delivery_attempts_total', help: 'Webhook attempts by outcome: delivered, pending (retried later) or dead.', labelNames: ['outcome'], registers }),
    deliveryDuration: new Histogram({
      name: 'nashra_delivery_duration_seconds',
      help: 'Webhook attempts, from connect to the end of the answer.',
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers
    }),
    setPipelineGauges (gauges, now) {
      versions.reset()
      const ageOf = (createdAt: string): number => Math.max(0, (now.getTime() - Date.parse(createdAt)) / 1000)
      versionAge.reset()
      for (const status of GAUGED_VERSION_STATUSES) {
        versions.set({ status }, gauges.versions[status] ?? 0)
        const oldest = gauges.oldestVersions[status]
        versionAge.set({ status }, oldest === undefined ? 0 : ageOf(oldest))
      }
      outboxDepth.reset()
      outboxAge.reset()
      const deepest = [...gauges.outbox].sort((a, b) => b.depth - a.depth || a.subscriberId.localeCompare(b.subscriberId))
      for (const entry of deepest.slice(0, subscriberLabels)) {
        outboxDepth.set({ subscriber: entry.subscriberId }, entry.depth)
        outboxAge.set({ subscriber: entry.subscriberId }, ageOf(entry.oldestCreatedAt))
      }
      const rest = deepest.slice(subscriberLabels)
      if (rest.length > 0) {
        outboxDepth.set({ subscriber: OTHER_SUBSCRIBERS }, rest.reduce((sum, e) => sum + e.depth, 0))
        outboxAge.set({ subscriber: OTHER_SUBSCRIBERS }, Math.max(...rest.map((e) => ageOf(e.oldestCreatedAt))))
      }
      breakerState.reset()
      const breaker = readBreaker?.()
      if (breaker !== undefined) for (const state of BREAKER_STATES) breakerState.set({ state }, state === breaker ? 1 : 0)
      const load = engineLoad?.()
      if (load !== undefined) {
        engineInFlight.set(load.inFlight)
        engineChars.set(load.charsInWindow)
      }
    }
  }
}
