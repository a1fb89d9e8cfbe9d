// What every pipeline stage needs, passed explicitly (no module-level singletons).
import type { FastifyBaseLogger } from 'fastify'
import type { Dispatcher } from 'undici'
import type { DeliveryConfig } from '../config.ts'
import type { FeedNotifier } from '../delivery/feed-notifier.ts'
import type { RateLimiter } from '../delivery/rate-limit.ts'
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
  delivery: DeliveryConfig
  feed: FeedNotifier
  rateLimiter: RateLimiter
}

export function isoAfter (now: Date, ms: number): string {
  return new Date(now.getTime() + ms).toISOString()
}
