// What every pipeline stage needs, passed explicitly (no module-level singletons).
import type { FastifyBaseLogger } from 'fastify'
import type { Dispatcher } from 'undici'
import type { Storage } from '../storage/types.ts'
import type { TranslationProvider } from '../translation/types.ts'

export interface PipelineContext {
  storage: Storage
  translator: TranslationProvider
  /** The guarded undici Agent every webhook goes through. */
  agent: Dispatcher
  log: FastifyBaseLogger
  now: () => Date
  providerName: string
  leaseMs: number
  /** Delays before each retry of a failed delivery, in ms; past the last, the delivery is dead. */
  deliveryRetryScheduleMs: number[]
  deliveryTimeoutMs: number
  /** How many webhooks may be in flight at once, across subscribers. */
  deliveryConcurrency: number
}

export function isoAfter (now: Date, ms: number): string {
  return new Date(now.getTime() + ms).toISOString()
}
